"""The two face searches the guard and the scans use.

    people_near(vectors)  →  {user_id: smallest distance}, for each enrolled person with a
                             face closer than MATCH_THRESHOLD to any of the given vectors
    frames_near(vectors)  →  {video_id: smallest distance}, for each scanned video with a
                             face closer than MATCH_THRESHOLD to any of the given vectors

Brute force with numpy over every stored vector (engine.best_matches).
"""

from __future__ import annotations

import numpy as np

from likeness.engine import EMBEDDING_SIZE, MATCH_THRESHOLD, best_matches
from likeness.models import FaceEmbedding, FrameFace


def people_near(
    vectors: list[np.ndarray] | np.ndarray, *, threshold: float = MATCH_THRESHOLD
) -> dict[int, float]:
    return _nearest(FaceEmbedding.objects.values_list("user_id", "vector"), vectors, threshold)


def frames_near(
    vectors: list[np.ndarray] | np.ndarray, *, threshold: float = MATCH_THRESHOLD
) -> dict[int, float]:
    return _nearest(FrameFace.objects.values_list("video_id", "vector"), vectors, threshold)


def _nearest(stored, vectors, threshold: float) -> dict[int, float]:
    """{owner: smallest distance} over `stored` (owner, vector) rows closer than threshold."""
    query = np.asarray(vectors, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
    if len(query) == 0:
        return {}
    rows = list(stored)
    if not rows:
        return {}
    owners = np.fromiter((owner for owner, _ in rows), dtype=np.int64, count=len(rows))
    enrolled = np.stack([vector for _, vector in rows])
    return best_matches(query, enrolled, owners, threshold)
