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
from likeness.models import FaceEmbedding, FrameScan, LikenessMatch
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
