"""Consent published where AI tools already look: TDMRep, robots noai, ai.txt.

The middleware adds headers to video pages and media without the videos app knowing about
consent: it resolves the video from the URL (or the media file name) and asks consent.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from django.http import HttpRequest, HttpResponse

from consent import selectors
from creatorhub.videos.models import Video

NOAI = "noai, noimageai"
TDMREP_CONTENT_TYPE = "application/tdmrep+json"


def tdmrep_json(request: HttpRequest) -> HttpResponse:
    """W3C TDMRep site file: text and data mining is reserved for videos and media by default;
    per-resource `tdm-reservation` headers carry each video's own answer."""
    policy_url = request.build_absolute_uri("/ai.txt")
    body = [
        {"location": "/v/*", "tdm-reservation": 1, "tdm-policy": policy_url},
        {"location": "/media/*", "tdm-reservation": 1, "tdm-policy": policy_url},
        {"location": "/@*", "tdm-reservation": 1, "tdm-policy": policy_url},
    ]
    return HttpResponse(json.dumps(body, indent=2), content_type=TDMREP_CONTENT_TYPE)


AI_TXT = """# ai.txt — Spawning AI permissions for Creator Hub (https://spawning.ai/ai-txt)
# Creators' videos are not available for AI training unless each creator allows it.
# Per-video answers: /api/v1/videos/<id>/consent, tdm-reservation and X-Robots-Tag headers.
User-Agent: *
Disallow: /media/
Disallow: /v/
Disallow: *.jpg
Disallow: *.jpeg
Disallow: *.png
Disallow: *.webp
Disallow: *.gif
Disallow: *.mp4
Disallow: *.mov
Disallow: *.webm
Disallow: *.mkv
Allow: /api/v1/
"""


def ai_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(AI_TXT, content_type="text/plain; charset=utf-8")


def _video_for(request: HttpRequest) -> Video | None:
    match = request.resolver_match
    if match is None:
        return None
    if match.view_name == "videos:watch":
        public_id = match.kwargs.get("public_id", "")
    elif match.url_name == "media":
        public_id = PurePosixPath(match.kwargs.get("path", "")).stem
    else:
        return None
    return Video.objects.filter(public_id=public_id).only("id", "owner_id", "public_id").first()


class ConsentSignalsMiddleware:
    """`tdm-reservation` and `X-Robots-Tag` on video pages and media, from current consent.

    Media that cannot be tied to one video (shared demo posters) gets the conservative answer.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or response.status_code >= 400:
            return response
        if match.view_name != "videos:watch" and match.url_name != "media":
            return response
        video = _video_for(request)
        consent = selectors.video_consent(video=video) if video is not None else None
        response["tdm-reservation"] = "0" if consent and consent.open_for_training else "1"
        if not (consent and consent.open_for_training and consent.open_to_everyone):
            response["X-Robots-Tag"] = NOAI
        return response
