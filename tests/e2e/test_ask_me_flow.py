"""“Ask me first” in a real browser with a real worker: the creator sets a video to ask; a
viewer asks; the creator sees the private preview in the inbox and approves with "always
allow"; the next request publishes without asking; the creator removes the viewer from the list
and the one after waits again, and is declined. The server's state is checked after each step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from consent.models import ApprovedPerson, LedgerEntry
from consent.selectors import video_consent
from remixer.models import Remix
from remixer.tests.factories import face_poster, make_video_with_poster
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WORKER = 60_000


@pytest.fixture
def video(creator):
    return make_video_with_poster(creator, face_poster(), title="Dance clip")


def ask_for(page: Page, base: str, video, top: str, *, button: str) -> Remix:
    page.goto(f"{base}{video.get_public_url()}")
    page.get_by_label("Caption meme").check()
    page.get_by_label("Top text:", exact=True).fill(top)
    expect(page.locator("#remix-preview img")).to_be_visible()
    page.get_by_role("button", name=button).click()
    expect(page.get_by_test_id("remix-status")).to_be_visible()
    return Remix.objects.get(public_id=page.url.rstrip("/").rsplit("/", 1)[-1])


def status_of(remix: Remix) -> str:
    remix.refresh_from_db()
    return remix.status


def test_ask_approve_always_allow_then_remove_and_ask_again(
    celery_worker_process,
    live_server,
    browser: Browser,
    page: Page,
    video,
    creator,
    viewer,
    screenshot,
    browser_guard,
):
    base = live_server.url
    creator_page = browser_guard.watch(
        browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    )
    log_in(creator_page, base, "creator")

    # The creator sets this one video to "ask me" (caption remixes), saved twice: no change.
    creator_page.goto(f"{base}{video.get_absolute_url()}")
    creator_page.get_by_label("Ask me first: I approve each remix").check()
    creator_page.get_by_role("button", name="Save for this video").click()
    expect(creator_page.locator("#consent-status")).to_contain_text("ask me")
    assert video_consent(video=video).mode == "ask"
    creator_page.get_by_role("button", name="Save for this video").click()
    expect(creator_page.locator("#consent-status")).to_contain_text("Nothing changed")
    assert LedgerEntry.objects.filter(creator=creator).count() == 1
    expect(creator_page.get_by_test_id("effective-consent")).to_contain_text("Ask me")

    # The viewer asks; the worker renders a private preview; nothing is public.
    log_in(page, base, "viewer")
    first = ask_for(page, base, video, "First ask", button="Ask the creator")
    expect(page.get_by_test_id("messages")).to_contain_text("the creator approves each remix")
    expect(page.get_by_test_id("awaiting-approval")).to_be_visible(timeout=WORKER)
    expect(page.get_by_test_id("remix-preview")).to_be_visible()
    assert status_of(first) == Remix.Status.PENDING_APPROVAL
    assert not first.output
    screenshot("ask-viewer-waiting")

    # The creator finds it in the inbox, with the preview, and approves with "always allow".
    creator_page.goto(f"{base}/inbox/")
    expect(creator_page.get_by_test_id("inbox-preview")).to_be_visible()
    screenshot("ask-inbox", of=creator_page)
    creator_page.get_by_role("link", name="Approve or decline…").click()
    expect(creator_page.get_by_test_id("requests-waiting")).to_have_text("1 request waiting")
    expect(creator_page.get_by_test_id("request-preview")).to_be_visible()
    expect(creator_page.get_by_test_id("request-caption")).to_have_text("First ask")
    screenshot("ask-requests", of=creator_page)
    creator_page.get_by_label("Message to the requesters").fill("Love it!")
    creator_page.get_by_label("Always allow these people").check()
    creator_page.get_by_role("button", name="Approve the request of @viewer").click()
    expect(creator_page.get_by_test_id("decision-status")).to_have_text(
        "1 approved: publishing now."
    )
    expect(creator_page.get_by_test_id("requests-waiting")).to_have_text("0 requests waiting")
    assert ApprovedPerson.objects.filter(creator=creator, person=viewer).exists()
    assert LedgerEntry.objects.filter(creator=creator, action="decision").count() == 1
    page.reload()
    expect(page.get_by_test_id("remix-image")).to_be_visible(timeout=WORKER)
    assert status_of(first) == Remix.Status.PUBLISHED
    assert first.approved_at is not None

    # On the list: the next request publishes without asking.
    second = ask_for(page, base, video, "Second, no asking", button="Request remix")
    expect(page.get_by_test_id("remix-image")).to_be_visible(timeout=WORKER)
    assert status_of(second) == Remix.Status.PUBLISHED

    # The creator removes the viewer from the list (keeping what was approved).
    creator_page.goto(f"{base}/consent/")
    people = creator_page.get_by_test_id("approved-people")
    expect(people).to_contain_text("@viewer")
    screenshot("ask-people", of=creator_page)
    creator_page.get_by_role("button", name="Remove @viewer").click()
    expect(creator_page.get_by_test_id("approved-people-empty")).to_be_visible()
    assert not ApprovedPerson.objects.filter(creator=creator).exists()
    assert status_of(first) == status_of(second) == Remix.Status.PUBLISHED
    creator_page.reload()
    expect(creator_page.get_by_test_id("approved-people-empty")).to_be_visible()

    # The third request waits again; the creator declines it.
    third = ask_for(page, base, video, "Third ask", button="Ask the creator")
    expect(page.get_by_test_id("awaiting-approval")).to_be_visible(timeout=WORKER)
    assert status_of(third) == Remix.Status.PENDING_APPROVAL
    creator_page.goto(f"{base}/remixes/requests/")
    expect(creator_page.get_by_test_id("requests-waiting")).to_have_text("1 request waiting")
    creator_page.get_by_role("button", name="Decline the request of @viewer").click()
    expect(creator_page.get_by_test_id("decision-status")).to_have_text("1 declined.")
    assert status_of(third) == Remix.Status.DECLINED
    creator_page.reload()
    expect(creator_page.get_by_test_id("requests-waiting")).to_have_text("0 requests waiting")
    screenshot("ask-requests-empty", of=creator_page)
    page.reload()
    expect(page.get_by_test_id("remix-status")).to_have_text("Declined by the creator")
    expect(page.get_by_test_id("remix-preview")).to_have_count(0)
