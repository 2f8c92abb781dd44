"""Where a plain (non-HTMX) form post goes back to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request: HttpRequest, fallback: str) -> str:
    """The `next` (posted, or in the query) or the referring page when they are on this site,
    else `fallback`: a `next` pointing elsewhere must not make us an open redirect."""
    target = (
        request.POST.get("next") or request.GET.get("next") or request.headers.get("Referer") or ""
    )
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return fallback
    return target or fallback


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(back_url(request, fallback))
