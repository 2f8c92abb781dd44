"""Moderation in a real browser: a viewer reports a remix on its page, a moderator takes it
down in admin with a note, the viewer sees the outcome."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from creatorhub.accounts.tests.factories import PASSWORD
from moderation.models import ModerationAction, Report
from moderation.tests.factories import published_remix
from remixer.models import Remix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_report_take_down_and_see_the_outcome(
    live_server, page: Page, creator, other_creator, viewer, moderator, screenshot
):
    remix = published_remix(creator, other_creator, title="Sunset dance")
    media_url = f"{live_server.url}{remix.output.url}"
    assert page.request.get(media_url).status == 200

    # The viewer reports the remix on its page, without a reload.
    log_in(page, f"{live_server.url}/accounts/login/", "viewer")
    page.goto(f"{live_server.url}{remix.get_absolute_url()}")
    page.evaluate("window.__noReload = 1")
    page.get_by_text("Report this remix to moderators").click()
    page.get_by_label("Deepfake or impersonation").check()
    page.get_by_label("Anything moderators should know").fill("That face is my sister's.")
    screenshot("moderation-0-report-form")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_test_id("report-status")).to_contain_text(
        "Thank you: your report was sent to moderators."
    )
    expect(page.get_by_test_id("report-status")).to_contain_text("Status: Open")
    assert page.evaluate("window.__noReload") == 1, "the page reloaded"
    screenshot("moderation-1-reported")
    page.get_by_role("button", name="Log out").click()

    # The moderator filters the queue and takes the remix down with a note.
    log_in(page, f"{live_server.url}/admin/login/", "moderator")
    expect(page.get_by_role("link", name="Moderation dashboard")).to_be_visible()
    screenshot("moderation-admin-index")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.locator("#changelist-filter").get_by_role("link", name="Open", exact=True).click()
    expect(page).to_have_url(re.compile(r"status__exact=open"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sunset dance")
    # On a 1366 px screen every column of the queue is in view, the last one included.
    page.set_viewport_size({"width": 1366, "height": 800})
    last = page.locator("#result_list th.column-status_and_age").bounding_box()
    shown = page.locator("#changelist .results").bounding_box()
    assert last["x"] + last["width"] <= shown["x"] + shown["width"] + 1
    expect(rows.first).to_contain_text("@viewer")
    screenshot("moderation-queue-1366")
    expect(rows.first).to_contain_text("Deepfake or impersonation")
    screenshot("moderation-2-queue")
    rows.first.locator("input[type=checkbox]").check()
    page.get_by_label("Action:").select_option(label="Take down the reported remixes…")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_role("heading", name="Take down the reported remixes")).to_be_visible()
    page.get_by_label("Note").fill("Impersonates a private person; confirmed by the reporter.")
    screenshot("moderation-3-note")
    page.get_by_role("button", name="Take down").click()
    expect(page.locator(".messagelist")).to_contain_text("Took down 1 remix")
    screenshot("moderation-4-taken-down")

    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN
    assert page.request.get(media_url).status == 404
    record = ModerationAction.objects.get()
    assert record.moderator == moderator and record.note.startswith("Impersonates")
    assert Report.objects.get().status == Report.Status.ACTIONED

    page.goto(f"{live_server.url}/admin/moderation/report/dashboard/")
    expect(page.get_by_role("heading", name="Takedowns per day, last 14 days: 1")).to_be_visible()
    screenshot("moderation-5-dashboard")
    page.get_by_role("button", name="Log out").click()

    # The viewer sees the outcome: a notification and "My reports".
    log_in(page, f"{live_server.url}/accounts/login/", "viewer")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_text("was taken down")).to_be_visible()
    page.goto(f"{live_server.url}/reports/mine/")
    expect(page.get_by_test_id("report-outcome")).to_have_text("Remix taken down")
    screenshot("moderation-6-my-reports")


@pytest.mark.parametrize(
    "changelist", ["moderation/report", "remixer/remix", "videos/video", "accounts/user"]
)
def test_every_moderation_list_fits_a_1366_px_screen(
    live_server, page: Page, lived_in, moderator, changelist, screenshot
):
    """Beside Django's menu and the filters, every column is in view: long titles, dates and
    random ids wrap instead of pushing the last columns into a sideways scroll."""
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, f"{live_server.url}/admin/login/", "moderator")
    page.goto(f"{live_server.url}/admin/{changelist}/")
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    table = page.evaluate("document.querySelector('#result_list').scrollWidth")
    shown = page.evaluate("document.querySelector('#changelist .results').clientWidth")
    assert table <= shown, f"{changelist}: the table is {table} px in a {shown} px box"
    screenshot(f"moderation-list-{changelist.replace('/', '-')}")
