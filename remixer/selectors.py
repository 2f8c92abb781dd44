"""Reads of remixes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from creatorhub.accounts.models import User
from remixer.models import Notification, Remix


def remix_is_published(*, name: str) -> bool:
    return Remix.objects.filter(output=name, status=Remix.Status.PUBLISHED).exists()


def remix_get_visible(*, public_id: str, viewer: User) -> Remix:
    """A published remix for anyone; any state for its requester and the source's creator."""
    remix = (
        Remix.objects.select_related("video__owner", "requester")
        .filter(public_id=public_id)
        .first()
    )
    if remix is None:
        raise Http404("No such remix.")
    involved = viewer.is_authenticated and viewer.id in {remix.requester_id, remix.video.owner_id}
    if remix.status != Remix.Status.PUBLISHED and not involved:
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
