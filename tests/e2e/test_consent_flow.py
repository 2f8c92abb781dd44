"""Consent in a real browser: one bulk action over a filter, counts, undo, history; by mouse
and by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent import services
from consent.models import CreatorPolicy, LedgerEntry
from consent.scopes import SCOPE_LABELS, mask_to_names
from consent.tests.factories import policy
from creatorhub.accounts.tests.factories import PASSWORD
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos
from tests.fixtures.browser import tab_to

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


def test_deny_all_matching_then_undo_then_history(live_server, page: Page, library, screenshot):
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
    page.get_by_role("button", name="Save AI remix for “Trip 0”").click()
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


def saved_policy(creator) -> tuple[bool, list[str], str, bool]:
    """The account switch as the server holds it."""
    stored = CreatorPolicy.objects.get(creator=creator)
    return (
        stored.remix_allowed,
        mask_to_names(stored.remix_scopes),
        stored.audience,
        stored.training_allowed,
    )


def save_switch(page: Page, *, allowed: bool, kinds=(), audience=None, training=None) -> None:
    remix = page.get_by_role("group", name="AI remixes of my videos")
    remix.get_by_label("Allowed" if allowed else "Not allowed", exact=True).check()
    if allowed:
        for name, label in SCOPE_LABELS.items():
            page.get_by_label(label).set_checked(name in kinds)
        page.get_by_label("Who may remix").select_option(audience)
    if training is not None:
        group = page.get_by_role("group", name="AI training on my videos")
        group.get_by_label("Allowed" if training else "Not allowed", exact=True).check()
    page.get_by_role("button", name="Save for all 150 videos").click()


def test_the_account_switch_saved_six_times_then_undone_twice(
    live_server, page: Page, library, screenshot
):
    """What a creator does: save, change, save again, save nothing, undo, undo, reload; the
    server agrees with the page after every step."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/consent/")
    entries = LedgerEntry.objects.filter(creator=library)
    status = page.get_by_test_id("consent-message")
    saves = [
        dict(allowed=False),
        dict(allowed=True, kinds=["caption", "face"], audience="followers"),
        dict(allowed=False, training=True),
        dict(allowed=True, kinds=["background"], audience="everyone"),
        dict(allowed=True, kinds=["caption", "background", "face"], audience="nobody"),
        dict(allowed=False, training=False),
    ]
    expected = saved_policy(library)  # allowed, caption, everyone (the fixture's policy)
    for step, change in enumerate(saves, start=1):
        count = entries.count()
        save_switch(page, **change)
        after = (
            change["allowed"],
            change.get("kinds", expected[1]) if change["allowed"] else expected[1],
            change.get("audience", expected[2]) if change["allowed"] else expected[2],
            change.get("training", expected[3]),
        )
        expect(status).to_contain_text("Saved", timeout=10_000)
        expect(status).to_contain_text(f"#{count + 1}")
        assert saved_policy(library) == after, f"save {step}"
        assert entries.count() == count + 1, f"save {step}"
        expected = after
    expect(status).to_contain_text("Remixes: allowed (caption, background, face; nobody) → not")
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    screenshot("consent-sixth-save")

    # Saving what is already saved changes nothing and writes nothing.
    count = entries.count()
    page.get_by_role("button", name="Save for all 150 videos").click()
    expect(status).to_have_text("Nothing changed: these are already your settings.")
    assert entries.count() == count

    # Undo twice walks back through the fifth and fourth saves.
    page.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text(f"Undone: change #{count} was reverted")
    assert saved_policy(library) == (True, ["caption", "background", "face"], "nobody", True)
    page.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text(f"Undone: change #{count - 1} was reverted")
    assert saved_policy(library) == (True, ["background"], "everyone", True)
    assert entries.count() == count + 2

    page.reload()
    remix = page.get_by_role("group", name="AI remixes of my videos")
    expect(remix.get_by_label("Allowed", exact=True)).to_be_checked()
    expect(page.get_by_label(SCOPE_LABELS["background"])).to_be_checked()
    expect(page.get_by_label(SCOPE_LABELS["caption"])).not_to_be_checked()
    expect(page.get_by_label("Who may remix")).to_have_value("everyone")
