from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling
from PIL import Image

from creatorhub.videos.media import encode_jpeg
from creatorhub.videos.selectors import video_get_public
from remixer import engines, selectors, services
from remixer.forms import RemixFilterForm, RemixRequestForm
from remixer.models import Notification, Remix

POLLING = (Remix.Status.QUEUED, Remix.Status.RENDERING)


@login_required
@require_POST
def request_remix(request: HttpRequest, public_id: str) -> HttpResponse:
    video = video_get_public(public_id=public_id, viewer=request.user)
    form = RemixRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a template and fill in its inputs.")
        return redirect(video.get_public_url())
    try:
        remix = services.remix_request(
            requester=request.user,
            video=video,
            template=form.cleaned_data["template"],
            inputs=form.inputs(),
        )
    except services.RemixRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(video.get_public_url())
    messages.success(request, "Your remix is queued; this page updates when it is ready.")
    return redirect(remix)


@login_required
@require_POST
def preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """A low-resolution preview of the chosen template, rendered in the request."""
    video = video_get_public(public_id=public_id, viewer=request.user)
    form = RemixRequestForm(request.POST)
    if not form.is_valid() or not video.poster:
        return render(request, "remixer/_preview.html", {"error": "Choose a template."})
    try:
        with video.poster.open("rb") as handle:
            poster = Image.open(io.BytesIO(handle.read())).convert("RGB")
        image = engines.preview(
            engines.RenderRequest(
                poster=poster,
                template=form.cleaned_data["template"],
                inputs=form.inputs(),
                credit=f"@{video.owner.username} · Creator Hub",
            )
        )
    except engines.RenderError as error:
        return render(request, "remixer/_preview.html", {"error": str(error)})
    data = base64.b64encode(encode_jpeg(image, quality=70)).decode()
    return render(request, "remixer/_preview.html", {"data_url": f"data:image/jpeg;base64,{data}"})


def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    remix = selectors.remix_get_visible(public_id=public_id, viewer=request.user)
    context = {"remix": remix, "is_creator": request.user.id == remix.video.owner_id}
    if request.htmx:
        response = render(request, "remixer/detail.html#status", context)
        if remix.status not in POLLING:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "remixer/detail.html", context)


@login_required
@require_POST
def takedown(request: HttpRequest, public_id: str) -> HttpResponse:
    remix = selectors.remix_get_visible(public_id=public_id, viewer=request.user)
    if remix.video.owner_id != request.user.id:
        raise Http404("No such remix.")
    services.remix_takedown(remix=remix, actor=request.user)
    messages.success(request, "The remix was taken down; its requester was told.")
    return redirect(request.POST.get("next") or "remixer:of_my_work")


def _filtered(request: HttpRequest, remixes):
    form = RemixFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            remixes = remixes.filter(status=data["status"])
        if data["template"]:
            remixes = remixes.filter(template=data["template"])
        if data["video"]:
            remixes = remixes.filter(video__public_id=data["video"])
    return form, Paginator(remixes, 30).get_page(request.GET.get("page"))


@login_required
def of_my_work(request: HttpRequest) -> HttpResponse:
    form, page = _filtered(request, selectors.remixes_of_creator(creator=request.user))
    return render(request, "remixer/list.html", {"form": form, "page": page, "mode": "creator"})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    form, page = _filtered(request, selectors.remixes_by_requester(requester=request.user))
    return render(request, "remixer/list.html", {"form": form, "page": page, "mode": "requester"})


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).select_related("remix")
    if request.method == "POST":
        notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("remixer:inbox")
    page = Paginator(notifications.order_by("-created_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "remixer/inbox.html", {"page": page})


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, loaded after the page so pages pay no query for it."""
    unread = selectors.unread_count(user=request.user)
    return render(request, "remixer/_badge.html", {"unread": unread})
