"""likeness.search in PostgreSQL at 1,000 and 100,000 enrolled people (one face each).

For each size, in the same run over the same rows: the exact pgvector scan and the HNSW search
for 1 and 3 query vectors (a frame's faces), people_near() as the guard calls it, and numpy:
in memory (engine.best_matches over an array already loaded) and as the numpy path reads the
table (every row fetched, then compared: what people_near did before the database searched).
Each ratio is numpy's time over the database's.

Recall of the HNSW search against the exact scan: the people found within MATCH_THRESHOLD for
QUERIES queries at 0.3–0.55 from an enrolled face (what the guard needs), and the nearest-10
recall for hnsw.ef_search 40 (pgvector's default), 100 (ours) and 200 (random vectors are
harder for HNSW than faces, which cluster by person).
"""

from __future__ import annotations

import time

import numpy as np

from bench.harness import analyze, median_ms
from likeness import engine, search
from likeness.fields import vector_literal

SIZES = (1_000, 100_000)
QUERIES = 500
EF_SEARCH = (40, 100, 200, 400, 800)
TABLE = "likeness_faceembedding"
INDEX = f"{TABLE}_vector_hnsw"


def database_search() -> dict:
    from django.db import connection

    rng = np.random.default_rng(0)
    vectors = _unit(rng.normal(size=(SIZES[-1], engine.EMBEDDING_SIZE)))
    owners = np.array(_people(SIZES[-1]), dtype=np.int64)
    figures: dict = {}
    stored = 0
    for size in SIZES:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        _store(owners[stored:size], vectors[stored:size])
        stored = size
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(f"CREATE INDEX {INDEX} ON {TABLE} USING hnsw (vector vector_l2_ops)")
        index_s = time.perf_counter() - start
        analyze()
        figures[f"enrolled_{size}"] = _measure(
            rng, owners[:size], vectors[:size], index_build_s=round(index_s, 2)
        )
    return figures


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _people(count: int) -> list[int]:
    from creatorhub.accounts.models import User

    users = User.objects.bulk_create(
        [User(username=f"bench{n}", email=f"bench{n}@example.com") for n in range(count)],
        batch_size=5000,
    )
    return [user.id for user in users]


def _store(owners: np.ndarray, vectors: np.ndarray) -> None:
    from likeness.models import FaceEmbedding

    FaceEmbedding.objects.bulk_create(
        [
            FaceEmbedding(user_id=int(owner), vector=vector)
            for owner, vector in zip(owners, vectors, strict=True)
        ],
        batch_size=5000,
    )


def _near(rng, vectors: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` queries, each 0.3–0.55 from a random enrolled face; and which faces."""
    picked = rng.integers(0, len(vectors), size=count)
    steps = _unit(rng.normal(size=(count, engine.EMBEDDING_SIZE)))
    lengths = rng.uniform(0.3, 0.55, size=(count, 1)).astype(np.float32)
    return vectors[picked] + steps * lengths, picked


def _measure(rng, owners: np.ndarray, vectors: np.ndarray, *, index_build_s: float) -> dict:
    from likeness.models import FaceEmbedding

    threshold = engine.MATCH_THRESHOLD
    figures: dict = {"index_build_s": index_build_s}
    for k in (1, 3):
        query, picked = _near(rng, vectors, k)
        expected = {int(owners[i]) for i in picked}
        exact = search.exact_sql(TABLE, "user_id", query, threshold)
        hnsw = search.hnsw_sql(TABLE, "user_id", query, threshold)
        numpy = engine.best_matches(query, vectors, owners, threshold)
        assert set(exact) == set(numpy) == expected, (exact, numpy, expected)
        assert set(hnsw) <= expected
        timings = {
            "exact_ms": median_ms(
                lambda q=query: search.exact_sql(TABLE, "user_id", q, threshold), repeat=10
            ),
            "hnsw_ms": median_ms(
                lambda q=query: search.hnsw_sql(TABLE, "user_id", q, threshold), repeat=20
            ),
            "people_near_ms": median_ms(lambda q=query: search.people_near(q), repeat=10),
            "numpy_in_memory_ms": median_ms(
                lambda q=query: engine.best_matches(q, vectors, owners, threshold), repeat=10
            ),
            "numpy_reading_rows_ms": median_ms(
                lambda q=query: search._nearest(
                    FaceEmbedding.objects.values_list("user_id", "vector"), q, threshold
                ),
                repeat=3,
                warmup=1,
            ),
        }
        for name in ("exact", "hnsw", "people_near"):
            database = timings[f"{name}_ms"]
            timings[f"numpy_in_memory_over_{name}"] = round(
                timings["numpy_in_memory_ms"] / database, 2
            )
            timings[f"numpy_reading_rows_over_{name}"] = round(
                timings["numpy_reading_rows_ms"] / database, 1
            )
        figures[f"frames_{k}"] = timings
    figures["hnsw_uses_the_index"] = _uses_index(vectors[0])
    figures["match_recall"] = _match_recall(rng, owners, vectors)
    figures["nearest_10_recall"] = _knn_recall(rng, owners, vectors)
    return figures


def _uses_index(vector: np.ndarray) -> bool:
    from django.db import connection

    literal = vector_literal(vector)
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN SELECT user_id FROM {TABLE} ORDER BY vector <-> %s::vector LIMIT %s",
            [literal, search.HNSW_CANDIDATES],
        )
        return any(INDEX in line for (line,) in cursor.fetchall())


def _match_recall(rng, owners: np.ndarray, vectors: np.ndarray) -> dict:
    """For each ef_search: the share of the people the exact scan finds within the threshold
    that the HNSW search finds too, and the median time of one query."""
    query, _ = _near(rng, vectors, QUERIES)
    threshold = engine.MATCH_THRESHOLD
    exact = [
        set(search.exact_sql(TABLE, "user_id", vector[None, :], threshold)) for vector in query
    ]
    figures = {}
    for ef in EF_SEARCH:
        found = sum(
            len(
                expected
                & set(search.hnsw_sql(TABLE, "user_id", v[None, :], threshold, ef_search=ef))
            )
            for v, expected in zip(query, exact, strict=True)
        )
        ms = median_ms(
            lambda e=ef: search.hnsw_sql(TABLE, "user_id", query[:1], threshold, ef_search=e),
            repeat=20,
        )
        figures[f"ef_search_{ef}"] = {
            "recall": round(found / sum(map(len, exact)), 4),
            "missed": sum(map(len, exact)) - found,
            "ms": ms,
        }
    return figures


def _knn_recall(rng, owners: np.ndarray, vectors: np.ndarray) -> dict:
    from django.db import connection, transaction

    query = _unit(rng.normal(size=(50, engine.EMBEDDING_SIZE)))
    truth = np.argsort(engine.distances(query, vectors), axis=1)[:, :10]
    figures = {}
    for ef in EF_SEARCH:
        hits = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.ef_search = %s", [ef])
            for row, vector in enumerate(query):
                cursor.execute(
                    f"SELECT user_id FROM {TABLE} ORDER BY vector <-> %s::vector LIMIT 10",
                    [vector_literal(vector)],
                )
                got = {owner for (owner,) in cursor.fetchall()}
                hits += len(got & {int(owners[i]) for i in truth[row]})
            ms = median_ms(
                lambda c=cursor, v=query[0]: c.execute(
                    f"SELECT user_id FROM {TABLE} ORDER BY vector <-> %s::vector LIMIT 10",
                    [vector_literal(v)],
                ),
                repeat=20,
            )
        figures[f"ef_search_{ef}"] = {"recall": round(hits / (10 * len(query)), 4), "ms": ms}
    return figures
