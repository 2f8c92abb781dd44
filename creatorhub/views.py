"""Project-level pages: the landing page and media serving."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.static import serve

from remixer.selectors import remix_is_published


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("videos:library")
    return render(request, "home.html")


def media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve uploaded media when no CDN/object store does (the embedded default)."""
    if not settings.SERVE_MEDIA:
        raise Http404
    if path.startswith("remixes/") and not remix_is_published(name=path):
        raise Http404("This remix is not published.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)
