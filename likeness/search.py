"""The two face searches the guard and the scans use.

    people_near(vectors)  →  {user_id: smallest distance}, for each enrolled person with a
                             face closer than MATCH_THRESHOLD to any of the given vectors
    frames_near(vectors)  →  {video_id: smallest distance}, for each scanned video with a
                             face closer than MATCH_THRESHOLD to any of the given vectors

On PostgreSQL the database searches (pgvector's `<->`, Euclidean distance in float32):

- a table under HNSW_MIN_ROWS rows (the planner's estimate) is scanned exactly, every row
  compared: a few milliseconds at that size, and never a missed match;
- a larger one is searched through its HNSW index (vector_l2_ops, migration 0002): for each
  query vector the HNSW_CANDIDATES nearest rows with hnsw.ef_search = HNSW_EF_SEARCH, kept when
  closer than the threshold. If every candidate is inside the threshold there may be more, so
  that vector is searched exactly instead: a person in many videos is never cut short.
  Recall against the exact scan is measured by `make bench BENCH=likeness`: on 100,000
  enrolled faces, 500 queries 0.3–0.55 from one of them, ef_search 40 missed 41 of the 500
  people, 100 missed 7, 200 and 400 none (about 5 and 7 ms a query, the exact scan 60 ms).

Elsewhere (SQLite, the embedded default) numpy compares every stored vector
(engine.best_matches), the same answer as the exact scan.
"""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction

from likeness.engine import EMBEDDING_SIZE, MATCH_THRESHOLD, best_matches
from likeness.fields import vector_literal
from likeness.models import FaceEmbedding, FrameFace

# Below this many rows an exact scan is fast (bench: 1,000 rows 0.4 ms, 100,000 rows 60 ms).
HNSW_MIN_ROWS = 20_000
HNSW_CANDIDATES = 40
# pgvector's default (40) missed 8% of matches on the bench's 100,000 faces; 200 missed none,
# and 400 doubles that margin for 2 ms more: a missed match lets a remix of the person through.
HNSW_EF_SEARCH = 400


def people_near(
    vectors: list[np.ndarray] | np.ndarray, *, threshold: float = MATCH_THRESHOLD
) -> dict[int, float]:
    return _search(FaceEmbedding, "user_id", vectors, threshold)


def frames_near(
    vectors: list[np.ndarray] | np.ndarray, *, threshold: float = MATCH_THRESHOLD
) -> dict[int, float]:
    return _search(FrameFace, "video_id", vectors, threshold)


def _search(model, owner: str, vectors, threshold: float) -> dict[int, float]:
    query = np.asarray(vectors, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
    if len(query) == 0:
        return {}
    if connection.vendor != "postgresql":
        return _nearest(model.objects.values_list(owner, "vector"), query, threshold)
    table = model._meta.db_table
    if _estimated_rows(table) < HNSW_MIN_ROWS:
        return exact_sql(table, owner, query, threshold)
    return hnsw_sql(table, owner, query, threshold)


def _nearest(stored, query: np.ndarray, threshold: float) -> dict[int, float]:
    """{owner: smallest distance} over `stored` (owner, vector) rows closer than threshold."""
    rows = list(stored)
    if not rows:
        return {}
    owners = np.fromiter((owner for owner, _ in rows), dtype=np.int64, count=len(rows))
    enrolled = np.stack([vector for _, vector in rows])
    return best_matches(query, enrolled, owners, threshold)


def _estimated_rows(table: str) -> float:
    """The planner's row count (no scan); -1 before the table was ever analysed: small."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return row[0] if row else 0


def exact_sql(table: str, owner: str, query: np.ndarray, threshold: float) -> dict[int, float]:
    """Every row compared with every query vector, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.{owner}, MIN(t.vector <-> q.v) "
            f"FROM {table} t, unnest(%s::vector[]) AS q(v) "
            f"WHERE t.vector <-> q.v < %s GROUP BY t.{owner}",
            [[vector_literal(vector) for vector in query], threshold],
        )
        return {owner_id: float(distance) for owner_id, distance in cursor.fetchall()}


def hnsw_sql(
    table: str,
    owner: str,
    query: np.ndarray,
    threshold: float,
    *,
    ef_search: int = HNSW_EF_SEARCH,
) -> dict[int, float]:
    """Through the HNSW index: the nearest candidates of each vector, then the threshold."""
    matches: dict[int, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnsw.ef_search = %s", [ef_search])
        for vector in query:
            # MATERIALIZED: the distance filter outside the index scan, as pgvector advises.
            cursor.execute(
                f"WITH nearest AS MATERIALIZED (SELECT {owner} AS owner, "
                f"vector <-> %s::vector AS distance FROM {table} "
                "ORDER BY vector <-> %s::vector LIMIT %s) "
                "SELECT owner, distance FROM nearest",
                [vector_literal(vector), vector_literal(vector), HNSW_CANDIDATES],
            )
            rows = cursor.fetchall()
            inside = [(owner_id, distance) for owner_id, distance in rows if distance < threshold]
            if len(inside) == HNSW_CANDIDATES:
                inside = list(exact_sql(table, owner, vector[None, :], threshold).items())
            for owner_id, distance in inside:
                matches[owner_id] = min(float(distance), matches.get(owner_id, float(distance)))
    return matches
