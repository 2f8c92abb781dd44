"""Remix endpoints of the JSON API (auth and error shape in creatorhub/apikit.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictBool, StrictStr, StringConstraints

from creatorhub.apikit import ApiError, consent_write_auth, optional_auth, user_auth
from creatorhub.videos.selectors import video_get_public
from remixer import approvals, selectors, services
from remixer.engines.validation import clean_text
from remixer.models import Remix
from remixer.previews import private_media
from remixer.signing import media_ext, media_type, unsigned_read

router = Router(tags=["remixes"])
REQUESTS_PAGE = 100


class RemixIn(Schema):
    model_config = ConfigDict(extra="forbid")

    template: Literal["caption", "background", "face", "voice"]
    inputs: dict = {}


def remix_json(request: HttpRequest, remix: Remix) -> dict:
    shown = remix.shown_to(request.user)
    return {
        "id": remix.public_id,
        "status": remix.public_status,
        "video": remix.video.public_id,
        "video_public": remix.video_is_public,
        "notice": None if remix.video_is_public else selectors.VIDEO_NOT_PUBLIC,
        "template": remix.template,
        "image_url": (
            request.build_absolute_uri(remix.output.url)
            if shown and remix.template != Remix.Template.VOICE
            else None
        ),
        "media_url": request.build_absolute_uri(remix.output.url) if shown else None,
        "media_type": media_type(remix),
        "preview_url": (
            _preview_url(request, remix)
            if approvals.preview_visible(remix=remix, user=request.user)
            else None
        ),
        "reason": remix.reason or None,
        "created_at": remix.created_at.isoformat(),
        "published_at": remix.published_at.isoformat() if remix.published_at else None,
    }


@router.post("/videos/{public_id}/remixes", auth=user_auth, response={201: dict, 202: dict})
def remix_create(request: HttpRequest, public_id: str, body: RemixIn):
    video = video_get_public(public_id=public_id, viewer=request.user)
    try:
        remix = services.remix_request(
            requester=request.user, video=video, template=body.template, inputs=body.inputs
        )
    except services.RemixRefused as refusal:
        raise ApiError(refusal.status, refusal.code, str(refusal), refusal.extra) from None
    # A request on an "ask me" video is accepted, not yet a remix: the creator decides.
    status = 202 if remix.awaiting_approval else 201
    return Status(status, {"id": remix.public_id, "status": remix.public_status})


@router.get("/remixes/{public_id}", auth=optional_auth)
def remix_detail(request: HttpRequest, public_id: str):
    remix = selectors.remix_get_visible(public_id=public_id, viewer=request.user)
    return remix_json(request, remix)


def _preview_url(request: HttpRequest, remix: Remix) -> str:
    return request.build_absolute_uri(reverse("api:remix_preview", args=[remix.public_id]))


def request_json(request: HttpRequest, remix: Remix) -> dict:
    return {
        "id": remix.public_id,
        "status": remix.public_status,
        "video": remix.video.public_id,
        "video_title": remix.video.title,
        "requester": remix.requester.username,
        "template": remix.template,
        "inputs": remix.inputs,
        "preview_url": (
            _preview_url(request, remix) if remix.status == Remix.Status.PENDING_APPROVAL else None
        ),
        "created_at": remix.created_at.isoformat(),
        "expires_at": remix.expires_at.isoformat() if remix.expires_at else None,
    }


class RequestsQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Literal["pending"] = "pending"
    page: int = Field(1, ge=1)


@router.get("/me/remix-requests", auth=user_auth, summary="Remix requests waiting for you")
def my_remix_requests(request: HttpRequest, query: Query[RequestsQuery]):
    pending = approvals.requests_pending(creator=request.user)
    paginator = Paginator(pending, REQUESTS_PAGE)
    if query.page > max(paginator.num_pages, 1):
        raise ApiError(404, "not_found", f"There are {paginator.num_pages} pages.")
    page = paginator.page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [request_json(request, remix) for remix in page.object_list],
    }


class DecideIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[StrictStr, StringConstraints(max_length=32)]] = Field(
        min_length=1, max_length=approvals.MAX_DECIDE
    )
    decision: Literal["approve", "decline"]
    message: Annotated[str, StringConstraints(max_length=300)] = ""
    always_allow: StrictBool = False


@router.post(
    "/me/remix-requests/decide", auth=consent_write_auth, summary="Approve or decline requests"
)
def my_remix_requests_decide(request: HttpRequest, body: DecideIn):
    if body.always_allow and body.decision != "approve":
        raise ApiError(400, "invalid_request", "always_allow goes with decision=approve.")
    result = approvals.requests_decide(
        creator=request.user,
        actor=request.user,
        public_ids=body.ids,
        approve=body.decision == "approve",
        message=clean_text(body.message),
        always_allow=body.always_allow,
    )
    return result.as_json()


@router.get("/remixes/{public_id}/preview", auth=optional_auth, url_name="remix_preview")
def remix_preview(request: HttpRequest, public_id: str):
    """A request's private preview: its requester and the creator only, never cached or
    indexed; 404 to anyone else, as if it did not exist."""
    remix = Remix.objects.filter(public_id=public_id).first()
    if remix is None or not approvals.preview_visible(remix=remix, user=request.user):
        raise ApiError(404, "not_found", "No such remix.")
    data = unsigned_read(public_id=remix.public_id, ext=media_ext(remix))
    if data is None:
        raise ApiError(404, "not_found", "No such remix.")
    return private_media(data, media_type(remix))
