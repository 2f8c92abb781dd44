"""Remixes in agreement with likeness consent: a person's face in a video refuses its remixes
(likeness/guard.py); when their likeness consent changes, what they now refuse is held at once
(inside the change's transaction, as a video-consent revocation is: sync.remixes_hold), and on
commit what both the video consent and every face in it allow again goes back on the queue
(sync's regeneration machinery). A refused request is counted for the refusing people, who are
told, at most once a day per video, never who asked.
"""

from __future__ import annotations

from django.db import transaction

from creatorhub.videos.models import Video
from likeness.guard import (
    likeness_refused,
    refused_attempts_record,
    refusing_people,
    videos_refused_by,
)
from likeness.models import FaceEmbedding, LikenessMatch
from likeness.scanning import scan_stale, video_scan
from remixer.models import Notification, Remix
from remixer.notifications import notify_each
from remixer.sync import LIVE, remixes_hold, remixes_requeue_allowed

LIKENESS_REFUSED = (
    "Someone whose face is in this video has not allowed AI remixes of it, so it cannot be remixed."
)
LIKENESS_HELD_REASON = (
    "Someone whose face is in this video no longer allows remixes of it; it will come back if "
    "they allow it again."
)


def remixes_hold_likeness_refused(*, person_id: int) -> int:
    """Hold every live remix (queued, rendering, awaiting approval, published) of a video the
    person's face is in and their likeness consent now refuses. One UPDATE; files deleted on
    commit. A render publishing at the same moment locks its remix row first, so either this
    UPDATE waits and holds the published remix, or the render re-reads the consent after it."""
    refused = Remix.objects.filter(
        status__in=LIVE, video_id__in=videos_refused_by(person_id=person_id)
    )
    return remixes_hold(
        refused,
        reason=LIKENESS_HELD_REASON,
        message="Remixes of yours were withdrawn: someone shown in them no longer allows it.",
    )


@transaction.atomic
def remixes_hold_video_likeness_refused(*, video_id: int) -> int:
    """Hold the video's live remixes that a face found in it (by a scan after they were
    requested, e.g. of someone who enrolled since) refuses."""
    refused = Remix.objects.filter(status__in=LIVE, video_id=video_id).filter(likeness_refused())
    return remixes_hold(
        refused,
        reason=LIKENESS_HELD_REASON,
        message="Remixes of yours were withdrawn: someone shown in them has not allowed it.",
    )


def videos_showing(*, person_id: int) -> list[int]:
    return list(
        LikenessMatch.objects.filter(person_id=person_id).values_list("video_id", flat=True)
    )


def remixes_requeue_likeness_allowed(*, video_ids: list[int]) -> int:
    """Held remixes of these videos (those showing a person whose likeness consent changed) that
    the video consent and every face in them allow now go back on the queue, as a regeneration
    of each video's creator."""
    return remixes_requeue_allowed(Remix.objects.filter(video_id__in=video_ids))


def likeness_refuses_render(*, video: Video) -> bool:
    """At render: does a face in the video refuse it? A poster no scan has seen (new, or never
    scanned) is scanned first, here in the worker, when anyone is enrolled to be found in it;
    with nobody enrolled nobody can refuse, and the upload's own scan or the backfill stores its
    faces for later enrolments."""
    if scan_stale(video=video) and FaceEmbedding.objects.exists():
        video_scan(video_id=video.id)
    return bool(refusing_people(video=video))


def likeness_refusal_record(*, video: Video, person_ids: list[int]) -> None:
    """A request refused by these people's faces: counted for each, and each told unless they
    were told about this video in the last day. Called after the request's own transaction
    rolled back, so the count stands though nothing else of the request does."""
    with transaction.atomic():
        due = refused_attempts_record(video=video, person_ids=person_ids)
        message = (
            f"Someone asked to remix “{video.title}” by @{video.owner.username}, which shows "
            "your face. It was refused under your likeness settings."
        )
        notify_each(kind=Notification.Kind.LIKENESS, notes=[(pid, None, message) for pid in due])
