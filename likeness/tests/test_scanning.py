"""Scans of real photos: faces stored, matched against enrolled people, kept up to date."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.media import encode_jpeg
from creatorhub.videos.models import Video
from creatorhub.videos.services import video_upload
from creatorhub.videos.signals import poster_stored
from likeness import scanning
from likeness.models import FaceEmbedding, FrameFace, FrameScan, LikenessMatch
from likeness.signals import match_found
from likeness.tests import photos
from likeness.tests.factories import enrol, video_showing

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    return make_user("demo")


@pytest.fixture
def copycat(db):
    return make_user("copycat")


@pytest.fixture
def found():
    """The match_found signals sent, as (person_id, video_id)."""
    sent = []

    def receiver(sender, person_id, video_id, **kwargs):
        sent.append((person_id, video_id))

    match_found.connect(receiver, dispatch_uid="test.match_found")
    yield sent
    match_found.disconnect(dispatch_uid="test.match_found")


def matches_of(video) -> dict[int, float]:
    return dict(LikenessMatch.objects.filter(video=video).values_list("person_id", "distance"))


def test_a_scan_finds_the_enrolled_face_in_someone_elses_poster(
    demo, copycat, found, django_capture_on_commit_callbacks
):
    enrol(demo)
    hopper = make_user("hopper")
    enrol(hopper, "grace_hopper")
    video = video_showing(copycat, photos.scaled(photos.astronaut(), 1.25))
    with django_capture_on_commit_callbacks() as callbacks:
        assert scanning.video_scan(video_id=video.id) == 1
    run(callbacks)
    scan = FrameScan.objects.get(video=video)
    assert (scan.poster, scan.faces) == (video.poster.name, 1)
    assert FrameFace.objects.filter(video=video).count() == 1
    distances = matches_of(video)
    assert list(distances) == [demo.id] and distances[demo.id] < 0.6
    assert found == [(demo.id, video.id)]
    # Scanned again: the same match, not new, so not announced again.
    with django_capture_on_commit_callbacks() as callbacks:
        scanning.video_scan(video_id=video.id)
    run(callbacks)
    assert list(matches_of(video)) == [demo.id] and len(found) == 1
    assert FrameFace.objects.filter(video=video).count() == 1


def test_two_people_in_one_poster_are_both_found(demo, copycat):
    enrol(demo)
    hopper = make_user("hopper")
    enrol(hopper, "grace_hopper")
    both = photos.side_by_side(photos.astronaut(), photos.grace_hopper())
    video = video_showing(copycat, both)
    assert scanning.video_scan(video_id=video.id) == 2
    assert set(matches_of(video)) == {demo.id, hopper.id}


def test_the_owner_is_matched_in_their_own_video_but_not_announced(
    demo, found, django_capture_on_commit_callbacks
):
    enrol(demo)
    own = video_showing(demo, photos.astronaut())
    with django_capture_on_commit_callbacks() as callbacks:
        scanning.video_scan(video_id=own.id)
    run(callbacks)
    assert list(matches_of(own)) == [demo.id]
    assert found == []


def test_a_new_poster_drops_the_stale_match(demo, copycat):
    enrol(demo)
    video = video_showing(copycat, photos.astronaut())
    scanning.video_scan(video_id=video.id)
    assert list(matches_of(video)) == [demo.id]
    video.poster.save("new.jpg", ContentFile(encode_jpeg(photos.grace_hopper())), save=True)
    assert scanning.scan_stale(video=video)
    scanning.video_scan(video_id=video.id)
    assert matches_of(video) == {}
    assert FrameScan.objects.get(video=video).poster == video.poster.name
    assert not scanning.scan_stale(video=video)


def test_a_poster_without_faces_is_scanned_and_matches_nobody(demo, copycat):
    enrol(demo)
    video = video_showing(copycat, photos.scaled(photos.grace_hopper(), 0.1))  # too small
    assert scanning.video_scan(video_id=video.id) == 0
    assert FrameScan.objects.get(video=video).faces == 0
    assert matches_of(video) == {}


def test_a_scan_of_a_poster_replaced_meanwhile_is_not_stored(demo, copycat):
    enrol(demo)
    video = video_showing(copycat, photos.astronaut())
    faces = scanning.poster_faces(video.poster.name)
    assert not scanning.scan_store(video_id=video.id, poster="old/poster.jpg", faces=faces)
    assert not FrameScan.objects.filter(video=video).exists()
    assert matches_of(video) == {}


def test_an_unreadable_poster_is_scanned_with_no_faces(copycat):
    video = video_showing(copycat, photos.astronaut())
    video.poster.save("broken.jpg", ContentFile(b"not an image"), save=True)
    assert scanning.video_scan(video_id=video.id) == 0
    assert scanning.video_scan(video_id=10**9) is None


def test_a_newly_enrolled_person_is_found_in_frames_scanned_before(
    demo, copycat, found, django_capture_on_commit_callbacks
):
    theirs = video_showing(copycat, photos.astronaut())
    own = video_showing(demo, photos.jpeg(photos.astronaut(), 50))
    other = video_showing(copycat, photos.grace_hopper())
    for video in (theirs, own, other):
        scanning.video_scan(video_id=video.id)
    assert not LikenessMatch.objects.exists()

    enrol(demo)
    with django_capture_on_commit_callbacks() as callbacks:
        assert scanning.person_rematch(person_id=demo.id) == 2
    run(callbacks)
    assert set(LikenessMatch.objects.values_list("person_id", "video_id")) == {
        (demo.id, theirs.id),
        (demo.id, own.id),
    }
    assert found == [(demo.id, theirs.id)]  # not their own video

    # Enrolment deleted: matched nowhere any more.
    FaceEmbedding.objects.filter(user=demo).delete()
    assert scanning.person_rematch(person_id=demo.id) == 0
    assert not LikenessMatch.objects.exists()


def test_backfill_scans_each_unseen_poster_once(demo, copycat):
    enrol(demo)
    shown = video_showing(copycat, photos.astronaut())
    sharing = video_showing(copycat, photos.grace_hopper())
    # Seeded videos share one poster file.
    sharing_too = video_showing(copycat, photos.grace_hopper())
    sharing_too.poster.name = sharing.poster.name
    sharing_too.save(update_fields=["poster"])
    no_poster = video_showing(copycat, photos.astronaut())
    no_poster.poster = ""
    no_poster.save(update_fields=["poster"])

    assert scanning.backfill_batch(size=2) == 2
    assert scanning.backfill(size=2) == 1
    assert scanning.backfill() == 0
    assert set(FrameScan.objects.values_list("video_id", flat=True)) == {
        shown.id,
        sharing.id,
        sharing_too.id,
    }
    assert list(LikenessMatch.objects.values_list("person_id", "video_id")) == [(demo.id, shown.id)]
    # A new poster is unseen again.
    shown.poster.save("new.jpg", ContentFile(encode_jpeg(photos.grace_hopper())), save=True)
    assert list(scanning.posters_unscanned()) == [shown]
    out = io.StringIO()
    call_command("likeness_backfill", stdout=out)
    assert "Scanned 1 videos" in out.getvalue()
    assert not LikenessMatch.objects.exists()


def test_storing_a_poster_announces_it_on_commit(copycat, django_capture_on_commit_callbacks):
    sent = []

    def receiver(sender, video_id, **kwargs):
        sent.append(video_id)

    poster_stored.connect(receiver, dispatch_uid="test.poster_stored")
    try:
        # Not executed: the likeness receiver would send a scan to the broker.
        with django_capture_on_commit_callbacks() as callbacks:
            video = video_upload(
                owner=copycat,
                file=SimpleUploadedFile(
                    "face.png", photos.png_bytes(photos.astronaut()), "image/png"
                ),
                title="Face",
            )
        assert sent == []
        for callback in callbacks:
            callback()
    finally:
        poster_stored.disconnect(dispatch_uid="test.poster_stored")
    assert sent == [video.id]


def run(callbacks) -> None:
    """Run what was registered on commit; what those register in turn stays unsent (no task
    reaches the broker from a unit test)."""
    for callback in callbacks:
        callback()


def test_the_seeded_demo_library_is_scanned_by_the_backfill():
    call_command("seed_demo", videos=5, creators=0, stdout=io.StringIO())
    postered = Video.objects.exclude(poster="")
    assert postered.exists() and not FrameScan.objects.exists()
    assert scanning.backfill() == postered.count()
    assert FrameScan.objects.count() == postered.count()
    assert not scanning.posters_unscanned().exists()
