from __future__ import annotations

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from creatorhub.videos.media import encode_jpeg
from creatorhub.videos.tests.factories import make_video


def poster_jpeg(size: tuple[int, int] = (720, 1280)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 3, size[1] // 3, 2 * size[0] // 3, size[1] // 2), fill=(230, 190, 150))
    return encode_jpeg(image)


def make_postered_video(owner, **fields):
    video = make_video(owner, **fields)
    video.poster.save(f"{video.public_id}.jpg", ContentFile(poster_jpeg()), save=True)
    return video
