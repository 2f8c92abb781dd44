"""The beat reconciler: duplicate sends during a long regeneration, and what one run costs.

- a regeneration of 10,000 held remixes with the reconciler run every 10 s of simulated time,
  while a simulated worker publishes them at the measured pace (45.8 remixes/s, README): how
  many render messages the broker got beyond one per remix (counted in Redis; target 0), and
  how many the old rule (re-send what has been queued for over 2 minutes) would have sent
- one run with nothing changed, on 10k and 100k published remixes (20 creators): median ms
  and queries (target: the same at both sizes)
- the run right after 10 of those creators switched remixes off (the holds themselves happen
  in their switch's transaction): ms and queries
BENCH_RECONCILER_SIZES sets the library sizes (default 10000,100000).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time
from collections import Counter

from django.utils import timezone

from bench.harness import analyze, count_queries

SIZES = [int(n) for n in os.environ.get("BENCH_RECONCILER_SIZES", "10000,100000").split(",")]
REGENERATION = 10_000
PACE_PER_S = 45.8  # remixes a 1-process worker publishes per second (bench regeneration)
EVERY_S = 10
OLD_RULE = dt.timedelta(minutes=2)
CREATORS = 20
SWITCHED_OFF = 10


class Clock:
    """timezone.now, moved on by the bench instead of waited for."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self._real = timezone.now

    def __enter__(self) -> Clock:
        timezone.now = lambda: self.now
        return self

    def __exit__(self, *exc) -> None:
        timezone.now = self._real

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def run() -> dict:
    from creatorhub.celery import app

    app.control.purge()
    results = {"regeneration": _regeneration_duplicates()}
    app.control.purge()
    for size in SIZES:
        results[f"run_{size}"] = _run_cost(size)
    return results


def _regeneration_duplicates() -> dict:
    from consent import services as consent_services
    from consent.tests.factories import policy
    from creatorhub.accounts.tests.factories import make_user
    from remixer import sync
    from remixer.models import Remix

    creator, viewer = make_user("bench-regen-creator"), make_user("bench-regen-viewer")
    ids = _remixes(creator, viewer, REGENERATION, status=Remix.Status.HELD)
    with Clock() as clock:
        consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
        runs, old_rule, last_sent = 0, 0, {}
        rendered = 0
        while True:
            sync.remixes_reconcile()  # the first run finds the change and regenerates
            runs += 1
            queued = ids[rendered:]
            for remix_id in queued:
                sent_at = last_sent.setdefault(remix_id, clock.now)
                if clock.now - sent_at > OLD_RULE:
                    old_rule += 1
                    last_sent[remix_id] = clock.now
            if not queued:
                break
            clock.advance(EVERY_S)
            done = ids[rendered : rendered + int(PACE_PER_S * EVERY_S)]
            # Published as a render would be: signed under the creator's training choice.
            Remix.objects.filter(id__in=done).update(
                status=Remix.Status.PUBLISHED, signed_training=False
            )
            rendered += len(done)
    sent = _render_messages()
    return {
        "remixes": REGENERATION,
        "reconciler_runs": runs,
        "every_s": EVERY_S,
        "simulated_s": runs * EVERY_S,
        "render_messages_remixes": sum(sent.values()),
        "duplicates": sum(count - 1 for count in sent.values()),
        "never_sent": len(set(ids) - set(sent)),
        "old_rule_duplicates": old_rule,
        "target": "duplicates == 0",
    }


def _render_messages() -> Counter:
    """How many times each remix id is in a render message waiting in Redis."""
    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    sent: Counter = Counter()
    for raw in broker.lrange("render", 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] == "remixer.tasks.render_remixes":
            args, _, _ = json.loads(base64.b64decode(message["body"]))
            sent.update(args[0])
    return sent


def _run_cost(size: int) -> dict:
    from consent import services as consent_services
    from consent.tests.factories import policy
    from creatorhub.accounts.tests.factories import make_user
    from remixer import sync
    from remixer.models import Remix, SyncMark

    Remix.objects.all().delete()
    SyncMark.objects.all().delete()
    viewer = make_user(f"bench-viewer-{size}")
    creators = [make_user(f"bench-{size}-{n}") for n in range(CREATORS)]
    with Clock() as clock:
        for creator in creators:
            consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
            _remixes(creator, viewer, size // CREATORS, status=Remix.Status.PUBLISHED)
        analyze()
        first_ms, _ = _timed(sync.remixes_reconcile)
        clock.advance(120)  # the mark settles past every change
        sync.remixes_reconcile()
        samples = []
        for _ in range(20):
            clock.advance(EVERY_S)
            samples.append(_timed(sync.remixes_reconcile))
        idle_ms = sorted(ms for ms, _ in samples)[len(samples) // 2]
        idle_queries = max(queries for _, queries in samples)
        for creator in creators[:SWITCHED_OFF]:
            consent_services.consent_set_policy(
                creator=creator, actor=creator, change=policy(False)
            )
        clock.advance(EVERY_S)
        after_ms, after_queries = _timed(sync.remixes_reconcile)
    return {
        "remixes": size,
        "creators": CREATORS,
        "first_run_ms": first_ms,
        "nothing_changed_ms": idle_ms,
        "nothing_changed_queries": idle_queries,
        f"after_{SWITCHED_OFF}_switched_off_ms": after_ms,
        f"after_{SWITCHED_OFF}_switched_off_queries": after_queries,
    }


def _timed(fn) -> tuple[float, int]:
    with count_queries() as statements:
        start = time.perf_counter()
        fn()
        elapsed = (time.perf_counter() - start) * 1000
    return round(elapsed, 2), len(statements)


def _remixes(creator, viewer, count: int, *, status: str) -> list[int]:
    """`count` caption remixes of five of the creator's videos, published ones signed under
    the creator's current (not allowed) training choice, so nothing needs signing again."""
    from consent.scopes import scopes_to_mask
    from creatorhub.videos.tests.factories import make_video
    from remixer.models import Remix

    videos = [make_video(creator, title=f"Bench {i}") for i in range(5)]
    scopes = scopes_to_mask(["caption"])
    created = Remix.objects.bulk_create(
        (
            Remix(
                requester=viewer,
                video=videos[i % len(videos)],
                creator_id=creator.id,
                template="caption",
                scopes=scopes,
                inputs={"top": f"Remix {i}", "bottom": ""},
                status=status,
                output="remixes/bench.jpg" if status == Remix.Status.PUBLISHED else "",
                signed_training=False if status == Remix.Status.PUBLISHED else None,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    return sorted(remix.id for remix in created)
