"""How a request's private preview is served: to its two people only, never kept by a cache
or a search engine."""

from __future__ import annotations

from django.http import HttpResponse

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store, max-age=0",
    "X-Robots-Tag": "noindex, nofollow, noimageindex, noarchive",
    "Content-Disposition": "inline",
}


def private_media(data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response
