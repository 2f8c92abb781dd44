"""Consent in a real browser: one bulk action over a filter, counts, undo, history; by mouse
and by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from consent import services
from consent.tests.factories import policy
from creatorhub.accounts.tests.factories import PASSWORD
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(creator):
    make_videos(creator, 120, tag="travel", title="Trip")
    make_videos(creator, 30, tag="food", title="Dish")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    return creator


def log_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("creator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your library")).to_be_visible()


def expect_counts(page: Page, allowed: int, denied: int) -> None:
    expect(page.get_by_test_id("allowed-count")).to_have_text(f"{allowed:,}")
    expect(page.get_by_test_id("denied-count")).to_have_text(f"{denied:,}")


def test_deny_all_matching_then_undo_then_history(
    live_server, page: Page, library, screenshot, console_errors
):
    log_in(page, live_server)
    page.get_by_label("Tag").select_option("travel")
    expect(page.get_by_test_id("match-count")).to_have_text("120")
    expect_counts(page, 120, 0)
    page.evaluate("window.__noReload = 1")

    page.get_by_role("checkbox", name="Select all videos on this page").check()
    page.get_by_role("button", name="Select all 120 matching").click()
    page.get_by_role("button", name="Don't allow remixes").click()
    expect(page.get_by_test_id("consent-message")).to_have_text(
        "AI remixes not allowed for 120 videos."
    )
    expect_counts(page, 0, 120)
    expect(page.locator("#results .badge.ok")).to_have_count(0)
    screenshot("consent-bulk-denied")

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("consent-message")).to_contain_text("Undone")
    expect_counts(page, 120, 0)
    assert page.evaluate("window.__noReload") == 1, "the page reloaded"
    screenshot("consent-bulk-undone")

    page.get_by_role("combobox", name="AI remix for “Trip 0”").select_option("deny")
    expect(page.get_by_test_id("consent-message")).to_have_text(
        "AI remixes not allowed for “Trip 0”."
    )
    expect_counts(page, 119, 1)

    video = Video.objects.get(title="Trip 0")
    page.goto(f"{live_server.url}/consent/videos/{video.public_id}/history/")
    history = page.get_by_test_id("video-history")
    expect(history.locator("li")).to_have_count(4)
    expect(history.locator("li").first).to_contain_text("not allowed for this video")
    expect(history).to_contain_text("Undo")
    screenshot("consent-video-history")
    assert console_errors == []


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 250) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus: proof it is reachable by keyboard."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    pytest.fail(f"could not reach {target} with {key}")


def test_the_same_flow_by_keyboard_only(live_server, page: Page, library, screenshot):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/library/?tag=travel")
    expect_counts(page, 120, 0)

    tab_to(page, page.get_by_role("checkbox", name="Select all videos on this page"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Select all 120 matching"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("All 120 matching videos selected")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Don't allow remixes"))
    page.keyboard.press("Enter")
    expect_counts(page, 0, 120)

    tab_to(page, page.get_by_role("button", name="Undo"), backwards=True)
    page.keyboard.press("Enter")
    expect_counts(page, 120, 0)
    screenshot("consent-keyboard-undone")
