"""POST /api/v1/verify: Content Credentials of an uploaded image (public, nothing stored)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile

from creatorhub.apikit import ApiError
from remixer.provenance import ProvenanceInputError
from remixer.verification import upload_bytes, verify_image

router = Router(tags=["provenance"])


@router.post("/verify", auth=None)
def verify(request: HttpRequest, image: File[UploadedFile]):
    """Answers {"credentials": none|trusted|untrusted|tampered, "remix", "video", "creator",
    "consent_now", "withdrawn"}; the last five are null unless the credentials are ours."""
    try:
        verdict = verify_image(data=upload_bytes(upload=image))
    except ProvenanceInputError as error:
        raise ApiError(400, error.code, str(error)) from None
    return verdict.as_json()
