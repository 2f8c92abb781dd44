from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from creatorhub.htmx import invalid_status
from likeness.matches import match_get
from moderation import selectors, services
from moderation.forms import ReportForm
from moderation.likeness_reports import likeness_report_create, likeness_reports_open
from remixer.models import Remix
from remixer.selectors import remix_get_visible


def _reportable(public_id: str, user) -> Remix:
    remix = remix_get_visible(public_id=public_id, viewer=user)
    if remix.status != Remix.Status.PUBLISHED:
        raise Http404("Only a published remix can be reported.")
    return remix


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    """The report panel: a page of its own without JavaScript, a region of the remix page with
    HTMX (loaded after the page, so the remix page itself pays no query for it)."""
    remix = _reportable(public_id, request.user)
    form, error, status, just_sent = ReportForm(), "", 200, False
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_create(
                    reporter=request.user,
                    remix=remix,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except services.ModerationError as refusal:
                error, status = (
                    str(refusal),
                    409 if refusal.code == "duplicate" else invalid_status(request),
                )
            else:
                if not request.htmx:
                    messages.success(request, "Thank you: your report was sent to moderators.")
                    return redirect("moderation:report", public_id=remix.public_id)
                just_sent = True
        else:
            status = invalid_status(request)
    context = {
        "remix": remix,
        "form": form,
        "error": error,
        "just_sent": just_sent,
        "own": remix.requester_id == request.user.id,
        "latest": selectors.report_latest(reporter=request.user, remix=remix),
    }
    template = "moderation/report.html#panel" if request.htmx else "moderation/report.html"
    return render(request, template, context, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.reports_by_reporter(reporter=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "moderation/mine.html", {"page": page})


@login_required
@require_POST
def likeness_report(request: HttpRequest, public_id: str) -> HttpResponse:
    """Report, from "Where my face appears", another creator's public video showing the
    person's face (reason: likeness). Answers the button's region, or goes back to the page."""
    match = match_get(person=request.user, public_id=public_id)  # 404 unless it is theirs
    error, status = "", 200
    try:
        likeness_report_create(reporter=request.user, video=match.video)
    except services.ModerationError as refusal:
        error, status = str(refusal), 409 if refusal.code == "duplicate" else 400
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Thank you: your report was sent to moderators.")
        return redirect("likeness:matches")
    context = {
        "match": match,
        "report_error": error,
        "likeness_reported": likeness_reports_open(
            reporter=request.user, video_ids=[match.video_id]
        ),
    }
    return render(request, "moderation/_likeness_report.html", context, status=status)
