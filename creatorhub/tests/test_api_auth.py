"""Who sees what through the JSON API: every GET endpoint × every kind of caller.

Callers: nobody, a session (the requester's, the creator's), and a bearer token of the
requester, of the creator, and of a stranger. A token must count exactly like the session of
its owner, on the endpoints that need auth and on the public ones that show more to the people
involved (issue 11 §3).
"""

from __future__ import annotations

import pytest
from django.test import Client

from consent import services as consent_services
from consent.tests.factories import policy
from creatorhub.accounts.tokens import api_token_create, api_token_revoke
from creatorhub.api import api
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from remixer import pipeline
from remixer import services as remix_services
from remixer.models import Remix
from remixer.tests.factories import CAPTION, make_postered_video

pytestmark = pytest.mark.django_db

CALLERS = (
    "anonymous",
    "session:requester",
    "session:creator",
    "token:requester",
    "token:creator",
    "token:stranger",
)
REMIX_FIELDS = {
    "id",
    "status",
    "video",
    "template",
    "image_url",
    "reason",
    "created_at",
    "published_at",
    "video_public",
    "notice",
    "preview_url",
    "media_url",
    "media_type",
}
CONSENT_FIELDS = {"video", "creator", "remix", "training", "source", "ledger_seq", "updated_at"}
POLICY_FIELDS = {"remix", "training", "ledger_seq", "updated_at"}
PAGE_FIELDS = {"count", "page", "pages", "results"}
ERROR_FIELDS = {"error", "detail"}


@pytest.fixture
def world(creator, viewer, other_creator):
    """The creator's public and private video, and the viewer's remixes in every status."""
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = make_postered_video(creator, title="Source")
    private = make_video(creator, visibility=Video.Visibility.PRIVATE)
    remixes = {}
    for status in Remix.Status.values:
        remix = remix_services.remix_request(
            requester=viewer, video=video, template="caption", inputs=CAPTION
        )
        if status == Remix.Status.PUBLISHED:
            pipeline.remix_render(remix_id=remix.id)
        else:
            # Only the read path is under test here; how a remix reaches a status is not.
            Remix.objects.filter(id=remix.id).update(status=status)
        remixes[status] = Remix.objects.get(id=remix.id)
    assert remixes["published"].status == "published"
    people = {"requester": viewer, "creator": creator, "stranger": other_creator}
    clients = {"anonymous": Client()}
    for who in ("requester", "creator"):
        clients[f"session:{who}"] = Client()
        clients[f"session:{who}"].force_login(people[who])
    for who, user in people.items():
        token = api_token_create(user=user, name="matrix")[1]
        clients[f"token:{who}"] = Client(headers={"Authorization": f"Bearer {token}"})
    return {"video": video, "private": private, "remixes": remixes, "clients": clients}


def _who(caller: str) -> str:
    return caller.split(":")[-1]


def test_remix_detail_in_every_status(world):
    """The requester and the source's creator see their remix in every status, by session or
    token; everyone else sees only published ones, and only those have an image."""
    for status, remix in world["remixes"].items():
        for caller in CALLERS:
            response = world["clients"][caller].get(f"/api/v1/remixes/{remix.public_id}")
            body = response.json()
            if status == Remix.Status.PUBLISHED or _who(caller) in {"requester", "creator"}:
                assert response.status_code == 200, (status, caller, body)
                assert set(body) == REMIX_FIELDS
                assert (body["id"], body["status"]) == (remix.public_id, status)
                assert (body["image_url"] is not None) == (status == Remix.Status.PUBLISHED)
            else:
                assert response.status_code == 404, (status, caller)
                assert set(body) == ERROR_FIELDS


def test_a_video_is_public_and_a_private_one_its_creators(world):
    fields = {"id", "title", "creator", "status", "duration", "has_audio", "poster_url", "url"}
    public = f"/api/v1/videos/{world['video'].public_id}"
    private = f"/api/v1/videos/{world['private'].public_id}"
    for caller in CALLERS:
        client = world["clients"][caller]
        assert set(client.get(public).json()) == fields, caller
        expected = 200 if _who(caller) == "creator" else 404
        assert client.get(private).status_code == expected, caller


def test_video_consent(world):
    """Public consent for everyone; a private video's only for its creator."""
    public = f"/api/v1/videos/{world['video'].public_id}/consent"
    private = f"/api/v1/videos/{world['private'].public_id}/consent"
    for caller in CALLERS:
        client = world["clients"][caller]
        response = client.get(public)
        assert response.status_code == 200, caller
        assert set(response.json()) == CONSENT_FIELDS
        response = client.get(private)
        if _who(caller) == "creator":
            assert response.status_code == 200, caller
            assert set(response.json()) == CONSENT_FIELDS
        else:
            assert response.status_code == 404, caller
            assert set(response.json()) == ERROR_FIELDS


def test_video_consent_history_is_the_owners(world):
    url = f"/api/v1/videos/{world['video'].public_id}/consent/history"
    expected = {"anonymous": 401, "session:creator": 200, "token:creator": 200}
    for caller in CALLERS:
        response = world["clients"][caller].get(url)
        assert response.status_code == expected.get(caller, 404), caller
        fields = {"video", "results"} if response.status_code == 200 else ERROR_FIELDS
        assert set(response.json()) == fields


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/api/v1/me/consent", POLICY_FIELDS),
        ("/api/v1/me/videos", PAGE_FIELDS),
        ("/api/v1/me/ledger", PAGE_FIELDS),
    ],
)
def test_me_endpoints_answer_for_the_caller(world, url, fields):
    for caller in CALLERS:
        response = world["clients"][caller].get(url)
        body = response.json()
        if caller == "anonymous":
            assert response.status_code == 401
            assert body["error"] == "unauthorized"
            continue
        assert response.status_code == 200, caller
        assert set(body) == fields
        is_creator = _who(caller) == "creator"
        if url.endswith("/consent"):
            assert body["remix"]["allowed"] is is_creator, caller
        else:  # the creator has two videos and one ledger entry; the others nothing
            assert body["count"] == (2 if url.endswith("/videos") else 1) * is_creator, caller


def test_my_likeness_is_the_callers_own(world, creator):
    from likeness.enrolment import biometric_consent_give

    biometric_consent_give(person=creator, actor=creator)
    for caller in CALLERS:
        response = world["clients"][caller].get("/api/v1/me/likeness")
        if caller == "anonymous":
            assert response.status_code == 401
            continue
        assert response.status_code == 200, caller
        assert response.json()["biometric_consent"] is (_who(caller) == "creator"), caller


def test_the_matrix_covers_every_get_endpoint():
    schema = api.get_openapi_schema()
    gets = {path for path, ops in schema["paths"].items() if "get" in ops}
    covered = {
        "/api/v1/remixes/{public_id}",
        "/api/v1/videos/{public_id}/consent",
        "/api/v1/videos/{public_id}/consent/history",
        "/api/v1/me/consent",
        "/api/v1/me/videos",
        "/api/v1/me/ledger",
        "/api/v1/me/consent/rules",
        "/api/v1/me/videos/{public_id}/consent/rules",
        "/api/v1/me/remix-requests",
        "/api/v1/remixes/{public_id}/preview",
        "/api/v1/videos/{public_id}",
        "/api/v1/me/likeness",
        "/api/v1/me/likeness/matches",  # likeness/tests/test_matches_api.py
    }
    assert gets == covered


def test_requests_and_rules_are_the_callers_own(world):
    """Requests and content rules answer for the caller (session or token alike); a video's
    rules only for its creator; the preview of a remix that is not pending is 404 to all."""
    video = world["video"].public_id
    pending = world["remixes"]["pending_approval"].public_id
    for caller in CALLERS:
        client = world["clients"][caller]
        requests = client.get("/api/v1/me/remix-requests?status=pending")
        account_rules = client.get("/api/v1/me/consent/rules")
        video_rules = client.get(f"/api/v1/me/videos/{video}/consent/rules")
        if caller == "anonymous":
            assert {r.status_code for r in (requests, account_rules, video_rules)} == {401}
            continue
        assert requests.status_code == 200, caller
        assert set(requests.json()) == PAGE_FIELDS
        # The fixture's pending remix has no preview yet: not listed as waiting for anyone.
        assert requests.json()["count"] == 0
        assert set(account_rules.json()) == {"blocked_phrases", "categories"}
        expected = 200 if _who(caller) == "creator" else 404
        assert video_rules.status_code == expected, caller
        # No preview file was ever rendered for it: nobody gets one.
        assert client.get(f"/api/v1/remixes/{pending}/preview").status_code == 404


def test_a_bad_token_on_a_public_endpoint_is_401_not_anonymous(world, viewer):
    """Decision: a token that is sent must work; silently reading as anonymous would hide the
    mistake (a revoked or expired token looks like "the remix does not exist")."""
    record, revoked = api_token_create(user=viewer, name="old")
    api_token_revoke(user=viewer, token_id=record.id)
    url = f"/api/v1/remixes/{world['remixes']['published'].public_id}"
    for value in (revoked, "chub_nope", "not-a-token"):
        response = Client(headers={"Authorization": f"Bearer {value}"}).get(url)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
    # Another scheme is not a bearer token at all: the request is anonymous.
    assert Client(headers={"Authorization": "Basic eDp5"}).get(url).status_code == 200


def test_token_wins_over_a_session(world, other_creator):
    """A stranger's token sent from the creator's browser session reads as the stranger."""
    client = world["clients"]["session:creator"]
    token = api_token_create(user=other_creator, name="x")[1]
    queued = world["remixes"]["queued"]
    assert client.get(f"/api/v1/remixes/{queued.public_id}").status_code == 200
    response = client.get(
        f"/api/v1/remixes/{queued.public_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404
