"""Remix endpoints of the JSON API (auth and error shape in creatorhub/apikit.py)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from creatorhub.apikit import ApiError, optional_auth, user_auth
from creatorhub.videos.selectors import video_get_public
from remixer import selectors, services
from remixer.models import Remix

router = Router(tags=["remixes"])


class RemixIn(Schema):
    model_config = ConfigDict(extra="forbid")

    template: Literal["caption", "background", "face"]
    inputs: dict = {}


def remix_json(request: HttpRequest, remix: Remix) -> dict:
    shown = remix.shown_to(request.user)
    return {
        "id": remix.public_id,
        "status": remix.status,
        "video": remix.video.public_id,
        "video_public": remix.video_is_public,
        "notice": None if remix.video_is_public else selectors.VIDEO_NOT_PUBLIC,
        "template": remix.template,
        "image_url": request.build_absolute_uri(remix.output.url) if shown else None,
        "reason": remix.reason or None,
        "created_at": remix.created_at.isoformat(),
        "published_at": remix.published_at.isoformat() if remix.published_at else None,
    }


@router.post("/videos/{public_id}/remixes", auth=user_auth, response={201: dict})
def remix_create(request: HttpRequest, public_id: str, body: RemixIn):
    video = video_get_public(public_id=public_id, viewer=request.user)
    try:
        remix = services.remix_request(
            requester=request.user, video=video, template=body.template, inputs=body.inputs
        )
    except services.RemixRefused as refusal:
        raise ApiError(refusal.status, refusal.code, str(refusal)) from None
    return Status(201, {"id": remix.public_id, "status": remix.status})


@router.get("/remixes/{public_id}", auth=optional_auth)
def remix_detail(request: HttpRequest, public_id: str):
    remix = selectors.remix_get_visible(public_id=public_id, viewer=request.user)
    return remix_json(request, remix)
