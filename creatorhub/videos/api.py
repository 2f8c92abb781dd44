"""Video endpoints of the JSON API: upload a video or still (so tools and tests can make one
without a browser), and a public video's facts."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from creatorhub.apikit import ApiError, optional_auth
from creatorhub.videos.media import MediaError
from creatorhub.videos.models import Video
from creatorhub.videos.selectors import video_get_public
from creatorhub.videos.services import video_upload

router = Router(tags=["videos"])


def video_json(request: HttpRequest, video: Video) -> dict:
    return {
        "id": video.public_id,
        "title": video.title,
        "creator": video.owner.username,
        "status": video.status,
        "duration": video.duration,
        "has_audio": video.has_audio,
        "poster_url": request.build_absolute_uri(video.poster.url) if video.poster else None,
        "url": request.build_absolute_uri(video.get_public_url()),
    }


def my_video_upload(
    request: HttpRequest,
    title: Form[str] = "",
    file: File[UploadedFile] = None,
    poster: File[UploadedFile] = None,
):
    """POST /me/videos. Multipart: `file` (a video, or a still image) or `poster` (a still
    image), and an optional `title`. A video's poster and sound are made by the worker
    (`status` "processing" until then). Mounted by consent's router, which owns the path (its
    GET lists the videos with their consent; ninja routes one path to one router)."""
    upload = file or poster
    if upload is None or (file is not None and poster is not None):
        raise ApiError(400, "invalid_request", "Send one file, as `file` or as `poster`.")
    if len(title) > 200 or "\x00" in title:
        raise ApiError(400, "invalid_request", "title: at most 200 characters, no NUL.")
    try:
        video = video_upload(owner=request.user, file=upload, title=title)
    except MediaError as error:
        raise ApiError(400, "invalid_media", str(error)) from None
    return Status(201, video_json(request, video))


@router.get("/videos/{public_id}", auth=optional_auth, summary="A video (public)")
def video_detail(request: HttpRequest, public_id: str):
    video = video_get_public(public_id=public_id, viewer=request.user)
    return video_json(request, video)
