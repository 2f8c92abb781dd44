"""The likeness notice: when a scan finds a person in another creator's video (match_found, on
commit) they are told, at most once in 24 hours, with a link to "Where my face appears"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from creatorhub.accounts.models import User
from likeness.signals import match_found
from remixer.models import Notification
from remixer.notifications import LIKENESS_NOTICE, notifications_email, notify_each

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += dt.timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


def found(person, video_id: int = 1) -> None:
    match_found.send(sender=None, person_id=person.id, video_id=video_id)


def notices(person):
    return Notification.objects.filter(recipient=person, kind=Notification.Kind.LIKENESS)


def test_at_most_one_notice_a_day(viewer, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        found(viewer, 1)
        found(viewer, 2)
    assert notices(viewer).count() == 1
    assert (
        notices(viewer).get().message
        == LIKENESS_NOTICE
        == ("Your face may appear in a video. See where, and report it or allow remixes.")
    )
    clock.advance(hours=23, minutes=59)
    with django_capture_on_commit_callbacks(execute=False):
        found(viewer, 3)
    assert notices(viewer).count() == 1
    clock.advance(minutes=2)
    with django_capture_on_commit_callbacks(execute=False):
        found(viewer, 4)
    assert notices(viewer).count() == 2


def test_a_refused_request_notice_does_not_silence_a_new_match(
    viewer, django_capture_on_commit_callbacks
):
    refused = "Someone asked to remix a video which shows your face. It was refused."
    notify_each(kind=Notification.Kind.LIKENESS, notes=[(viewer.id, None, refused)])
    with django_capture_on_commit_callbacks(execute=False):
        found(viewer)
    assert sorted(notices(viewer).values_list("message", flat=True)) == [refused, LIKENESS_NOTICE]


def test_each_person_has_their_own_day(viewer, creator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        found(viewer)
        found(creator)
    assert notices(viewer).count() == notices(creator).count() == 1


def test_an_unknown_person_gets_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        match_found.send(sender=None, person_id=987654, video_id=1)
    assert not Notification.objects.exists()


def test_the_inbox_and_the_email_link_to_the_matches_page(viewer, viewer_client, settings):
    User.objects.filter(id=viewer.id).update(email="v@example.com", email_notifications=True)
    found(viewer)
    inbox = viewer_client.get("/inbox/").content.decode()
    assert 'href="/likeness/matches/"' in inbox and LIKENESS_NOTICE in inbox
    assert notifications_email(notification_ids=[notices(viewer).get().id]) == 1
    assert f"{settings.SITE_URL}/likeness/matches/" in mail.outbox[0].body
