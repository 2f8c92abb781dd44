"""The pages of "ask me first": the switch's third choice, the people list, content-rule forms and
the Requests page. Bad input changes nothing and says why; other people's requests are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consent import services as consent_services
from consent.ledger import ledger_verify
from consent.models import ApprovedPerson, CreatorPolicy, LedgerEntry, VideoRules
from consent.selectors import video_consent
from consent.services import PolicyChange
from consent.tests.factories import CAPTION, policy
from remixer.models import Remix
from remixer.tests.factories import make_postered_video, remix_row
from tests.fixtures.personas import logged_in

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def pending(requester, video, n: int = 1) -> list[Remix]:
    """Requests waiting on `video`, whose creator asks (else a decision's sync holds them)."""
    creator = video.owner
    consent_services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=PolicyChange(False, CAPTION, "everyone", False, [], remix_ask=True),
    )
    expires = timezone.now() + dt.timedelta(days=1)
    return Remix.objects.bulk_create(
        remix_row(requester, video, status=Remix.Status.PENDING_APPROVAL, expires_at=expires)
        for _ in range(n)
    )


def test_the_account_switch_saves_ask_me(creator_client, creator):
    page = creator_client.get(reverse("consent:page"))
    assert "Ask me first" in page.text
    response = creator_client.post(
        reverse("consent:page"),
        {
            "remix_allowed": "ask",
            "scopes": ["caption"],
            "audience": "approved",
            "training_allowed": "0",
        },
        headers=HX,
    )
    assert response.status_code == 200
    policy = CreatorPolicy.objects.get(creator=creator)
    assert (policy.remix_ask, policy.remix_allowed, policy.audience) == (True, False, "approved")
    page = creator_client.get(reverse("consent:page"))
    assert 'value="ask" id="id_remix_allowed_2" required checked' in page.text


def test_a_library_row_and_the_bulk_action_say_ask(creator_client, creator):
    video = make_postered_video(creator)
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(allowed=False, scopes=CAPTION)
    )
    creator_client.post(reverse("consent:video", args=[video.public_id]), {"video_remix": "ask"})
    assert video_consent(video=video).mode == "ask"
    response = creator_client.post(
        reverse("consent:bulk"),
        {"ids": [video.public_id], "remix": "ask", "scopes": ["caption", "face"]},
        headers=HX,
    )
    assert "ask me" in response.text
    assert video_consent(video=video).scope_names == ["caption", "face"]
    assert ledger_verify().ok


def test_people_add_and_remove_with_clear_errors(creator_client, creator, viewer):
    url = reverse("consent:people_add")
    for handle, error in (
        ("", "Write a handle"),
        ("@nobody-here", "No one is called @nobody-here"),
        ("@creator", "You can always remix your own videos"),
    ):
        response = creator_client.post(url, {"handle": handle}, headers=HX)
        assert response.status_code == 422
        assert error in response.text
    assert not ApprovedPerson.objects.exists()
    entries = LedgerEntry.objects.count()
    response = creator_client.post(url, {"handle": "@Viewer"}, headers=HX)
    assert response.status_code == 200
    assert "@viewer" in response.text
    assert ApprovedPerson.objects.filter(creator=creator, person=viewer).exists()
    again = creator_client.post(url, {"handle": "viewer"}, headers=HX)
    assert "already on your list" in again.text
    assert LedgerEntry.objects.count() == entries + 1
    remove = reverse("consent:people_remove", args=["viewer"])
    assert creator_client.post(remove, headers=HX).status_code == 200
    assert not ApprovedPerson.objects.exists()
    missing = creator_client.post(remove, headers=HX)
    assert missing.status_code == 422 and "not on your list" in missing.text
    assert ledger_verify().ok


def test_rules_forms_save_and_refuse_bad_input(creator_client, creator):
    video = make_postered_video(creator)
    url = reverse("consent:rules")
    response = creator_client.post(
        url, {"blocked_phrases": "politics\ncats", "categories": ["profanity"]}, headers=HX
    )
    assert response.status_code == 200 and "content rules" in response.text
    policy = CreatorPolicy.objects.get(creator=creator)
    assert (policy.blocked_phrases, policy.blocked_categories) == (
        ["politics", "cats"],
        ["profanity"],
    )
    bad = creator_client.post(url, {"blocked_phrases": "x", "categories": ["nope"]}, headers=HX)
    assert bad.status_code == 422 and "Nothing was changed" in bad.text
    policy.refresh_from_db()
    assert policy.blocked_phrases == ["politics", "cats"]
    video_url = reverse("consent:video_rules", args=[video.public_id])
    creator_client.post(video_url, {"blocked_phrases": "dogs"}, headers=HX)
    assert VideoRules.objects.get(video=video).blocked_phrases == ["dogs"]
    panel = creator_client.get(video.get_absolute_url())
    assert "Content rules for this video" in panel.text and "dogs" in panel.text
    assert ledger_verify().ok


def test_someone_elses_video_rules_are_404(other_client, creator):
    video = make_postered_video(creator)
    response = other_client.post(
        reverse("consent:video_rules", args=[video.public_id]), {"blocked_phrases": "x"}
    )
    assert response.status_code == 404
    assert not VideoRules.objects.exists()


def test_the_requests_page_lists_and_decides_in_place(creator_client, creator, viewer):
    video = make_postered_video(creator)
    first, second, third = pending(viewer, video, 3)
    page = creator_client.get(reverse("remixer:requests"))
    assert "3 requests waiting" in page.text
    assert page.text.count('data-testid="request"') == 3
    url = reverse("remixer:requests_decide")
    response = creator_client.post(
        url,
        {"ids": [first.public_id, second.public_id], "decision": "decline", "message": "no"},
        headers=HX,
    )
    assert "2 declined." in response.text
    assert "1 request waiting" in response.text
    assert response["HX-Trigger"] == "inbox-changed"
    # A row's own button (without JavaScript) decides that row only.
    response = creator_client.post(
        f"{url}?only={third.public_id}", {"ids": [first.public_id], "decision": "approve"}
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.status == Remix.Status.QUEUED and third.approved_at
    assert "0 requests waiting" in creator_client.get(reverse("remixer:requests")).text
    assert ledger_verify().ok


def test_bad_decisions_change_nothing(creator_client, other_client, creator, viewer):
    video = make_postered_video(creator)
    (remix,) = pending(viewer, video)
    url = reverse("remixer:requests_decide")
    for data, error in (
        ({"decision": "approve"}, "Tick at least one request"),
        ({"ids": [remix.public_id], "decision": "maybe"}, "Select a valid choice"),
        (
            {"ids": [remix.public_id], "decision": "decline", "always_allow": "on"},
            "goes with approving",
        ),
    ):
        response = creator_client.post(url, data, headers=HX)
        assert error in response.text
    theirs = other_client.post(url, {"ids": [remix.public_id], "decision": "approve"}, headers=HX)
    assert "1 not decided" in theirs.text and "No such request" in theirs.text
    remix.refresh_from_db()
    assert remix.status == Remix.Status.PENDING_APPROVAL
    assert not LedgerEntry.objects.filter(action="decision").exists()


def test_the_empty_requests_page_says_how_to_get_requests(logged_in_viewer):
    page = logged_in_viewer.get(reverse("remixer:requests"))
    assert "No requests are waiting" in page.text
    assert "Ask me first" in page.text


@pytest.fixture
def logged_in_viewer(viewer):
    return logged_in(viewer)
