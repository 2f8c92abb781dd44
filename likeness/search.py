"""Which enrolled people a face belongs to: the one search the guard and the scans use.

    people_near(vectors)  →  {user_id: smallest distance}, for each enrolled person with a
                             face closer than MATCH_THRESHOLD to any of the given vectors

Brute force with numpy over every enrolled embedding (engine.best_matches).
"""

from __future__ import annotations

import numpy as np

from likeness.engine import EMBEDDING_SIZE, MATCH_THRESHOLD, best_matches
from likeness.models import FaceEmbedding


def people_near(
    vectors: list[np.ndarray] | np.ndarray, *, threshold: float = MATCH_THRESHOLD
) -> dict[int, float]:
    query = np.asarray(vectors, dtype=np.float32).reshape(-1, EMBEDDING_SIZE)
    if len(query) == 0:
        return {}
    rows = list(FaceEmbedding.objects.values_list("user_id", "vector"))
    if not rows:
        return {}
    owners = np.fromiter((user_id for user_id, _ in rows), dtype=np.int64, count=len(rows))
    enrolled = np.stack([vector for _, vector in rows])
    return best_matches(query, enrolled, owners, threshold)
