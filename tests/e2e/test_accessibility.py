"""axe-core finds no WCAG 2.0–2.2 A/AA problem on any page a creator, a viewer, a visitor or a
moderator uses, on a laptop (1280 px) and on a phone (390 px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.fixtures.axe import axe_problems
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

PAGES = {
    "creator": [
        "/",
        "/library/",
        "{video}",
        "/library/upload/",
        "/library/import/",
        "/consent/",
        "/consent/history/",
        "/consent/videos/{video_id}/history/",
        "/likeness/",
        "/likeness/delete/",
        "/remixes/of-my-work/",
        "{remix}",
        "/remixes/{remix_id}/takedown/",
        "/remixes/backdrops/",
        "/remixes/requests/",
        "{request}",
        "/inbox/",
        "/settings/",
        "/@creator/",
    ],
    "viewer": [
        "{watch}",
        "{remix}",
        "/remixes/{remix_id}/report/",
        "/remixes/mine/",
        "{request}",
        "/reports/mine/",
        "/inbox/",
        "/verify/",
    ],
    "visitor": ["/", "/accounts/login/", "/accounts/signup/", "{watch}", "/@creator/"],
    "moderator": [
        "/admin/",
        "/admin/moderation/report/",
        "/admin/moderation/report/{report_pk}/change/",
        "/admin/moderation/report/dashboard/",
        "/admin/moderation/moderationaction/",
        "/admin/remixer/remix/",
        "/admin/remixer/remix/{remix_pk}/change/",
        "/admin/videos/video/",
        "/admin/accounts/user/",
        "/admin/consent/ledgerentry/",
    ],
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", PAGES)
def test_every_page_passes_axe(
    live_server, browser, browser_guard, lived_in, moderator, who, width
):
    page: Page = browser_guard.watch(browser.new_context(viewport=WIDTHS[width]).new_page())
    if who != "visitor":
        log_in(page, live_server.url, who)  # admin shares the site's session
    problems = []
    for path in PAGES[who]:
        url = lived_in.url(path)
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        problems += [f"{url}: {problem}" for problem in axe_problems(page)]
    assert not problems, "\n".join(problems)
