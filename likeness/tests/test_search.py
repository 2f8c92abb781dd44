"""likeness.search on PostgreSQL (pgvector: exact scan and HNSW index) against numpy over the
same rows, the threshold's edges, and the SQLite path (numpy) in a database of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.tests.factories import make_video
from likeness import search
from likeness.engine import MATCH_THRESHOLD, best_matches
from likeness.models import FaceEmbedding, FrameFace
from likeness.tests.factories import at_distance, enrol_vector, frame_face, unit_vectors

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def numpy_answer(model, owner: str, query: np.ndarray) -> dict[int, float]:
    rows = list(model.objects.values_list(owner, "vector"))
    owners = np.array([row[0] for row in rows])
    return best_matches(
        np.asarray(query).reshape(-1, 128), np.stack([r[1] for r in rows]), owners, MATCH_THRESHOLD
    )


def assert_same(got: dict[int, float], expected: dict[int, float]) -> None:
    # numpy's ‖a‖² + ‖b‖² − 2a·b loses digits for identical vectors (√1e-7 ≈ 3e-4); pgvector
    # subtracts first. Elsewhere both agree to float32's precision.
    assert set(got) == set(expected)
    for owner, distance in expected.items():
        assert got[owner] == pytest.approx(distance, abs=1e-5 if distance > 0.01 else 1e-3)


@pytest.fixture
def crowd():
    """40 people with 2 faces each, and who is near the query vectors."""
    people = [make_user(f"person{n}") for n in range(40)]
    faces = unit_vectors(80, seed=3)
    FaceEmbedding.objects.bulk_create(
        FaceEmbedding(user=people[n // 2], vector=faces[n]) for n in range(80)
    )
    query = np.stack([at_distance(faces[0], 0.3), at_distance(faces[5], 0.55), faces[79]])
    return people, faces, query


def test_the_migration_made_hnsw_indexes_on_both_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname LIKE '%%_vector_hnsw'"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"likeness_faceembedding", "likeness_frameface"}
    assert all("hnsw (vector vector_l2_ops)" in d for d in indexes.values())


def test_people_near_exact_scan_gives_numpy_people_and_distances(crowd):
    people, _faces, query = crowd
    got = search.people_near(query)
    assert_same(got, numpy_answer(FaceEmbedding, "user_id", query))
    assert set(got) == {people[0].id, people[2].id, people[39].id}
    assert got[people[0].id] == pytest.approx(0.3, abs=1e-5)
    assert got[people[39].id] == pytest.approx(0.0, abs=1e-3)


def test_hnsw_search_gives_the_exact_answer(crowd):
    _people, _faces, query = crowd
    table = FaceEmbedding._meta.db_table
    exact = search.exact_sql(table, "user_id", query, MATCH_THRESHOLD)
    assert_same(search.hnsw_sql(table, "user_id", query, MATCH_THRESHOLD), exact)


def test_a_large_table_is_searched_through_the_index(crowd, monkeypatch):
    _people, _faces, query = crowd
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE likeness_faceembedding")
    used = []
    monkeypatch.setattr(search, "HNSW_MIN_ROWS", 50)  # 80 rows: large enough here
    monkeypatch.setattr(search, "hnsw_sql", lambda *args: used.append(args) or {})
    search.people_near(query)
    assert len(used) == 1


def test_hnsw_falls_back_to_exact_when_every_candidate_matches(db, monkeypatch):
    """A person in more videos than the candidates: none is cut off."""
    person_face = unit_vectors(1, seed=9)[0]
    owner = make_user("owner")
    videos = [make_video(owner, title=f"Clip {n}") for n in range(6)]
    for n, video in enumerate(videos):
        frame_face(video, at_distance(person_face, 0.1 + n * 0.05, seed=n))
    monkeypatch.setattr(search, "HNSW_CANDIDATES", 3)
    got = search.hnsw_sql("likeness_frameface", "video_id", person_face[None, :], MATCH_THRESHOLD)
    assert set(got) == {video.id for video in videos}


def test_frames_near_gives_numpy_videos_and_distances(db):
    owner = make_user("owner")
    faces = unit_vectors(30, seed=4)
    videos = [make_video(owner, title=f"Clip {n}") for n in range(10)]
    FrameFace.objects.bulk_create(
        FrameFace(video=videos[n % 10], vector=faces[n], box=[0, 0, 1, 1]) for n in range(30)
    )
    query = np.stack([at_distance(faces[12], 0.2), faces[29]])
    got = search.frames_near(query)
    assert_same(got, numpy_answer(FrameFace, "video_id", query))
    assert set(got) == {videos[2].id, videos[9].id}


@pytest.mark.parametrize(
    ("distance", "matched"), [(0.58, True), (0.599, True), (0.601, False), (0.65, False)]
)
def test_threshold_edges(db, distance, matched):
    person = make_user("person")
    face = unit_vectors(1, seed=5)[0]
    enrol_vector(person, face)
    got = search.people_near([at_distance(face, distance, seed=7)])
    assert (person.id in got) is matched
    if matched:
        assert got[person.id] == pytest.approx(distance, abs=1e-4)


def test_nothing_to_search_or_nothing_stored(db):
    assert search.people_near([]) == {}
    assert search.frames_near(np.zeros((0, 128))) == {}
    assert search.people_near(unit_vectors(1)) == {}


def test_a_custom_threshold(crowd):
    people, _faces, query = crowd
    assert set(search.people_near(query, threshold=0.4)) == {people[0].id, people[39].id}


SQLITE_SCRIPT = """
import numpy as np
from creatorhub.accounts.tests.factories import make_user
from likeness import search
from likeness.models import FaceEmbedding
from likeness.tests.factories import at_distance, unit_vectors
faces = unit_vectors(3, seed=2)
people = [make_user(f"p{n}") for n in range(3)]
for person, face in zip(people, faces):
    FaceEmbedding.objects.create(user=person, vector=face)
got = search.people_near([at_distance(faces[1], 0.45)])
assert list(got) == [people[1].id] and abs(got[people[1].id] - 0.45) < 1e-4, got
assert search.people_near([at_distance(faces[1], 0.61)]) == {}
print("sqlite ok")
"""


def test_sqlite_migrates_and_searches_with_numpy(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEBUG": "1"}
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SQLITE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "sqlite ok" in run.stdout
