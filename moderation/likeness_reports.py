"""Likeness reports: a person reports another creator's public video that shows their face,
from "Where my face appears" (likeness/matches.py). The likeness app cannot import moderation,
so its page renders the report form from its match slot (likeness.slots), which this app fills
(ModerationConfig.ready), and posts here."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from likeness.models import LikenessMatch
from moderation.models import Report
from moderation.services import ModerationError


@transaction.atomic
def likeness_report_create(*, reporter: User, video: Video, details: str = "") -> Report:
    """Report a video in which the reporter's face was found. One unresolved report per person
    per video (the database refuses a racing second one too)."""
    details = details.strip()
    if len(details) > Report.DETAILS_MAX:
        raise ModerationError(
            f"Keep the details under {Report.DETAILS_MAX} characters.", code="too_long"
        )
    if video.owner_id == reporter.id:
        raise ModerationError("This is your own video.", code="own_video")
    if not LikenessMatch.objects.filter(person=reporter, video=video).exists():
        raise ModerationError("Your face was not found in this video.", code="no_match")
    duplicate = ModerationError(
        "You have already reported this video; moderators will look at it.", code="duplicate"
    )
    if Report.objects.filter(reporter=reporter, video=video, status__in=Report.UNRESOLVED).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, video=video, reason=Report.Reason.LIKENESS, details=details
            )
    except IntegrityError:
        raise duplicate from None


def likeness_reports_open(*, reporter: User, video_ids: list[int]) -> set[int]:
    """Which of these videos the reporter has an unresolved likeness report about (one query)."""
    return set(
        Report.objects.filter(
            reporter=reporter, video_id__in=video_ids, status__in=Report.UNRESOLVED
        ).values_list("video_id", flat=True)
    )
