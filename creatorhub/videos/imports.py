"""Importing an existing library's metadata from CSV, JSON, or a ZIP of either plus posters.

Two steps: `import_stage` validates every row and keeps the file privately; the creator sees
each row's errors; `import_commit` creates every video in one transaction, or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from creatorhub.accounts.models import User
from creatorhub.enqueue import task_send
from creatorhub.videos import media
from creatorhub.videos.models import Video, VideoImport
from creatorhub.videos.services import (
    library_count_changed,
    parse_tag_names,
    tags_get_or_create,
    video_poster_store,
)

COLUMNS = {"title", "description", "tags", "created_at", "poster"}
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
BATCH = 2000


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is shown to the creator."""


@dataclass
class ImportRow:
    number: int
    title: str
    description: str
    tags: list[str]
    created_at: dt.datetime
    poster: str


@dataclass
class RowError:
    number: int
    field: str
    message: str


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _private_path(relative: str) -> Path:
    return Path(settings.PRIVATE_ROOT) / relative


def import_stage(*, owner: User, file: UploadedFile) -> tuple[VideoImport, ImportPreview]:
    """Keep the upload privately and validate it; nothing is added to the library yet."""
    if file.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"This file is {file.size / 1_048_576:.1f} MB; the import limit is "
            f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1_048_576:.0f} MB."
        )
    data = file.read()
    preview = import_validate(data=data, filename=file.name or "")
    staged = VideoImport(owner=owner, filename=(file.name or "import")[:255])
    staged.staged_path = f"imports/{staged.id}{_suffix(file.name or '')}"
    target = _private_path(staged.staged_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    staged.row_count = len(preview.rows)
    staged.poster_count = sum(1 for row in preview.rows if row.poster)
    staged.save()
    return staged, preview


def import_preview(*, staged: VideoImport) -> ImportPreview:
    data = _private_path(staged.staged_path).read_bytes()
    return import_validate(data=data, filename=staged.staged_path)


def _suffix(name: str) -> str:
    suffix = PurePosixPath(name.lower()).suffix
    return suffix if suffix in {".csv", ".json", ".zip"} else ".bin"


def import_validate(*, data: bytes, filename: str) -> ImportPreview:
    archive = None
    if data.startswith(b"PK\x03\x04"):
        archive = _open_zip(data)
        filename, data = _metadata_member(archive)
    records = _records(data, filename)
    preview = ImportPreview()
    if len(records) > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            f"This file has {len(records):,} rows; at most {settings.IMPORT_MAX_ROWS:,} "
            "can be imported at once. Split it into several files."
        )
    if not records:
        raise ImportFileError("This file has no rows to import.")
    seen_columns: set[str] = set()
    for number, record in records:
        seen_columns.update(record)
        row = _validate_row(number, record, archive, preview.errors)
        if row is not None:
            preview.rows.append(row)
    preview.ignored_columns = sorted(seen_columns - COLUMNS)
    return preview


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError("This ZIP file is corrupt.") from None


def _metadata_member(archive: zipfile.ZipFile) -> tuple[str, bytes]:
    candidates = [
        info
        for info in archive.infolist()
        if "/" not in info.filename and info.filename.lower().endswith((".csv", ".json"))
    ]
    if len(candidates) != 1:
        raise ImportFileError(
            "A ZIP import must hold exactly one .csv or .json file at its top level, "
            "beside the poster images it names."
        )
    info = candidates[0]
    if info.file_size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError("The metadata file inside the ZIP is too large.")
    return info.filename, archive.read(info)


def _records(data: bytes, filename: str) -> list[tuple[int, dict[str, object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text.") from None
    if filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        return _json_records(text)
    return _csv_records(text)


def _json_records(text: str) -> list[tuple[int, dict[str, object]]]:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"The JSON is malformed (line {error.lineno}: {error.msg})."
        ) from None
    except RecursionError:
        # json's decoder recurses once per nesting level; thousands of "[" exhaust the stack.
        raise ImportFileError("The JSON is nested too deeply to be a list of videos.") from None
    if isinstance(payload, dict):
        payload = payload.get("videos")
    if not isinstance(payload, list):
        raise ImportFileError('JSON must be a list of videos, or {"videos": [...]}.')
    records = []
    for index, item in enumerate(payload, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(f"Item {index} is not an object.")
        records.append((index, {str(k).strip().lower(): v for k, v in item.items()}))
    return records


def _csv_records(text: str) -> list[tuple[int, dict[str, object]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "title" not in {f.strip().lower() for f in reader.fieldnames}:
        raise ImportFileError("The CSV needs a header row with at least a “title” column.")
    records = []
    try:
        for record in reader:
            cleaned = {(k or "").strip().lower(): v for k, v in record.items() if k is not None}
            records.append((reader.line_num, cleaned))
    except csv.Error as error:
        raise ImportFileError(
            f"The CSV is malformed near line {reader.line_num}: {error}."
        ) from None
    return records


def _validate_row(
    number: int,
    record: dict[str, object],
    archive: zipfile.ZipFile | None,
    errors: list[RowError],
) -> ImportRow | None:
    start = len(errors)

    def fail(name: str, message: str) -> None:
        errors.append(RowError(number, name, message))

    def text(name: str) -> str:
        value = record.get(name)
        if value is None:
            return ""
        if not isinstance(value, str | int | float):
            fail(name, "must be text")
            return ""
        return str(value).strip()

    title = text("title")
    if not title:
        fail("title", "is required")
    elif len(title) > MAX_TITLE:
        fail("title", f"is longer than {MAX_TITLE} characters")
    description = text("description")
    if len(description) > MAX_DESCRIPTION:
        fail("description", f"is longer than {MAX_DESCRIPTION} characters")
    raw_tags = record.get("tags") or ""
    tags: list[str] = []
    if isinstance(raw_tags, list) and all(isinstance(t, str) for t in raw_tags):
        raw_tags = ",".join(raw_tags)
    if not isinstance(raw_tags, str):
        fail("tags", "must be a list of text or comma-separated text")
    else:
        try:
            tags = parse_tag_names(raw_tags)
        except ValueError as error:
            fail("tags", str(error))
    created_at = _parse_created_at(text("created_at"), fail)
    poster = text("poster")
    if poster:
        _check_poster(poster, archive, fail)
    if len(errors) > start:
        return None
    return ImportRow(number, title, description, tags, created_at or timezone.now(), poster)


def _parse_created_at(value: str, fail) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            parsed = dt.datetime.combine(day, dt.time()) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        fail("created_at", f"“{value[:40]}” is not a date (use YYYY-MM-DD or ISO 8601)")
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    if parsed > timezone.now() + dt.timedelta(days=1):
        fail("created_at", "is in the future")
        return None
    return parsed


def _check_poster(path: str, archive: zipfile.ZipFile | None, fail) -> None:
    if archive is None:
        fail("poster", "poster paths need a ZIP upload holding the images")
        return
    normalised = PurePosixPath(path)
    if normalised.is_absolute() or ".." in normalised.parts:
        fail("poster", "must be a path inside the ZIP")
        return
    try:
        info = archive.getinfo(str(normalised))
    except KeyError:
        fail("poster", f"“{path[:60]}” is not in the ZIP")
        return
    if info.file_size > settings.IMAGE_MAX_UPLOAD_BYTES:
        fail("poster", "image file is too large")
        return
    if media.sniff_kind(archive.open(info).read(32)) != "image":
        fail("poster", "is not a JPEG, PNG, GIF or WebP image")


def import_commit(*, staged: VideoImport) -> int:
    """Create every row's video in one transaction, or raise and create none."""
    data = _private_path(staged.staged_path).read_bytes()
    preview = import_validate(data=data, filename=staged.staged_path)
    if not preview.ok:
        raise ImportFileError("This import has errors; fix them and upload it again.")
    with transaction.atomic():
        locked = VideoImport.objects.select_for_update().get(id=staged.id)
        if locked.status != VideoImport.Status.STAGED:
            raise ImportFileError("This import has already been committed.")
        owner = locked.owner
        all_tags = tags_get_or_create(
            owner=owner, names={name for row in preview.rows for name in row.tags}
        )
        videos = [
            Video(
                owner=owner,
                title=row.title,
                description=row.description,
                created_at=row.created_at,
            )
            for row in preview.rows
        ]
        Video.objects.bulk_create(videos, batch_size=BATCH)
        library_count_changed(owner=owner, delta=len(videos))
        Through = Video.tags.through
        Through.objects.bulk_create(
            [
                Through(video_id=video.id, tag_id=all_tags[name].id)
                for video, row in zip(videos, preview.rows, strict=True)
                for name in row.tags
            ],
            batch_size=BATCH * 5,
        )
        locked.status = VideoImport.Status.COMMITTED
        locked.committed_at = timezone.now()
        locked.save(update_fields=["status", "committed_at"])
        posters = {
            str(video.id): row.poster
            for video, row in zip(videos, preview.rows, strict=True)
            if row.poster
        }
        if posters:
            manifest = _private_path(f"{locked.staged_path}.posters.json")
            manifest.write_text(json.dumps(posters))
            transaction.on_commit(
                lambda: task_send("creatorhub.videos.tasks.import_posters", str(locked.id))
            )
    return len(videos)


def import_posters_process(*, import_id: str) -> None:
    """Make posters for a committed ZIP import; resumable, skipping videos already done."""
    staged = VideoImport.objects.filter(id=import_id).first()
    if staged is None:
        return
    manifest = _private_path(f"{staged.staged_path}.posters.json")
    if not manifest.exists():
        return
    posters: dict[str, str] = json.loads(manifest.read_text())
    pending = set(
        Video.objects.filter(id__in=[int(i) for i in posters], poster="").values_list(
            "id", flat=True
        )
    )
    archive = _open_zip(_private_path(staged.staged_path).read_bytes())
    done = len(posters) - len(pending)
    for video_id in sorted(pending):
        video = Video.objects.filter(id=video_id).first()
        if video is not None:
            try:
                with archive.open(posters[str(video_id)]) as handle:
                    poster = media.poster_from_image_file(io.BytesIO(handle.read()))
            except media.MediaError:
                Video.objects.filter(id=video_id).update(
                    status=Video.Status.FAILED,
                    processing_error="The imported poster is unreadable.",
                )
            else:
                video_poster_store(video=video, poster=poster)
        done += 1
        if done % 25 == 0 or done == len(posters):
            VideoImport.objects.filter(id=staged.id).update(posters_done=done)
    VideoImport.objects.filter(id=staged.id).update(posters_done=len(posters))
