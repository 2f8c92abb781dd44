"""A creator's first minutes, in a real browser: sign up, upload, browse the library."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from creatorhub.accounts.models import User
from creatorhub.videos.tests.factories import make_videos, mp4_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_signup_upload_then_search_and_paginate_without_reload(
    live_server, celery_worker_process, page: Page, screenshot
):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("newcreator")
    page.get_by_label("Email address").fill("new@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-password-42")
    page.get_by_label("Password confirmation").fill("a-long-password-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Your library is empty")).to_be_visible()
    screenshot("library-empty")

    page.get_by_role("link", name="Upload a video").first.click()
    page.set_input_files(
        "#id_file",
        files=[{"name": "first_clip.mp4", "mimeType": "video/mp4", "buffer": mp4_bytes()}],
    )
    page.get_by_label("Tags").fill("firsts")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="first clip")).to_be_visible()
    # The worker makes the poster; the page polls and shows it without a reload.
    expect(page.get_by_test_id("poster")).to_be_visible(timeout=60_000)
    screenshot("video-detail-poster")

    make_videos(User.objects.get(username="newcreator"), 120, title="Travel diary", tag="travel")
    page.get_by_role("link", name="Library", exact=True).click()
    expect(page.get_by_test_id("match-count")).to_have_text("121")
    page.evaluate("window.__noReload = 'still here'")

    page.get_by_label("Search").fill("diary 11")
    expect(page.get_by_test_id("match-count")).to_have_text("11")
    expect(page).to_have_url(re.compile(r"q=diary(%20|\+)11"))
    page.get_by_label("Search").fill("")
    expect(page.get_by_test_id("match-count")).to_have_text("121")
    page.get_by_label("Tag").select_option("travel")
    expect(page.get_by_test_id("match-count")).to_have_text("120")

    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(page).to_have_url(re.compile(r"page=2"))
    page.get_by_role("checkbox", name="Select all videos on this page").check()
    expect(page.get_by_role("button", name="Select all 120 matching")).to_be_visible()
    page.get_by_role("button", name="Select all 120 matching").click()
    expect(page.get_by_text("All 120 matching videos selected")).to_be_visible()
    expect(page.get_by_role("button", name="Select all 120 matching")).to_be_hidden()
    assert page.evaluate("window.__noReload") == "still here", "the page reloaded"
    screenshot("library-page-2")
