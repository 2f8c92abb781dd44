"""Reads of remixes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from consent.models import LedgerEntry
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from remixer.models import Notification, Regeneration, Remix

# How long after a consent change the creator's page waits for its sync to be recorded.
SYNC_WAIT = dt.timedelta(minutes=2)


def remix_file_visible(*, name: str, viewer: User, owner_username: str | None = None) -> bool:
    """Is `name` (remixes/<public_id>/v<n>.jpg) the current file of a published remix
    `viewer` may see: of a public video, or of the viewer's own? One indexed read, at request
    time, so a file not yet deleted after a withdrawal is never served. With `owner_username`
    (a creator-scoped URL), a remix of that creator's video."""
    parts = name.split("/")
    if len(parts) != 3:
        return False
    visible = Q(video__visibility=Video.Visibility.PUBLIC)
    if viewer.is_authenticated:
        visible |= Q(video__owner=viewer)
    if owner_username is not None:
        visible &= Q(video__owner__username=owner_username)
    return Remix.objects.filter(
        visible, public_id=parts[1], output=name, status=Remix.Status.PUBLISHED
    ).exists()


VIDEO_NOT_PUBLIC = "The video is no longer public, so this remix is not shown to anyone else."


def remix_get_visible(*, public_id: str, viewer: User, owner_username: str | None = None) -> Remix:
    """A published remix of a public video for anyone; any state for its requester and the
    source's creator (the requester of a private video's remix sees VIDEO_NOT_PUBLIC). With
    `owner_username` (a creator-scoped URL), only a remix of that creator's video."""
    remix = (
        Remix.objects.select_related("video__owner", "requester")
        .filter(public_id=public_id)
        .first()
    )
    if remix is None or (
        owner_username is not None and remix.video.owner.username != owner_username
    ):
        raise Http404("No such remix.")
    involved = viewer.is_authenticated and viewer.id in {remix.requester_id, remix.video.owner_id}
    public = remix.status == Remix.Status.PUBLISHED and remix.video_is_public
    if not (public or involved):
        raise Http404("No such remix.")
    return remix


def remixes_of_creator(*, creator: User) -> QuerySet[Remix]:
    return (
        Remix.objects.filter(video__owner=creator)
        .select_related("video", "requester")
        .order_by("-created_at", "-id")
    )


def remixes_by_requester(*, requester: User) -> QuerySet[Remix]:
    return (
        Remix.objects.filter(requester=requester)
        .select_related("video__owner")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class RegenerationProgress:
    regeneration: Regeneration | None = None
    pending: int = 0
    published: int = 0
    waiting: bool = False  # a consent change whose sync has not been recorded yet

    @property
    def total(self) -> int:
        return self.regeneration.total if self.regeneration else 0

    @property
    def done(self) -> int:
        return max(self.total - self.pending, 0)

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 100

    @property
    def finished(self) -> bool:
        return self.regeneration is not None and self.pending == 0

    @property
    def resigning_only(self) -> bool:
        """Only published remixes signed again (a change of the AI-training choice)."""
        return self.regeneration is not None and self.regeneration.resigns == self.total

    @property
    def polling(self) -> bool:
        return self.waiting or (self.regeneration is not None and not self.finished)


def regeneration_progress(
    *, creator: User, regeneration_id: int | None = None
) -> RegenerationProgress:
    """The regeneration a creator's page shows: the one asked for by id, else the running one,
    else whether a recent consent change is still waiting for its sync, else one that finished
    since that change."""
    regenerations = Regeneration.objects.filter(creator=creator)
    if regeneration_id is not None:
        regeneration = regenerations.filter(id=regeneration_id).first()
        if regeneration is None:
            raise Http404("No such regeneration.")
    else:
        regeneration = (
            regenerations.filter(finished_at__isnull=True, total__gt=0).order_by("-id").first()
        )
    if regeneration is None:
        since = timezone.now() - SYNC_WAIT
        latest = (
            LedgerEntry.objects.filter(creator=creator, created_at__gte=since)
            .order_by("-created_at")
            .values_list("seq", flat=True)
            .first()
        )
        if latest is None:
            return RegenerationProgress()
        if not regenerations.filter(ledger_seq__gte=latest).exists():
            return RegenerationProgress(waiting=True)
        # A regeneration that finished before the page first asked still shows its 100%.
        regeneration = (
            regenerations.filter(total__gt=0, finished_at__gte=since).order_by("-id").first()
        )
        if regeneration is None:
            return RegenerationProgress()
    counts = Remix.objects.filter(regeneration=regeneration).aggregate(
        pending=Count(
            "id",
            filter=Q(status__in=(Remix.Status.QUEUED, Remix.Status.RENDERING))
            | Q(status=Remix.Status.PUBLISHED, resign=True),
        ),
        published=Count("id", filter=Q(status=Remix.Status.PUBLISHED)),
    )
    return RegenerationProgress(regeneration=regeneration, **counts)


def _remix_usage(remixes: QuerySet[Remix]):
    """A remix's usage is its source video's, and NOT_ALLOWED unless it is published and the
    video public: one read joining the remix, its video and the creator's policy."""
    from consent.signals_http import Resolved, usage_of_row

    row = remixes.values_list(
        "status",
        "video__visibility",
        "video__owner__username",
        "video__owner__consent_policy__training_allowed",
        "video__owner__consent_policy__training_companies",
    ).first()
    if row is None:
        return None
    status, visibility, handle, allowed, companies = row
    public = status == Remix.Status.PUBLISHED and visibility == Video.Visibility.PUBLIC
    return Resolved(
        usage_of_row(public=public, training_allowed=allowed, companies=companies), handle
    )


def remix_page_usage(match):
    return _remix_usage(Remix.objects.filter(public_id=match.kwargs.get("public_id", "")))


def remix_media_usage(name: str, handle: str | None):
    parts = name.split("/")
    if len(parts) != 3:
        return None
    remixes = Remix.objects.filter(public_id=parts[1], output=name)
    if handle is not None:
        remixes = remixes.filter(video__owner__username=handle)
    return _remix_usage(remixes)
