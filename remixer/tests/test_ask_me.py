"""“Ask me first”: requests rendered as private previews, decided by the creator (one by one or
many at once), the people they always allow, content rules, expiry, and the races between them."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import people, rules
from consent import services as consent_services
from consent.idsets import VideoState
from consent.ledger import ledger_verify
from consent.models import ApprovedPerson, LedgerEntry
from consent.scopes import scopes_to_mask
from consent.selectors import video_consent
from consent.services import PolicyChange
from consent.tests.factories import CAPTION as CAPTION_SCOPE
from creatorhub.accounts.tests.factories import make_user
from creatorhub.accounts.tokens import api_token_create
from remixer import approvals, pipeline, services, sync
from remixer.models import Notification, Remix
from remixer.signing import unsigned_read
from remixer.tests.factories import CAPTION, allow, deny, make_postered_video, remix_row

pytestmark = pytest.mark.django_db


def ask(creator, *, audience: str = "everyone") -> None:
    consent_services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=PolicyChange(False, CAPTION_SCOPE, audience, False, [], remix_ask=True),
    )


def request(viewer, video, inputs=None) -> Remix:
    return services.remix_request(
        requester=viewer, video=video, template="caption", inputs=inputs or CAPTION
    )


def previewed(viewer, video, inputs=None) -> Remix:
    """A request rendered by the pipeline to its private preview."""
    remix = request(viewer, video, inputs)
    assert pipeline.remix_render(remix_id=remix.id) == "pending_approval"
    remix.refresh_from_db()
    return remix


def decide(creator, remixes, *, approve=True, **kwargs) -> approvals.Decision:
    return approvals.requests_decide(
        creator=creator,
        actor=creator,
        public_ids=[remix.public_id for remix in remixes],
        approve=approve,
        **kwargs,
    )


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ask_me_is_a_third_mode_at_every_level(creator):
    video, other = make_postered_video(creator), make_postered_video(creator)
    ask(creator)
    consent = video_consent(video=video)
    assert (consent.mode, consent.allowed, consent.requestable) == ("ask", False, True)
    consent_services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=type(video).objects.filter(id=other.id),
        state=VideoState("deny"),
    )
    assert video_consent(video=other).mode == "deny"
    body = Client().get(f"/api/v1/videos/{video.public_id}/consent").json()
    assert body["remix"]["allowed"] is False
    assert body["remix"]["mode"] == "ask"
    assert body["remix"]["scopes"]["caption"] is True
    assert ledger_verify().ok


def test_the_api_sets_ask_for_the_account_and_for_videos(creator):
    video = make_postered_video(creator)
    token = api_token_create(user=creator, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {
        "remix": {"mode": "ask", "scopes": {"caption": True}, "audience": "approved"},
        "training": {"allowed": False},
    }
    got = api.put("/api/v1/me/consent", json.dumps(body), content_type="application/json")
    assert got.status_code == 200, got.json()
    assert got.json()["remix"]["mode"] == "ask"
    assert got.json()["remix"]["allowed"] is False
    assert got.json()["remix"]["audience"] == "approved"
    contradiction = {**body, "remix": {**body["remix"], "allowed": True}}
    bad = api.put("/api/v1/me/consent", json.dumps(contradiction), content_type="application/json")
    assert bad.status_code == 400
    bulk = {"selection": {"ids": [video.public_id]}, "remix": "allow"}
    response = api.post("/api/v1/me/videos/consent", bulk, content_type="application/json")
    assert response.status_code == 200
    assert video_consent(video=video).mode == "allow"
    bulk["remix"] = "ask"
    response = api.post("/api/v1/me/videos/consent", bulk, content_type="application/json")
    assert response.status_code == 200
    assert video_consent(video=video).mode == "ask"
    assert ledger_verify().ok


def test_a_request_waits_as_a_private_preview(creator, viewer, other_creator):
    video = make_postered_video(creator)
    ask(creator)
    response = client_of(viewer).post(
        f"/api/v1/videos/{video.public_id}/remixes",
        {"template": "caption", "inputs": CAPTION},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert response.json()["status"] == "pending_approval"
    remix = Remix.objects.get(public_id=response.json()["id"])
    assert not Notification.objects.filter(recipient=creator).exists()  # no preview yet
    assert pipeline.remix_render(remix_id=remix.id) == "pending_approval"
    remix.refresh_from_db()
    assert remix.status == Remix.Status.PENDING_APPROVAL
    assert not remix.output  # nothing public
    assert remix.expires_at > timezone.now() + dt.timedelta(days=13)
    note = Notification.objects.get(recipient=creator)
    assert note.kind == Notification.Kind.APPROVAL
    url = f"/api/v1/remixes/{remix.public_id}/preview"
    token = api_token_create(user=viewer, name="t")[1]
    for client in (
        client_of(creator),
        client_of(viewer),
        Client(headers={"Authorization": f"Bearer {token}"}),
    ):
        preview = client.get(url)
        assert preview.status_code == 200
        assert preview["Content-Type"] == "image/jpeg"
        assert "no-store" in preview["Cache-Control"]
        assert "noindex" in preview["X-Robots-Tag"]
        assert preview.content == unsigned_read(public_id=remix.public_id)
    for client in (Client(), client_of(other_creator)):
        assert client.get(url).status_code == 404
    detail = client_of(viewer).get(f"/api/v1/remixes/{remix.public_id}").json()
    assert detail["status"] == "pending_approval"
    assert detail["image_url"] is None
    assert detail["preview_url"].endswith(url)
    listed = client_of(creator).get("/api/v1/me/remix-requests?status=pending").json()
    assert listed["count"] == 1
    (row,) = listed["results"]
    assert (row["id"], row["requester"], row["template"]) == (remix.public_id, "viewer", "caption")
    assert row["inputs"]["top"] == CAPTION["top"]
    assert row["preview_url"].endswith(url)
    assert row["expires_at"]
    assert client_of(viewer).get("/api/v1/me/remix-requests").json()["count"] == 0


def test_approve_with_always_allow_then_the_list_skips_the_queue(creator, viewer):
    video = make_postered_video(creator)
    ask(creator)
    first = previewed(viewer, video)
    result = decide(creator, [first], always_allow=True, message="Love it")
    assert result.as_json() == {"approved": 1, "declined": 0, "refused": []}
    first.refresh_from_db()
    assert first.status == Remix.Status.QUEUED
    assert first.approved_at is not None
    assert pipeline.remix_render(remix_id=first.id) == "published"
    first.refresh_from_db()
    assert first.is_live
    assert ApprovedPerson.objects.filter(creator=creator, person=viewer).exists()
    told = Notification.objects.filter(recipient=viewer, kind=Notification.Kind.DECIDED).get()
    assert "approved" in told.message
    assert "Love it" in told.message
    entry = LedgerEntry.objects.filter(creator=creator, action="decision").get()
    assert entry.payload["decisions"] == {"approved": [first.public_id], "declined": []}
    assert entry.payload["people"] == {"added": [viewer.id], "removed": []}
    # On the list: published without asking.
    second = request(viewer, video)
    assert not second.awaiting_approval
    assert pipeline.remix_render(remix_id=second.id) == "published"
    second.refresh_from_db()
    assert second.approved_at is not None
    # Off the list: the next one waits again; what was approved stays.
    people.people_change(creator=creator, actor=creator, remove=[viewer])
    third = request(viewer, video)
    assert third.awaiting_approval
    assert pipeline.remix_render(remix_id=third.id) == "pending_approval"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_live and second.is_live
    assert ledger_verify().ok


def test_removing_someone_can_withdraw_what_they_published(creator, viewer):
    video = make_postered_video(creator)
    ask(creator)
    people.people_change(creator=creator, actor=creator, add=[viewer])
    remix = request(viewer, video)
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    people.people_change(creator=creator, actor=creator, remove=[viewer], withdraw=True)
    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN
    assert not remix.output
    assert ledger_verify().ok


def test_decline_deletes_the_preview_and_tells_the_requester(
    creator, viewer, django_capture_on_commit_callbacks
):
    video = make_postered_video(creator)
    ask(creator)
    remix = previewed(viewer, video)
    assert unsigned_read(public_id=remix.public_id) is not None
    with django_capture_on_commit_callbacks(execute=True):
        result = decide(creator, [remix], approve=False, message="Not this one")
    assert result.declined == 1
    remix.refresh_from_db()
    assert remix.status == Remix.Status.DECLINED
    assert unsigned_read(public_id=remix.public_id) is None
    assert client_of(viewer).get(f"/api/v1/remixes/{remix.public_id}/preview").status_code == 404
    told = Notification.objects.get(recipient=viewer, kind=Notification.Kind.DECIDED)
    assert "declined" in told.message and "Not this one" in told.message
    again = decide(creator, [remix], approve=False)
    assert again.declined == 0
    assert again.refused[0]["id"] == remix.public_id
    assert ledger_verify().ok


def test_a_decision_names_what_it_refused(creator, viewer, other_creator):
    video = make_postered_video(creator)
    theirs = make_postered_video(other_creator)
    ask(creator)
    ask(other_creator)
    mine, rendering, foreign = previewed(viewer, video), request(viewer, video), None
    foreign = previewed(viewer, theirs)
    result = approvals.requests_decide(
        creator=creator,
        actor=creator,
        public_ids=[mine.public_id, rendering.public_id, foreign.public_id, "nope"],
        approve=True,
    )
    assert result.approved == 1
    reasons = {row["id"]: row["reason"] for row in result.refused}
    assert set(reasons) == {rendering.public_id, foreign.public_id, "nope"}
    assert "still being made" in reasons[rendering.public_id]
    foreign.refresh_from_db()
    assert foreign.status == Remix.Status.PENDING_APPROVAL  # someone else's: untouched


@pytest.mark.django_db(transaction=True)
def test_a_decision_does_not_lock_a_request_still_rendering(creator, viewer):
    """A decision refusing a queued request must not hold its row: the worker skips locked
    rows, and the request would wait for the reconciler instead of rendering now."""
    video = make_postered_video(creator)
    ask(creator)
    # Saved without a render task: this test is the worker (a suite's worker would claim it).
    queued = remix_row(viewer, video, expires_at=timezone.now() + dt.timedelta(days=1))
    queued.save()
    claimed: list[list] = []

    def claim_from_another_connection() -> None:
        try:
            claimed.append(pipeline.remixes_claim(remix_ids=[queued.id]))
        finally:
            connections.close_all()

    with transaction.atomic():  # the decision's locks are held until this block ends
        assert decide(creator, [queued], approve=False).refused
        worker = threading.Thread(target=claim_from_another_connection)
        worker.start()
        worker.join()
    assert [remix.id for remix, _ in claimed[0]] == [queued.id]


def test_an_approval_after_consent_ended_does_not_publish(creator, viewer):
    video = make_postered_video(creator)
    ask(creator)
    remix = previewed(viewer, video)
    deny(creator)  # the request is held at once, its preview deleted
    remix.refresh_from_db()
    assert remix.status == Remix.Status.HELD
    result = decide(creator, [remix])
    assert result.approved == 0
    assert "held" in result.refused[0]["reason"]
    remix.refresh_from_db()
    assert remix.status == Remix.Status.HELD
    assert not remix.output
    # Asked again: the preview is made again and the request waits as before.
    ask(creator)
    sync.remixes_sync_with_consent(creator_id=creator.id)
    assert pipeline.remix_render(remix_id=remix.id) == "pending_approval"


def test_consent_ending_after_approval_holds_instead_of_publishing(creator, viewer):
    video = make_postered_video(creator)
    ask(creator)
    remix = previewed(viewer, video)
    decide(creator, [remix])
    deny(creator)  # before the worker gets to it
    assert pipeline.remix_render(remix_id=remix.id) in {"held", "not-claimed"}
    remix.refresh_from_db()
    assert remix.status == Remix.Status.HELD
    assert not remix.output
    # Consent back as "ask me": the approved remix returns without asking again.
    ask(creator)
    sync.remixes_sync_with_consent(creator_id=creator.id)
    remix.refresh_from_db()
    assert remix.status == Remix.Status.QUEUED
    assert pipeline.remix_render(remix_id=remix.id) == "published"


def test_a_video_turned_ask_during_a_render_waits_instead(creator, viewer):
    video = make_postered_video(creator)
    allow(creator)
    remix = request(viewer, video)
    claimed = pipeline.remixes_claim(remix_ids=[remix.id])
    ask(creator)
    (claim, consent) = claimed[0]
    assert pipeline.remix_render_claimed(remix=claim, consent=consent) == "pending_approval"
    remix.refresh_from_db()
    assert remix.status == Remix.Status.PENDING_APPROVAL
    assert not remix.output


def test_requests_expire_and_their_previews_go(creator, viewer, django_capture_on_commit_callbacks):
    video = make_postered_video(creator)
    ask(creator)
    remix = previewed(viewer, video)
    assert approvals.requests_expire() == 0
    Remix.objects.filter(id=remix.id).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert approvals.requests_expire() == 1
    remix.refresh_from_db()
    assert remix.status == Remix.Status.EXPIRED
    assert unsigned_read(public_id=remix.public_id) is None
    assert Notification.objects.filter(recipient=viewer, message__contains="expired").exists()


def test_the_approved_audience(creator, viewer, other_creator):
    video = make_postered_video(creator)
    allow(creator, audience="approved")
    with pytest.raises(services.RemixRefused, match="approves"):
        request(viewer, video)
    people.people_change(creator=creator, actor=creator, add=[viewer])
    remix = request(viewer, video)
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    # Removed without withdrawing: what they made stays (the creator approved it).
    people.people_change(creator=creator, actor=creator, remove=[viewer])
    remix.refresh_from_db()
    assert remix.is_live
    with pytest.raises(services.RemixRefused):
        request(viewer, video)
    with pytest.raises(services.RemixRefused):
        request(other_creator, video)
    assert ledger_verify().ok


def test_content_rules_refuse_at_request_without_echoing(creator, viewer):
    video = make_postered_video(creator)
    allow(creator)
    rules.rules_set(creator=creator, actor=creator, phrases=["politics"], categories=["slurs"])
    client = client_of(viewer)
    url = f"/api/v1/videos/{video.public_id}/remixes"
    for caption in ("POLITICS today", "pólítícs", "p o l i t i c s", "P0L1T1CS"):
        response = client.post(
            url,
            {"template": "caption", "inputs": {"top": caption}},
            content_type="application/json",
        )
        assert response.status_code == 403, caption
        body = response.json()
        assert (body["error"], body["rule"]) == ("content_rule", "blocked_phrase")
        assert "politic" not in body["detail"].lower()
    slur = content_rules_entry("slurs")
    response = client.post(
        url,
        {"template": "caption", "inputs": {"top": f"you {slur}"}},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["rule"] == "category:slurs"
    assert slur not in response.content.decode().lower()
    assert not Remix.objects.exists()
    ok = client.post(
        url, {"template": "caption", "inputs": CAPTION}, content_type="application/json"
    )
    assert ok.status_code == 201


def content_rules_entry(category: str) -> str:
    from consent.content_rules import wordlist

    return wordlist(category)[0]


def test_a_video_adds_its_own_rules_and_they_are_checked_again_at_render(creator, viewer):
    video, other = make_postered_video(creator), make_postered_video(creator)
    allow(creator)
    rules.rules_set(creator=creator, actor=creator, phrases=["build"], categories=[], video=video)
    with pytest.raises(services.RemixRefused) as refusal:
        request(viewer, video)
    assert refusal.value.code == "content_rule"
    remix = request(viewer, other)  # the other video has no such rule
    rules.rules_set(creator=creator, actor=creator, phrases=["passes"], categories=[])
    assert pipeline.remix_render(remix_id=remix.id) == "failed"
    remix.refresh_from_db()
    assert "content" in remix.reason or "phrase" in remix.reason
    assert not remix.output
    entries = LedgerEntry.objects.filter(creator=creator, action="rules")
    assert entries.count() == 2
    assert ledger_verify().ok
    # Clearing a video's rules is a change too; the same rules again change nothing.
    assert rules.rules_set(creator=creator, actor=creator, phrases=[], categories=[], video=video)
    assert (
        rules.rules_set(creator=creator, actor=creator, phrases=[], categories=[], video=video)
        is None
    )
    assert ledger_verify().ok


def test_rules_api_round_trip(creator, other_creator):
    video = make_postered_video(creator)
    token = api_token_create(user=creator, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"blocked_phrases": ["Cats", "cats ", "dogs"], "categories": ["profanity"]}
    got = api.put("/api/v1/me/consent/rules", json.dumps(body), content_type="application/json")
    assert got.status_code == 200
    assert got.json()["blocked_phrases"] == ["Cats", "dogs"]
    assert api.get("/api/v1/me/consent/rules").json()["categories"] == ["profanity"]
    bad = {"blocked_phrases": [], "categories": ["nonsense"]}
    response = api.put("/api/v1/me/consent/rules", json.dumps(bad), content_type="application/json")
    assert response.status_code == 400
    assert api.get("/api/v1/me/consent/rules").json()["categories"] == ["profanity"]
    url = f"/api/v1/me/videos/{video.public_id}/consent/rules"
    response = api.put(
        url, json.dumps({"blocked_phrases": ["x1"]}), content_type="application/json"
    )
    assert response.status_code == 200
    in_force = api.get(url).json()["in_force"]
    assert in_force == {"blocked_phrases": ["Cats", "dogs", "x1"], "categories": ["profanity"]}
    stranger = Client(
        headers={"Authorization": f"Bearer {api_token_create(user=other_creator, name='s')[1]}"}
    )
    assert stranger.get(url).status_code == 404
    assert stranger.put(url, "{}", content_type="application/json").status_code == 404


def test_deciding_a_thousand_is_one_set_based_action(creator, settings):
    settings.REMIX_RATE_PER_MINUTE = 10_000
    video = make_postered_video(creator)
    ask(creator)
    requesters = [make_user(f"fan{n}") for n in range(5)]
    Remix.objects.bulk_create(
        [
            remix_row(
                requesters[n % 5],
                video,
                status=Remix.Status.PENDING_APPROVAL,
                expires_at=timezone.now() + dt.timedelta(days=1),
            )
            for n in range(1000)
        ]
    )
    ids = list(Remix.objects.values_list("public_id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        result = approvals.requests_decide(
            creator=creator, actor=creator, public_ids=ids, approve=True, always_allow=True
        )
    assert result.approved == 1000
    assert len(queries) <= 15, "\n".join(q["sql"][:120] for q in queries)
    assert (
        Remix.objects.filter(status=Remix.Status.QUEUED, approved_at__isnull=False).count() == 1000
    )
    assert ApprovedPerson.objects.filter(creator=creator).count() == 5
    assert LedgerEntry.objects.filter(creator=creator, action="decision").get().affected == 1000
    assert ledger_verify().ok


def test_scopes_and_audience_go_with_ask_too(creator):
    video = make_postered_video(creator)
    consent_services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=type(video).objects.filter(id=video.id),
        state=VideoState("ask", scopes_to_mask(["caption", "face"]), "followers"),
    )
    consent = video_consent(video=video)
    assert (consent.mode, consent.audience) == ("ask", "followers")
    assert consent.scope_names == ["caption", "face"]
