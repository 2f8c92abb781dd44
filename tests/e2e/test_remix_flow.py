"""The remix pipeline in a real browser, with a real worker: a viewer is refused while consent
is off; the creator allows and watches the regeneration run to 100%; the viewer's remixes of
each template appear; the creator takes one down."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from consent.scopes import scopes_to_mask
from creatorhub.accounts.tests.factories import PASSWORD
from creatorhub.accounts.tokens import api_token_create
from remixer.models import Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import face_poster, make_video_with_poster

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HELD = 120


@pytest.fixture
def video(creator, viewer):
    """A video whose earlier remixes were withdrawn when the creator turned consent off."""
    video = make_video_with_poster(creator, face_poster(), title="Dance clip")
    Remix.objects.bulk_create(
        Remix(
            requester=viewer,
            video=video,
            creator_id=video.owner_id,
            template="caption",
            scopes=scopes_to_mask(["caption"]),
            inputs={"top": f"Throwback #{i}", "bottom": "", "style": "classic"},
            status=Remix.Status.HELD,
            reason="The creator no longer allows this remix.",
        )
        for i in range(HELD)
    )
    # Made long ago, so they do not count against the viewer's rate limit today.
    Remix.objects.update(created_at=timezone.now() - dt.timedelta(days=30))
    return video


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def request_remix(page: Page, template: str, fill: dict[str, str]) -> None:
    page.get_by_label(template).check()
    for label, value in fill.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    expect(page.locator("#remix-preview img")).to_be_visible()
    page.get_by_role("button", name="Request remix").click()
    expect(page.get_by_test_id("remix-image")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("remix-status")).to_have_text("Published")


def test_refused_then_allowed_regenerated_remixed_and_taken_down(
    celery_worker_process,
    live_server,
    browser: Browser,
    page: Page,
    video,
    viewer,
    screenshot,
    browser_guard,
):
    # The viewer is refused while consent is off: on the page and by the API.
    log_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}{video.get_public_url()}")
    expect(page.get_by_role("button", name="Request remix")).to_be_disabled()
    expect(page.get_by_test_id("remix-refusal")).to_contain_text("has not allowed AI remixes")
    screenshot("remix-refused")
    _, token = api_token_create(user=viewer, name="e2e")
    refused = page.request.post(
        f"{live_server.url}/api/v1/videos/{video.public_id}/remixes",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        data=json.dumps({"template": "caption", "inputs": {"top": "hi"}}),
    )
    assert refused.status == 403 and refused.json()["error"] == "remix_not_allowed"

    # The creator allows every kind of remix; the held remixes regenerate, live, no reload.
    creator_page = browser_guard.watch(
        browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    )
    log_in(creator_page, live_server, "creator")
    creator_page.goto(f"{live_server.url}/consent/")
    creator_page.evaluate("window.__noReload = 1")
    creator_page.get_by_label("Allowed", exact=True).first.check()
    for kind in (
        "Captions and overlays on a frame",
        "Background replaced, subject kept",
        "Face region altered",
    ):
        creator_page.get_by_label(kind).check()
    creator_page.get_by_role("button", name="Save for all 1 video").click()
    progress = creator_page.get_by_test_id("regeneration")
    expect(progress).to_contain_text("Regenerating", timeout=30_000)
    screenshot("regeneration-running", of=creator_page)
    expect(progress).to_contain_text(f"Regenerated {HELD} / {HELD} (100%)", timeout=120_000)
    assert creator_page.evaluate("window.__noReload") == 1, "the page reloaded"
    screenshot("regeneration-done", of=creator_page)
    assert Remix.objects.filter(status="published").count() == HELD

    # The viewer's remixes: one of each template, rendered by the worker.
    page.goto(f"{live_server.url}{video.get_public_url()}")
    request_remix(
        page, "Caption meme", {"Top text:": "When the beat drops", "Bottom text:": "and so do I"}
    )
    screenshot("remix-caption")
    caption_url = page.url
    signed_url = page.get_by_role("link", name="Download the signed image").get_attribute("href")
    credentials = provenance_read(data=page.request.get(f"{live_server.url}{signed_url}").body())
    assert credentials.state == "trusted" and credentials.creator == "creator"
    page.goto(f"{live_server.url}{video.get_public_url()}")
    request_remix(page, "New background", {"Backdrop:": "stripes"})
    screenshot("remix-background")
    page.goto(f"{live_server.url}{video.get_public_url()}")
    request_remix(page, "Face effect", {"Effect:": "cartoon"})
    screenshot("remix-face")
    page.goto(f"{live_server.url}/remixes/mine/")
    expect(page.locator("tbody tr .badge.ok").first).to_have_text("Published")

    # The creator takes the caption remix down; the viewer sees it gone.
    caption = Remix.objects.get(public_id=caption_url.rstrip("/").rsplit("/", 1)[-1])
    creator_page.goto(caption_url)
    creator_page.get_by_role("link", name="Take this remix down…").click()
    expect(creator_page.get_by_role("heading", name="Take down this remix?")).to_be_visible()
    screenshot("remix-takedown-confirm", of=creator_page)
    creator_page.get_by_role("link", name="Keep it").click()
    caption.refresh_from_db()
    assert caption.status == Remix.Status.PUBLISHED
    creator_page.get_by_role("link", name="Take this remix down…").click()
    creator_page.get_by_role("button", name="Take it down").click()
    expect(creator_page.get_by_test_id("remix-status")).to_have_text("Taken down")
    caption.refresh_from_db()
    assert caption.status == Remix.Status.WITHDRAWN and not caption.output
    browser_guard.allow(404, signed_url)  # the file is gone
    assert page.request.get(f"{live_server.url}{signed_url}").status == 404
    page.goto(caption_url)
    expect(page.get_by_test_id("remix-status")).to_have_text("Taken down")
    expect(page.get_by_test_id("remix-image")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("remix-status")).to_have_text("Taken down")
    screenshot("remix-taken-down")

    # A bad form answer swaps in place, with the page around it kept (also in DEBUG mode).
    page.goto(f"{live_server.url}/inbox/")
    browser_guard.allow(422, "/inbox/email/")
    page.get_by_label("Also email me these notifications").check()
    page.get_by_role("textbox", name="Email:").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Give an email address to receive notifications by email."
    )
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.get_by_role("textbox", name="Email:").fill("viewer@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("email-saved")).to_have_text("Saved: emails are on.")
    expect(page.get_by_test_id("announcer")).to_have_text("Saved: emails are on.")
    screenshot("inbox-email-on")
