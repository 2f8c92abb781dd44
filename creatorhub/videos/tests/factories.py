from __future__ import annotations

import datetime as dt
import io

import av
import numpy as np
from django.utils import timezone
from PIL import Image

from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from creatorhub.videos.services import library_count_changed, tags_get_or_create


def make_video(owner: User, *, tags: list[str] | None = None, **fields) -> Video:
    fields.setdefault("title", "A video")
    fields.setdefault("created_at", timezone.now())
    video = Video.objects.create(owner=owner, **fields)
    library_count_changed(owner=owner, delta=1)
    if tags:
        video.tags.set(tags_get_or_create(owner=owner, names=tags).values())
    return video


def make_videos(owner: User, count: int, *, tag: str | None = None, title: str = "Clip") -> None:
    """Bulk-insert `count` videos (and tag them all with `tag`) in a few queries."""
    start = timezone.now()
    videos = Video.objects.bulk_create(
        [
            Video(owner=owner, title=f"{title} {n}", created_at=start - dt.timedelta(hours=n))
            for n in range(count)
        ],
        batch_size=2000,
    )
    library_count_changed(owner=owner, delta=count)
    if tag:
        tag_obj = tags_get_or_create(owner=owner, names=[tag])[tag]
        Through = Video.tags.through
        Through.objects.bulk_create(
            [Through(video_id=v.id, tag_id=tag_obj.id) for v in videos], batch_size=5000
        )


def mp4_bytes(*, seconds: float = 2.0, size: tuple[int, int] = (320, 240), fps: int = 10) -> bytes:
    """A real H.264 MP4 with a moving colour pattern, made with PyAV."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index in range(int(seconds * fps)):
            pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
            pixels[:, :, 0] = (index * 20) % 256
            pixels[:, : size[0] // 2, 1] = 200
            pixels[size[1] // 3 :, :, 2] = 150
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def image_bytes(*, size: tuple[int, int] = (640, 360), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(buffer, format=fmt)
    return buffer.getvalue()
