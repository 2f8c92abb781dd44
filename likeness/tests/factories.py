"""Stored faces and matches for tests: rows made directly (the scans are another part's)."""

from __future__ import annotations

import numpy as np

from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from likeness.engine import EMBEDDING_SIZE
from likeness.models import FaceEmbedding, FrameFace, LikenessMatch


def unit_vectors(count: int, *, seed: int = 0) -> np.ndarray:
    """Random vectors of length 1, far apart (two of them are ~1.4 apart), as faces are."""
    vectors = np.random.default_rng(seed).normal(size=(count, EMBEDDING_SIZE)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def at_distance(vector: np.ndarray, distance: float, *, seed: int = 1) -> np.ndarray:
    """A vector exactly `distance` from `vector` (in a random direction)."""
    step = np.random.default_rng(seed).normal(size=EMBEDDING_SIZE)
    step = step / np.linalg.norm(step) * distance
    return (np.asarray(vector, dtype=np.float64) + step).astype(np.float32)


def enrol(person: User, vector: np.ndarray) -> FaceEmbedding:
    return FaceEmbedding.objects.create(user=person, vector=vector)


def frame_face(video: Video, vector: np.ndarray) -> FrameFace:
    return FrameFace.objects.create(video=video, vector=vector, box=[10, 10, 110, 110])


def match(person: User, video: Video, distance: float = 0.4, **fields) -> LikenessMatch:
    found = LikenessMatch.objects.create(person=person, video=video, distance=distance)
    if fields:  # found_at is auto_now_add: set it afterwards
        LikenessMatch.objects.filter(id=found.id).update(**fields)
        found.refresh_from_db()
    return found
