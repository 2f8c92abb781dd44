"""The reconciler works from a watermark and leases: with nothing changed it syncs no one, a
consent change after its mark is caught up, and queued work whose message is still in the
broker (a fresh lease) is never sent again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from remixer import pipeline, services, sync
from remixer.models import Remix, SyncMark
from remixer.tests.factories import CAPTION, allow, deny, make_postered_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The clock, moved on by hand: `clock.advance(minutes=2)`."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += dt.timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


@pytest.fixture
def held(creator, viewer):
    """Two published remixes withdrawn by a revocation."""
    video = make_postered_video(creator, title="Source")
    allow(creator)
    remixes = [
        services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)
        for _ in range(2)
    ]
    for remix in remixes:
        pipeline.remix_render(remix_id=remix.id)
    deny(creator)
    return remixes


def settled(clock) -> None:
    """Runs until the mark is past every ledger entry so far."""
    sync.remixes_reconcile()
    clock.advance(minutes=2)
    sync.remixes_reconcile()


def test_with_nothing_changed_a_run_syncs_no_one(
    held, clock, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settled(clock)
    mark = SyncMark.objects.get(name="reconcile")
    assert mark.ledger_entry_id > 0
    clock.advance(seconds=10)
    # The mark and its run lease (3), no changed creator (1), no stuck work (1), no open
    # regeneration (1), the lease given back (1).
    with django_assert_num_queries(7), django_capture_on_commit_callbacks() as sent:
        outcome = sync.remixes_reconcile()
    assert outcome == {"held": 0, "requeued": 0, "stuck": 0, "finished": 0}
    assert sent == []


def test_a_change_after_the_mark_is_caught_up(
    held, creator, clock, django_capture_on_commit_callbacks
):
    settled(clock)
    # Allowed again, and the announcement never reaches a worker (its on-commit is not run).
    allow(creator)
    clock.advance(seconds=10)
    with django_capture_on_commit_callbacks() as sent:
        outcome = sync.remixes_reconcile()
    assert outcome["requeued"] == 2
    assert len(sent) == 1  # one render chunk
    assert set(Remix.objects.values_list("status", flat=True)) == {Remix.Status.QUEUED}
    clock.advance(seconds=10)
    with django_capture_on_commit_callbacks() as sent:
        assert sync.remixes_reconcile()["requeued"] == 0
    assert sent == []


def test_an_overlapping_run_does_nothing(held, creator, clock):
    SyncMark.objects.create(name="reconcile", running_until=clock.now + dt.timedelta(minutes=1))
    allow(creator)
    assert sync.remixes_reconcile() is None
    assert set(Remix.objects.values_list("status", flat=True)) == {Remix.Status.HELD}
    clock.advance(minutes=2)  # the other run died: its lease runs out
    assert sync.remixes_reconcile()["requeued"] == 2


def test_queued_work_with_a_fresh_lease_is_not_sent_again(
    viewer, creator, clock, django_capture_on_commit_callbacks
):
    allow(creator)
    video = make_postered_video(creator, title="Source")
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    clock.advance(minutes=30)  # long past the stuck deadline, inside the lease
    with django_capture_on_commit_callbacks() as sent:
        assert sync.remixes_requeue_stuck() == 0
    assert sent == []

    clock.advance(minutes=31)  # the lease ran out: sent once, with a new lease
    with django_capture_on_commit_callbacks() as sent:
        assert sync.remixes_requeue_stuck() == 1
    assert len(sent) == 1
    remix.refresh_from_db()
    assert (remix.status, remix.enqueued_at) == (Remix.Status.QUEUED, clock.now)
    with django_capture_on_commit_callbacks() as sent:
        assert sync.remixes_requeue_stuck() == 0
    assert sent == []


def test_released_work_is_sent_again_after_the_stuck_deadline(viewer, creator, clock):
    """A render its worker gave back carries no message: no lease to wait for."""
    allow(creator)
    video = make_postered_video(creator, title="Source")
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remixes_claim(remix_ids=[remix.id])
    pipeline.remix_release(remix_id=remix.id, reason="disk full")
    assert sync.remixes_requeue_stuck() == 0
    clock.advance(minutes=3)
    assert sync.remixes_requeue_stuck() == 1
