from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseStopPolling

from creatorhub.accounts.selectors import profile_stats, user_get_by_handle
from creatorhub.videos import imports, selectors, services
from creatorhub.videos.forms import ImportForm, LibraryFilterForm, UploadForm, VideoEditForm
from creatorhub.videos.media import MediaError
from creatorhub.videos.models import Video, VideoImport


def _partial(request: HttpRequest, page: str, region: str) -> str:
    """The whole page for a normal request, only `region` for an HTMX swap."""
    return f"{page}#{region}" if request.htmx and not request.htmx.boosted else page


@login_required
def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET)
    filters = form.to_filter()
    page = selectors.library_page(
        owner=request.user,
        filters=filters,
        number=request.GET.get("page"),
        per_page=settings.LIBRARY_PAGE_SIZE,
    )
    context = {"form": form, "filters": filters, "page": page}
    if not request.htmx:
        context["tags"] = selectors.creator_tags(owner=request.user)
    return render(request, _partial(request, "videos/library.html", "results"), context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            video = services.video_upload(
                owner=request.user,
                file=data["file"],
                title=data["title"],
                description=data["description"],
                tag_names=data["tags"],
                visibility=data["visibility"],
            )
        except MediaError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"“{video.title}” was added to your library.")
            return redirect(video)
    status = 400 if form.errors else 200
    return render(request, "videos/upload.html", {"form": form}, status=status)


@login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    video = selectors.video_get_for_owner(owner=request.user, public_id=public_id)
    return render(request, "videos/detail.html", {"video": video})


@login_required
def detail_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """Polled while the worker makes the poster; 286 stops the polling once it is done."""
    video = selectors.video_get_for_owner(owner=request.user, public_id=public_id)
    response = render(request, "videos/detail.html#media", {"video": video})
    if video.status != Video.Status.PROCESSING:
        response.status_code = HttpResponseStopPolling.status_code
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, public_id: str) -> HttpResponse:
    video = selectors.video_get_for_owner(owner=request.user, public_id=public_id)
    initial = {
        "title": video.title,
        "description": video.description,
        "tags": ", ".join(tag.name for tag in video.tags.all()),
        "visibility": video.visibility,
        "created_at": video.created_at,
    }
    form = VideoEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.video_update(
            video=video,
            title=data["title"],
            description=data["description"],
            tag_names=data["tags"],
            visibility=data["visibility"],
            created_at=data["created_at"],
        )
        messages.success(request, "Changes saved.")
        return redirect(video)
    status = 400 if form.errors else 200
    return render(request, "videos/edit.html", {"form": form, "video": video}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, public_id: str) -> HttpResponse:
    video = selectors.video_get_for_owner(owner=request.user, public_id=public_id)
    if request.method == "POST":
        title = video.title
        services.video_delete(video=video)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("videos:library")
    return render(request, "videos/delete.html", {"video": video})


def watch(request: HttpRequest, public_id: str, username: str | None = None) -> HttpResponse:
    """A video's public page, at /v/<id>/ or at its creator-scoped /@<handle>/v/<id>/."""
    video = selectors.video_get_public(
        public_id=public_id, viewer=request.user, owner_username=username, with_tags=True
    )
    return render(request, "videos/watch.html", {"video": video})


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            staged, _ = imports.import_stage(owner=request.user, file=form.cleaned_data["file"])
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("videos:import_preview", import_id=staged.id)
    status = 400 if form.errors else 200
    return render(request, "videos/import.html", {"form": form}, status=status)


def _get_import(request: HttpRequest, import_id) -> VideoImport:
    return get_object_or_404(VideoImport, id=import_id, owner=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, import_id) -> HttpResponse:
    staged = _get_import(request, import_id)
    if request.method == "POST":
        try:
            count = imports.import_commit(staged=staged)
        except imports.ImportFileError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Imported {count:,} videos.")
            if staged.poster_count:
                return redirect("videos:import_preview", import_id=staged.id)
            return redirect("videos:library")
        staged.refresh_from_db()
    context = {"staged": staged}
    if staged.status == VideoImport.Status.STAGED:
        try:
            preview = imports.import_preview(staged=staged)
        except imports.ImportFileError as error:
            context["file_error"] = str(error)
        else:
            context.update(
                preview=preview,
                sample=preview.rows[:20],
                errors=preview.errors[:200],
                more_errors=max(0, len(preview.errors) - 200),
            )
    return render(request, "videos/import_preview.html", context)


@login_required
def import_progress(request: HttpRequest, import_id) -> HttpResponse:
    staged = _get_import(request, import_id)
    response = render(request, "videos/import_preview.html#progress", {"staged": staged})
    if staged.posters_done >= staged.poster_count:
        response.status_code = HttpResponseStopPolling.status_code
    return response


def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A creator's public page: who they are and their public videos (it lives with the videos,
    which depend on accounts, not the other way round)."""
    creator = user_get_by_handle(username=username)
    page = Paginator(selectors.profile_videos(owner=creator), 24).get_page(request.GET.get("page"))
    stats = profile_stats(user=creator, viewer=request.user)
    context = {"creator": creator, "page": page, "stats": stats}
    template = "accounts/profile.html#videos" if request.htmx else "accounts/profile.html"
    return render(request, template, context)
