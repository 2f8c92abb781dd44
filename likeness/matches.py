"""Reads for "Where my face appears": the public videos of other creators in which a person's
enrolled face was found (LikenessMatch rows the scans write), and how sure that is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from likeness.engine import MATCH_THRESHOLD
from likeness.models import LikenessMatch, RefusedAttempt, VideoAllowance

# Same-person distances measured on the bench's photos reach 0.20 and different people start at
# 0.655 (likeness/engine.py): under 0.5 the face is very likely the person's; from 0.5 to the
# threshold it is close enough to count, but worth a look.
STRONG_BELOW = 0.5
MATCHES_PAGE = 20


@dataclass(frozen=True)
class Confidence:
    word: str
    explanation: str


STRONG = Confidence("Strong", f"Distance under {STRONG_BELOW}: this face is very likely yours.")
POSSIBLE = Confidence(
    "Possible",
    f"Distance from {STRONG_BELOW} to {MATCH_THRESHOLD}: close to yours; watch the video to "
    "be sure.",
)


def match_confidence(distance: float) -> Confidence:
    return STRONG if distance < STRONG_BELOW else POSSIBLE


def matches_for(*, person: User) -> QuerySet[LikenessMatch]:
    """Other creators' public videos showing the person, newest found first, each with the
    count of remix requests refused because of their face and whether they allow it: one
    query with its two subqueries."""
    refused = RefusedAttempt.objects.filter(person=person, video=OuterRef("video_id"))
    return (
        LikenessMatch.objects.filter(person=person, video__visibility=Video.Visibility.PUBLIC)
        .exclude(video__owner=person)
        .select_related("video__owner")
        .annotate(
            refused=Coalesce(Subquery(refused.values("count")[:1]), 0),
            allowed=Exists(
                VideoAllowance.objects.filter(person=person, video=OuterRef("video_id"))
            ),
        )
        .order_by("-found_at", "-id")
    )


def match_get(*, person: User, public_id: str) -> LikenessMatch:
    """The person's match in another creator's public video, or 404 (another person's match,
    their own video, a private or unknown one alike)."""
    found = matches_for(person=person).filter(video__public_id=public_id).first()
    if found is None:
        raise Http404("Your face was not found in such a video.")
    return found
