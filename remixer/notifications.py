"""Inbox notifications, and their emails for those who asked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from creatorhub.accounts.models import User
from creatorhub.enqueue import enqueue_on_commit
from remixer.models import Notification, Remix


def notify(*, recipients: Iterable[tuple[int, Remix | None]], kind: str, message: str) -> None:
    """One message to several people; see notify_each."""
    notify_each(kind=kind, notes=[(user_id, remix, message) for user_id, remix in recipients])


def notify_each(*, kind: str, notes: Iterable[tuple[int, Remix | None, str]]) -> None:
    """Inbox notifications, each (recipient id, remix, message), in one INSERT; those whose
    recipients asked for email are mailed after commit, by one task."""
    created = Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, kind=kind, remix=remix, message=message[:300])
            for user_id, remix, message in notes
        ]
    )
    if created:
        enqueue_on_commit("remixer.tasks.email_notifications", [note.id for note in created])


LIKENESS_NOTICE = "Your face may appear in a video. See where, and report it or allow remixes."
LIKENESS_NOTICE_EVERY = dt.timedelta(hours=24)


@transaction.atomic
def likeness_notice_send(*, person_id: int) -> Notification | None:
    """The likeness notice, unless the person had one in the last 24 hours (a notice of a
    refused request, the same kind, does not count). The person's row is locked, so two scans
    finishing together send one."""
    if not User.objects.select_for_update().filter(id=person_id).exists():
        return None
    recent = Notification.objects.filter(
        recipient_id=person_id,
        kind=Notification.Kind.LIKENESS,
        message=LIKENESS_NOTICE,
        created_at__gt=timezone.now() - LIKENESS_NOTICE_EVERY,
    )
    if recent.exists():
        return None
    notify_each(kind=Notification.Kind.LIKENESS, notes=[(person_id, None, LIKENESS_NOTICE)])
    return Notification.objects.filter(recipient_id=person_id).latest("created_at", "id")


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark the user's unread notifications read (or just one of them); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(id=notification_id)
    return unread.update(read_at=timezone.now())


def notifications_email(*, notification_ids: list[int]) -> int:
    """Mail the notifications whose recipients opted in, once each. Returns how many were sent."""
    pending = Notification.objects.filter(
        id__in=notification_ids,
        emailed_at__isnull=True,
        recipient__email_notifications=True,
    ).exclude(recipient__email="")
    sent = 0
    for note in pending.select_related("recipient", "remix"):
        # Marked and sent in one transaction: a failed send rolls the mark back, so the task's
        # retry sends it; a concurrent run finds it marked (or waits on the row) and skips it.
        with transaction.atomic():
            if not Notification.objects.filter(id=note.id, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            ):
                continue
            link = (
                note.remix.get_absolute_url()
                if note.remix
                else reverse("likeness:matches")
                if note.kind == Notification.Kind.LIKENESS
                else reverse("remixer:inbox")
            )
            inbox = f"{settings.SITE_URL}{reverse('remixer:inbox')}"
            send_mail(
                subject=f"Creator Hub: {note.get_kind_display()}",
                message=f"{note.message}\n\n{settings.SITE_URL}{link}\n\n"
                f"Turn these emails off in your inbox: {inbox}",
                from_email=None,
                recipient_list=[note.recipient.email],
            )
        sent += 1
    return sent
