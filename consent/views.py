from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from consent import people, rules, selectors, services
from consent.forms import BulkForm, PolicyForm, VideoConsentForm
from consent.history import (
    affected_videos,
    describe_entry,
    describe_policy_change,
    ledger_rows,
    video_history,
    with_kind_names,
)
from consent.idsets import VideoState
from consent.models import LedgerEntry
from consent.scopes import mask_to_names, scopes_to_mask
from consent.selection import Selection
from consent.templatetags.consent_tags import rules_form_context
from creatorhub.accounts.models import User
from creatorhub.csv_safe import csv_writer
from creatorhub.htmx import invalid_status
from creatorhub.navigation import redirect_back
from creatorhub.videos.forms import LibraryFilterForm
from creatorhub.videos.selectors import library_video_count, video_get_for_owner

CHANGED_EVENT = "consentChanged"
UNDONE_EVENT = "consentUndone"  # also reloads the forms, which refresh themselves on save


def _status(
    request: HttpRequest,
    *,
    message: str,
    entry: LedgerEntry | None,
    undo: LedgerEntry | None = None,
    error: bool = False,
    status: int = 200,
    fresh: dict | None = None,
) -> HttpResponse:
    """The status line every consent change answers with, offering to undo `undo`, and the
    form that saved it, `fresh` (out of band); the page's regions refresh on the events when
    `entry` recorded a change."""
    context = {"message": message, "undo": undo, "error": error, "after_undo": undo != entry}
    response = render(request, "consent/_saved.html", context | (fresh or {}), status=status)
    if entry is not None:
        trigger_client_event(response, CHANGED_EVENT, {"seq": entry.seq})
        if entry.action == LedgerEntry.Action.UNDO:
            trigger_client_event(response, UNDONE_EVENT, {"seq": entry.seq})
    return response


def _answer(
    request: HttpRequest,
    result: services.ChangeResult,
    message: str,
    *,
    unchanged: str,
    back: str,
    fresh: dict | None = None,
) -> HttpResponse:
    """What a change did, with Undo; or, when it changed nothing, that nothing was recorded."""
    undo = result.entry
    if result.entry is None:
        message = f"Nothing changed: {unchanged}"
        undo = services.undo_target(creator=request.user)
    if request.htmx:
        return _status(request, message=message, entry=result.entry, undo=undo, fresh=fresh)
    messages.success(request, message)
    return redirect_back(request, back)


def _result_message(verb: str, result: services.ChangeResult) -> str:
    unchanged = result.selected - result.changed
    tail = f" ({unchanged:,} already were)" if unchanged else ""
    return f"{verb} for {result.changed:,} video{'s' if result.changed != 1 else ''}{tail}."


def _policy_message(result: services.ChangeResult) -> str:
    entry = result.entry
    if entry is None:
        return ""
    parts = describe_policy_change(result.policy_before, result.policy_after)
    if result.selected:
        parts.append(f"{result.selected:,} per-video exceptions cleared")
    inheriting = entry.payload["inheriting"]
    return (
        f"Saved as change #{entry.seq}. {'; '.join(parts)}. "
        f"It applies to {inheriting:,} video{pluralize(inheriting)} that follow your account "
        "default."
    )


def _verb(state: VideoState) -> str:
    if state.remix == "allow":
        kinds = ", ".join(mask_to_names(state.scopes)) if state.scopes else "account kinds"
        return f"AI remixes allowed ({kinds})"
    if state.remix == "ask":
        return "AI remixes on request (ask me)"
    if state.remix == "deny":
        return "AI remixes not allowed"
    return "Account default restored"


def _state_from(form: VideoConsentForm) -> VideoState:
    data = form.cleaned_data
    if data["remix"] not in ("allow", "ask"):
        return VideoState(data["remix"])
    if data["inherit_details"]:
        return VideoState(data["remix"])
    scopes = scopes_to_mask(data["scopes"]) if data["scopes"] else None
    return VideoState(data["remix"], scopes, data["audience"] or None)


def _policy_form(request: HttpRequest, data=None) -> dict:
    """The account-switch form as saved now, with the counts it shows."""
    video_count = library_video_count(owner=request.user)
    summary = selectors.policy_summary(creator=request.user, video_count=video_count)
    policy = summary.policy
    initial = {
        "remix_allowed": "1" if policy.remix_allowed else ("ask" if policy.remix_ask else "0"),
        "scopes": mask_to_names(policy.remix_scopes) or ["caption"],
        "audience": policy.audience,
        "training_allowed": "1" if policy.training_allowed else "0",
        "training_companies": "\n".join(policy.training_companies),
    }
    return {"form": PolicyForm(data, initial=initial), "summary": summary}


@login_required
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest) -> HttpResponse:
    context = _policy_form(request, request.POST or None)
    form = context["form"]
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
                return _answer(
                    request,
                    result,
                    _policy_message(result),
                    unchanged="these are already your settings.",
                    back=reverse("consent:page"),
                    fresh=_policy_form(request),
                )
        if request.htmx:
            response = render(
                request,
                "consent/page.html#policy-form",
                context,
                status=invalid_status(request),
            )
            return reswap(retarget(response, "#policy"), "outerHTML")
    template = "consent/page.html#policy-form" if request.htmx else "consent/page.html"
    if not request.htmx:
        context |= {
            "people": people.approved_people(creator=request.user),
            "account_rules": rules_form_context(rules.account_rules(creator=request.user)),
        }
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
    try:
        state = _state_from(form)
        result = services.consent_set_selection(
            creator=request.user,
            actor=request.user,
            selection=form.to_selection(),
            state=state,
        )
    except services.ConsentError as error:
        return _bulk_error(request, str(error))
    return _answer(
        request,
        result,
        _result_message(_verb(state), result),
        unchanged=f"the {result.selected:,} selected videos already had that setting.",
        back=reverse("videos:library"),
    )


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
    return _answer(
        request,
        result,
        f"{_verb(state)} for “{video.title}”.",
        unchanged=f"“{video.title}” already had that setting.",
        back=video.get_absolute_url(),
        # The video page's panel comes back fresh; a library row is refreshed by the event.
        fresh={"panel_video": video} if data.get("panel") else None,
    )


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
        following = services.undo_target(creator=request.user)
        return _status(request, message=message, entry=result.entry, undo=following)
    messages.success(request, message)
    return redirect_back(request, reverse("consent:page"))


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """Lazy-loaded consent breakdown of the library's current filter."""
    filters = LibraryFilterForm(request.GET).to_filter()
    videos = Selection.matching(filters).videos(owner=request.user)
    counts = selectors.selection_breakdown(creator=request.user, videos=videos)
    return render(request, "consent/_summary.html", {"counts": counts})


@login_required
def history(request: HttpRequest) -> HttpResponse:
    entries = selectors.ledger_for_creator(creator=request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, describe_entry(entry), affected_videos(entry)) for entry in page]
    context = {"page": page, "rows": rows, "undo": services.undo_target(creator=request.user)}
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
        "what",
        "videos",
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
                json.dumps(with_kind_names(row[c]), ensure_ascii=False)
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


def _rules_answer(request: HttpRequest, entry: LedgerEntry | None, where: str) -> HttpResponse:
    if entry is None:
        message = f"Nothing changed: {where} already had these content rules."
    else:
        message = f"Saved as change #{entry.seq}: content rules for {where} updated."
    if request.htmx:
        return _status(request, message=message, entry=entry, undo=None)
    messages.success(request, message)
    return redirect_back(request, reverse("consent:page"))


def _rules_post(request: HttpRequest, video=None) -> HttpResponse:
    where = f"“{video.title}”" if video else "your account"
    try:
        entry = rules.rules_set(
            creator=request.user,
            actor=request.user,
            phrases=request.POST.get("blocked_phrases", ""),
            categories=request.POST.getlist("categories"),
            video=video,
        )
    except services.ConsentError as error:
        return _bulk_error(request, f"Nothing was changed: {error}")
    return _rules_answer(request, entry, where)


@login_required
@require_POST
def rules_account(request: HttpRequest) -> HttpResponse:
    return _rules_post(request)


@login_required
@require_POST
def rules_video(request: HttpRequest, public_id: str) -> HttpResponse:
    return _rules_post(request, video_get_for_owner(owner=request.user, public_id=public_id))


def _people_section(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    return render(
        request,
        "consent/page.html#people",
        {"people": people.approved_people(creator=request.user), "people_error": error},
        status=status,
    )


@login_required
@require_POST
def people_add(request: HttpRequest) -> HttpResponse:
    handle = request.POST.get("handle", "").strip().removeprefix("@")
    person = User.objects.filter(username__iexact=handle).first() if handle else None
    error = ""
    if person is None:
        error = f"No one is called @{handle}." if handle else "Write a handle, e.g. @maya."
    else:
        try:
            entry = people.people_change(creator=request.user, actor=request.user, add=[person])
        except services.ConsentError as exc:
            error = str(exc)
        else:
            if entry is None:
                error = f"@{person.username} is already on your list."
    return _people_answer(request, error, f"@{person.username} added." if person else "")


@login_required
@require_POST
def people_remove(request: HttpRequest, username: str) -> HttpResponse:
    person = User.objects.filter(username=username).first()
    entry = None
    if person is not None:
        entry = people.people_change(
            creator=request.user,
            actor=request.user,
            remove=[person],
            withdraw=request.POST.get("withdraw") == "on",
        )
    if entry is None:
        return _people_answer(request, f"@{username} is not on your list.", "")
    withdrawn = " Their approved remixes were withdrawn." if request.POST.get("withdraw") else ""
    return _people_answer(request, "", f"@{username} removed.{withdrawn}")


def _people_answer(request: HttpRequest, error: str, done: str) -> HttpResponse:
    if request.htmx:
        return _people_section(
            request, status=invalid_status(request) if error else 200, error=error
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect_back(request, reverse("consent:page"))
