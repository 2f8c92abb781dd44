"""A published voice remix in a real browser: its page plays the signed MP4 (sound and picture
decoded, time advancing, no media error) beside the transcript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from consent.scopes import scopes_to_mask
from remixer.models import Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import allow, make_voiced_video, rendered_remix
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CLIP = {"effect": "pitch_up", "start": 1.0, "length": 3.0, "caption": "Chipmunk mode"}


def test_the_remix_page_plays_a_voice_clip_with_its_transcript(
    live_server, page: Page, creator, viewer, screenshot
):
    allow(creator, scopes=scopes_to_mask(["voice", "caption"]))
    video = make_voiced_video(creator, seconds=6.0, title="Morning warm-up")
    remix, signed = rendered_remix(viewer, video, template="voice", inputs=CLIP)

    log_in(page, live_server.url, "viewer")
    page.goto(f"{live_server.url}{remix.get_absolute_url()}")
    expect(page.get_by_test_id("remix-status")).to_have_text("Published")
    transcript = page.get_by_test_id("voice-transcript")
    expect(transcript).to_contain_text("caption “Chipmunk mode”")
    expect(transcript).to_contain_text("3.0 s of @creator's voice from 1.0 s of the video")
    expect(transcript).to_contain_text("altered by an AI effect (pitch up)")

    player = page.get_by_test_id("remix-video")
    expect(player).to_have_attribute("controls", "")
    player.evaluate(
        "video => video.readyState >= 1 || new Promise(ok => video.onloadedmetadata = ok)"
    )
    assert player.evaluate("video => video.duration") == pytest.approx(CLIP["length"], abs=0.1)
    player.evaluate("video => video.play()")  # Playwright's evaluate counts as a user gesture
    page.wait_for_function("video => video.currentTime > 0.5", arg=player.element_handle())
    state = player.evaluate(
        """video => ({
            error: video.error && video.error.code,
            audioBytes: video.webkitAudioDecodedByteCount,
            videoBytes: video.webkitVideoDecodedByteCount,
            size: [video.videoWidth, video.videoHeight],
        })"""
    )
    assert state["error"] is None
    assert state["audioBytes"] > 0 and state["videoBytes"] > 0
    assert min(state["size"]) > 0
    player.evaluate("video => { video.pause(); video.currentTime = 0; }")

    # What the page plays is the published, signed file the server holds.
    remix.refresh_from_db()
    assert remix.status == Remix.Status.PUBLISHED
    served = page.request.get(player.evaluate("video => video.currentSrc"))
    assert (served.status, served.headers["content-type"]) == (200, "video/mp4")
    assert served.body() == signed
    assert provenance_read(data=served.body()).remix_id == remix.public_id
    screenshot("remix-voice")
