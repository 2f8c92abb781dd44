"""Regeneration: held remixes come back as one progress record the creator's pages poll."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent.models import CreatorPolicy
from remixer import pipeline, services, sync
from remixer.models import Notification, Regeneration, Remix
from remixer.tests.factories import CAPTION, allow, deny

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def video(creator):
    from remixer.tests.factories import make_postered_video

    return make_postered_video(creator, title="Source")


def seq(creator) -> int:
    return CreatorPolicy.objects.get(creator=creator).ledger_seq


@pytest.fixture
def held(viewer, creator, video):
    """Three published remixes withdrawn by a revocation, then consent allowed again."""
    allow(creator)
    remixes = [
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
        for _ in range(3)
    ]
    for remix in remixes:
        pipeline.remix_render(remix_id=remix.id)
    deny(creator)
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    allow(creator)
    return remixes


def test_a_sync_records_its_change_even_when_nothing_returns(creator, video):
    allow(creator)
    assert sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator)) == (
        0,
        0,
    )
    marker = Regeneration.objects.get(creator=creator, ledger_seq=seq(creator))
    assert marker.total == 0 and marker.finished_at is not None


def test_regeneration_counts_progress_from_the_remixes(held, creator, viewer):
    assert sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator)) == (
        0,
        3,
    )
    regeneration = Regeneration.objects.get(creator=creator, total=3)
    assert set(Remix.objects.values_list("regeneration", flat=True)) == {regeneration.id}
    pipeline.remix_render(remix_id=held[0].id)
    assert sync.regenerations_finish(ids=[regeneration.id]) == 0
    for remix in held[1:]:
        pipeline.remix_render(remix_id=remix.id)
    assert sync.regenerations_finish(ids=[regeneration.id]) == 1
    assert sync.regenerations_finish() == 0, "closed once only"
    note = Notification.objects.get(recipient=creator, kind="regenerated")
    assert "3 of 3" in note.message
    back = Notification.objects.filter(recipient=viewer, kind="published", remix=None)
    assert [n.message for n in back] == [
        "Remixes of yours are back: the creator allows them again."
    ]


def test_reconciler_regenerates_under_the_creators_current_seq(held, creator):
    assert sync.remixes_sync_with_consent() == (0, 3)
    assert Regeneration.objects.get(total=3).ledger_seq == seq(creator)


def test_progress_region_polls_until_done_then_stops(held, creator, creator_client):
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    url = reverse("remixer:regeneration")
    running = creator_client.get(url, **HTMX)
    assert running.status_code == 200
    assert "Regenerating 0 / 3 (0%)" in running.text and 'hx-trigger="every 1s"' in running.text
    regeneration = Regeneration.objects.get(total=3)
    pipeline.remix_render(remix_id=held[0].id)
    partly = creator_client.get(f"{url}?id={regeneration.id}", **HTMX)
    assert "Regenerating 1 / 3 (33%)" in partly.text
    for remix in held[1:]:
        pipeline.remix_render(remix_id=remix.id)
    done = creator_client.get(f"{url}?id={regeneration.id}", **HTMX)
    assert done.status_code == 286
    assert "Regenerated 3 / 3 (100%)" in done.text and "every 1s" not in done.text


def test_pages_show_a_running_regeneration_after_reload(held, creator, creator_client):
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    for page in ("consent:page", "remixer:of_my_work"):
        assert "Regenerating 0 / 3" in creator_client.get(reverse(page)).text


def test_a_fresh_consent_change_waits_for_its_sync(creator, creator_client, video):
    url = reverse("remixer:regeneration")
    idle = creator_client.get(url, **HTMX)
    assert idle.status_code == 286 and "every 1s" not in idle.text
    allow(creator)
    waiting = creator_client.get(url, **HTMX)
    assert waiting.status_code == 200 and 'hx-trigger="every 1s"' in waiting.text
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    synced = creator_client.get(url, **HTMX)
    assert synced.status_code == 286 and "consentChanged from:body" in synced.text


def test_other_peoples_regenerations_are_404(held, creator, viewer_client):
    sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq(creator))
    regeneration = Regeneration.objects.get(total=3)
    url = reverse("remixer:regeneration")
    assert viewer_client.get(f"{url}?id={regeneration.id}", **HTMX).status_code == 404
    assert viewer_client.get(f"{url}?id=abc", **HTMX).status_code == 400
    assert viewer_client.get(url).status_code == 302


@pytest.mark.parametrize("raw_id", ["\u00b2", "\u0661", "1\u00b9", "-1", " 1", "9" * 30])
def test_regeneration_ids_that_are_not_plain_digits_are_400_not_500(creator_client, raw_id):
    url = reverse("remixer:regeneration")
    assert creator_client.get(url, {"id": raw_id}, **HTMX).status_code == 400
