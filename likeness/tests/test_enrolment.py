"""Enrolment: biometric consent, photos checked and staged, the worker's part, the reconciler
and deleting an enrolment. The engine is real (dlib on the packaged photos)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from consent.history import describe_entry
from consent.ledger import ledger_verify
from consent.models import LedgerEntry
from creatorhub.videos.tests.factories import make_video
from likeness import engine, enrolment, preferences
from likeness.models import (
    EnrolmentPhoto,
    FaceEmbedding,
    LikenessMatch,
    LikenessProfile,
    RefusedAttempt,
    VideoAllowance,
)
from likeness.signals import likeness_changing, person_enrolled
from likeness.tests import photos

pytestmark = pytest.mark.django_db

ASTRONAUT = photos.png_bytes(photos.astronaut())
BAD_PHOTOS = {
    "no_face": photos.png_bytes(Image.new("RGB", (400, 300), (30, 90, 160))),
    "several_faces": photos.png_bytes(
        photos.side_by_side(photos.astronaut(), photos.grace_hopper())
    ),
    "face_too_small": photos.png_bytes(photos.scaled(photos.astronaut(), 60 / 90)),
    "not_an_image": b"GIF89a but not really",
}


@pytest.fixture
def sent(monkeypatch):
    """Tasks sent to the broker (the outside boundary), by name and arguments."""
    from creatorhub.celery import app

    messages: list[tuple[str, tuple]] = []
    monkeypatch.setattr(app, "send_task", lambda name, args: messages.append((name, args)))
    return messages


@pytest.fixture
def consenting(creator):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    return creator


def upload(data: bytes, name: str = "me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def staged_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / enrolment.STAGING
    return sorted(folder.iterdir()) if folder.exists() else []


def nothing_stored(settings) -> bool:
    return (
        not EnrolmentPhoto.objects.exists()
        and not FaceEmbedding.objects.exists()
        and not staged_files(settings)
    )


def test_biometric_consent_is_recorded_once(creator):
    entry = enrolment.biometric_consent_give(person=creator, actor=creator)
    assert entry.action == LedgerEntry.Action.LIKENESS
    assert entry.payload == {"likeness": {"biometric": {"given": True}}}
    assert LikenessProfile.objects.get(user=creator).biometric_consent_at is not None
    assert enrolment.biometric_consent_give(person=creator, actor=creator) is None
    assert LedgerEntry.objects.filter(creator=creator).count() == 1
    assert describe_entry(entry) == "Consent to biometric processing of my face given"


@pytest.fixture
def changing_heard():
    heard: list[dict] = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    likeness_changing.connect(receiver, weak=False)
    yield heard
    likeness_changing.disconnect(receiver)


def test_biometric_consent_is_not_announced(creator, changing_heard):
    enrolment.biometric_consent_give(person=creator, actor=creator)
    assert changing_heard == []


def test_no_photo_without_biometric_consent(creator, settings):
    with pytest.raises(enrolment.EnrolmentRefused) as refused:
        enrolment.photo_add(person=creator, file=upload(ASTRONAUT))
    assert (refused.value.status, refused.value.code) == (403, "biometric_consent_required")
    assert nothing_stored(settings)


@pytest.mark.parametrize("code", BAD_PHOTOS)
def test_each_refusal_leaves_nothing_stored(consenting, settings, sent, code):
    with pytest.raises(enrolment.EnrolmentRefused) as refused:
        enrolment.photo_add(person=consenting, file=upload(BAD_PHOTOS[code]))
    assert (refused.value.status, refused.value.code) == (400, code)
    assert str(refused.value)  # words for the person
    assert nothing_stored(settings)
    assert sent == []


def test_too_large_is_refused_before_the_engine(consenting, settings):
    settings.LIKENESS_MAX_PHOTO_BYTES = len(ASTRONAUT) - 1
    with pytest.raises(enrolment.EnrolmentRefused) as refused:
        enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))
    assert (refused.value.status, refused.value.code) == (413, "too_large")
    assert nothing_stored(settings)
    settings.LIKENESS_MAX_PHOTO_BYTES = len(ASTRONAUT)
    assert enrolment.photo_add(person=consenting, file=upload(ASTRONAUT)).status == "processing"


def test_a_good_photo_is_staged_privately_and_sent_to_the_worker(
    consenting, settings, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))
    assert photo.status == EnrolmentPhoto.Status.PROCESSING
    [staged] = staged_files(settings)
    assert staged.read_bytes() == ASTRONAUT
    assert photo.staged_path == f"{enrolment.STAGING}/{staged.name}"
    assert not str(staged).startswith(str(settings.MEDIA_ROOT))
    assert sent == [(enrolment.PROCESS_TASK, (photo.id,))]
    assert not FaceEmbedding.objects.exists()  # the worker's part


def test_at_most_five_photos(consenting, settings):
    for _ in range(enrolment.MAX_PHOTOS - 1):
        enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))
    # A failed photo does not count.
    failed = enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))
    EnrolmentPhoto.objects.filter(id=failed.id).update(status="failed", error="no_face")
    enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))
    with pytest.raises(enrolment.EnrolmentRefused) as refused:
        enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))
    assert (refused.value.status, refused.value.code) == (400, "too_many_photos")
    assert EnrolmentPhoto.objects.count() == enrolment.MAX_PHOTOS + 1
    assert len(staged_files(settings)) == enrolment.MAX_PHOTOS + 1


def staged_photo(person, data: bytes = ASTRONAUT) -> EnrolmentPhoto:
    """A photo as photo_add stages it, whatever its bytes (the worker checks again)."""
    return enrolment._photo_stage(person=person, data=data)


@pytest.fixture
def enrolled_heard():
    heard: list[int] = []

    def receiver(sender, person_id, **kwargs):
        heard.append(person_id)

    person_enrolled.connect(receiver, weak=False)
    yield heard
    person_enrolled.disconnect(receiver)


def test_the_worker_stores_the_embedding_and_deletes_the_file(
    consenting, settings, enrolled_heard, django_capture_on_commit_callbacks
):
    photo = staged_photo(consenting)
    with django_capture_on_commit_callbacks(execute=True):
        assert enrolment.photo_process(photo_id=photo.id) == "ready"
    photo.refresh_from_db()
    assert (photo.status, photo.error, photo.staged_path) == ("ready", "", "")
    embedding = FaceEmbedding.objects.get(user=consenting)
    assert embedding.photo_id == photo.id
    expected = engine.enrolment_embedding(ASTRONAUT)
    assert np.allclose(np.asarray(embedding.vector, dtype=np.float32), expected, atol=1e-5)
    assert staged_files(settings) == []
    assert enrolled_heard == [consenting.id]
    # Run again (a redelivered message): nothing more happens.
    with django_capture_on_commit_callbacks(execute=True):
        assert enrolment.photo_process(photo_id=photo.id) == "ready"
    assert FaceEmbedding.objects.count() == 1
    assert enrolled_heard == [consenting.id]


@pytest.mark.parametrize("code", ["no_face", "several_faces", "not_an_image"])
def test_the_worker_fails_a_photo_and_still_deletes_the_file(
    consenting, settings, enrolled_heard, django_capture_on_commit_callbacks, code
):
    photo = staged_photo(consenting, BAD_PHOTOS[code])
    with django_capture_on_commit_callbacks(execute=True):
        assert enrolment.photo_process(photo_id=photo.id) == "failed"
    photo.refresh_from_db()
    assert (photo.status, photo.error, photo.staged_path) == ("failed", code, "")
    assert not FaceEmbedding.objects.exists()
    assert staged_files(settings) == []
    assert enrolled_heard == []


def test_the_worker_deletes_the_file_when_it_crashes(consenting, settings, monkeypatch):
    photo = staged_photo(consenting)

    def crash(data):
        raise MemoryError("dlib ran out of memory")

    monkeypatch.setattr(engine, "enrolment_embedding", crash)
    with pytest.raises(MemoryError):
        enrolment.photo_process(photo_id=photo.id)
    assert staged_files(settings) == []
    assert not FaceEmbedding.objects.exists()
    # The reconciler then fails it: its file is gone.
    later = timezone.now() + enrolment.STUCK_AFTER * 2
    assert enrolment.photos_reconcile(now=later)["lost"] == 1
    photo.refresh_from_db()
    assert photo.status == "failed"


def test_a_photo_deleted_meanwhile_is_left_alone(consenting, settings):
    photo = staged_photo(consenting)
    enrolment.enrolment_delete(person=consenting, actor=consenting)
    assert enrolment.photo_process(photo_id=photo.id) == "gone"
    assert not FaceEmbedding.objects.exists()


def test_the_reconciler_requeues_stuck_photos_and_deletes_orphans(
    consenting, settings, sent, django_capture_on_commit_callbacks
):
    stuck = staged_photo(consenting)
    fresh_at = timezone.now()
    EnrolmentPhoto.objects.filter(id=stuck.id).update(
        created_at=fresh_at - enrolment.STUCK_AFTER - dt.timedelta(seconds=1)
    )
    recent = staged_photo(consenting)
    orphan = Path(settings.PRIVATE_ROOT) / enrolment.STAGING / "left-by-a-rollback.img"
    orphan.write_bytes(b"x")
    young_orphan = orphan.with_name("still-being-written.img")
    young_orphan.write_bytes(b"x")
    old = (fresh_at - enrolment.ORPHAN_AFTER - dt.timedelta(minutes=1)).timestamp()
    os.utime(orphan, (old, old))
    for photo in (stuck, recent):  # a photo's own file is never an orphan, however old
        os.utime(Path(settings.PRIVATE_ROOT) / photo.staged_path, (old, old))
    with django_capture_on_commit_callbacks(execute=True):
        result = enrolment.photos_reconcile(now=fresh_at)
    assert result == {"requeued": 1, "lost": 0, "orphans": 1}
    assert sent == [(enrolment.PROCESS_TASK, (stuck.id,))]
    assert not orphan.exists() and young_orphan.exists()
    assert len(staged_files(settings)) == 3


def test_delete_removes_everything_of_the_face_and_keeps_the_ledger(
    consenting, other_creator, settings, changing_heard, django_capture_on_commit_callbacks
):
    ready = staged_photo(consenting)
    enrolment.photo_process(photo_id=ready.id)
    processing = staged_photo(consenting)
    video = make_video(other_creator)
    LikenessMatch.objects.create(video=video, person=consenting, distance=0.2)
    RefusedAttempt.objects.create(person=consenting, video=video, count=3, last_at=timezone.now())
    preferences.allowance_set(person=consenting, actor=consenting, video=video, allowed=True)
    preferences.likeness_consent_set(
        person=consenting, actor=consenting, others_videos="ask", own_videos=True
    )
    # Someone else's enrolment is not touched.
    enrolment.biometric_consent_give(person=other_creator, actor=other_creator)
    theirs = staged_photo(other_creator)
    before = LedgerEntry.objects.filter(creator=consenting).count()
    changing_heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        entry = enrolment.enrolment_delete(person=consenting, actor=consenting)
    assert entry.payload == {"likeness": {"enrolment": "deleted"}}
    assert [kwargs["entry"] for kwargs in changing_heard] == [entry]
    assert not FaceEmbedding.objects.filter(user=consenting).exists()
    assert not EnrolmentPhoto.objects.filter(user=consenting).exists()
    assert not LikenessMatch.objects.exists()
    assert not RefusedAttempt.objects.exists()
    assert VideoAllowance.objects.filter(person=consenting, video=video).exists()
    profile = LikenessProfile.objects.get(user=consenting)
    assert profile.biometric_consent_at is None
    assert (profile.others_videos, profile.own_videos) == ("ask", True)
    assert LedgerEntry.objects.filter(creator=consenting).count() == before + 1
    assert not (Path(settings.PRIVATE_ROOT) / processing.staged_path).exists()
    assert (Path(settings.PRIVATE_ROOT) / theirs.staged_path).exists()
    assert EnrolmentPhoto.objects.filter(user=other_creator).count() == 1
    assert describe_entry(entry).startswith("Face enrolment deleted")
    assert ledger_verify().ok
    # Deleting again: nothing to delete, nothing recorded.
    assert enrolment.enrolment_delete(person=consenting, actor=consenting) is None
    assert LedgerEntry.objects.filter(creator=consenting).count() == before + 1
    # And a photo needs consent again.
    with pytest.raises(enrolment.EnrolmentRefused):
        enrolment.photo_add(person=consenting, file=upload(ASTRONAUT))


def test_beat_runs_the_reconciler(settings):
    from creatorhub.celery import app
    from likeness import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["reconcile-enrolment-photos"]
    assert entry["task"] == tasks.enrolment_reconcile.name
    assert entry["task"] in app.tasks and enrolment.PROCESS_TASK in app.tasks
    assert tasks.enrolment_reconcile() == {"requeued": 0, "lost": 0, "orphans": 0}
