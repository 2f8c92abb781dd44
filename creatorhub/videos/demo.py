"""Demo library generation: recognisable Pillow posters and bulk-inserted videos."""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from creatorhub.accounts.models import User
from creatorhub.videos import audio
from creatorhub.videos.media import THUMB_LONG_SIDE, encode_jpeg
from creatorhub.videos.models import Video
from creatorhub.videos.services import (
    SHARED_MEDIA_PREFIX,
    library_count_changed,
    tags_get_or_create,
    video_process_upload,
    video_upload,
)

TOPICS = [
    ("Cooking", (235, 87, 87), (255, 196, 87)),
    ("Travel", (47, 128, 237), (86, 204, 242)),
    ("Dance", (187, 107, 217), (255, 126, 179)),
    ("Comedy", (242, 153, 74), (242, 201, 76)),
    ("Pets", (111, 207, 151), (39, 174, 96)),
    ("Fitness", (235, 87, 87), (111, 66, 193)),
    ("Music", (30, 30, 60), (155, 81, 224)),
    ("DIY", (130, 88, 52), (242, 201, 76)),
    ("Gaming", (20, 20, 40), (0, 200, 170)),
    ("Fashion", (255, 126, 179), (250, 220, 230)),
    ("Science", (10, 60, 90), (80, 200, 255)),
    ("Nature", (33, 110, 57), (180, 230, 120)),
]
VARIANTS = 4

# Sent by seed_demo once the demo accounts and libraries exist (keyword arguments: demo, viewer,
# moderator). Apps that build on videos add their own demo data without videos knowing them.
demo_seeded = Signal()
EXTRA_TAGS = ["tutorial", "behind the scenes", "short", "series", "collab", "live"]
POSTER_SIZE = (720, 1280)


def poster_name(index: int) -> tuple[str, str]:
    return (
        f"{SHARED_MEDIA_PREFIX}posters/{index:03d}.jpg",
        f"{SHARED_MEDIA_PREFIX}thumbs/{index:03d}.jpg",
    )


def render_poster(topic: str, top: tuple, bottom: tuple, variant: int) -> Image.Image:
    width, height = POSTER_SIZE
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(
        Image.new("RGB", POSTER_SIZE, bottom), Image.new("RGB", POSTER_SIZE, top), gradient
    )
    draw = ImageDraw.Draw(image, "RGBA")
    rng = random.Random(f"{topic}-{variant}")
    for _ in range(14):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(30, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(20, 60)))
    # A simple figure in the middle, so each poster has a subject, not only a backdrop.
    cx, cy = width // 2, int(height * 0.52)
    skin = [(241, 194, 125), (198, 134, 66), (141, 85, 36), (255, 219, 172)][variant % 4]
    draw.rounded_rectangle((cx - 150, cy + 90, cx + 150, cy + 420), 80, fill=(30, 30, 40, 230))
    draw.ellipse((cx - 110, cy - 150, cx + 110, cy + 90), fill=skin)
    draw.ellipse((cx - 55, cy - 55, cx - 25, cy - 25), fill=(30, 30, 30))
    draw.ellipse((cx + 25, cy - 55, cx + 55, cy - 25), fill=(30, 30, 30))
    draw.arc((cx - 50, cy - 10, cx + 50, cy + 45), 20, 160, fill=(120, 30, 30), width=8)
    title_font = ImageFont.load_default(size=96)
    small_font = ImageFont.load_default(size=44)
    draw.text(
        (width // 2, 170),
        topic.upper(),
        font=title_font,
        fill="white",
        anchor="mm",
        stroke_width=5,
        stroke_fill=(0, 0, 0, 160),
    )
    draw.text(
        (width // 2, height - 120),
        f"episode {variant + 1}",
        font=small_font,
        fill="white",
        anchor="mm",
        stroke_width=3,
        stroke_fill=(0, 0, 0, 160),
    )
    return image


def demo_posters_ensure() -> int:
    """Write the shared demo posters if missing; returns how many exist."""
    index = 0
    for topic, top, bottom in TOPICS:
        for variant in range(VARIANTS):
            poster_path, thumb_path = poster_name(index)
            if not default_storage.exists(poster_path):
                image = render_poster(topic, top, bottom, variant)
                default_storage.save(poster_path, ContentFile(encode_jpeg(image)))
                thumb = image.copy()
                thumb.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE))
                default_storage.save(thumb_path, ContentFile(encode_jpeg(thumb)))
            index += 1
    return index


def demo_user(*, username: str, password: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_videos_ensure(*, owner: User, count: int, seed: str, batch: int = 5000) -> int:
    """Top the creator's library up to `count` videos; returns how many were created."""
    existing = Video.objects.filter(owner=owner).count()
    missing = count - existing
    if missing <= 0:
        return 0
    rng = random.Random(f"{seed}-{existing}")
    tags = tags_get_or_create(
        owner=owner, names=[topic.lower() for topic, *_ in TOPICS] + EXTRA_TAGS
    )
    now = timezone.now()
    Through = Video.tags.through
    created = 0
    poster_total = len(TOPICS) * VARIANTS
    while created < missing:
        size = min(batch, missing - created)
        videos, chosen_tags = [], []
        for offset in range(size):
            number = existing + created + offset + 1
            poster_index = rng.randrange(poster_total)
            topic = TOPICS[poster_index // VARIANTS][0]
            poster_path, thumb_path = poster_name(poster_index)
            videos.append(
                Video(
                    owner=owner,
                    title=f"{topic} clip #{number}",
                    description=f"A {topic.lower()} video from the demo library.",
                    created_at=now - dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                    duration=round(rng.uniform(5, 180), 1),
                    width=720,
                    height=1280,
                    poster=poster_path,
                    thumbnail=thumb_path,
                )
            )
            names = [topic.lower()]
            if rng.random() < 0.4:
                names.append(rng.choice(EXTRA_TAGS))
            chosen_tags.append(names)
        Video.objects.bulk_create(videos, batch_size=batch)
        Through.objects.bulk_create(
            [
                Through(video_id=video.id, tag_id=tags[name].id)
                for video, names in zip(videos, chosen_tags, strict=True)
                for name in names
            ],
            batch_size=batch * 2,
        )
        created += size
    library_count_changed(owner=owner, delta=created)
    return created


# Short spoken videos (Debian's espeak-ng, muxed with PyAV over a demo poster), so the demo and
# the tests have real voices for voice remixes.
DEMO_SPEECH = (
    ("Hello from the kitchen", "Hello! Today we are making the fastest pancakes in the world."),
    ("Travel diary: the harbour", "This is the harbour at sunset. Listen to the gulls."),
    ("Science minute", "Did you know that sound travels four times faster in water?"),
)


def speech_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speech_mp4(text: str, picture: Image.Image) -> bytes:
    """`text` spoken by espeak-ng over `picture`, as an MP4 with H.264 and AAC."""
    wav = subprocess.run(
        ["espeak-ng", "--stdout", "-s", "150", text], check=True, capture_output=True, timeout=60
    ).stdout
    samples, seconds = audio.audio_extract(io.BytesIO(wav))
    return audio.mp4_still_with_audio(picture, samples, seconds=seconds)


def demo_speech_ensure(*, owner: User) -> int:
    """Add the spoken demo videos the creator lacks (their posters and sound made here, as the
    worker would); returns how many were made. Without espeak-ng, none."""
    if not speech_available():
        return 0
    made = 0
    for index, (title, text) in enumerate(DEMO_SPEECH):
        if Video.objects.filter(owner=owner, title=title).exists():
            continue
        topic, top, bottom = TOPICS[index]
        data = speech_mp4(text, render_poster(topic, top, bottom, index))
        upload = SimpleUploadedFile(f"speech-{index}.mp4", data, content_type="video/mp4")
        video = video_upload(owner=owner, file=upload, title=title)
        video_process_upload(video_id=video.id)
        made += 1
    return made
