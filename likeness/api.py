"""Likeness endpoints of the JSON API: the caller's enrolment and likeness consent (see
creatorhub/apikit.py for auth and errors)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, StrictBool

from consent.errors import ConsentError
from creatorhub.apikit import ApiError, consent_write_auth, user_auth
from creatorhub.videos.selectors import video_get_public
from likeness import enrolment, preferences

router = Router(tags=["likeness"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class LikenessConsentIn(Strict):
    others_videos: Literal["never", "ask", "allow"]


class ConsentPutIn(Strict):
    consent: LikenessConsentIn
    own_videos: StrictBool
    # Given here or on the page; withdrawn only by deleting the enrolment.
    biometric_consent: Literal[True] | None = None


def likeness_json(person) -> dict:
    state = enrolment.enrolment_of(person=person)
    return {
        "enrolled": state.enrolled,
        "photos": [
            {"id": photo.id, "status": photo.status, "error": photo.error or None}
            for photo in state.photos
        ],
        "consent": {"others_videos": state.profile.others_videos},
        "own_videos": state.profile.own_videos,
        "biometric_consent": state.profile.biometric_consent_at is not None,
    }


@router.get("/me/likeness", auth=user_auth, summary="Your enrolment and likeness consent")
def my_likeness(request: HttpRequest):
    return likeness_json(request.user)


@router.post(
    "/me/likeness/photos",
    auth=user_auth,
    response={202: dict},
    summary="Upload a photo of your face to enrol",
)
def my_likeness_photo(request: HttpRequest, photo: File[UploadedFile] = None):
    if photo is None:
        raise ApiError(400, "invalid_request", "Send the photo as the multipart field `photo`.")
    try:
        staged = enrolment.photo_add(person=request.user, file=photo)
    except enrolment.EnrolmentRefused as refused:
        raise ApiError(refused.status, refused.code, str(refused)) from None
    return Status(202, {"id": staged.id, "status": staged.status})


@router.put("/me/likeness/consent", auth=consent_write_auth, summary="Change your likeness consent")
def my_likeness_consent(request: HttpRequest, body: ConsentPutIn):
    changed = False
    if body.biometric_consent:
        changed |= (
            enrolment.biometric_consent_give(person=request.user, actor=request.user) is not None
        )
    entry = preferences.likeness_consent_set(
        person=request.user,
        actor=request.user,
        others_videos=body.consent.others_videos,
        own_videos=body.own_videos,
    )
    return likeness_json(request.user) | {"changed": changed or entry is not None}


@router.delete(
    "/me/likeness",
    auth=user_auth,
    response={204: None},
    summary="Delete your enrolment (embeddings, photos, matches)",
)
def my_likeness_delete(request: HttpRequest):
    enrolment.enrolment_delete(person=request.user, actor=request.user)
    return Status(204, None)


def _allowance(request: HttpRequest, public_id: str, allowed: bool) -> dict:
    video = video_get_public(public_id=public_id, viewer=request.user)
    try:
        entry = preferences.allowance_set(
            person=request.user, actor=request.user, video=video, allowed=allowed
        )
    except ConsentError as error:
        raise ApiError(400, error.code, str(error)) from None
    return {"video": video.public_id, "allowed": allowed, "changed": entry is not None}


@router.post(
    "/me/likeness/allowances/{public_id}",
    auth=consent_write_auth,
    summary="Allow remixes showing your face of one video of someone else",
)
def my_likeness_allow(request: HttpRequest, public_id: str):
    return _allowance(request, public_id, True)


@router.delete(
    "/me/likeness/allowances/{public_id}",
    auth=consent_write_auth,
    summary="Stop allowing remixes showing your face of one video",
)
def my_likeness_disallow(request: HttpRequest, public_id: str):
    return _allowance(request, public_id, False)
