"""Where a plain (non-HTMX) form post goes back to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponse:
    """To the form's `next` or the referring page when they are on this site, else `fallback`:
    a posted `next` pointing elsewhere must not make us an open redirect."""
    target = request.POST.get("next") or request.headers.get("Referer") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target or fallback)
