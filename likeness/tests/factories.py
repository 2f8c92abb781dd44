"""Enrolled people and videos showing their faces, from the photos packages ship."""

from __future__ import annotations

import functools

import numpy as np
from django.core.files.base import ContentFile
from PIL import Image

from creatorhub.accounts.models import User
from creatorhub.videos.media import encode_jpeg
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from likeness import engine
from likeness.models import FaceEmbedding, FrameFace, FrameScan, LikenessMatch
from likeness.tests import photos


@functools.cache
def _embedding(name: str) -> np.ndarray:
    image = getattr(photos, name)()
    return engine.enrolment_embedding(photos.png_bytes(image))


def enrol(person: User, photo: str = "astronaut") -> FaceEmbedding:
    """Store the embedding of a packaged photo (`astronaut` or `grace_hopper`) for `person`, as
    the enrolment worker would."""
    return FaceEmbedding.objects.create(user=person, vector=_embedding(photo))


def video_showing(owner: User, image: Image.Image, **fields) -> Video:
    """A video whose poster is `image` (not scanned yet)."""
    video = make_video(owner, **fields)
    video.poster.save(f"{video.public_id}.jpg", ContentFile(encode_jpeg(image)), save=True)
    return video


def matched(person: User, video: Video, distance: float = 0.3) -> LikenessMatch:
    """A stored match, as a scan of the video's poster would leave it (so a render does not
    scan it again); the person is enrolled (any vector)."""
    if not FaceEmbedding.objects.filter(user=person).exists():
        FaceEmbedding.objects.create(user=person, vector=np.ones(engine.EMBEDDING_SIZE))
    FrameScan.objects.update_or_create(
        video=video, defaults={"poster": video.poster.name if video.poster else "", "faces": 1}
    )
    return LikenessMatch.objects.create(person=person, video=video, distance=distance)


def unit_vectors(count: int, *, seed: int = 0) -> np.ndarray:
    """Random vectors of length 1, far apart (two of them are ~1.4 apart), as faces are."""
    vectors = np.random.default_rng(seed).normal(size=(count, engine.EMBEDDING_SIZE))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def at_distance(vector: np.ndarray, distance: float, *, seed: int = 1) -> np.ndarray:
    """A vector exactly `distance` from `vector` (in a random direction)."""
    step = np.random.default_rng(seed).normal(size=engine.EMBEDDING_SIZE)
    step = step / np.linalg.norm(step) * distance
    return (np.asarray(vector, dtype=np.float64) + step).astype(np.float32)


def enrol_vector(person: User, vector: np.ndarray) -> FaceEmbedding:
    return FaceEmbedding.objects.create(user=person, vector=vector)


def frame_face(video: Video, vector: np.ndarray) -> FrameFace:
    return FrameFace.objects.create(video=video, vector=vector, box=[10, 10, 110, 110])


def match(person: User, video: Video, distance: float = 0.4, **fields) -> LikenessMatch:
    found = LikenessMatch.objects.create(person=person, video=video, distance=distance)
    if fields:  # found_at is auto_now_add: set it afterwards
        LikenessMatch.objects.filter(id=found.id).update(**fields)
        found.refresh_from_db()
    return found
