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
    and its size."""
    video, override = _q(Video._meta.db_table), _q(VideoOverride._meta.db_table)
    sql = f"""
        WITH sel AS (
            SELECT v.id AS id, COALESCE(o.remix, '{INHERIT}') AS remix,
                   o.scopes AS scopes, o.audience AS audience
            FROM {video} v LEFT JOIN {override} o ON o.video_id = v.id
            WHERE v.id IN ({ids_sql})
        ), isl AS (
            SELECT id, remix, scopes, audience,
                   id - ROW_NUMBER() OVER (PARTITION BY remix, scopes, audience ORDER BY id)
                       AS state_island,
                   id - ROW_NUMBER() OVER (ORDER BY id) AS all_island
            FROM sel
        )
        SELECT 'state', remix, scopes, audience, MIN(id), MAX(id), COUNT(*)
        FROM isl GROUP BY remix, scopes, audience, state_island
        UNION ALL
        SELECT 'all', NULL, NULL, NULL, MIN(id), MAX(id), COUNT(*)
        FROM isl GROUP BY all_island
    """
    with connection.cursor() as cursor:
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


def ranges_sql(ranges: list[list[int]]) -> tuple[str, tuple]:
    """SQL for the ids of existing videos inside `ranges` (passed as one JSON parameter)."""
    video = _q(Video._meta.db_table)
    if connection.vendor == "postgresql":
        source = (
            "SELECT (r->>0)::bigint AS lo, (r->>1)::bigint AS hi "
            "FROM jsonb_array_elements(%s::jsonb) r"
        )
    else:
        source = (
            "SELECT json_extract(value, '$[0]') AS lo, json_extract(value, '$[1]') AS hi "
            "FROM json_each(%s)"
        )
    sql = f"SELECT v.id FROM {video} v JOIN ({source}) rr ON v.id BETWEEN rr.lo AND rr.hi"
    return sql, (json.dumps(ranges),)


def apply_state(*, ids_sql: str, ids_params: tuple, state: VideoState, ledger_seq: int) -> None:
    """Give every selected video `state` in one statement (DELETE for inherit, else upsert)."""
    video, override = _q(Video._meta.db_table), _q(VideoOverride._meta.db_table)
    with connection.cursor() as cursor:
        if state.remix == INHERIT:
            cursor.execute(f"DELETE FROM {override} WHERE video_id IN ({ids_sql})", ids_params)
            return
        cursor.execute(
            f"""
            INSERT INTO {override}
                (video_id, creator_id, remix, scopes, audience, ledger_seq, updated_at)
            SELECT v.id, v.owner_id, %s, %s, %s, %s, %s FROM {video} v WHERE v.id IN ({ids_sql})
            ON CONFLICT (video_id) DO UPDATE SET remix = excluded.remix,
                scopes = excluded.scopes, audience = excluded.audience,
                ledger_seq = excluded.ledger_seq, updated_at = excluded.updated_at
            """,
            (state.remix, state.scopes, state.audience, ledger_seq, timezone.now(), *ids_params),
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
