"""Set-based SQL over a selection of videos: state groups as id ranges, and their inverse.

A ledger entry names the videos it affected as sorted id ranges ([[lo, hi], ...]) grouped by
the override state they had. Both directions are computed by the database, so no request
loops over a creator's videos in Python, and a contiguous library of 100k videos is a few
ranges, not 100k ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from consent.models import VideoOverride
from creatorhub.videos.models import Video

INHERIT = "inherit"


@dataclass(frozen=True)
class VideoState:
    """An override as stored: remix inherit/allow/deny, optional scopes mask and audience."""

    remix: str = INHERIT
    scopes: int | None = None
    audience: str | None = None

    def as_json(self) -> dict:
        return {"remix": self.remix, "scopes": self.scopes, "audience": self.audience}

    @classmethod
    def from_json(cls, data: dict) -> VideoState:
        return cls(data["remix"], data.get("scopes"), data.get("audience"))


@dataclass(frozen=True)
class Group:
    state: VideoState
    ranges: list[list[int]]
    count: int

    def as_json(self) -> dict:
        return {"state": self.state.as_json(), "ids": self.ranges, "count": self.count}

    @classmethod
    def from_json(cls, data: dict) -> Group:
        return cls(VideoState.from_json(data["state"]), data["ids"], data["count"])


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def selection_sql(videos: QuerySet[Video]) -> tuple[str, tuple]:
    """SQL (and params) for the ids of `videos`, to embed as `id IN (...)`."""
    sql, params = videos.order_by().values("id").query.sql_with_params()
    return sql, tuple(params)


def state_groups(ids_sql: str, ids_params: tuple) -> tuple[list[Group], list[list[int]], int]:
    """One query: the selection's current override states as id-range groups, all its ranges,
    and its size.

    Islands of consecutive ids are found per state with one window function; the (few) state
    islands are then merged into the selection's own ranges with a second window over them.
    """
    video, override = _q(Video._meta.db_table), _q(VideoOverride._meta.db_table)
    sql = f"""
        WITH sel AS (
            SELECT v.id AS id, COALESCE(o.remix, '{INHERIT}') AS remix,
                   o.scopes AS scopes, o.audience AS audience
            FROM {video} v LEFT JOIN {override} o ON o.video_id = v.id
            WHERE v.id IN ({ids_sql})
        ), islands AS (
            SELECT remix, scopes, audience, MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n
            FROM (
                SELECT id, remix, scopes, audience,
                       id - ROW_NUMBER() OVER (PARTITION BY remix, scopes, audience ORDER BY id)
                           AS island
                FROM sel
            ) numbered
            GROUP BY remix, scopes, audience, island
        ), runs AS (
            SELECT lo, hi, n,
                   lo - CAST(COALESCE(SUM(n) OVER (ORDER BY lo ROWS BETWEEN UNBOUNDED
                                                   PRECEDING AND 1 PRECEDING), 0) AS BIGINT)
                       AS run
            FROM islands
        )
        SELECT 'state', remix, scopes, audience, lo, hi, n FROM islands
        UNION ALL
        SELECT 'all', NULL, NULL, NULL, MIN(lo), MAX(hi), CAST(SUM(n) AS BIGINT)
        FROM runs GROUP BY run
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sort the selection in memory rather than in temporary files.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, ids_params)
        rows = cursor.fetchall()
    ranges: dict[VideoState, list[list[int]]] = {}
    counts: dict[VideoState, int] = {}
    all_ranges: list[list[int]] = []
    for kind, remix, scopes, audience, lo, hi, count in rows:
        if kind == "all":
            all_ranges.append([lo, hi])
            continue
        state = VideoState(remix, scopes, audience)
        ranges.setdefault(state, []).append([lo, hi])
        counts[state] = counts.get(state, 0) + count
    groups = [
        Group(state, sorted(ranges[state]), counts[state])
        for state in sorted(ranges, key=lambda s: (s.remix, s.scopes or 0, s.audience or ""))
    ]
    return groups, sorted(all_ranges), sum(counts.values())


INLINE_RANGES = 64


def ranges_condition(column: str, ranges: list[list[int]]) -> tuple[str, tuple]:
    """A WHERE condition for `column` lying in `ranges`.

    A few ranges become plain BETWEENs (index range scans the planner estimates well); many
    ranges are passed as one JSON parameter and expanded by the database.
    """
    if not ranges:
        return "1 = 0", ()
    if len(ranges) <= INLINE_RANGES:
        parts, params = [], []
        for lo, hi in ranges:
            if lo == hi:
                parts.append(f"{column} = %s")
                params.append(lo)
            else:
                parts.append(f"{column} BETWEEN %s AND %s")
                params.extend((lo, hi))
        return "(" + " OR ".join(parts) + ")", tuple(params)
    payload = json.dumps(ranges)
    if connection.vendor == "postgresql":
        return (
            f"{column} IN (SELECT generate_series((r->>0)::bigint, (r->>1)::bigint) "
            "FROM jsonb_array_elements(%s::jsonb) r)",
            (payload,),
        )
    video = _q(Video._meta.db_table)
    return (
        f"{column} IN (SELECT v2.id FROM {video} v2 JOIN (SELECT json_extract(value, '$[0]') "
        "AS lo, json_extract(value, '$[1]') AS hi FROM json_each(%s)) rr "
        "ON v2.id BETWEEN rr.lo AND rr.hi)",
        (payload,),
    )


def apply_state(
    *, ranges: list[list[int]], state: VideoState, ledger_seq: int, had_overrides: int, total: int
) -> None:
    """Give exactly the videos in `ranges` (the snapshot the ledger records) `state`.

    inherit is one DELETE; allow/deny is an UPDATE of the rows that exist plus an INSERT of the
    missing ones, each skipped when the snapshot says it has nothing to do. The caller holds
    the creator's policy lock, so no other change can add rows in between.
    """
    video, override = _q(Video._meta.db_table), _q(VideoOverride._meta.db_table)
    in_override, override_params = ranges_condition("video_id", ranges)
    in_video, video_params = ranges_condition("v.id", ranges)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = (state.remix, state.scopes, state.audience, ledger_seq, now)
    with connection.cursor() as cursor:
        if state.remix == INHERIT:
            if had_overrides:
                cursor.execute(f"DELETE FROM {override} WHERE {in_override}", override_params)
            return
        if had_overrides:
            cursor.execute(
                f"""
                UPDATE {override} SET remix = %s, scopes = %s, audience = %s, ledger_seq = %s,
                    updated_at = %s
                WHERE {in_override}
                """,
                (*values, *override_params),
            )
        if had_overrides < total:
            # The rows that exist were just updated; the unique key skips them. Not NOT
            # EXISTS: planned while the table looks empty, that anti-join rescans the rows
            # this statement inserts once per video, quadratic (it never finished at 1M).
            cursor.execute(
                f"""
                INSERT INTO {override}
                    (remix, scopes, audience, ledger_seq, updated_at, video_id, creator_id)
                SELECT %s, %s, %s, %s, %s, v.id, v.owner_id FROM {video} v
                WHERE {in_video}
                ON CONFLICT (video_id) DO NOTHING
                """,
                (*values, *video_params),
            )


def ranges_contain(ranges: list[list[int]], video_id: int) -> bool:
    """Binary search in sorted, disjoint ranges."""
    lo, hi = 0, len(ranges) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        start, end = ranges[mid]
        if video_id < start:
            hi = mid - 1
        elif video_id > end:
            lo = mid + 1
        else:
            return True
    return False
