"""A change of the creator's AI-training choice reaches published files: each is signed again
as a new version from its unsigned render (or rendered again if it has none)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from consent.models import CreatorPolicy
from remixer import pipeline, resign, services, signing, sync
from remixer.models import Notification, Regeneration, Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import CAPTION, allow, make_postered_video

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def video(creator):
    return make_postered_video(creator, title="Source")


def seq(creator) -> int:
    return CreatorPolicy.objects.get(creator=creator).ledger_seq


def published(viewer, video, count: int) -> list[Remix]:
    remixes = [
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
        for _ in range(count)
    ]
    for remix in remixes:
        assert pipeline.remix_render(remix_id=remix.id) == "published"
        remix.refresh_from_db()
    return remixes


def credentials(remix: Remix):
    remix.refresh_from_db()
    with remix.output.open("rb") as handle:
        return provenance_read(data=handle.read())


def sync_and_resign(creator, on_commit) -> None:
    """What the consent_changed subscriber and the worker do, in-process (with the worker's
    on-commit work: deleting the old versions)."""
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    ids = list(Remix.objects.filter(resign=True).values_list("id", flat=True))
    with on_commit(execute=True):
        for remix, consent in resign.remixes_claim_resign(remix_ids=ids):
            resign.remix_resign_claimed(remix=remix, consent=consent)
    sync.regenerations_finish()


def test_render_keeps_the_unsigned_render_privately_and_records_the_choice(viewer, creator, video):
    allow(creator, training=True)
    (remix,) = published(viewer, video, 1)
    assert (remix.signed_training, remix.signed_companies, remix.resign) == (True, [], False)
    kept = settings.PRIVATE_ROOT / "remix-renders" / f"{remix.public_id}.jpg"
    assert kept.is_file() and not str(kept).startswith(str(settings.MEDIA_ROOT))
    assert provenance_read(data=kept.read_bytes()).state == "none"  # unsigned


def test_turning_training_off_signs_every_published_remix_again_as_a_new_version(
    viewer, creator, video, creator_client, anon_client, django_capture_on_commit_callbacks
):
    allow(creator, training=True)
    remixes = published(viewer, video, 3)
    old = {remix.id: (remix.output.name, remix.version) for remix in remixes}
    assert {credentials(remix).ai_training for remix in remixes} == {"allowed"}

    allow(creator, training=False)
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    regeneration = Regeneration.objects.get(creator=creator, ledger_seq=seq(creator))
    assert (regeneration.total, regeneration.resigns, regeneration.finished_at) == (3, 3, None)
    page = creator_client.get(reverse("remixer:regeneration"), **HTMX)
    assert "Signing again 0 / 3" in page.content.decode()

    sync_and_resign(creator, django_capture_on_commit_callbacks)
    for remix in remixes:
        remix.refresh_from_db()
        name, version = old[remix.id]
        assert remix.status == "published" and remix.version == version + 1
        assert (remix.signed_training, remix.resign) == (False, False)
        assert credentials(remix).ai_training == "notAllowed"
        assert credentials(remix).training["c2pa.ai_training"] == "notAllowed"
        assert not default_storage.exists(name), "the old version is deleted"
        assert anon_client.get(f"/media/{name}").status_code == 404
        assert anon_client.get(f"/media/{remix.output.name}").status_code == 200
    regeneration.refresh_from_db()
    assert regeneration.finished_at is not None
    done = creator_client.get(f"{reverse('remixer:regeneration')}?id={regeneration.id}", **HTMX)
    assert done.status_code == 286 and "Signed again 3 / 3" in done.content.decode()
    # Requesters are not told their remixes are "back": they never went away.
    assert not Notification.objects.filter(recipient=viewer, kind="published").exclude(
        remix__isnull=False
    )
    assert Notification.objects.filter(
        recipient=creator, kind="regenerated", message__contains="3 published remixes"
    ).exists()


def test_a_company_list_change_is_signed_and_a_repeat_sync_counts_nothing_twice(
    viewer, creator, video, django_capture_on_commit_callbacks
):
    allow(creator, training=True, companies=("Acme AI",))
    (remix,) = published(viewer, video, 1)
    allow(creator, training=True, companies=("Acme AI", "Beta"))
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    assert Regeneration.objects.get(ledger_seq=seq(creator)).total == 1
    sync_and_resign(creator, django_capture_on_commit_callbacks)
    remix.refresh_from_db()
    assert remix.signed_companies == ["Acme AI", "Beta"]
    assert credentials(remix).ai_training == "constrained"


def test_a_remix_without_an_unsigned_copy_is_rendered_again(viewer, creator, video):
    allow(creator, training=True)
    (remix,) = published(viewer, video, 1)
    signing.unsigned_delete(public_ids=[remix.public_id])
    allow(creator, training=False)
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    [(claimed, consent)] = resign.remixes_claim_resign(remix_ids=[remix.id])
    assert resign.remix_resign_claimed(remix=claimed, consent=consent) == "rerendered"
    assert credentials(remix).ai_training == "notAllowed"
    assert signing.unsigned_read(public_id=remix.public_id) is not None


def test_a_takedown_during_signing_is_never_revived(
    viewer, creator, video, django_capture_on_commit_callbacks
):
    allow(creator, training=True)
    (remix,) = published(viewer, video, 1)
    allow(creator, training=False)
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    [(claimed, consent)] = resign.remixes_claim_resign(remix_ids=[remix.id])
    with django_capture_on_commit_callbacks(execute=True):
        services.remix_takedown(remix=remix, actor=creator)
        assert resign.remix_resign_claimed(remix=claimed, consent=consent) == "superseded"
    assert signing.unsigned_read(public_id=remix.public_id) is None
    remix.refresh_from_db()
    assert remix.status == "withdrawn" and not remix.output
    assert default_storage.listdir(f"remixes/{remix.public_id}")[1] == []


def test_a_choice_changed_while_signing_is_not_published(
    viewer, creator, video, django_capture_on_commit_callbacks
):
    allow(creator, training=True)
    (remix,) = published(viewer, video, 1)
    first = remix.output.name
    allow(creator, training=False)
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    [(claimed, consent)] = resign.remixes_claim_resign(remix_ids=[remix.id])
    allow(creator, training=True, companies=("Acme AI",))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert resign.remix_resign_claimed(remix=claimed, consent=consent) == "stale"
    remix.refresh_from_db()
    assert remix.output.name == first and remix.resign
    assert callbacks, "signed again with the newest choice"


def test_the_reconciler_finds_files_signed_before_the_choice_was_recorded(viewer, creator, video):
    allow(creator, training=True)
    (remix,) = published(viewer, video, 1)
    Remix.objects.filter(id=remix.id).update(signed_training=None)
    held, marked = sync.remixes_sync_with_consent()
    assert (held, marked) == (0, 1)
    remix.refresh_from_db()
    assert remix.resign and remix.regeneration_id is not None


def test_a_remix_that_can_be_neither_signed_nor_rendered_again_stops_being_served(
    viewer, creator, video, anon_client
):
    allow(creator, training=True)
    (remix,) = published(viewer, video, 1)
    signing.unsigned_delete(public_ids=[remix.public_id])
    video.poster.save("broken.jpg", ContentFile(b"not a jpeg"), save=True)
    allow(creator, training=False)
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    [(claimed, consent)] = resign.remixes_claim_resign(remix_ids=[remix.id])
    assert resign.remix_resign_claimed(remix=claimed, consent=consent) == "failed"
    remix.refresh_from_db()
    assert remix.status == "failed" and not remix.output and not remix.resign
    assert "AI-training choice" in remix.reason
