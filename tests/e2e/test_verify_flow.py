"""Checking a remix's Content Credentials in a real browser: a signed file, then a copy with
one byte changed, answered in place by HTMX."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent import services as consent_services
from consent.tests.factories import policy
from remixer.tests.factories import flip_one_byte, make_postered_video, rendered_remix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def upload(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("Image or clip to check").set_input_files(
        files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}]
    )
    page.get_by_role("button", name="Check credentials").click()


def test_verify_a_signed_remix_then_a_tampered_copy(
    live_server, page: Page, creator, viewer, screenshot
):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = make_postered_video(creator, title="Pier at dusk")
    remix, signed = rendered_remix(viewer, video)

    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", name="Verify a remix")).to_be_visible()
    page.evaluate("window.__noReload = 1")

    upload(page, "remix.jpg", signed)
    answer = page.get_by_test_id("verify-answer")
    expect(answer).to_have_attribute("data-state", "trusted")
    expect(answer).to_contain_text("signed by Creator Hub and unchanged")
    expect(answer.get_by_role("link", name=remix.public_id)).to_be_visible()
    expect(answer.get_by_role("link", name="“Pier at dusk”")).to_be_visible()
    expect(page.get_by_test_id("consent-now")).to_have_text("Yes")
    expect(page.get_by_test_id("withdrawn")).to_have_text("Yes")
    screenshot("verify-trusted")

    upload(page, "remix-edited.jpg", flip_one_byte(signed))
    expect(answer).to_have_attribute("data-state", "tampered")
    expect(answer).to_contain_text("changed after they were signed")
    expect(answer.get_by_role("link")).to_have_count(0)
    screenshot("verify-tampered")

    assert page.evaluate("window.__noReload") == 1, "the answer should swap in without a reload"
