"""Reading uploaded media: type sniffing, PyAV probing and poster frames, Pillow stills.

Pure functions over files and bytes; nothing here touches the database.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

import av
from django.conf import settings
from PIL import Image, ImageOps

POSTER_LONG_SIDE = 1280
THUMB_LONG_SIDE = 320
JPEG_QUALITY = 85


class MediaError(ValueError):
    """A file we cannot accept; the message is shown to the creator as is."""


class TooManyPixels(MediaError):
    """An image over IMAGE_MAX_PIXELS, found from its header before anything is decoded."""


@dataclass(frozen=True)
class VideoInfo:
    duration: float
    width: int
    height: int


@dataclass(frozen=True)
class Poster:
    poster_jpeg: bytes
    thumb_jpeg: bytes
    width: int
    height: int


def sniff_kind(head: bytes) -> str | None:
    """'video', 'image' or None, from the first bytes of a file (never from its name)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return None if brand in {b"heic", b"heix", b"mif1", b"avif"} else "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"  # Matroska / WebM
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")):
        return "image"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image"
    return None


def read_head(fileobj: IO[bytes], size: int = 32) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(0)
    return head


def probe_video(fileobj: IO[bytes]) -> VideoInfo:
    """Open the container, check limits and decode one frame, so corrupt files fail here."""
    fileobj.seek(0)
    try:
        with av.open(fileobj, mode="r") as container:
            if not container.streams.video:
                raise MediaError("This file has no video track.")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            duration = _duration_seconds(container, stream)
            next(container.decode(stream))
    except MediaError:
        raise
    except (av.FFmpegError, StopIteration, ValueError, OSError):
        raise MediaError(
            "This video could not be read: the file is corrupt, truncated or in an "
            "unsupported format."
        ) from None
    finally:
        fileobj.seek(0)
    if not width or not height:
        raise MediaError("This video has no picture size.")
    limit = settings.VIDEO_MAX_DIMENSION
    if max(width, height) > limit:
        raise MediaError(f"This video is {width}×{height}; the largest side allowed is {limit}px.")
    max_duration = settings.VIDEO_MAX_DURATION_SECONDS
    if duration > max_duration:
        raise MediaError(f"This video is {duration:.0f} s long; the limit is {max_duration} s.")
    return VideoInfo(duration=duration, width=width, height=height)


def _duration_seconds(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def extract_poster(fileobj: IO[bytes]) -> tuple[Poster, VideoInfo]:
    """Decode a representative frame (about 10% in, at most 1 s) and scale it."""
    info = probe_video(fileobj)
    target = min(1.0, info.duration * 0.1)
    try:
        with av.open(fileobj, mode="r") as container:
            stream = container.streams.video[0]
            if target > 0 and stream.time_base:
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
            frame = None
            for frame in container.decode(stream):
                if frame.time is None or frame.time >= target:
                    break
            if frame is None:
                raise MediaError("No picture could be decoded from this video.")
            image = frame.to_image()
    except MediaError:
        raise
    except (av.FFmpegError, ValueError, OSError):
        raise MediaError("A poster frame could not be decoded from this video.") from None
    finally:
        fileobj.seek(0)
    return _poster_from_image(image), info


def image_open(fileobj: IO[bytes]) -> Image.Image:
    """A still image (JPEG, PNG, GIF or WebP, sniffed from its bytes) opened lazily: only its
    header is read, and one over IMAGE_MAX_PIXELS is refused before any pixel is decoded.
    The one guard every image we take in goes through."""
    limit = settings.IMAGE_MAX_PIXELS
    unreadable = MediaError("This file is not an image we can read: use JPEG, PNG, GIF or WebP.")
    if sniff_kind(read_head(fileobj)) != "image":
        raise unreadable
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels(f"This image has too many pixels; the limit is {limit:,}.") from None
    except (OSError, ValueError, SyntaxError):
        raise unreadable from None
    width, height = image.size
    if width * height > limit:
        raise TooManyPixels(
            f"This image is {width}×{height} ({width * height:,} pixels); "
            f"the limit is {limit:,} pixels."
        )
    return image


def poster_from_image_file(fileobj: IO[bytes]) -> Poster:
    """Validate a still image (pixel limit before decoding) and make poster + thumbnail."""
    try:
        image = image_open(fileobj)
        try:
            image.draft("RGB", (POSTER_LONG_SIDE, POSTER_LONG_SIDE))
            image = ImageOps.exif_transpose(image)
            image.load()
        except (OSError, ValueError, SyntaxError):
            raise MediaError("This image could not be read: it is corrupt.") from None
    finally:
        fileobj.seek(0)
    return _poster_from_image(image)


def _poster_from_image(image: Image.Image) -> Poster:
    image = image.convert("RGB")
    poster = image.copy()
    poster.thumbnail(
        (POSTER_LONG_SIDE, POSTER_LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    thumb = poster.copy()
    thumb.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.LANCZOS)
    return Poster(
        poster_jpeg=encode_jpeg(poster),
        thumb_jpeg=encode_jpeg(thumb),
        width=image.width,
        height=image.height,
    )


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
