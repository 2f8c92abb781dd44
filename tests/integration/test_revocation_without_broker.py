"""Promise 3 with the broker down: a revocation withdraws in the transaction that commits it.

A real worker renders remixes over a private Redis; the test stops that Redis and the creator
switches remixes off over HTTP. Every affected remix's file must answer 404 within a second of
the commit and the API must show it held, with no broker and no worker involved. Once Redis is
back, the reconciler finds nothing left to do: nothing else changes and nothing is lost.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from consent import services as consent_services
from consent.models import LedgerEntry
from consent.tests.factories import policy
from remixer import services as remix_services
from remixer import tasks
from remixer.models import Notification, Remix
from remixer.tests.factories import make_postered_video
from tests.fixtures.personas import logged_in
from tests.fixtures.services import start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PUBLISHED = 12
RECONCILED = re.compile(
    r"remixer\.tasks\.reconcile\[[^\]]+\] succeeded in [\d.]+s: (?P<outcome>.*)"
)


def _switch_off() -> dict:
    return {
        "remix_allowed": "0",
        "scopes": ["caption"],
        "audience": "everyone",
        "training_allowed": "0",
        "training_companies": "",
    }


def _post_in_thread(user, url: str, data: dict) -> int:
    try:
        return logged_in(user).post(url, data, headers={"HX-Request": "true"}).status_code
    finally:
        connection.close()


def _wait_for(condition: Callable[[], bool], *, timeout: float) -> float:
    """Poll until `condition` holds; the time it was first seen to hold."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return time.monotonic()


def _request(requester, video, text: str) -> Remix:
    return remix_services.remix_request(
        requester=requester, video=video, template="caption", inputs={"top": text, "bottom": ""}
    )


def test_revocation_withdraws_at_once_while_the_broker_is_down(
    private_redis, media_dir, tmp_path, creator, other_creator, viewer, caplog, settings
):
    settings.REMIX_RATE_PER_MINUTE = 100
    for owner in (creator, other_creator):
        consent_services.consent_set_policy(creator=owner, actor=owner, change=policy())
    videos = [make_postered_video(creator, title=f"Clip {i}") for i in range(PUBLISHED // 2)]
    other_video = make_postered_video(other_creator, title="Not revoked")
    worker = start_worker(media_dir, tmp_path, broker_url=private_redis.url)
    try:
        mine = [_request(viewer, videos[i % len(videos)], f"remix {i}") for i in range(PUBLISHED)]
        taken_down = _request(viewer, videos[0], "taken down")
        unaffected = _request(viewer, other_video, "stays")
        everything = [*mine, taken_down, unaffected]
        worker.wait_until(
            lambda: Remix.objects.filter(status=Remix.Status.PUBLISHED).count() == len(everything),
            timeout=120,
        )
        remix_services.remix_takedown(remix=taken_down, actor=creator)
        # Renders the outage strands: one waiting in the queue, one a worker had claimed.
        queued = Remix.objects.create(
            requester=viewer,
            video=videos[1],
            creator_id=videos[1].owner_id,
            template="caption",
            scopes=mine[0].scopes,
        )
        rendering = Remix.objects.create(
            requester=viewer,
            video=videos[2],
            creator_id=videos[2].owner_id,
            template="caption",
            scopes=mine[0].scopes,
            status=Remix.Status.RENDERING,
            version=1,
        )
        urls = {
            remix.public_id: remix.output.url
            for remix in Remix.objects.filter(id__in=[r.id for r in mine])
        }
        files = [
            Path(settings.MEDIA_ROOT, name)
            for name in Remix.objects.exclude(output="").values_list("output", flat=True)
        ]
        anon = Client()
        assert all(anon.get(url).status_code == 200 for url in urls.values())

        private_redis.stop()
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The request waits on the dead broker after it commits; watch from here meanwhile.
            switch = pool.submit(_post_in_thread, creator, "/consent/", _switch_off())
            committed = _wait_for(
                lambda: LedgerEntry.objects.filter(creator=creator).count() == 2, timeout=30
            )
            served = list(urls.values())
            while served and time.monotonic() - committed <= 1:
                served = [url for url in served if anon.get(url).status_code != 404]
            assert served == [], f"{len(served)} withdrawn remix files still served after 1 s"
            assert switch.result(timeout=60) == 200
        assert "Could not enqueue" in caplog.text, "the broker was expected to be down"
        requester_api = logged_in(viewer)
        for public_id in urls:
            assert anon.get(f"/api/v1/remixes/{public_id}").status_code == 404
            data = requester_api.get(f"/api/v1/remixes/{public_id}").json()
            assert (data["status"], data["image_url"]) == ("held", None)
        statuses = dict(Remix.objects.values_list("id", "status"))
        assert statuses[queued.id] == statuses[rendering.id] == Remix.Status.HELD
        assert statuses[taken_down.id] == Remix.Status.WITHDRAWN
        assert statuses[unaffected.id] == Remix.Status.PUBLISHED
        assert not Remix.objects.filter(video__owner=creator).exclude(output="").exists()
        held_notes = Notification.objects.filter(recipient=viewer, kind=Notification.Kind.HELD)
        assert held_notes.count() == 1
        before = list(Remix.objects.order_by("id").values())

        # Broker back: the reconciler runs and changes nothing; nothing was lost.
        private_redis.start()
        tasks.reconcile.delay()
        worker.wait_until(lambda: RECONCILED.search(worker.log()) is not None, timeout=30)
        assert RECONCILED.search(worker.log())["outcome"].startswith("{'held': 0, 'requeued': 0")
    finally:
        stop_worker(worker)
    assert list(Remix.objects.order_by("id").values()) == before
    assert held_notes.count() == 1
    assert LedgerEntry.objects.filter(creator=creator).count() == 2
    unaffected.refresh_from_db()
    assert anon.get(unaffected.output.url).status_code == 200
    assert Path(settings.MEDIA_ROOT, unaffected.output.name).is_file()
    assert [path for path in files if path.is_file()] == [
        Path(settings.MEDIA_ROOT, unaffected.output.name)
    ]
