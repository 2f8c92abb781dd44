"""Enrolment: a person's consent to biometric processing, their photos, and deleting it all.

A photo is checked with the engine while the person waits, so a photo that cannot be enrolled
is refused at once (400 with its code) and nothing of it is stored. A good one is staged under
PRIVATE_ROOT/enrolment/ (never under MEDIA_ROOT: it is never served) and the worker describes
it (photo_process): its embedding is stored, the photo marked ready (or failed), and the staged
file deleted whatever happens. Only the 128 numbers are kept.

Lock order, as in preferences: the person's policy row, their profile row, their photo rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from PIL import Image

from consent.models import LedgerEntry
from consent.services import policy_lock
from creatorhub.accounts.models import User
from creatorhub.enqueue import enqueue_on_commit
from likeness import engine
from likeness.models import (
    EnrolmentPhoto,
    FaceEmbedding,
    LikenessMatch,
    LikenessProfile,
    RefusedAttempt,
)
from likeness.preferences import likeness_record, profile_lock, profile_of
from likeness.signals import person_enrolled

logger = logging.getLogger(__name__)

MAX_PHOTOS = 5
STAGING = "enrolment"
PROCESS_TASK = "likeness.tasks.enrolment_process"
# A photo still processing after this long lost its message (or its worker): send it again.
STUCK_AFTER = dt.timedelta(minutes=10)
# A staged file with no photo row is left by a transaction that rolled back; one this old is
# not a transaction still running.
ORPHAN_AFTER = dt.timedelta(hours=1)
RECONCILE_BATCH = 500
# What else Pillow and dlib raise on hostile files, beyond the engine's own EnrolmentError.
_UNREADABLE = (ValueError, OSError, EOFError, SyntaxError, Image.DecompressionBombError)


class EnrolmentRefused(Exception):
    """An upload refused, with nothing stored: `status` and `code` for the API."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    profile: LikenessProfile
    photos: list[EnrolmentPhoto]
    enrolled: bool

    @property
    def processing(self) -> bool:
        return any(photo.status == EnrolmentPhoto.Status.PROCESSING for photo in self.photos)

    @property
    def room(self) -> int:
        """How many more photos the person may upload."""
        return max(0, MAX_PHOTOS - sum(1 for photo in self.photos if _counts(photo)))


def _counts(photo: EnrolmentPhoto) -> bool:
    return photo.status != EnrolmentPhoto.Status.FAILED


def enrolment_of(*, person: User) -> Enrolment:
    """The person's profile, photos (oldest first) and whether any face is enrolled."""
    photos = list(EnrolmentPhoto.objects.filter(user=person))
    return Enrolment(profile=profile_of(person), photos=photos, enrolled=is_enrolled(person=person))


def is_enrolled(*, person: User) -> bool:
    """Has the person a face enrolled (an embedding the scans can look for)?"""
    return FaceEmbedding.objects.filter(user=person).exists()


def _staged(relative: str) -> Path:
    return Path(settings.PRIVATE_ROOT) / relative


def _unlink(relative: str) -> None:
    if relative:
        _staged(relative).unlink(missing_ok=True)


# --- consent ---------------------------------------------------------------------------------


@transaction.atomic
def biometric_consent_give(*, person: User, actor: User) -> LedgerEntry | None:
    """Record the person's explicit consent to processing photos of their face; None when it
    was already given. Withdrawing it is enrolment_delete."""
    policy = policy_lock(creator=person)
    profile = profile_lock(person)
    if profile.biometric_consent_at is not None:
        return None
    profile.biometric_consent_at = timezone.now()
    profile.save(update_fields=["biometric_consent_at", "updated_at"])
    # Nothing a remix may do changes until a face is enrolled: not announced.
    return likeness_record(
        policy=policy, actor=actor, change={"biometric": {"given": True}}, announce=False
    )


# --- photos ----------------------------------------------------------------------------------


def photo_add(*, person: User, file: UploadedFile) -> EnrolmentPhoto:
    """Check one uploaded photo and stage it for the worker; EnrolmentRefused (nothing stored)
    without biometric consent, past MAX_PHOTOS, over the size limit or when the engine cannot
    enrol it. The engine's check (faces found, not yet described: the worker does that) runs
    before any lock is taken."""
    if profile_of(person).biometric_consent_at is None:
        raise _no_consent()
    limit = settings.LIKENESS_MAX_PHOTO_BYTES
    if file.size is None or file.size > limit:
        raise EnrolmentRefused(
            413, "too_large", f"This photo is over the {limit // 1_048_576} MB limit."
        )
    data = file.read()
    try:
        engine.enrolment_check(data)
    except engine.EnrolmentError as error:
        raise EnrolmentRefused(400, error.code, str(error)) from None
    except _UNREADABLE:
        logger.info("Enrolment photo unreadable", exc_info=True)
        label = EnrolmentPhoto.Error.NOT_AN_IMAGE.label
        raise EnrolmentRefused(400, "not_an_image", label) from None
    return _photo_stage(person=person, data=data)


def _no_consent() -> EnrolmentRefused:
    return EnrolmentRefused(
        403,
        "biometric_consent_required",
        "Give your consent to biometric processing before uploading photos of your face.",
    )


@transaction.atomic
def _photo_stage(*, person: User, data: bytes) -> EnrolmentPhoto:
    # The profile lock serialises a person's uploads (the count) with enrolment_delete.
    profile = profile_lock(person)
    if profile.biometric_consent_at is None:
        raise _no_consent()
    kept = EnrolmentPhoto.objects.filter(user=person).exclude(status=EnrolmentPhoto.Status.FAILED)
    if kept.count() >= MAX_PHOTOS:
        raise EnrolmentRefused(
            400,
            "too_many_photos",
            f"You can enrol at most {MAX_PHOTOS} photos. Delete your enrolment to start again.",
        )
    relative = f"{STAGING}/{uuid.uuid4().hex}.img"
    target = _staged(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    try:
        photo = EnrolmentPhoto.objects.create(user=person, staged_path=relative)
    except Exception:
        target.unlink(missing_ok=True)
        raise
    enqueue_on_commit(PROCESS_TASK, photo.id)
    return photo


def photo_process(*, photo_id: int) -> str:
    """The worker's part: describe a staged photo, store its embedding, mark it ready (or
    failed) and delete the staged file, in every case. person_enrolled is sent on commit."""
    photo = EnrolmentPhoto.objects.filter(id=photo_id).first()
    if photo is None or photo.status != EnrolmentPhoto.Status.PROCESSING:
        return "gone" if photo is None else photo.status
    relative = photo.staged_path
    try:
        try:
            vector = engine.enrolment_embedding(_staged(relative).read_bytes())
        except engine.EnrolmentError as error:
            return _photo_finish(photo_id, relative, vector=None, error=error.code)
        except FileNotFoundError:
            logger.warning("Enrolment photo %s has no staged file", photo_id)
            return _photo_finish(photo_id, relative, vector=None, error="")
        except _UNREADABLE:
            logger.exception("Enrolment photo %s could not be read", photo_id)
            return _photo_finish(photo_id, relative, vector=None, error="not_an_image")
        return _photo_finish(photo_id, relative, vector=vector, error="")
    finally:
        _unlink(relative)


@transaction.atomic
def _photo_finish(photo_id: int, relative: str, *, vector, error: str) -> str:
    photo = (
        EnrolmentPhoto.objects.select_for_update()
        .filter(id=photo_id, status=EnrolmentPhoto.Status.PROCESSING, staged_path=relative)
        .first()
    )
    if photo is None:  # the enrolment was deleted meanwhile, or another run finished it
        return "gone"
    photo.staged_path = ""
    if vector is None:
        photo.status, photo.error = EnrolmentPhoto.Status.FAILED, error
        photo.save(update_fields=["staged_path", "status", "error"])
        return photo.status
    FaceEmbedding.objects.create(user_id=photo.user_id, photo=photo, vector=vector)
    photo.status = EnrolmentPhoto.Status.READY
    photo.save(update_fields=["staged_path", "status"])
    person_id = photo.user_id
    transaction.on_commit(lambda: _enrolled_announce(person_id))
    return photo.status


def _enrolled_announce(person_id: int) -> None:
    replies = person_enrolled.send(sender=EnrolmentPhoto, person_id=person_id)
    logger.info("Person %s enrolled; person_enrolled sent to %d receivers", person_id, len(replies))


def photos_reconcile(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat: photos stuck in processing are sent to the worker again (or failed, when their
    staged file is gone), and staged files that no photo owns are deleted."""
    now = now or timezone.now()
    stuck = EnrolmentPhoto.objects.filter(
        status=EnrolmentPhoto.Status.PROCESSING, created_at__lt=now - STUCK_AFTER
    ).values_list("id", "staged_path")[:RECONCILE_BATCH]
    requeued = lost = 0
    for photo_id, relative in stuck:
        if relative and _staged(relative).exists():
            enqueue_on_commit(PROCESS_TASK, photo_id)
            requeued += 1
        else:
            lost += _lost(photo_id)
    return {"requeued": requeued, "lost": lost, "orphans": _orphans_delete(now)}


def _lost(photo_id: int) -> int:
    return EnrolmentPhoto.objects.filter(
        id=photo_id, status=EnrolmentPhoto.Status.PROCESSING
    ).update(status=EnrolmentPhoto.Status.FAILED, staged_path="")


def _orphans_delete(now: dt.datetime) -> int:
    folder = _staged(STAGING)
    if not folder.is_dir():
        return 0
    cutoff = (now - ORPHAN_AFTER).timestamp()
    old = {
        f"{STAGING}/{path.name}": path
        for path in folder.iterdir()
        if path.is_file() and path.stat().st_mtime < cutoff
    }
    owned = set(
        EnrolmentPhoto.objects.filter(staged_path__in=list(old)).values_list(
            "staged_path", flat=True
        )
    )
    for relative, path in old.items():
        if relative not in owned:
            path.unlink(missing_ok=True)
    return len(set(old) - owned)


# --- deleting --------------------------------------------------------------------------------


@transaction.atomic
def enrolment_delete(*, person: User, actor: User) -> LedgerEntry | None:
    """Delete the person's enrolment: every embedding and photo (staged files on commit), the
    videos found to show them and the refused attempts counted for them; their consent to
    biometric processing is cleared. Their per-video allowances and their ledger stay. One
    ledger entry, announced, so the remixer re-evaluates; None when there was nothing."""
    policy = policy_lock(creator=person)
    profile = profile_lock(person)
    # Waits for a worker finishing one of these photos, so its embedding is deleted too.
    photos: QuerySet[EnrolmentPhoto] = EnrolmentPhoto.objects.filter(user=person)
    staged = list(photos.select_for_update().values_list("staged_path", flat=True))
    rows = (
        FaceEmbedding.objects.filter(user=person),
        photos,
        LikenessMatch.objects.filter(person=person),
        RefusedAttempt.objects.filter(person=person),
    )
    if profile.biometric_consent_at is None and not any(found.exists() for found in rows):
        return None
    # Announced before the rows go: the remixer reads which videos showed the person.
    entry = likeness_record(policy=policy, actor=actor, change={"enrolment": "deleted"})
    for found in rows:
        found.delete()
    profile.biometric_consent_at = None
    profile.save(update_fields=["biometric_consent_at", "updated_at"])
    transaction.on_commit(lambda: [_unlink(relative) for relative in staged])
    return entry
