"""Flows the way a person repeats them: save, change, save again, undo, reload; after every
step the database must say what the page says."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent import services
from consent.models import LedgerEntry, VideoOverride
from consent.tests.factories import policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library(creator):
    make_videos(creator, 60, tag="travel", title="Trip")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    return creator


def override_of(video: Video) -> tuple[str, list[int] | None, str | None]:
    row = VideoOverride.objects.filter(video=video).first()
    return ("inherit", None, None) if row is None else (row.remix, row.scopes, row.audience)


def test_the_video_panel_saved_four_times(live_server, page: Page, library, screenshot):
    video = Video.objects.filter(owner=library).order_by("id").first()
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}{video.get_absolute_url()}")
    panel = page.locator("#video-consent")
    status = page.get_by_test_id("consent-message")
    effective = page.get_by_test_id("effective-consent")
    steps = [
        ("Don't allow remixes", None, ("deny", None, None), "Not allowed"),
        ("Allow remixes", "Face region altered", ("allow", 4, None), "face"),
        ("Use my account default", None, ("inherit", None, None), "your account default"),
        ("Don't allow remixes", None, ("deny", None, None), "this video's own setting"),
    ]
    for step, (choice, kind, stored, shown) in enumerate(steps, start=1):
        entries = LedgerEntry.objects.count()
        panel.get_by_label(choice, exact=True).check()
        if kind:
            panel.get_by_label("Same kinds and audience as my account").uncheck()
            panel.get_by_label("Captions and overlays on a frame").uncheck()
            panel.get_by_label(kind).check()
        panel.get_by_role("button", name="Save for this video").click()
        expect(status).to_contain_text(f"for “{video.title}”")
        expect(effective).to_contain_text(shown)
        assert override_of(video) == stored, f"save {step}"
        assert LedgerEntry.objects.count() == entries + 1, f"save {step}"
    screenshot("video-panel-fourth-save")
    page.reload()
    expect(page.locator("#video-consent").get_by_label("Don't allow remixes")).to_be_checked()


def test_three_row_exceptions_then_a_bulk_action_then_undo_twice(
    live_server, page: Page, library, screenshot
):
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/library/?sort=title")
    status = page.get_by_test_id("consent-message")
    trips = list(Video.objects.filter(owner=library).order_by("title", "id")[:3])
    for step, video in enumerate(trips):
        choice = "deny" if step % 2 == 0 else "allow"
        page.get_by_role("combobox", name=f"AI remix for “{video.title}”").select_option(choice)
        page.get_by_role("button", name=f"Save AI remix for “{video.title}”").click()
        expect(status).to_contain_text(f"for “{video.title}”")
        assert override_of(video)[0] == choice
        # The table reloads itself with the change; wait for it before the next step.
        row = page.locator(f"tr[data-video='{video.public_id}']")
        expect(row).to_contain_text("from this video")
    third_row_change = LedgerEntry.objects.filter(creator=library).latest("seq").seq
    # The third row's own answer must leave the table ready: the bulk bar works next.
    page.get_by_role("checkbox", name="Select all videos on this page").check()
    page.get_by_role("button", name="Select all 60 matching").click()
    page.get_by_role("button", name="Don't allow remixes").click()
    expect(status).to_contain_text("AI remixes not allowed for 58 videos (2 already were).")
    assert VideoOverride.objects.filter(creator=library, remix="deny").count() == 60
    page.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("Undone")
    assert [override_of(v)[0] for v in trips] == ["deny", "allow", "deny"]
    assert VideoOverride.objects.filter(creator=library).count() == 3
    page.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text(f"Undone: change #{third_row_change}")
    assert [override_of(v)[0] for v in trips] == ["deny", "allow", "inherit"]
    screenshot("library-undone-twice")
    page.reload()
    expect(page.get_by_test_id("denied-count")).to_have_text("1")
    expect(page.get_by_test_id("allowed-count")).to_have_text("59")
