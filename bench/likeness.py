"""The likeness guard's engine and search: how well it tells two real people apart (the figures
in likeness/engine.py's docstring) and the scan of one 720p poster frame; then, on PostgreSQL,
the database search (likeness/search.py) at 1,000 and 100,000 enrolled people against numpy over
the same rows in the same run, and the HNSW index's recall against the exact scan. The guard's
request-time check and the backfill, as the app runs them, are bench/likeness_guard.py.

`make bench BENCH=likeness` (the database search needs PostgreSQL with pgvector); the engine
figures alone: python -c "import bench.likeness as b, json; print(json.dumps(b.run()))"."""

from __future__ import annotations

import statistics

import numpy as np
from PIL import Image

from bench.harness import median_ms
from likeness import engine
from likeness.tests import photos

THRESHOLDS = (0.5, 0.55, 0.6)
FRAME = (1280, 720)


def run() -> dict:
    from django.db import connection

    figures = {
        "accuracy": accuracy(),
        "scan_720p": scan(),
    }
    if connection.vendor == "postgresql":
        from bench.likeness_db import database_search

        figures["database_search"] = database_search()
    return figures


def accuracy() -> dict:
    """Each person's transformed copies against their own enrolment (same person), and the
    other person's photo and copies against it (different person). A copy's distance is the
    smallest over the faces found in it; a copy with no face found counts as a false reject."""
    people = {"astronaut": photos.astronaut(), "grace_hopper": photos.grace_hopper()}
    enrolled = {name: engine.faces_find(image)[0].embedding for name, image in people.items()}
    same, different = [], []
    for name, image in people.items():
        other = next(n for n in people if n != name)
        for copy in [image, *photos.transforms(image).values()]:
            found = np.array([face.embedding for face in engine.faces_find(copy)])
            if copy is not image:
                same.append(_nearest(found, enrolled[name]))
            different.append(_nearest(found, enrolled[other]))
    return {
        "same_person": _spread(same),
        "different_person": _spread(different),
        "false_rejects": {str(t): f"{sum(d >= t for d in same)}/{len(same)}" for t in THRESHOLDS},
        "false_accepts": {
            str(t): f"{sum(d < t for d in different)}/{len(different)}" for t in THRESHOLDS
        },
    }


def _nearest(found: np.ndarray, enrolled: np.ndarray) -> float:
    return float(engine.distances(found, enrolled).min()) if len(found) else float("inf")


def _spread(values: list[float]) -> dict:
    found = [v for v in values if v != float("inf")]
    return {
        "pairs": len(values),
        "no_face_found": len(values) - len(found),
        "min": round(min(found), 3),
        "median": round(statistics.median(found), 3),
        "max": round(max(found), 3),
    }


def scan() -> dict:
    """faces_find on one 1280×720 frame with the astronaut pasted in (face about 90 px)."""
    frame = Image.new("RGB", FRAME, photos.GREY)
    frame.paste(photos.astronaut(), (400, 100))
    assert len(engine.faces_find(frame)) == 1
    return {
        f"upsample_{up}_ms": median_ms(
            lambda u=up: engine.faces_find(frame, upsample=u), repeat=3, warmup=1
        )
        for up in (0, 1)
    }
