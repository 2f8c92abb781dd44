from __future__ import annotations

import base64
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from creatorhub.htmx import invalid_status
from creatorhub.navigation import back_url, redirect_back
from creatorhub.videos.media import encode_jpeg
from creatorhub.videos.selectors import video_get_public
from likeness.guard import refusing_people
from remixer import approvals, engines, notifications, pipeline, selectors, services
from remixer import backdrops as backdrop_services
from remixer.backdrops import backdrop_images, backdrop_names
from remixer.engines import voice
from remixer.forms import (
    BackdropForm,
    DecideForm,
    EmailNotificationsForm,
    RemixFilterForm,
    RemixRequestForm,
)
from remixer.likeness_sync import LIKENESS_REFUSED
from remixer.models import Backdrop, Notification, Remix
from remixer.signing import media_ext, media_type

POLLING = (Remix.Status.QUEUED, Remix.Status.RENDERING)
REGENERATION_ID = re.compile(r"[0-9]{1,18}")


def _form_problem(form: RemixRequestForm) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Choose a template."


@login_required
@require_POST
def request_remix(request: HttpRequest, public_id: str) -> HttpResponse:
    video = video_get_public(public_id=public_id, viewer=request.user)
    form = RemixRequestForm(
        request.POST,
        backdrops=backdrop_names(owner_id=video.owner_id),
        with_voice=video.has_audio,
    )
    if not form.is_valid():
        messages.error(request, _form_problem(form))
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
    if remix.awaiting_approval:
        messages.success(
            request,
            "Request sent: the creator approves each remix of this video. You will hear in your "
            "inbox when they decide.",
        )
    else:
        messages.success(request, "Remix requested: it shows here as soon as it is rendered.")
    return redirect(remix)


@login_required
@require_POST
def preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """A low-resolution preview of the chosen template, rendered in the request."""
    video = video_get_public(public_id=public_id, viewer=request.user)
    form = RemixRequestForm(
        request.POST,
        backdrops=backdrop_names(owner_id=video.owner_id),
        with_voice=video.has_audio,
    )
    if not form.is_valid() or not video.poster:
        return render(request, "remixer/_preview.html", {"error": _form_problem(form)})
    if refusing_people(video=video):  # not even a preview of a face that refuses it
        return render(request, "remixer/_preview.html", {"error": LIKENESS_REFUSED})
    if form.cleaned_data["template"] == Remix.Template.VOICE:
        # Sound is not previewed here: the worker renders the clip (a few seconds of work).
        inputs = form.inputs()
        context = {"voice": inputs, "effect": voice.EFFECTS[inputs["effect"]].lower()}
        return render(request, "remixer/_preview.html", context)
    try:
        image = engines.preview(
            engines.RenderRequest(
                poster=pipeline.poster_read(video)[1],
                template=form.cleaned_data["template"],
                inputs=form.inputs(),
                credit=f"@{video.owner.username} · Creator Hub",
                backdrops=backdrop_images(owner_id=video.owner_id, inputs=form.inputs()),
            )
        )
    except engines.RenderError as error:
        return render(request, "remixer/_preview.html", {"error": str(error)})
    data = base64.b64encode(encode_jpeg(image, quality=70)).decode()
    return render(request, "remixer/_preview.html", {"data_url": f"data:image/jpeg;base64,{data}"})


def detail(request: HttpRequest, public_id: str, username: str | None = None) -> HttpResponse:
    """A remix's page, at /remixes/<id>/ or at /@<source creator>/remixes/<id>/."""
    remix = selectors.remix_get_visible(
        public_id=public_id, viewer=request.user, owner_username=username
    )
    context = {
        "remix": remix,
        "is_creator": request.user.id == remix.video.owner_id,
        "shown": remix.shown_to(request.user),
        "previewable": approvals.preview_visible(remix=remix, user=request.user),
        "not_public": None if remix.video_is_public else selectors.VIDEO_NOT_PUBLIC,
        "voice_effect": voice.EFFECTS.get(remix.inputs.get("effect"), "").lower(),
    }
    if request.htmx:
        response = render(request, "remixer/detail.html#status", context)
        if remix.status not in POLLING:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render(request, "remixer/detail.html", context)


@require_GET
def download(request: HttpRequest, public_id: str) -> FileResponse:
    """The signed image (or voice clip) as a file named for the remix, while it is published."""
    remix = selectors.remix_get_visible(public_id=public_id, viewer=request.user)
    if not remix.is_live:
        raise Http404("This remix is not published.")
    try:
        image = remix.output.open("rb")
    except FileNotFoundError:
        raise Http404("This remix is not published.") from None
    return FileResponse(
        image,
        as_attachment=True,
        filename=f"creatorhub-remix-{remix.public_id}.{media_ext(remix)}",
        content_type=media_type(remix),
    )


@login_required
@require_http_methods(["GET", "POST"])
def takedown(request: HttpRequest, public_id: str) -> HttpResponse:
    """Asks first (what will happen, to whom), then takes the remix down."""
    remix = selectors.remix_get_visible(public_id=public_id, viewer=request.user)
    if remix.video.owner_id != request.user.id:
        raise Http404("No such remix.")
    if request.method == "GET":
        back = back_url(request, remix.get_absolute_url())
        return render(request, "remixer/takedown.html", {"remix": remix, "back": back})
    services.remix_takedown(remix=remix, actor=request.user)
    messages.success(request, "The remix was taken down; its requester was told.")
    return redirect_back(request, reverse("remixer:of_my_work"))


def _filtered(request: HttpRequest, remixes):
    form = RemixFilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            remixes = remixes.filter(status=data["status"])
        if data["template"]:
            remixes = remixes.filter(template=data["template"])
        if data["video"]:
            remixes = remixes.filter(video__title__icontains=data["video"].strip())
    return form, Paginator(remixes, 30).get_page(request.GET.get("page"))


@login_required
def of_my_work(request: HttpRequest) -> HttpResponse:
    form, page = _filtered(request, selectors.remixes_of_creator(creator=request.user))
    return render(request, "remixer/list.html", {"form": form, "page": page, "mode": "creator"})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    form, page = _filtered(request, selectors.remixes_by_requester(requester=request.user))
    return render(request, "remixer/list.html", {"form": form, "page": page, "mode": "requester"})


def _inbox_page(request: HttpRequest, email_form: EmailNotificationsForm) -> dict:
    notifications = Notification.objects.filter(recipient=request.user).select_related("remix")
    page = Paginator(notifications.order_by("-created_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return {"page": page, "email_form": email_form}


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications.notifications_mark_read(user=request.user)
        return redirect("remixer:inbox")
    form = EmailNotificationsForm(instance=request.user)
    return render(request, "remixer/inbox.html", _inbox_page(request, form))


@login_required
@require_POST
def inbox_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read (it stays in the inbox); someone else's is a 404. The inbox
    badge in the header counts again at once."""
    note = get_object_or_404(Notification, id=notification_id, recipient=request.user)
    notifications.notifications_mark_read(user=request.user, notification_id=note.id)
    if not request.htmx:
        return redirect("remixer:inbox")
    note.refresh_from_db()
    response = render(request, "remixer/inbox.html#note", {"note": note, "marked": True})
    response["HX-Trigger"] = "inbox-changed"
    return response


@login_required
@require_POST
def email_settings(request: HttpRequest) -> HttpResponse:
    """Turn notification emails on or off; nothing changes when the form is invalid."""
    form = EmailNotificationsForm(request.POST, instance=request.user)
    valid = form.is_valid()
    if valid:
        form.save()
    if request.htmx:
        context = {"email_form": form, "saved": valid}
        response = render(request, "remixer/inbox.html#email-settings", context)
    elif valid:
        messages.success(request, "Your email preference is saved.")
        return redirect("remixer:inbox")
    else:
        response = render(request, "remixer/inbox.html", _inbox_page(request, form))
    if not valid:
        response.status_code = invalid_status(request)
    return response


@login_required
def regeneration(request: HttpRequest) -> HttpResponse:
    """The creator's regeneration progress region, polled every second while it runs."""
    if not request.htmx:
        return redirect("remixer:of_my_work")
    raw_id = request.GET.get("id", "")
    # ASCII digits only: str.isdigit() accepts "²", which int() refuses; 18 digits fit a bigint.
    if raw_id and not REGENERATION_ID.fullmatch(raw_id):
        return HttpResponseBadRequest("id must be a regeneration number.")
    progress = selectors.regeneration_progress(
        creator=request.user, regeneration_id=int(raw_id) if raw_id else None
    )
    response = render(request, "remixer/_regeneration.html", {"progress": progress})
    if not progress.polling:
        response.status_code = HttpResponseStopPolling.status_code
    return response


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, loaded after the page so pages pay no query for it."""
    unread = selectors.unread_count(user=request.user)
    return render(request, "remixer/_badge.html", {"unread": unread})


@login_required
@require_http_methods(["GET", "POST"])
def backdrops(request: HttpRequest) -> HttpResponse:
    """The creator's own backdrops for background remixes of their videos."""
    form = BackdropForm()
    status = 200
    if request.method == "POST":
        form = BackdropForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                backdrop = backdrop_services.backdrop_add(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    upload=form.cleaned_data["image"],
                )
            except backdrop_services.BackdropError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Backdrop “{backdrop.name}” added.")
                return redirect("remixer:backdrops")
        status = 400
    context = {
        "form": form,
        "backdrops": Backdrop.objects.filter(owner=request.user),
        "limit": backdrop_services.MAX_BACKDROPS,
    }
    return render(request, "remixer/backdrops.html", context, status=status)


@login_required
@require_POST
def backdrop_delete(request: HttpRequest, backdrop_id: int) -> HttpResponse:
    if not backdrop_services.backdrop_delete(owner=request.user, backdrop_id=backdrop_id):
        raise Http404("No such backdrop.")
    messages.success(request, "Backdrop deleted; remixes already made with it keep their image.")
    return redirect("remixer:backdrops")


REQUESTS_PAGE = 25


def _requests_context(request: HttpRequest, **extra) -> dict:
    pending = approvals.requests_pending(creator=request.user)
    page = Paginator(pending, REQUESTS_PAGE).get_page(request.GET.get("page"))
    return {"page": page, **extra}


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    """Requests on the creator's "ask me" videos: preview, requester, caption; approve or decline
    each, or the ones ticked, at once."""
    return render(request, "remixer/requests.html", _requests_context(request))


@login_required
@require_POST
def requests_decide(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy()
    if "only" in request.GET:  # a row's own button, posted without JavaScript
        data["only"] = request.GET["only"]
    form = DecideForm(data)
    if not form.is_valid():
        message, error = form.problem(), True
    else:
        result = approvals.requests_decide(
            creator=request.user,
            actor=request.user,
            public_ids=form.ids(),
            approve=form.cleaned_data["decision"] == "approve",
            message=form.cleaned_data["message"],
            always_allow=form.cleaned_data["always_allow"],
        )
        message, error = decision_message(result), not (result.approved or result.declined)
    if not request.htmx:
        (messages.error if error else messages.success)(request, message)
        return redirect("remixer:requests")
    refused = result.refused if form.is_valid() else None
    context = _requests_context(request, message=message, error=error, refused=refused)
    response = render(request, "remixer/requests.html#requests", context)
    response["HX-Trigger"] = "inbox-changed"
    return response


def decision_message(result: approvals.Decision) -> str:
    parts = []
    if result.approved:
        parts.append(f"{result.approved:,} approved: publishing now")
    if result.declined:
        parts.append(f"{result.declined:,} declined")
    if result.refused:
        parts.append(f"{len(result.refused):,} not decided")
    return "; ".join(parts) + "." if parts else "Nothing was decided."


@login_required
def requests_badge(request: HttpRequest) -> HttpResponse:
    """The header's count of requests waiting, loaded after the page."""
    waiting = approvals.requests_pending_count(creator=request.user)
    return render(request, "remixer/_requests_badge.html", {"waiting": waiting})
