"""Reads for the public verify page and API: a file's credentials, and what holds now.

Only trusted credentials are looked up: claims in an untrusted or tampered file are not ours
to repeat. Nothing here writes or stores the upload.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from consent.selectors import remix_permission
from remixer.models import Remix
from remixer.provenance import Credentials, ProvenanceInputError, provenance_read


@dataclass(frozen=True)
class Verdict:
    credentials: Credentials
    remix: Remix | None = None
    consent_now: bool | None = None
    withdrawn: bool | None = None

    @property
    def state(self) -> str:
        return self.credentials.state

    def as_json(self) -> dict:
        trusted = self.credentials.trusted
        return {
            "credentials": self.credentials.state,
            "remix": self.credentials.remix_id if trusted else None,
            "video": self.credentials.video_id if trusted else None,
            "creator": self.credentials.creator if trusted else None,
            "consent_now": self.consent_now,
            "withdrawn": self.withdrawn,
        }


def upload_bytes(*, upload: UploadedFile) -> bytes:
    """The upload's bytes, refusing oversize files before reading them."""
    limit = settings.VERIFY_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ProvenanceInputError(
            f"This file is {upload.size:,} bytes; the limit is {limit:,}.", "too_large"
        )
    upload.seek(0)
    return upload.read(limit + 1)


def verify_image(*, data: bytes) -> Verdict:
    """Credentials of `data`; for ours, whether the remix is still published and whether the
    creator's consent allows it today (the rule the renderer applies). At most 4 queries."""
    credentials = provenance_read(data=data)
    if not credentials.trusted or not credentials.remix_id:
        return Verdict(credentials)
    remix = (
        Remix.objects.select_related("video__owner", "requester")
        .filter(public_id=credentials.remix_id)
        .first()
    )
    if remix is None:
        # Signed by us, since deleted (with its video or requester): certainly not published.
        return Verdict(credentials, withdrawn=True)
    decision = remix_permission(
        user=remix.requester,
        video=remix.video,
        scopes=remix.scopes,
        approved=remix.approved_at is not None,
    )
    return Verdict(
        credentials,
        remix=remix,
        consent_now=decision.allowed,
        withdrawn=remix.status != Remix.Status.PUBLISHED,
    )
