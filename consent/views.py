from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from consent import selectors, services, tokens
from consent.forms import BulkForm, PolicyForm, VideoConsentForm
from consent.history import ledger_rows, video_history
from consent.idsets import VideoState
from consent.models import ApiToken, LedgerEntry
from consent.scopes import mask_to_names, scopes_to_mask
from creatorhub.csv_safe import csv_writer
from creatorhub.htmx import invalid_status
from creatorhub.navigation import redirect_back
from creatorhub.videos.forms import LibraryFilterForm
from creatorhub.videos.selectors import LibraryFilter, library_video_count, video_get_for_owner

CHANGED_EVENT = "consentChanged"


def _status(
    request: HttpRequest,
    *,
    message: str,
    entry: LedgerEntry | None,
    error: bool = False,
    status: int = 200,
    undoable: bool = True,
) -> HttpResponse:
    """The status line every consent change answers with; regions refresh on the event."""
    response = render(
        request,
        "consent/_status.html",
        {"message": message, "entry": entry if undoable else None, "error": error},
        status=status,
    )
    if entry is not None:
        trigger_client_event(response, CHANGED_EVENT, {"seq": entry.seq})
    return response


def _result_message(verb: str, result: services.ChangeResult) -> str:
    unchanged = result.selected - result.changed
    tail = f" ({unchanged:,} already were)" if unchanged else ""
    return f"{verb} for {result.selected:,} video{'s' if result.selected != 1 else ''}{tail}."


def _verb(state: VideoState) -> str:
    if state.remix == "allow":
        kinds = ", ".join(mask_to_names(state.scopes)) if state.scopes else "account kinds"
        return f"AI remixes allowed ({kinds})"
    if state.remix == "deny":
        return "AI remixes not allowed"
    return "Account default restored"


def _state_from(form: VideoConsentForm) -> VideoState:
    data = form.cleaned_data
    if data["remix"] != "allow":
        return VideoState(data["remix"])
    if data["inherit_details"]:
        return VideoState("allow")
    scopes = scopes_to_mask(data["scopes"]) if data["scopes"] else None
    return VideoState("allow", scopes, data["audience"] or None)


@login_required
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest) -> HttpResponse:
    video_count = library_video_count(owner=request.user)
    summary = selectors.policy_summary(creator=request.user, video_count=video_count)
    policy = summary.policy
    initial = {
        "remix_allowed": "1" if policy.remix_allowed else "0",
        "scopes": mask_to_names(policy.remix_scopes) or ["caption"],
        "audience": policy.audience,
        "training_allowed": "1" if policy.training_allowed else "0",
        "training_companies": "\n".join(policy.training_companies),
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.consent_set_policy(
                    creator=request.user,
                    actor=request.user,
                    change=form.to_change(),
                    clear_exceptions=form.cleaned_data["clear_exceptions"],
                )
            except services.ConsentError as error:
                form.add_error(None, str(error))
            else:
                message = "Your account settings were saved"
                if result.selected:
                    message += f" and {result.selected:,} exceptions were cleared"
                if request.htmx:
                    return _status(request, message=message + ".", entry=result.entry)
                messages.success(request, message + ".")
                return redirect("consent:page")
        if request.htmx:
            response = render(
                request,
                "consent/page.html#policy-form",
                {"form": form, "summary": summary},
                status=invalid_status(request),
            )
            return reswap(retarget(response, "#policy"), "outerHTML")
    context = {"form": form, "summary": summary}
    template = "consent/page.html#policy-form" if request.htmx else "consent/page.html"
    return render(
        request, template, context, status=invalid_status(request) if form.errors else 200
    )


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return _bulk_error(request, f"Nothing was changed: {errors}")
    data = form.cleaned_data
    try:
        if data["select_all_matching"]:
            filters = LibraryFilter(
                q=data["filter_q"].strip(),
                tag=data["filter_tag"].strip().lower(),
                created_after=data["filter_after"],
                created_before=data["filter_before"],
            )
            videos, selection = selectors.selection_videos(
                owner=request.user,
                everything=not filters.is_filtered,
                filters=filters if filters.is_filtered else None,
            )
        else:
            videos, selection = selectors.selection_videos(
                owner=request.user, ids=request.POST.getlist("ids")
            )
        state = _state_from(form)
        result = services.consent_set_videos(
            creator=request.user,
            actor=request.user,
            videos=videos,
            state=state,
            selection=selection,
        )
    except services.ConsentError as error:
        return _bulk_error(request, str(error))
    message = _result_message(_verb(state), result)
    if request.htmx:
        return _status(request, message=message, entry=result.entry)
    messages.success(request, message)
    return redirect_back(request, reverse("videos:library"))


def _bulk_error(request: HttpRequest, message: str) -> HttpResponse:
    if request.htmx:
        return _status(
            request, message=message, entry=None, error=True, status=invalid_status(request)
        )
    messages.error(request, message)
    return redirect_back(request, reverse("videos:library"))


@login_required
@require_POST
def video_set(request: HttpRequest, public_id: str) -> HttpResponse:
    video = video_get_for_owner(owner=request.user, public_id=public_id)
    data = request.POST.copy()
    if "video_remix" in data:  # the inline select in a library row
        data["remix"] = data["video_remix"]
    form = VideoConsentForm(data)
    if not form.is_valid():
        return _bulk_error(request, "Nothing was changed: choose allow, don't allow or default.")
    state = _state_from(form)
    try:
        result = services.consent_set_videos(
            creator=request.user,
            actor=request.user,
            videos=video.__class__.objects.filter(id=video.id),
            state=state,
            action=LedgerEntry.Action.VIDEO,
            selection={"ids": [video.public_id]},
        )
    except services.ConsentError as error:
        return _bulk_error(request, str(error))
    message = f"{_verb(state)} for “{video.title}”."
    if request.htmx:
        return _status(request, message=message, entry=result.entry)
    messages.success(request, message)
    return redirect_back(request, video.get_absolute_url())


@login_required
@require_POST
def undo(request: HttpRequest, seq: int) -> HttpResponse:
    try:
        result = services.consent_undo(creator=request.user, actor=request.user, seq=seq)
    except services.ConsentError as error:
        return _bulk_error(request, str(error))
    message = f"Undone: change #{seq} was reverted"
    message += f" for {result.selected:,} videos." if result.selected else "."
    if request.htmx:
        return _status(request, message=message, entry=result.entry, undoable=False)
    messages.success(request, message)
    return redirect_back(request, reverse("consent:page"))


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """Lazy-loaded consent breakdown of the library's current filter."""
    filters = LibraryFilterForm(request.GET).to_filter()
    if filters.is_filtered:
        videos, _ = selectors.selection_videos(owner=request.user, filters=filters)
    else:
        videos, _ = selectors.selection_videos(owner=request.user, everything=True)
    counts = selectors.selection_breakdown(creator=request.user, videos=videos)
    return render(request, "consent/_summary.html", {"counts": counts})


@login_required
def history(request: HttpRequest) -> HttpResponse:
    entries = selectors.ledger_for_creator(creator=request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    latest = entries.values("seq", "action").first()
    context = {"page": page, "latest": latest}
    template = "consent/history.html#entries" if request.htmx else "consent/history.html"
    return render(request, template, context)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = ledger_rows(creator=request.user)
    stamp = dt.date.today().isoformat()
    if fmt == "json":
        response = StreamingHttpResponse(_json_lines(rows), content_type="application/json")
    else:
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consent-ledger-{stamp}.{fmt}"'
    return response


def _json_lines(rows):
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]\n"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows):
    writer = csv_writer(_Echo())
    columns = [
        "seq",
        "created_at",
        "action",
        "actor",
        "reason",
        "affected",
        "policy_before",
        "policy_after",
        "changes",
        "prev_hash",
        "hash",
    ]
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(
            [
                json.dumps(row[c], ensure_ascii=False)
                if isinstance(row[c], dict | list)
                else row[c]
                for c in columns
            ]
        )


@login_required
def video_history_page(request: HttpRequest, public_id: str) -> HttpResponse:
    video = video_get_for_owner(owner=request.user, public_id=public_id)
    rows = video_history(video=video)
    return render(request, "consent/video_history.html", {"video": video, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Account settings: password, and API tokens (created and revoked here)."""
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                revoked = tokens.api_token_revoke(
                    user=request.user, token_id=int(request.POST["revoke"])
                )
            except ValueError:
                revoked = False
            if revoked:
                messages.success(request, "Token revoked; it no longer works.")
            else:
                messages.error(request, "No such active token.")
            return redirect("consent:settings")
        try:
            _, new_token = tokens.api_token_create(
                user=request.user, name=request.POST.get("name", "")
            )
        except ValueError as error:
            messages.error(request, str(error))
    active = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )
    return render(request, "consent/settings.html", {"tokens": active, "new_token": new_token})
