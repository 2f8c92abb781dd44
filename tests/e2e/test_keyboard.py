"""The creator and viewer pages by keyboard alone (no mouse call anywhere): browsing a menu never
changes consent, and after every step focus is somewhere sensible, the outcome was read out by the
live region that HTMX swaps never replace, and the server holds what the page says."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent import services
from consent.models import CreatorPolicy, LedgerEntry, VideoOverride
from consent.tests.factories import policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos
from remixer import pipeline
from remixer.models import Notification, Remix
from remixer.notifications import notify
from remixer.tests.factories import make_postered_video
from tests.fixtures.browser import log_in, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(creator):
    make_videos(creator, 60, tag="travel", title="Trip")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    return creator


def remix_override(video: Video) -> str:
    row = VideoOverride.objects.filter(video=video).first()
    return "inherit" if row is None else row.remix


def test_arrowing_through_a_row_menu_changes_nothing_until_it_is_saved(
    live_server, page: Page, library, screenshot
):
    video = Video.objects.filter(owner=library).order_by("title", "id").first()
    entries = LedgerEntry.objects.filter(creator=library)
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/library/?sort=title")
    sent = []  # consent saves the page sent
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))
    menu = page.get_by_role("combobox", name=f"AI remix for “{video.title}”")
    save = page.get_by_role("button", name=f"Save AI remix for “{video.title}”")
    tab_to(page, menu)

    for key in ("ArrowDown", "ArrowDown", "ArrowUp"):
        page.keyboard.press(key)
    expect(menu).to_have_value("allow")
    expect(save).to_be_visible()
    assert entries.count() == 1 and remix_override(video) == "inherit"
    assert sent == [], "browsing the menu sent a request"

    # Escape puts the saved choice back; still nothing sent.
    page.keyboard.press("Escape")
    expect(menu).to_have_value("inherit")
    expect(save).to_be_hidden()
    assert entries.count() == 1 and sent == []

    # Enter commits one change: one request, one ledger entry, focus stays on the menu.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("consent-message")).to_have_text(
        f"AI remixes not allowed for “{video.title}”."
    )
    expect(page.locator(f"tr[data-video='{video.public_id}']")).to_contain_text("from this video")
    expect(menu).to_be_focused()
    expect(page.get_by_test_id("announcer")).to_have_text(
        f"AI remixes not allowed for “{video.title}”."
    )
    assert entries.count() == 2 and remix_override(video) == "deny"
    assert len(sent) == 1

    # The Save button commits too, and focus comes back to the menu once the table reloads.
    page.keyboard.press("ArrowUp")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("consent-message")).to_have_text(
        f"AI remixes allowed (account kinds) for “{video.title}”."
    )
    expect(save).to_be_hidden()
    expect(menu).to_be_focused()
    assert entries.count() == 3 and remix_override(video) == "allow"
    screenshot("keyboard-row-saved")


def test_the_first_library_row_is_a_few_tab_presses_from_the_top(live_server, page: Page, library):
    """Past the filters (a date field alone is four Tab stops) by the page's own skip link."""
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/library/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the videos")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("table", name="Your videos, 1–50 of 60")).to_be_focused()
    first = Video.objects.filter(owner=library).order_by("-created_at", "-id").first()
    assert tab_to(page, page.get_by_role("checkbox", name=f"Select “{first.title}”")) == 2


def test_the_account_switch_saved_twice_by_keyboard(live_server, page: Page, library, screenshot):
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/consent/")
    announcer = page.get_by_test_id("announcer")
    switch = page.get_by_role("group", name="AI remixes of my videos")
    save = page.get_by_role("button", name="Save for all 60 videos")

    # The skip link, then a few Tab presses, reach the switch.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    checked = switch.locator("input:checked")
    assert tab_to(page, checked) <= 4

    # The radio buttons run "Not allowed", "Allowed": arrows move between them.
    for step, (choice, allowed, key) in enumerate(
        [("Not allowed", False, "ArrowUp"), ("Allowed", True, "ArrowDown")], start=1
    ):
        if step > 1:
            tab_to(page, checked, backwards=True)
        page.keyboard.press(key)
        expect(switch.get_by_label(choice, exact=True)).to_be_checked()
        tab_to(page, save)
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("consent-message")).to_contain_text(f"#{step + 1}")
        expect(save).to_be_focused()
        expect(announcer).to_contain_text("Saved")
        assert CreatorPolicy.objects.get(creator=library).remix_allowed is allowed
        assert LedgerEntry.objects.filter(creator=library).count() == step + 1

    # Undo, by keyboard: focus moves to the answer, which is read out.
    tab_to(page, page.get_by_role("button", name="Undo"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("consent-message")).to_contain_text("Undone")
    expect(page.locator("#consent-status")).to_be_focused()
    expect(announcer).to_contain_text("Undone")
    assert CreatorPolicy.objects.get(creator=library).remix_allowed is False
    screenshot("keyboard-switch-undone")


def test_select_all_matching_a_bulk_action_and_undo_by_keyboard(
    live_server, page: Page, library, screenshot
):
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/library/?tag=travel")
    announcer = page.get_by_test_id("announcer")
    label = page.locator("[data-selection-label]")

    tab_to(page, page.get_by_role("checkbox", name="Select all videos on this page"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Select all 60 matching"))
    page.keyboard.press("Enter")
    expect(label).to_be_focused()
    expect(announcer).to_have_text("All 60 matching videos selected")

    tab_to(page, page.get_by_role("button", name="Don't allow remixes"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("consent-message")).to_have_text(
        "AI remixes not allowed for 60 videos."
    )
    expect(page.get_by_test_id("denied-count")).to_have_text("60")
    # The bar's buttons are disabled again once the table reloads: focus goes to the answer.
    expect(page.locator("#consent-status")).to_be_focused()
    expect(announcer).to_have_text("AI remixes not allowed for 60 videos.")
    assert VideoOverride.objects.filter(creator=library, remix="deny").count() == 60

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Undo")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("consent-message")).to_contain_text("Undone")
    expect(page.locator("#consent-status")).to_be_focused()
    expect(announcer).to_contain_text("Undone")
    expect(page.get_by_test_id("allowed-count")).to_have_text("60")
    assert not VideoOverride.objects.filter(creator=library).exists()
    screenshot("keyboard-bulk-undone")


def test_a_remix_requested_and_taken_down_by_keyboard(
    live_server, browser, browser_guard, creator, viewer, screenshot
):
    """The viewer asks for a remix and its creator takes it down, each with the keyboard only;
    after each full page load focus is on the outcome, which was read out."""
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = make_postered_video(creator, title="Harbour")
    page = browser_guard.watch(browser.new_page())
    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}{video.get_public_url()}")
    announcer = page.get_by_test_id("announcer")

    tab_to(page, page.get_by_label("Caption meme"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Top text:", exact=True))
    page.keyboard.type("When the build")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Bottom text:", exact=True)).to_be_focused()
    page.keyboard.type("finally passes")
    tab_to(page, page.get_by_role("button", name="Request remix"))
    page.keyboard.press("Enter")
    message = "Remix requested: it shows here as soon as it is rendered."
    expect(page.get_by_test_id("messages")).to_have_text(message)
    expect(page.get_by_test_id("messages")).to_be_focused()
    expect(announcer).to_have_text(message)
    remix = Remix.objects.get(requester=viewer)
    assert (remix.video_id, remix.inputs["top"], remix.inputs["bottom"]) == (
        video.id,
        "When the build",
        "finally passes",
    )
    assert page.url.endswith(remix.get_absolute_url())
    screenshot("keyboard-remix-requested", of=page)

    pipeline.remix_render(remix_id=remix.id)
    owner = browser_guard.watch(browser.new_page())
    log_in(owner, live_server.url, "creator")
    owner.goto(f"{live_server.url}{remix.get_absolute_url()}")
    tab_to(owner, owner.get_by_role("link", name="Take this remix down…"))
    owner.keyboard.press("Enter")
    expect(owner.get_by_role("heading", name="Take down this remix?")).to_be_visible()
    tab_to(owner, owner.get_by_role("button", name="Take it down"))
    owner.keyboard.press("Enter")
    taken = "The remix was taken down; its requester was told."
    expect(owner.get_by_test_id("messages")).to_have_text(taken)
    expect(owner.get_by_test_id("messages")).to_be_focused()
    expect(owner.get_by_test_id("announcer")).to_have_text(taken)
    expect(owner.get_by_test_id("remix-status")).to_have_text("Taken down")
    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN
    screenshot("keyboard-remix-taken-down", of=owner)


def test_marking_inbox_items_read_by_keyboard(live_server, page: Page, creator, viewer, screenshot):
    for title in ("Harbour", "Sunset"):
        notify(
            recipients=[(creator.id, None)],
            kind=Notification.Kind.NEW_REMIX,
            message=f"@viewer requested a caption remix of “{title}”.",
        )
    unread = Notification.objects.filter(recipient=creator, read_at__isnull=True)
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("header").get_by_role("link", name="Inbox")).to_contain_text("2")

    for step, title in enumerate(("Sunset", "Harbour"), start=1):
        button = page.get_by_role(
            "button", name=f"Mark read: @viewer requested a caption remix of “{title}”."
        )
        tab_to(page, button)
        page.keyboard.press("Enter")
        expect(button).to_have_count(0)
        status = page.get_by_test_id("note-read")
        expect(status).to_be_focused()
        expect(page.get_by_test_id("announcer")).to_have_text("Marked read.")
        assert unread.count() == 2 - step
        status.evaluate("element => element.removeAttribute('data-testid')")
    expect(page.locator("header").get_by_role("link", name="Inbox")).not_to_contain_text("1")
    page.reload()
    expect(page.get_by_role("button", name="Mark read:")).to_have_count(0)
    assert unread.count() == 0
    screenshot("keyboard-inbox-read")
