"""Inbox notifications by email, for those who ask."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from remixer import notifications, pipeline, services
from remixer.models import Notification
from remixer.tests.factories import CAPTION, allow, make_postered_video

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def video(creator):
    return make_postered_video(creator, title="Source")


def test_notifications_are_emailed_once_to_those_who_asked(viewer, creator, video):
    viewer.email, viewer.email_notifications = "viewer@example.com", True
    viewer.save()
    creator.email = "creator@example.com"
    creator.save()
    allow(creator)
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remix_render(remix_id=remix.id)
    notes = list(Notification.objects.values_list("id", flat=True))
    assert len(notes) == 2, "the creator's new-remix note and the viewer's ready note"
    assert notifications.notifications_email(notification_ids=notes) == 1
    assert [message.to for message in mail.outbox] == [["viewer@example.com"]]
    assert remix.public_id in mail.outbox[0].body
    assert notifications.notifications_email(notification_ids=notes) == 0, "never twice"
    assert len(mail.outbox) == 1


def test_notify_mails_after_commit(viewer, monkeypatch, django_capture_on_commit_callbacks):
    from creatorhub.celery import app
    from remixer import tasks

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=[(viewer.id, None)], kind="held", message="m")
    notes = list(Notification.objects.values_list("id", flat=True))
    assert sent == [(tasks.email_notifications.name, (notes,))]


def test_email_preference_form(viewer, viewer_client):
    url = reverse("remixer:email_settings")
    refused = viewer_client.post(url, {"email_notifications": "on", "email": ""}, **HTMX)
    assert refused.status_code == 422 and "Give an email address" in refused.text
    viewer.refresh_from_db()
    assert not viewer.email_notifications
    bad = viewer_client.post(url, {"email_notifications": "on", "email": "nope"})
    assert bad.status_code == 400 and "Inbox" in bad.text
    saved = viewer_client.post(url, {"email_notifications": "on", "email": "v@example.com"}, **HTMX)
    assert saved.status_code == 200 and "emails are on" in saved.text
    viewer.refresh_from_db()
    assert viewer.email_notifications and viewer.email == "v@example.com"
    assert viewer_client.post(url, {"email": "v@example.com"}).status_code == 302
    viewer.refresh_from_db()
    assert not viewer.email_notifications


def test_a_failed_send_is_retried_not_lost(viewer, creator, video, monkeypatch):
    viewer.email, viewer.email_notifications = "viewer@example.com", True
    viewer.save()
    notifications.notify(recipients=[(viewer.id, None)], kind="held", message="m")
    note = Notification.objects.get()

    def smtp_down(**kwargs):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(notifications, "send_mail", smtp_down)
    with pytest.raises(OSError):
        notifications.notifications_email(notification_ids=[note.id])
    note.refresh_from_db()
    assert note.emailed_at is None
    monkeypatch.undo()
    assert notifications.notifications_email(notification_ids=[note.id]) == 1
    assert len(mail.outbox) == 1


def test_marking_one_notification_read(viewer, viewer_client, creator_client, creator):
    notifications.notify(
        recipients=[(viewer.id, None), (creator.id, None)], kind="published", message="Ready."
    )
    mine, theirs = (Notification.objects.get(recipient=user) for user in (viewer, creator))
    url = reverse("remixer:inbox_read", args=[mine.id])
    assert viewer_client.get(url).status_code == 405
    # Someone else's notification is not found, and stays unread.
    assert viewer_client.post(reverse("remixer:inbox_read", args=[theirs.id])).status_code == 404
    assert creator_client.post(url, **HTMX).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    answer = viewer_client.post(url, **HTMX)
    assert answer.status_code == 200 and answer["HX-Trigger"] == "inbox-changed"
    assert 'data-testid="note-read">Marked read.' in answer.text
    assert "Mark read" not in answer.text
    mine.refresh_from_db()
    read_at = mine.read_at
    assert read_at is not None
    # Again, without htmx: back to the inbox, and the first time it was read is kept.
    assert viewer_client.post(url)["Location"] == reverse("remixer:inbox")
    mine.refresh_from_db()
    assert mine.read_at == read_at
    assert Notification.objects.filter(recipient=creator, read_at__isnull=True).count() == 1
