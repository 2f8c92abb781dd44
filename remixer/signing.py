"""The signing side of a render: the unsigned copy kept privately (so a changed training choice
is signed again without rendering), and what a file's Content Credentials and the remix's columns
say about the creator's AI-training choice."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from consent.scopes import mask_to_names
from consent.selectors import EffectiveConsent
from consent.usage import AIUsage, ai_usage
from remixer.models import Remix
from remixer.provenance import ProvenanceInfo

UNSIGNED_FOLDER = "remix-renders"


def unsigned_storage() -> FileSystemStorage:
    """Private storage for unsigned renders: under PRIVATE_ROOT, outside MEDIA_ROOT."""
    return FileSystemStorage(location=settings.PRIVATE_ROOT)


# What a remix's file is: a signed JPEG, or for a voice remix a signed MP4.
MEDIA_TYPES = {"jpg": "image/jpeg", "mp4": "video/mp4"}


def media_ext(remix: Remix) -> str:
    return "mp4" if remix.template == Remix.Template.VOICE else "jpg"


def media_type(remix: Remix) -> str:
    return MEDIA_TYPES[media_ext(remix)]


def unsigned_name(public_id: str, ext: str = "jpg") -> str:
    return f"{UNSIGNED_FOLDER}/{public_id}.{ext}"


def unsigned_save(*, public_id: str, data: bytes, ext: str = "jpg") -> None:
    storage, name = unsigned_storage(), unsigned_name(public_id, ext)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(data))


def unsigned_read(*, public_id: str, ext: str = "jpg") -> bytes | None:
    storage, name = unsigned_storage(), unsigned_name(public_id, ext)
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def unsigned_delete(*, public_ids: list[str]) -> None:
    storage = unsigned_storage()
    for public_id in public_ids:
        for ext in MEDIA_TYPES:
            storage.delete(unsigned_name(public_id, ext))


def usage_of(consent: EffectiveConsent) -> AIUsage:
    """What a published remix's file says about AI use: its source's training choice."""
    return ai_usage(training_allowed=consent.training_allowed, companies=consent.training_companies)


def signed_fields(consent: EffectiveConsent) -> dict:
    """The remix columns recording the training choice a file was signed under (the policy's
    own normal form, so the sync can compare them with the policy in SQL)."""
    allowed = consent.training_allowed
    return {
        "signed_training": allowed,
        "signed_companies": list(consent.training_companies) if allowed else [],
    }


def provenance_info(
    remix: Remix, *, poster_jpeg: bytes, consent: EffectiveConsent, seq: int
) -> ProvenanceInfo:
    video = remix.video
    return ProvenanceInfo(
        remix_id=remix.public_id,
        template=remix.template,
        scopes=mask_to_names(remix.scopes),
        consent_seq=seq,
        video_id=video.public_id,
        video_title=video.title,
        creator=video.owner.username,
        poster_jpeg=poster_jpeg,
        usage=usage_of(consent),
    )
