""" "My likeness" in a real browser with a real worker: consent to biometric processing, upload
two photos at once, wait until the face is enrolled, change the likeness consent, save it again
(nothing changed), change it, reload, and delete the enrolment. The server's state is checked
after each step."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from consent.models import LedgerEntry
from likeness.models import EnrolmentPhoto, FaceEmbedding, LikenessProfile
from likeness.tests import photos
from tests.fixtures.browser import BrowserGuard, log_in, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WORKER = 60_000


@pytest.fixture
def photo_files(tmp_path) -> list[Path]:
    astronaut = photos.astronaut()
    files = [tmp_path / "me.png", tmp_path / "me-again.jpg", tmp_path / "us.png"]
    astronaut.save(files[0])
    photos.transforms(astronaut)["jpeg_70"].save(files[1], quality=90)
    photos.side_by_side(astronaut, photos.grace_hopper()).save(files[2])
    return files


def profile_of(user) -> LikenessProfile:
    return LikenessProfile.objects.get(user=user)


def staged(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "enrolment"
    return list(folder.iterdir()) if folder.exists() else []


def test_enrol_change_consent_and_delete(
    celery_worker_process,
    live_server,
    page: Page,
    browser_guard: BrowserGuard,
    creator,
    photo_files,
    settings,
    screenshot,
):
    base = live_server.url
    log_in(page, base, "creator")
    page.get_by_role("link", name="My likeness").click()
    expect(page.get_by_role("heading", name="My likeness")).to_be_visible()
    expect(page.get_by_test_id("photos-empty")).to_be_visible()

    # Consent to biometric processing: recorded on the ledger.
    page.get_by_label("I consent to Creator Hub processing photos of my face").check()
    page.get_by_role("button", name="Give consent").click()
    expect(page.get_by_test_id("biometric-given")).to_be_visible()
    assert profile_of(creator).biometric_consent_at is not None
    assert LedgerEntry.objects.filter(creator=creator).count() == 1

    # A photo of two people is refused, in words, and nothing of it is stored.
    browser_guard.allow(422, "/likeness/photos/")
    page.locator("#enrolment-photos").set_input_files(photo_files[2])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("photo-errors")).to_contain_text("us.png: This photo shows 2 faces")
    assert not EnrolmentPhoto.objects.exists() and staged(settings) == []
    screenshot("likeness-refused")

    # Two photos at once; each is processing, then enrolled (the list polls itself).
    page.locator("#enrolment-photos").set_input_files(photo_files[:2])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("photos-message")).to_contain_text("2 photos received")
    assert EnrolmentPhoto.objects.filter(user=creator).count() == 2
    expect(page.get_by_test_id("enrolment-state")).to_contain_text(
        "Your face is enrolled", timeout=WORKER
    )
    expect(page.locator('[data-status="ready"]')).to_have_count(2, timeout=WORKER)
    assert FaceEmbedding.objects.filter(user=creator).count() == 2
    assert set(EnrolmentPhoto.objects.values_list("status", "staged_path")) == {("ready", "")}
    assert staged(settings) == []

    # The likeness consent: change, save again (nothing changed), change again, reload.
    status = page.get_by_test_id("likeness-message")
    save = page.get_by_role("button", name="Save", exact=True)
    page.get_by_label("Also in other people's videos, when I allow it video by video").check()
    save.click()
    expect(status).to_contain_text("Saved as change #2")
    assert (profile_of(creator).others_videos, profile_of(creator).own_videos) == ("ask", True)
    save.click()
    expect(status).to_contain_text("Nothing changed")
    assert LedgerEntry.objects.filter(creator=creator).count() == 2
    page.get_by_label("Never, not even in my own videos").check()
    save.click()
    expect(status).to_contain_text("Saved as change #3")
    assert (profile_of(creator).others_videos, profile_of(creator).own_videos) == ("never", False)
    page.reload()
    expect(page.get_by_label("Never, not even in my own videos")).to_be_checked()
    expect(page.get_by_test_id("enrolment-state")).to_contain_text("Your face is enrolled")
    screenshot("likeness")  # docs/screenshots/likeness.png is a copy of this one

    # Delete the enrolment, after a confirmation: embeddings and photos gone, the ledger kept.
    page.get_by_role("link", name="Delete my enrolment").click()
    expect(page.get_by_role("heading", name="Delete your enrolment?")).to_be_visible()
    screenshot("likeness-delete-confirm")
    assert FaceEmbedding.objects.filter(user=creator).count() == 2
    page.get_by_role("button", name="Delete my enrolment").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Your enrolment is deleted")
    assert not FaceEmbedding.objects.exists() and not EnrolmentPhoto.objects.exists()
    assert profile_of(creator).biometric_consent_at is None
    assert LedgerEntry.objects.filter(creator=creator).count() == 4
    expect(page.get_by_role("button", name="Give consent")).to_be_visible()
    expect(page.get_by_label("Never, not even in my own videos")).to_be_checked()


def test_likeness_consent_by_keyboard(live_server, page: Page, creator):
    log_in(page, live_server.url, "creator")
    page.goto(f"{live_server.url}/likeness/")
    announcer = page.get_by_test_id("announcer")

    # Biometric consent: Space ticks the box, Enter gives it.
    tab_to(page, page.get_by_label("I consent to Creator Hub processing photos of my face"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Give consent"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("biometric-given")).to_be_visible()
    expect(announcer).to_contain_text("recorded")
    assert profile_of(creator).biometric_consent_at is not None

    # The choices run top to bottom: arrows move between them; Enter on Save saves.
    choices = page.get_by_role("group", name="Where AI remixes may show my face")
    save = page.get_by_role("button", name="Save", exact=True)
    for step, (choice, stored) in enumerate(
        [
            ("Also in other people's videos, when I allow it video by video", ("ask", True)),
            ("Also in any video whose creator allows it", ("allow", True)),
        ],
        start=2,
    ):
        tab_to(page, choices.locator("input:checked"))
        page.keyboard.press("ArrowDown")
        expect(choices.get_by_label(choice)).to_be_checked()
        tab_to(page, save)
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("likeness-message")).to_contain_text(f"change #{step}")
        expect(announcer).to_contain_text("Saved")
        assert (profile_of(creator).others_videos, profile_of(creator).own_videos) == stored
    assert LedgerEntry.objects.filter(creator=creator).count() == 3
