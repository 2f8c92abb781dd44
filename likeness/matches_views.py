"""The page "Where my face appears" (/likeness/matches/) and its per-video allowance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from consent.errors import ConsentError
from likeness import enrolment, matches, preferences
from likeness.models import LikenessMatch, LikenessProfile
from likeness.slots import match_actions_context


def _context(request: HttpRequest, rows: list[LikenessMatch]) -> dict:
    profile = preferences.profile_of(request.user)
    return {
        "asks": profile.others_videos == LikenessProfile.OthersVideos.ASK,
        "profile": profile,
        "strong": matches.STRONG,
        "possible": matches.POSSIBLE,
        **match_actions_context(person=request.user, video_ids=[row.video_id for row in rows]),
    }


@login_required
@require_GET
def matches_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(matches.matches_for(person=request.user), matches.MATCHES_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    for row in rows:
        row.confidence = matches.match_confidence(row.distance)
    context = {
        "page": page,
        "rows": rows,
        "enrolled": bool(rows) or enrolment.is_enrolled(person=request.user),
        **_context(request, rows),
    }
    return render(request, "likeness/matches.html", context)


@login_required
@require_POST
def match_allowance(request: HttpRequest, public_id: str) -> HttpResponse:
    """Allow remixes of one video that shows the person (their consent is "ask"), or stop."""
    match = matches.match_get(person=request.user, public_id=public_id)
    allowed = request.POST.get("allowed")
    status, error = 200, ""
    if allowed not in ("1", "0"):
        status, error = 400, "Choose to allow remixes of this video or to stop allowing them."
    elif preferences.profile_of(request.user).others_videos != LikenessProfile.OthersVideos.ASK:
        status, error = (
            409,
            ("Allowing one video counts only when your likeness setting is “when I allow it”."),
        )
    else:
        try:
            preferences.allowance_set(
                person=request.user, actor=request.user, video=match.video, allowed=allowed == "1"
            )
        except ConsentError as refusal:
            status, error = 400, str(refusal)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Saved.")
        return redirect("likeness:matches")
    match = matches.match_get(person=request.user, public_id=public_id)
    match.confidence = matches.match_confidence(match.distance)
    context = {"match": match, "row_error": error, **_context(request, [match])}
    return render(request, "likeness/matches.html#match_row", context, status=status)
