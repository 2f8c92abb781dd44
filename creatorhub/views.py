"""Project-level pages: the landing page and media serving."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.static import serve

from creatorhub.videos.selectors import VIDEO_FILE_FIELDS, video_file_visible
from remixer.selectors import remix_file_visible


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("videos:library")
    return render(request, "home.html")


def is_canonical_media_path(path: str) -> bool:
    """`path` exactly as storage names files: relative, no empty, "." or ".." segments, no
    backslashes or NULs. Anything else is refused rather than normalised, so the path the
    access check sees is the path that would be served (`./remixes/…`, `x/../remixes/…` and
    `/remixes/…` name the same file to the file system but not to a prefix check)."""
    if not path or "\\" in path or "\x00" in path:
        return False
    return all(segment not in {"", ".", ".."} for segment in path.split("/"))


def media(request: HttpRequest, path: str, username: str | None = None) -> HttpResponse:
    """Serve uploaded media when no CDN/object store does (the embedded default). A remix file
    only while the remix is published (checked now, not when it was withdrawn), and the files
    of a private video or of its remixes only to its creator.

    /@<handle>/media/<path> is the same file under its creator's prefix (a remix's: its source
    video's creator), so robots.txt and TDMRep rules group by creator; it serves only files of
    that creator's videos (and their remixes)."""
    if not settings.SERVE_MEDIA or not is_canonical_media_path(path):
        raise Http404
    folder = path.split("/", 1)[0].lower()  # REMIXES/… is remixes/… on a case-blind disk
    # Shared demo files too: under a prefix, served only as a file of that creator's videos.
    other = folder != "remixes" and folder not in VIDEO_FILE_FIELDS
    if (
        username is not None
        and other
        and not video_file_visible(name=path, viewer=request.user, owner_username=username)
    ):
        raise Http404("No such file of this creator.")
    if folder == "remixes" and not remix_file_visible(
        name=path, viewer=request.user, owner_username=username
    ):
        raise Http404("This remix is not published.")
    if folder in VIDEO_FILE_FIELDS and not video_file_visible(
        name=path, viewer=request.user, owner_username=username
    ):
        raise Http404("No such video.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)
