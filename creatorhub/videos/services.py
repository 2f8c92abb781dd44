"""Writes to the video library. Views, tasks and commands call these; nothing else writes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from creatorhub.accounts.models import User
from creatorhub.enqueue import task_send
from creatorhub.videos import audio, media
from creatorhub.videos.media import MediaError
from creatorhub.videos.models import LibraryStats, Tag, Video
from creatorhub.videos.signals import poster_stored

MAX_TAGS_PER_VIDEO = 20
MAX_TAG_LENGTH = 50
# Files under this prefix are shared between many seeded videos and are never deleted with one.
SHARED_MEDIA_PREFIX = "seed/"

_TAG_SPLIT = re.compile(r"[,;|]")


def parse_tag_names(raw: str | Iterable[str]) -> list[str]:
    """Normalise tags: split on , ; |, strip '#', lower-case, de-duplicate, keep order."""
    parts = _TAG_SPLIT.split(raw) if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for part in parts:
        name = " ".join(str(part).strip().lstrip("#").lower().split())
        if not name or name in names:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValueError(f"The tag “{name[:20]}…” is longer than {MAX_TAG_LENGTH} characters.")
        names.append(name)
    if len(names) > MAX_TAGS_PER_VIDEO:
        raise ValueError(f"At most {MAX_TAGS_PER_VIDEO} tags per video.")
    return names


def tags_get_or_create(*, owner: User, names: Iterable[str]) -> dict[str, Tag]:
    """Two queries whatever the number of names."""
    wanted = set(names)
    if not wanted:
        return {}
    Tag.objects.bulk_create([Tag(owner=owner, name=name) for name in wanted], ignore_conflicts=True)
    return {tag.name: tag for tag in Tag.objects.filter(owner=owner, name__in=wanted)}


def library_count_changed(*, owner: User, delta: int) -> None:
    """Keep LibraryStats.video_count in step; call inside the transaction that adds/removes."""
    updated = LibraryStats.objects.filter(owner=owner).update(video_count=F("video_count") + delta)
    if not updated:
        # First write for this creator: start from the true count (this transaction included).
        LibraryStats.objects.bulk_create(
            [LibraryStats(owner=owner, video_count=Video.objects.filter(owner=owner).count())],
            ignore_conflicts=True,
        )


def _set_tags(video: Video, owner: User, names: list[str]) -> None:
    tags = tags_get_or_create(owner=owner, names=names)
    video.tags.set([tags[name] for name in names])


@transaction.atomic
def video_upload(
    *,
    owner: User,
    file: UploadedFile,
    title: str,
    description: str = "",
    tag_names: list[str] | None = None,
    visibility: str = Video.Visibility.PUBLIC,
) -> Video:
    """Validate an uploaded video or still image and add it to the library.

    A video is probed here (so a bad file creates nothing) and its poster is made by the
    `process_upload` task; a still image becomes the poster straight away.
    """
    kind = media.sniff_kind(media.read_head(file))
    if kind is None:
        raise MediaError(
            "This is not a video or image we can read. Upload an MP4, MOV, WebM or MKV video, "
            "or a JPEG, PNG, GIF or WebP image."
        )
    limit = settings.VIDEO_MAX_UPLOAD_BYTES if kind == "video" else settings.IMAGE_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise MediaError(
            f"This file is {file.size / 1_048_576:.1f} MB; the limit for a {kind} is "
            f"{limit / 1_048_576:.0f} MB."
        )
    video = Video(
        owner=owner,
        title=title.strip() or _title_from_filename(file.name),
        description=description,
        visibility=visibility,
        created_at=timezone.now(),
    )
    if kind == "video":
        info = media.probe_video(file)
        video.duration, video.width, video.height = info.duration, info.width, info.height
        video.status = Video.Status.PROCESSING
        video.save()
        video.original.save(f"{video.public_id}{_extension(file.name)}", file, save=True)
        transaction.on_commit(lambda: task_send("creatorhub.videos.tasks.process_upload", video.id))
    else:
        poster = media.poster_from_image_file(file)
        video.save()
        video_poster_store(video=video, poster=poster)
    _set_tags(video, owner, tag_names or [])
    library_count_changed(owner=owner, delta=1)
    return video


def _title_from_filename(name: str | None) -> str:
    stem = (name or "Untitled").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").replace("-", " ").split())[:200] or "Untitled"


def _extension(name: str | None) -> str:
    suffix = (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    return f".{suffix}" if suffix in {"mp4", "mov", "m4v", "webm", "mkv", "avi"} else ".bin"


def video_poster_store(*, video: Video, poster: media.Poster) -> None:
    video.poster.save(f"{video.public_id}.jpg", ContentFile(poster.poster_jpeg), save=False)
    video.thumbnail.save(f"{video.public_id}.jpg", ContentFile(poster.thumb_jpeg), save=False)
    video.save(update_fields=["poster", "thumbnail"])
    transaction.on_commit(lambda: poster_stored.send(sender=Video, video_id=video.id))


def video_process_upload(*, video_id: int) -> None:
    """Make the poster frame of an uploaded video (run by the worker)."""
    video = Video.objects.filter(id=video_id, status=Video.Status.PROCESSING).first()
    if video is None or not video.original:
        return  # deleted meanwhile, or already done by an earlier delivery
    try:
        with video.original.open("rb") as handle:
            poster, info = media.extract_poster(handle)
    except MediaError as error:
        Video.objects.filter(id=video.id).update(
            status=Video.Status.FAILED, processing_error=str(error)[:300]
        )
        return
    with transaction.atomic():
        video.duration, video.width, video.height = info.duration, info.width, info.height
        video.status = Video.Status.READY
        video.processing_error = ""
        video_poster_store(video=video, poster=poster)
        video_audio_store(video=video)
        video.save(update_fields=["duration", "width", "height", "status", "processing_error"])


def video_audio_store(*, video: Video) -> bool:
    """Keep the upload's sound beside the poster (voice remixes read only that). A video without
    a readable audio track simply has none; it is not a failed upload."""
    try:
        with video.original.open("rb") as handle:
            extracted = audio.audio_extract(handle)
    except MediaError:
        extracted = None
    if extracted is None or not extracted[0].size:
        return False
    samples, seconds = extracted
    video.audio.save(
        f"{video.public_id}.wav", ContentFile(audio.audio_encode_wav(samples)), save=False
    )
    video.audio_seconds = seconds
    video.save(update_fields=["audio", "audio_seconds"])
    return True


@transaction.atomic
def video_update(
    *,
    video: Video,
    title: str,
    description: str,
    tag_names: list[str],
    visibility: str,
    created_at: dt.datetime | None = None,
) -> Video:
    video.title = title
    video.description = description
    video.visibility = visibility
    if created_at is not None:
        video.created_at = created_at
    video.save(update_fields=["title", "description", "visibility", "created_at"])
    _set_tags(video, video.owner, tag_names)
    return video


@transaction.atomic
def video_delete(*, video: Video) -> None:
    names = [
        f.name
        for f in (video.original, video.poster, video.thumbnail, video.audio)
        if f and not f.name.startswith(SHARED_MEDIA_PREFIX)
    ]
    video.delete()
    library_count_changed(owner=video.owner, delta=-1)
    transaction.on_commit(lambda: media_files_delete(names=names))


def media_files_delete(*, names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)
