"""At 390 px (a phone) no creator page scrolls sideways, and the screenshots show how they look."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent import services
from consent.tests.factories import policy
from remixer import pipeline
from remixer import services as remix_services
from remixer.models import Remix
from remixer.tests.factories import CAPTION, make_postered_video
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


# The innermost elements reaching past the screen's edge, to say what to fix.
WIDEST = """() => {
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el))
    .slice(0, 4)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().right}`);
}"""

CREATOR_PAGES = [
    ("library", "/library/"),
    ("video", "{video}"),
    ("consent", "/consent/"),
    ("consent-history", "/consent/history/"),
    ("video-history", "/consent/videos/{video_id}/history/"),
    ("likeness", "/likeness/"),
    ("remixes-of-my-work", "/remixes/of-my-work/"),
    ("remix", "{remix}"),
    ("takedown", "/remixes/{remix_id}/takedown/"),
    ("inbox", "/inbox/"),
    ("settings", "/settings/"),
    ("upload", "/library/upload/"),
    ("import", "/library/import/"),
    ("backdrops", "/remixes/backdrops/"),
    ("requests", "/remixes/requests/"),
    ("request", "{request}"),
    ("watch", "{watch}"),
    ("verify", "/verify/"),
]


def test_no_creator_page_scrolls_sideways_at_390px(
    live_server, browser, browser_guard, lived_in, screenshot
):
    page: Page = browser_guard.watch(browser.new_context(viewport=PHONE).new_page())
    log_in(page, live_server.url, "creator")
    wide = []
    for name, path in CREATOR_PAGES:
        url = lived_in.url(path)
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = page.evaluate(WIDEST)
            wide.append(f"{name} ({url}): {width} px, widest: {culprits}")
        screenshot(f"phone-{name}", of=page)
    assert not wide, "pages wider than the screen: " + "; ".join(wide)


def test_the_remix_page_in_every_status(live_server, page: Page, creator, viewer, screenshot):
    """The status box keeps its size in every status (a thumbnail rule once shrank it to
    64×36 px, so "Taken down by @creator" overlapped itself)."""
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = make_postered_video(creator, title="Harbour")
    # Made directly, not requested: a test worker running elsewhere in the suite must not
    # render it before the queued page is seen.
    remix = Remix.objects.create(
        requester=viewer,
        video=video,
        creator_id=video.owner_id,
        template="caption",
        scopes=1,
        inputs=CAPTION,
    )
    log_in(page, live_server.url, "viewer")
    box = page.locator(".remix-placeholder")

    def show(status: str, text: str) -> None:
        page.goto(f"{live_server.url}{remix.get_absolute_url()}")
        expect(page.get_by_test_id("remix-status")).to_have_text(text)
        if status != "published":
            size = box.bounding_box()
            assert size["width"] > 200 and size["height"] > 200, (status, size)
        screenshot(f"remix-page-{status}")

    show("queued", "Queued")
    pipeline.remix_render(remix_id=remix.id)
    show("published", "Published")
    services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    show("held", "Held: consent ended")
    remix.refresh_from_db()
    remix_services.remix_takedown(remix=remix, actor=creator)
    show("withdrawn", "Taken down")
    expect(box).to_contain_text("Taken down by @creator")
