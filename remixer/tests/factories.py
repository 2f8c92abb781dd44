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


def make_remix(requester, video, *, status: str = "published", template: str = "caption", **fields):
    from remixer.models import Remix
    from remixer.services import TEMPLATE_SCOPES

    fields.setdefault("inputs", {"top": "When the build passes", "bottom": "first try"})
    return Remix.objects.create(
        requester=requester,
        video=video,
        template=template,
        scopes=TEMPLATE_SCOPES[template],
        status=status,
        **fields,
    )
