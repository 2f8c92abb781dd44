"""Deciding remix requests on "ask me" videos: 1,000 pending requests approved in one action
(one request, set-based: one ledger entry, a few statements) against the same 1,000 approved one
decision at a time, the way a creator without a bulk action would have to. Both paths are the
service the Requests page and the API call; no broker (the renders they enqueue are purged).
BENCH_APPROVAL_REQUESTS sets how many (default 1000)."""

from __future__ import annotations

import datetime as dt
import os
import time

REQUESTS = int(os.environ.get("BENCH_APPROVAL_REQUESTS", "1000"))


def _pending(creator, video, requesters) -> list[str]:
    from django.utils import timezone

    from remixer.models import Remix
    from remixer.tests.factories import remix_row

    expires = timezone.now() + dt.timedelta(days=14)
    made = Remix.objects.bulk_create(
        remix_row(
            requesters[n % len(requesters)],
            video,
            status=Remix.Status.PENDING_APPROVAL,
            expires_at=expires,
        )
        for n in range(REQUESTS)
    )
    return [remix.public_id for remix in made]


def run() -> dict:
    from bench.harness import count_queries
    from consent import services as consent_services
    from consent.ledger import ledger_verify
    from consent.services import PolicyChange
    from consent.tests.factories import CAPTION
    from creatorhub.accounts.tests.factories import make_user
    from creatorhub.videos.tests.factories import make_video
    from remixer import approvals
    from remixer.models import Remix

    creator = make_user("bench-creator")
    requesters = [make_user(f"bench-fan-{n}") for n in range(20)]
    consent_services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=PolicyChange(False, CAPTION, "everyone", False, [], remix_ask=True),
    )
    video = make_video(creator, title="Bench")

    def decide(ids: list[str]) -> approvals.Decision:
        return approvals.requests_decide(
            creator=creator, actor=creator, public_ids=ids, approve=True, message="Thanks!"
        )

    ids = _pending(creator, video, requesters)
    start = time.perf_counter()
    with count_queries() as statements:
        result = decide(ids)
    one_action_s = time.perf_counter() - start
    assert result.approved == REQUESTS, result.refused[:3]
    one_action_queries = len(statements)

    Remix.objects.all().delete()
    ids = _pending(creator, video, requesters)
    start = time.perf_counter()
    for public_id in ids:
        assert decide([public_id]).approved == 1
    singles_s = time.perf_counter() - start
    assert ledger_verify().ok
    return {
        "requests": REQUESTS,
        "one_action_ms": round(one_action_s * 1000, 1),
        "one_action_queries": one_action_queries,
        "single_decisions_ms": round(singles_s * 1000, 1),
        "speedup": round(singles_s / one_action_s, 1),
        "target_speedup": 100,
        "target_queries": 15,
    }
