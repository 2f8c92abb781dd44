"""Consent changes at scale, on the configured database (PostgreSQL in `make bench`).

- account switch on a 100k- vs a 1k-video library (one request each; target ratio <= 1.2)
- a bulk action over a 100k-row filter vs a raw SQL UPDATE of the same rows (target <= 1.5x,
  <= 12 queries)
- opting out a 10k library with one bulk request vs 10k single-video requests (target >= 1000x);
  the first `singles` (1,000) single requests are run and timed, and the total for the whole
  library is their mean times its size
- revocation on the 100k-video library: the account switch turned off while N of its remixes
  are published (they are held in the switch's own transaction), vs the same switch with no
  remix affected (measured in the same run): constant when none is affected, proportional to N
  otherwise; and the switch with N published remixes it leaves allowed (a training change)
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client

from bench.harness import analyze, count_queries, median_ms

HX = {"HX-Request": "true"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _switch_form(allowed: bool) -> dict:
    return {
        "remix_allowed": "1" if allowed else "0",
        "scopes": ["caption"],
        "audience": "everyone",
        "training_allowed": "0",
        "training_companies": "",
    }


def _timed_post(client: Client, url: str, data: dict) -> float:
    start = time.perf_counter()
    response = client.post(url, data, headers=HX)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.content[:300]
    return elapsed


def account_switch(small, large, repeat: int, label: str = "100k") -> dict:
    figures = {}
    for size, owner in (("1k", small), (label, large)):
        client = _client(owner)
        samples = [
            _timed_post(client, "/consent/", _switch_form(allowed=index % 2 == 0))
            for index in range(repeat)
        ]
        with count_queries() as queries:
            _timed_post(client, "/consent/", _switch_form(allowed=False))
        figures[f"switch_{size}_ms"] = round(statistics.median(samples), 3)
        figures[f"switch_{size}_queries"] = len(queries)
    figures[f"switch_ratio_{label}_vs_1k"] = round(
        figures[f"switch_{label}_ms"] / figures["switch_1k_ms"], 3
    )
    return figures


def bulk_vs_raw_sql(large, repeat: int, label: str = "100k") -> dict:
    from consent.idsets import selection_sql
    from consent.models import VideoOverride
    from creatorhub.videos.selectors import LibraryFilter, library_videos

    client = _client(large)
    data = {"select_all_matching": "1", "filter_tag": "travel"}
    _timed_post(client, "/consent/bulk/", data | {"remix": "deny"})  # rows now exist
    remixes = ["allow", "deny"]
    scopes = {"allow": ["caption"], "deny": []}
    bulk = []
    for index in range(repeat):
        remix = remixes[index % 2]
        bulk.append(
            _timed_post(client, "/consent/bulk/", data | {"remix": remix, "scopes": scopes[remix]})
        )
    with count_queries() as queries:
        _timed_post(client, "/consent/bulk/", data | {"remix": "deny"})

    ids_sql, ids_params = selection_sql(
        library_videos(owner=large, filters=LibraryFilter(tag="travel"))
    )
    table = connection.ops.quote_name(VideoOverride._meta.db_table)
    raw = []
    for index in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET remix = %s WHERE video_id IN ({ids_sql})",
                (remixes[index % 2], *ids_params),
            )
            rows = cursor.rowcount
        raw.append((time.perf_counter() - start) * 1000)
    bulk_ms, raw_ms = statistics.median(bulk), statistics.median(raw)
    return {
        f"bulk_{label}_filter_ms": round(bulk_ms, 3),
        f"raw_sql_update_{label}_ms": round(raw_ms, 3),
        "raw_sql_rows": rows,
        "bulk_vs_raw_ratio": round(bulk_ms / raw_ms, 3),
        "bulk_queries": len(queries),
    }


def opt_out(owner, singles: int) -> dict:
    from creatorhub.videos.models import Video

    client = _client(owner)
    bulk_ms = median_ms(
        lambda: _timed_post(
            client, "/consent/bulk/", {"select_all_matching": "1", "remix": "deny"}
        ),
        repeat=3,
        warmup=1,
    )
    public_ids = list(
        Video.objects.filter(owner=owner).order_by("id").values_list("public_id", flat=True)
    )[:singles]
    start = time.perf_counter()
    for public_id in public_ids:
        response = client.post(f"/consent/videos/{public_id}/", {"video_remix": "deny"}, headers=HX)
        assert response.status_code == 200
    singles_ms = (time.perf_counter() - start) * 1000
    per_request = singles_ms / len(public_ids)
    library = Video.objects.filter(owner=owner).count()
    return {
        "opt_out_library": library,
        "opt_out_bulk_ms": bulk_ms,
        "single_requests_run": len(public_ids),
        "single_request_mean_ms": round(per_request, 3),
        "opt_out_singles_total_ms": round(per_request * library, 1),
        "opt_out_ratio_singles_vs_bulk": round(per_request * library / bulk_ms, 1),
    }


def _revocation_form(remix: bool, training: bool = False) -> dict:
    return _switch_form(allowed=remix) | {"training_allowed": "1" if training else "0"}


def revocation(large, requester, repeat: int, counts=(1_000, 10_000)) -> dict:
    """Time the switch off with N published remixes of the library (held by it), after
    resetting them to published with the switch on; and a switch they survive."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from consent.scopes import scopes_to_mask
    from creatorhub.videos.models import Video
    from remixer.models import Remix

    client = _client(large)
    remixes = Remix.objects.filter(video__owner=large)
    video_ids = list(
        Video.objects.filter(owner=large).order_by("id").values_list("id", flat=True)[: max(counts)]
    )

    def revoke_ms() -> float:
        _timed_post(client, "/consent/", _revocation_form(remix=True))
        remixes.update(
            status=Remix.Status.PUBLISHED,
            output=Concat(Value("remixes/"), F("public_id"), Value("/v1.jpg")),
        )
        return _timed_post(client, "/consent/", _revocation_form(remix=False))

    def survived_ms() -> float:
        _timed_post(client, "/consent/", _revocation_form(remix=True))
        remixes.update(status=Remix.Status.PUBLISHED)
        return _timed_post(client, "/consent/", _revocation_form(remix=True, training=True))

    def median_of(measure) -> float:
        measure()  # warm-up
        return statistics.median(measure() for _ in range(repeat))

    analyze()  # the overrides the earlier benchmarks wrote
    figures = {"revoke_0_remixes_ms": round(median_of(revoke_ms), 3)}
    with count_queries() as queries:
        revoke_ms()
    figures["revoke_0_remixes_queries"] = len(queries) // 2  # the reset switch counts too
    figures["switch_0_live_remixes_ms"] = round(median_of(survived_ms), 3)
    made = 0
    for count in counts:
        Remix.objects.bulk_create(
            Remix(
                requester=requester,
                video_id=video_id,
                creator_id=large.id,
                template=Remix.Template.CAPTION,
                scopes=scopes_to_mask(["caption"]),
            )
            for video_id in video_ids[made:count]
        )
        made = count
        analyze()
        elapsed = median_of(revoke_ms)
        with count_queries() as queries:
            revoke_ms()
        figures[f"revoke_{count}_remixes_ms"] = round(elapsed, 3)
        figures[f"revoke_{count}_remixes_queries"] = len(queries) // 2
        figures[f"revoke_{count}_ratio_vs_none"] = round(
            elapsed / figures["revoke_0_remixes_ms"], 3
        )
        figures[f"revoke_{count}_extra_ms_per_remix"] = round(
            (elapsed - figures["revoke_0_remixes_ms"]) / count, 4
        )
        survived = median_of(survived_ms)
        figures[f"switch_{count}_live_remixes_unaffected_ms"] = round(survived, 3)
        figures[f"switch_{count}_live_remixes_unaffected_ratio"] = round(
            survived / figures["switch_0_live_remixes_ms"], 3
        )
    remixes.delete()
    return figures


def run(
    *,
    small: int = 1_000,
    large: int = 100_000,
    optout: int = 10_000,
    repeat: int = 9,
    singles: int = 1_000,
) -> dict:
    from creatorhub.accounts.tests.factories import make_user
    from creatorhub.videos.tests.factories import make_videos

    small_owner, large_owner, optout_owner = (
        make_user("switch1k"),
        make_user("switch100k"),
        make_user("optout10k"),
    )
    make_videos(small_owner, small, tag="travel")
    make_videos(large_owner, large, tag="travel")
    make_videos(optout_owner, optout, tag="travel")
    analyze()
    figures = account_switch(small_owner, large_owner, repeat)
    figures |= bulk_vs_raw_sql(large_owner, repeat)
    figures |= opt_out(optout_owner, singles)
    figures |= revocation(large_owner, make_user("requester"), repeat)
    figures["targets"] = (
        "switch ratio <= 1.2; bulk vs raw <= 1.5x and <= 12 queries; opt-out ratio >= 1000; "
        "revocation: same queries for any N, extra time proportional to N"
    )
    return figures
