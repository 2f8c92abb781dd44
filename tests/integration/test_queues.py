"""Separate queues and leases, against the real Redis: a worker that takes only consent syncs
syncs while renders pile up, and a regeneration with the reconciler running every 10 s puts
each remix in the broker once (counted in the broker itself)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from consent.tasks import consent_changed
from creatorhub.celery import app as celery_app
from remixer import sync
from remixer.models import Regeneration, Remix
from remixer.tasks import render_remixes
from remixer.tests.factories import allow, make_postered_video, remix_row
from tests.fixtures.services import start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(real_services):
    """The test Redis, with every queue empty before and after, and no render taken from it
    meanwhile: the suite's shared worker, if one is running, stops consuming `render` for the
    test (these tests count render messages left in the broker)."""
    celery_app.control.cancel_consumer("render", reply=True, timeout=2)
    celery_app.control.purge()
    yield redis.Redis.from_url(settings.CELERY_BROKER_URL)
    celery_app.control.purge()
    celery_app.control.add_consumer("render", reply=True, timeout=2)


def held_remixes(creator, viewer, count: int) -> list[int]:
    video = make_postered_video(creator, title="Source")
    Remix.objects.bulk_create(
        remix_row(viewer, video, status=Remix.Status.HELD) for _ in range(count)
    )
    return list(Remix.objects.values_list("id", flat=True))


def rendered_ids(broker: redis.Redis) -> Counter:
    """How many times each remix id is in a render message waiting in the broker."""
    sent: Counter = Counter()
    for raw in broker.lrange("render", 0, -1):
        message = json.loads(raw)
        assert message["headers"]["task"] == "remixer.tasks.render_remixes"
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        sent.update(args[0])
    return sent


def test_a_sync_worker_syncs_consent_while_renders_pile_up(
    broker, media_dir, tmp_path, creator, viewer
):
    ids = held_remixes(creator, viewer, 10)
    backlog = 500
    for _ in range(backlog):
        render_remixes.delay([0])
    worker = start_worker(media_dir, tmp_path, queues="sync")
    try:
        allow(creator)  # announced on commit to the sync queue
        worker.wait_until(
            lambda: Remix.objects.filter(id__in=ids, status=Remix.Status.QUEUED).count() == 10,
            timeout=30,
        )
    finally:
        stop_worker(worker)
    assert Regeneration.objects.get(creator=creator).total == 10
    assert broker.llen("sync") == 0
    # Untouched by that worker: the backlog and the regeneration's own chunk.
    assert broker.llen("render") == backlog + 1
    assert rendered_ids(broker)[ids[0]] == 1


def test_a_regeneration_with_the_reconciler_every_10_s_sends_each_remix_once(
    broker, monkeypatch, creator, viewer
):
    """No worker takes the renders, so every message stays in the broker for the whole run:
    30 minutes of reconciler runs, 10 s apart, the worst case for re-sending."""
    ids = held_remixes(creator, viewer, 1000)
    allow(creator)
    entry_id = creator.consent_ledger.latest("seq").id
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # the clock, moved on below
    for step in range(180):
        if step == 1:
            consent_changed(entry_id)  # the announcement, delivered late
        sync.remixes_reconcile()
        now += dt.timedelta(seconds=10)
    sent = rendered_ids(broker)
    assert set(sent) == set(ids)
    assert max(sent.values()) == 1
