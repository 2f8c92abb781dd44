from __future__ import annotations

import io
import json

import c2pa
import numpy as np
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

from consent import services as consent_services
from consent.tests.factories import CAPTION as CAPTION_SCOPE
from consent.tests.factories import policy
from consent.usage import NOT_ALLOWED
from creatorhub.videos.audio import AUDIO_RATE, mp4_still_with_audio
from creatorhub.videos.media import encode_jpeg
from creatorhub.videos.services import video_process_upload, video_upload
from creatorhub.videos.tests.factories import make_video
from remixer import pipeline, provenance
from remixer.models import Remix
from remixer.provenance import ProvenanceInfo


def poster_jpeg(size: tuple[int, int] = (720, 1280)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 3, size[1] // 3, 2 * size[0] // 3, size[1] // 2), fill=(230, 190, 150))
    return encode_jpeg(image)


def make_postered_video(owner, **fields):
    video = make_video(owner, **fields)
    video.poster.save(f"{video.public_id}.jpg", ContentFile(poster_jpeg()), save=True)
    return video


def face_poster(width: int = 720, height: int = 1280, seed: int = 0) -> Image.Image:
    """A person the frontal Haar cascade really detects: a Gaussian-shaded skin oval with hair,
    dark eyes under eyebrows, nostrils and a darker mouth, over a torso, softly blurred.

    Flat cartoon faces are not detected; the shading and the eye band darker than the cheeks
    and the nose bridge are what the cascade's first stages look for.
    """
    rng = np.random.default_rng(seed)
    cx, cy, fw = width // 2, int(height * 0.38), int(width * 0.42)
    fh = int(fw * 1.3)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    pixels = np.stack([70 + 40 * yy / height, 110 + 40 * yy / height, 150 + 40 * yy / height], -1)
    body = Image.new("L", (width, height), 0)
    ImageDraw.Draw(body).ellipse([cx - fw, cy + fh * 0.55, cx + fw, cy + fh * 2.6], fill=255)
    alpha = np.asarray(body, np.float32)[..., None] / 255
    pixels = pixels * (1 - alpha) + np.array([150, 40, 50], np.float32) * alpha
    r2 = ((xx - cx) / (fw / 2)) ** 2 + ((yy - cy) / (fh / 2)) ** 2
    alpha = np.clip((1.0 - r2) * 8, 0, 1)[..., None]
    shade = (0.75 + 0.35 * np.exp(-r2 * 1.2))[..., None]
    pixels = pixels * (1 - alpha) + np.array([225, 180, 150], np.float32) * shade * alpha
    hair = Image.new("L", (width, height), 0)
    box = [cx - fw * 0.56, cy - fh * 0.62, cx + fw * 0.56, cy + fh * 0.1]
    ImageDraw.Draw(hair).chord(box, 180, 360, fill=255)
    alpha = np.asarray(hair.filter(ImageFilter.GaussianBlur(fw * 0.02)), np.float32)[..., None]
    pixels = pixels * (1 - alpha / 255) + np.array([50, 35, 25], np.float32) * alpha / 255
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(image)
    ex, ey, er = fw * 0.2, cy - fh * 0.06, fw * 0.09
    for side in (-1, 1):
        x = cx + side * ex
        pen.ellipse([x - er * 1.4, ey - er * 0.8, x + er * 1.4, ey + er * 0.8], fill=(60, 45, 40))
        pen.rectangle([x - er * 1.6, ey - er * 2.2, x + er * 1.6, ey - er * 1.6], fill=(60, 40, 30))
    for left in (-0.07, 0.02):
        nostril = [cx + fw * left, cy + fh * 0.12, cx + fw * (left + 0.05), cy + fh * 0.15]
        pen.ellipse(nostril, fill=(120, 80, 70))
    pen.ellipse(
        [cx - fw * 0.17, cy + fh * 0.24, cx + fw * 0.17, cy + fh * 0.31], fill=(110, 40, 45)
    )
    image = image.filter(ImageFilter.GaussianBlur(max(1, fw * 0.012)))
    noisy = np.asarray(image, np.float32) + rng.normal(0, 4, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def plain_poster(width: int = 720, height: int = 1280, color=(128, 128, 128)) -> Image.Image:
    return Image.new("RGB", (width, height), color)


def subject_poster(width: int = 480, height: int = 640) -> Image.Image:
    """No face: a textured green background with a solid red-orange subject in the centre."""
    rng = np.random.default_rng(3)
    background = np.empty((height, width, 3), np.float32)
    background[...] = (40, 150, 60)
    background += rng.normal(0, 12, (height, width, 1))
    image = Image.fromarray(np.clip(background, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(image)
    pen.ellipse([width * 0.3, height * 0.2, width * 0.7, height * 0.95], fill=(210, 60, 40))
    pen.ellipse([width * 0.38, height * 0.12, width * 0.62, height * 0.38], fill=(230, 110, 70))
    return image


def make_video_with_poster(owner, image: Image.Image, **fields):
    video = make_video(owner, **fields)
    video.poster.save(f"{video.public_id}.jpg", ContentFile(encode_jpeg(image)), save=True)
    return video


def rendered_remix(requester, video, *, template: str = "caption", inputs=None):
    """A remix requested and rendered through the real pipeline (consent checks, render,
    signing, publish), with the bytes of its published file."""
    from remixer import services

    inputs = inputs or {"top": "When the build passes", "bottom": "first try"}
    remix = services.remix_request(
        requester=requester, video=video, template=template, inputs=inputs
    )
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    with remix.output.open("rb") as handle:
        return remix, handle.read()


CAPTION = {"top": "When the build", "bottom": "finally passes"}


def remix_row(requester, video, **fields) -> Remix:
    """An unsaved caption remix of `video`, for bulk_create: the video's creator copied onto it
    (Remix.creator), as remix_request does; `fields` override the rest."""
    return Remix(
        requester=requester,
        video=video,
        creator_id=video.owner_id,
        template=Remix.Template.CAPTION,
        scopes=CAPTION_SCOPE,
        inputs=CAPTION,
        **fields,
    )


def allow(creator, **kwargs) -> None:
    """The creator allows remixes account-wide (caption, everyone unless told otherwise)."""
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(**kwargs))


def deny(creator) -> None:
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))


def remix_jpeg() -> bytes:
    """A JPEG that looks like a remix of `poster_jpeg()`, for signing without the pipeline."""
    poster = Image.open(io.BytesIO(poster_jpeg()))
    return encode_jpeg(poster.rotate(4, fillcolor=(255, 255, 255)))


def info(**overrides) -> ProvenanceInfo:
    fields = {
        "remix_id": "rmx123",
        "template": "caption",
        "scopes": ["caption"],
        "consent_seq": 7,
        "video_id": "vid456",
        "video_title": "Sunset <at> the pier",
        "creator": "maya",
        "poster_jpeg": poster_jpeg(),
        "usage": NOT_ALLOWED,
    }
    return ProvenanceInfo(**{**fields, **overrides})


def flip_one_byte(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[-200] ^= 0x01  # inside the entropy-coded picture data
    return bytes(changed)


def tone(freq: float, seconds: float, level: float = 0.5) -> np.ndarray:
    time = np.arange(round(seconds * AUDIO_RATE)) / AUDIO_RATE
    return (level * np.sin(2 * np.pi * freq * time)).astype(np.float32)


def voiced_mp4(freq: float = 220.0, seconds: float = 4.0) -> bytes:
    """A small MP4: a still picture over a pure tone (measurable, unlike speech)."""
    picture = Image.new("RGB", (320, 568), (40, 120, 200))
    return mp4_still_with_audio(picture, tone(freq, seconds), seconds=seconds)


def make_voiced_video(owner, *, freq: float = 220.0, seconds: float = 4.0, **fields):
    """A video uploaded and processed as the worker would (poster and sound kept)."""
    upload = SimpleUploadedFile("tone.mp4", voiced_mp4(freq, seconds), content_type="video/mp4")
    video = video_upload(owner=owner, file=upload, title=fields.pop("title", "Tone"), **fields)
    video_process_upload(video_id=video.id)
    video.refresh_from_db()
    return video


def c2pa_report(data: bytes, mime: str = "image/jpeg") -> dict:
    """c2pa-python's Reader report on ``data`` under our trust anchor, as /verify/ reads it."""
    reader = c2pa.Reader(mime, io.BytesIO(data), context=provenance._reader_context())
    with reader:
        return json.loads(reader.json())
