"""Where my face appears, in a real browser: a person whose likeness setting is "ask" allows
remixes of one video, reports another to moderators (by keyboard), stops allowing, allows
again, and reloads; after each step the database says the same as the page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from likeness.models import RefusedAttempt, VideoAllowance
from likeness.preferences import likeness_consent_set
from likeness.tests.factories import enrol_vector, match, unit_vectors
from moderation.models import Report
from remixer.tests.factories import make_postered_video
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def allowed(person, video) -> bool:
    return VideoAllowance.objects.filter(person=person, video=video).exists()


def test_allow_report_stop_allowing_and_reload(
    live_server, page: Page, viewer, creator, other_creator, screenshot
):
    enrol_vector(viewer, unit_vectors(1)[0])
    likeness_consent_set(person=viewer, actor=viewer, others_videos="ask", own_videos=True)
    beach = make_postered_video(creator, title="Beach day")
    street = make_postered_video(other_creator, title="Street festival")
    match(viewer, beach, 0.31)
    match(viewer, street, 0.56)
    RefusedAttempt.objects.create(person=viewer, video=beach, count=2, last_at=timezone.now())

    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/likeness/matches/")
    page.evaluate("window.__noReload = 1")
    rows = page.get_by_test_id("match")
    expect(rows).to_have_count(2)
    beach_row = page.locator(f"#match-{beach.public_id}")
    street_row = page.locator(f"#match-{street.public_id}")
    expect(beach_row.get_by_test_id("confidence")).to_have_text("Strong")
    expect(street_row.get_by_test_id("confidence")).to_have_text("Possible")
    expect(beach_row.get_by_test_id("refused")).to_contain_text("2 remix requests refused")

    # Allow remixes of the beach video.
    beach_row.get_by_role("button", name="Allow remixes of “Beach day”").click()
    expect(beach_row.get_by_test_id("allowed")).to_be_visible()
    assert allowed(viewer, beach) and not allowed(viewer, street)

    # Report the street video, by keyboard.
    street_row.get_by_test_id("report").focus()
    page.keyboard.press("Enter")
    expect(street_row.get_by_test_id("reported")).to_have_text("Reported to moderators")
    report = Report.objects.get()
    assert (report.reporter, report.video, report.reason) == (viewer, street, "likeness")
    screenshot("likeness-matches")

    # Stop allowing, then allow again: the database follows each step.
    page.locator(f"#match-{beach.public_id}").get_by_test_id("stop-allowing").click()
    expect(page.locator(f"#match-{beach.public_id}").get_by_test_id("allow")).to_be_visible()
    assert not allowed(viewer, beach)
    page.locator(f"#match-{beach.public_id}").get_by_test_id("allow").click()
    expect(page.locator(f"#match-{beach.public_id}").get_by_test_id("allowed")).to_be_visible()
    assert allowed(viewer, beach)
    assert page.evaluate("window.__noReload") == 1, "the page reloaded"

    # After a reload the page shows what the database holds.
    page.reload()
    expect(
        page.locator(f"#match-{beach.public_id}").get_by_test_id("stop-allowing")
    ).to_be_visible()
    expect(page.locator(f"#match-{street.public_id}").get_by_test_id("reported")).to_be_visible()
    expect(page.locator(f"#match-{street.public_id}").get_by_test_id("allow")).to_be_visible()
    assert Report.objects.count() == 1 and VideoAllowance.objects.count() == 1


def test_empty_states(live_server, page: Page, viewer, screenshot):
    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}/likeness/matches/")
    expect(page.get_by_test_id("not-enrolled")).to_contain_text("Enrol a photo of your face")
    screenshot("likeness-matches-not-enrolled")
    enrol_vector(viewer, unit_vectors(1)[0])
    page.reload()
    expect(page.get_by_test_id("no-matches")).to_be_visible()
