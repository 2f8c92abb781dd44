"""Who refuses a remix of a video because it shows their face. Fast: only stored matches and
consents are read (the scans did the image work), in one query for a request and as a SQL
expression for set-based syncs.

A person with a LikenessMatch on a video (and still enrolled) refuses its remixes when:
  - the video is theirs and their consent says "not even my own videos" (own_videos false);
    otherwise their own video follows its video consent, as it always did;
  - the video is someone else's and their others_videos is "never" (the default, also when they
    never saved a choice), or "ask" without a VideoAllowance for that video. "allow" refuses
    nothing (the video's own consent still applies).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Expression
from django.utils import timezone

from creatorhub.videos.models import Video
from likeness.models import (
    FaceEmbedding,
    LikenessMatch,
    LikenessProfile,
    RefusedAttempt,
    VideoAllowance,
)

OthersVideos = LikenessProfile.OthersVideos
NOTICE_EVERY = dt.timedelta(days=1)


def _refusing(matches: QuerySet[LikenessMatch]) -> QuerySet[LikenessMatch]:
    """Those of `matches` whose person refuses remixes of the match's video."""
    own = Q(person_id=F("video__owner_id"))
    allowance = VideoAllowance.objects.filter(
        person_id=OuterRef("person_id"), video_id=OuterRef("video_id")
    )
    others_refuse = (
        Q(person__likeness__isnull=True)
        | Q(person__likeness__others_videos=OthersVideos.NEVER)
        | (Q(person__likeness__others_videos=OthersVideos.ASK) & ~Exists(allowance))
    )
    enrolled = Exists(FaceEmbedding.objects.filter(user_id=OuterRef("person_id")))
    return matches.filter(enrolled).filter(
        (own & Q(person__likeness__own_videos=False)) | (~own & others_refuse)
    )


def refusing_people(*, video: Video) -> list[int]:
    """Ids of the people whose face in `video` refuses its remixes, whatever the template (one
    query). Never shown to the requester: only counted and told to those people."""
    refusing = _refusing(LikenessMatch.objects.filter(video_id=video.id))
    return sorted(refusing.values_list("person_id", flat=True))


def likeness_refused(video_field: str = "video_id") -> Expression:
    """True for rows whose video (`video_field`, an id) someone's face refuses: the set-based
    twin of refusing_people, e.g. Remix.objects.filter(likeness_refused())."""
    return Exists(_refusing(LikenessMatch.objects.filter(video_id=OuterRef(video_field))))


def videos_refused_by(*, person_id: int) -> QuerySet[LikenessMatch]:
    """The person's matches on videos they refuse, as `video_id` values (for a subquery)."""
    return _refusing(LikenessMatch.objects.filter(person_id=person_id)).values("video_id")


@transaction.atomic
def refused_attempts_record(*, video: Video, person_ids: list[int]) -> list[int]:
    """Count a refused remix request once for each person whose face refused it (no requester
    is kept); insert-then-increment, so two refusals at once both count. Returns those of them
    to tell now: the ones not told about this video in the last NOTICE_EVERY."""
    if not person_ids:
        return []
    now = timezone.now()
    RefusedAttempt.objects.bulk_create(
        [RefusedAttempt(person_id=pid, video=video, count=0, last_at=now) for pid in person_ids],
        ignore_conflicts=True,
    )
    attempts = RefusedAttempt.objects.filter(video=video, person_id__in=person_ids)
    attempts.update(count=F("count") + 1, last_at=now)
    quiet = Q(notified_at__isnull=True) | Q(notified_at__lt=now - NOTICE_EVERY)
    due = list(
        attempts.filter(quiet)
        .select_for_update()
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    attempts.filter(person_id__in=due).update(notified_at=now)
    return due
