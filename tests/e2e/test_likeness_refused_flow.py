"""A remix refused by a face in the video, in a real browser: the preview and the request say
so without naming anyone, nothing is created, the person is told once; once they allow it the
same request is published by the worker."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent.scopes import ALL_SCOPES
from creatorhub.accounts.tests.factories import make_user
from likeness import preferences
from likeness.models import RefusedAttempt
from likeness.tests import photos
from likeness.tests.factories import matched, video_showing
from remixer.models import Notification, Remix
from remixer.tests.factories import allow
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_a_caption(page: Page, live_server, video, text: str) -> None:
    page.goto(f"{live_server.url}{video.get_public_url()}")
    page.get_by_label("Caption meme").check()
    page.get_by_label("Top text:", exact=True).fill(text)


def test_a_refusing_face_stops_the_request_until_allowed(
    celery_worker_process, live_server, page: Page, screenshot
):
    copycat, demo = make_user("copycat"), make_user("demo")
    make_user("viewer")
    allow(copycat, scopes=ALL_SCOPES)
    video = video_showing(copycat, photos.astronaut(), title="Totally my clip")
    matched(demo, video)
    log_in(page, live_server.url, "viewer")

    for attempt in (1, 2):
        fill_a_caption(page, live_server, video, f"Try {attempt}")
        expect(page.locator("#remix-preview")).to_contain_text("Someone whose face")
        page.get_by_role("button", name="Request remix").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Someone whose face is in this video has not allowed AI remixes"
        )
        assert "demo" not in page.locator("main").inner_text()
        assert not Remix.objects.exists()
        assert RefusedAttempt.objects.get(person=demo, video=video).count == attempt
    screenshot("likeness-refused")
    assert Notification.objects.filter(recipient=demo, kind="likeness").count() == 1

    preferences.likeness_consent_set(
        person=demo, actor=demo, others_videos="allow", own_videos=True
    )
    fill_a_caption(page, live_server, video, "Allowed now")
    expect(page.locator("#remix-preview img")).to_be_visible()
    page.get_by_role("button", name="Request remix").click()
    expect(page.get_by_test_id("remix-status")).to_have_text("Published", timeout=60_000)
    assert Remix.objects.get().status == "published"
    page.reload()
    expect(page.get_by_test_id("remix-status")).to_have_text("Published")
