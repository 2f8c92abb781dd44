from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from consent import services
from consent.idsets import VideoState
from consent.models import LedgerEntry, VideoOverride
from consent.tests.factories import policy
from creatorhub.accounts.tests.factories import make_user
from creatorhub.accounts.tokens import api_token_create, api_token_revoke
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video, make_videos

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(creator) -> str:
    return api_token_create(user=creator, name="test")[1]


@pytest.fixture
def api(token) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def send(client: Client, method: str, url: str, body=None, raw: str | None = None):
    if method == "get":
        return client.get(url)
    data = raw if raw is not None else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json")


def test_public_video_consent_shape(anon_client, creator):
    video = make_video(creator)
    body = anon_client.get(f"/api/v1/videos/{video.public_id}/consent").json()
    assert body == {
        "video": video.public_id,
        "creator": "creator",
        "remix": {
            "allowed": False,
            "mode": "deny",
            "scopes": {"caption": False, "background": False, "face": False, "voice": False},
            "audience": "everyone",
        },
        "training": {"allowed": False, "companies": []},
        "source": "account",
        "ledger_seq": 0,
        "updated_at": body["updated_at"],
    }


def test_public_video_consent_queries(anon_client, creator, django_assert_num_queries):
    # The video with its creator, its override and the creator's policy, in one query; its
    # tags are not read. With an override and a policy, and without either.
    video, plain = make_video(creator, tags=["travel", "food"]), make_video(creator)
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    services.consent_set_videos(
        creator=creator,
        actor=creator,
        videos=Video.objects.filter(id=video.id),
        state=VideoState("deny"),
    )
    for public_id, allowed, source in (
        (video.public_id, False, "video"),
        (plain.public_id, True, "account"),
    ):
        with django_assert_num_queries(1):
            body = anon_client.get(f"/api/v1/videos/{public_id}/consent").json()
        assert (body["remix"]["allowed"], body["source"]) == (allowed, source)
    other = make_video(make_user("nopolicy"))
    with django_assert_num_queries(1):
        body = anon_client.get(f"/api/v1/videos/{other.public_id}/consent").json()
    assert (body["remix"]["allowed"], body["source"]) == (False, "account")


def test_public_consent_at_a_past_instant_and_bad_instants(anon_client, creator):
    video = make_video(creator)
    url = f"/api/v1/videos/{video.public_id}/consent"
    assert anon_client.get(url, {"at": "yesterday"}).json()["error"] == "invalid_request"
    assert anon_client.get(url, {"at": "2001-01-01T00:00:00Z"}).status_code == 404
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    now = anon_client.get(url).json()
    assert now["remix"]["allowed"] is True and now["ledger_seq"] == 1


@pytest.mark.parametrize(
    "at",
    [
        "9999-12-31T23:59:59.999999-23:59",  # overflows datetime when converted to UTC
        "0001-01-01T00:00:00+23:59",
        "2024-02-30T00:00:00Z",
        "2024-01-01T00:00:00+99:00",
    ],
)
def test_out_of_range_instants_are_400_not_500(anon_client, creator, at):
    video = make_video(creator)
    response = anon_client.get(f"/api/v1/videos/{video.public_id}/consent", {"at": at})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_private_and_unknown_videos_are_404(anon_client, creator):
    private = make_video(creator, visibility=Video.Visibility.PRIVATE)
    for public_id in (private.public_id, "doesnotexist"):
        response = anon_client.get(f"/api/v1/videos/{public_id}/consent")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/me/consent"),
        ("put", "/api/v1/me/consent"),
        ("post", "/api/v1/me/videos/consent"),
        ("get", "/api/v1/me/videos"),
        ("get", "/api/v1/me/ledger"),
    ],
)
def test_owner_endpoints_need_auth(anon_client, method, url):
    response = send(anon_client, method, url, {})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_revoked_or_wrong_tokens_are_401(creator):
    record, token = api_token_create(user=creator, name="x")
    api_token_revoke(user=creator, token_id=record.id)
    for value in (token, "chub_wrong", "garbage"):
        response = Client(headers={"Authorization": f"Bearer {value}"}).get("/api/v1/me/consent")
        assert response.status_code == 401


def test_history_is_owner_only(api, other_creator, creator):
    theirs = make_video(other_creator)
    response = api.get(f"/api/v1/videos/{theirs.public_id}/consent/history")
    assert response.status_code == 404
    mine = make_video(creator)
    assert api.get(f"/api/v1/videos/{mine.public_id}/consent/history").json()["results"] == []


def test_put_policy_round_trip(api, creator):
    body = {
        "remix": {
            "allowed": True,
            "scopes": {"caption": True, "background": False, "face": True, "voice": False},
            "audience": "followers",
        },
        "training": {"allowed": True, "companies": ["Acme AI"]},
        "reason": "trying the API",
    }
    response = send(api, "put", "/api/v1/me/consent", body)
    assert response.status_code == 200, response.json()
    got = api.get("/api/v1/me/consent").json()
    assert got["remix"] == body["remix"] | {"mode": "allow"}
    assert got["training"] == body["training"]
    entry = LedgerEntry.objects.get(creator=creator)
    assert (entry.action, entry.reason) == ("api", "trying the API")


def test_session_auth_works_with_csrf(creator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(creator)
    assert client.get("/api/v1/me/consent").status_code == 200
    response = send(
        client,
        "put",
        "/api/v1/me/consent",
        {"remix": {"allowed": False}, "training": {"allowed": False}},
    )
    assert response.status_code in {401, 403}
    assert not LedgerEntry.objects.exists()


def test_bulk_by_ids_filter_and_all(api, creator):
    make_videos(creator, 30, tag="a")
    make_videos(creator, 20, tag="b")
    ids = list(Video.objects.filter(owner=creator).values_list("public_id", flat=True)[:3])
    r = send(api, "post", "/api/v1/me/videos/consent", {"selection": {"ids": ids}, "remix": "deny"})
    assert r.json() == {"changed": 3, "selected": 3, "ledger_seq": 1}
    r = send(
        api,
        "post",
        "/api/v1/me/videos/consent",
        {
            "selection": {"filter": {"tag": "b"}},
            "remix": "allow",
            "scopes": {"caption": True},
            "audience": "everyone",
        },
    )
    assert r.json()["selected"] == 20
    r = send(
        api, "post", "/api/v1/me/videos/consent", {"selection": {"all": True}, "remix": "inherit"}
    )
    assert r.json()["selected"] == 50
    assert not VideoOverride.objects.exists()


def test_foreign_ids_change_nothing(api, creator, other_creator):
    mine = make_video(creator)
    theirs = make_video(other_creator)
    r = send(
        api,
        "post",
        "/api/v1/me/videos/consent",
        {"selection": {"ids": [mine.public_id, theirs.public_id]}, "remix": "deny"},
    )
    assert r.status_code == 400
    assert r.json()["error"] == "unknown_videos"
    assert not VideoOverride.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[]",
        '"text"',
        json.dumps({"selection": {"all": True}, "remix": "deny", "extra": 1}),
        json.dumps({"selection": {"all": True}, "remix": "maybe"}),
        json.dumps({"selection": {"all": True, "ids": ["x"]}, "remix": "deny"}),
        json.dumps({"selection": {}, "remix": "deny"}),
        json.dumps({"selection": {"ids": "abc"}, "remix": "deny"}),
        json.dumps({"selection": {"ids": [1, 2]}, "remix": "deny"}),
        json.dumps({"selection": {"ids": ["x"] * 1001}, "remix": "deny"}),
        json.dumps({"selection": {"filter": {"created_before": "soon"}}, "remix": "deny"}),
        json.dumps({"selection": {"all": True}, "remix": "deny", "scopes": {"caption": True}}),
        json.dumps({"selection": {"all": True}, "remix": "allow", "scopes": {"caption": "yes"}}),
        json.dumps({"selection": {"all": True}, "remix": "allow", "scopes": {"smell": True}}),
    ],
)
def test_bad_bulk_bodies_are_400_json_and_change_nothing(api, creator, raw):
    make_videos(creator, 3)
    r = send(api, "post", "/api/v1/me/videos/consent", raw=raw)
    assert r.status_code == 400, r.content
    body = r.json()
    assert set(body) == {"error", "detail"} and body["detail"]
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"remix": {"allowed": "true"}, "training": {"allowed": False}},
        {"remix": {"allowed": True, "scopes": {}}, "training": {"allowed": False}},
        {"remix": {"allowed": False, "audience": "aliens"}, "training": {"allowed": False}},
        {"remix": {"allowed": False}, "training": {"allowed": True, "companies": ["x" * 200]}},
        {"remix": {"allowed": False}},
        {"remix": {"allowed": False}, "training": {"allowed": False}, "hacker": True},
    ],
)
def test_bad_policy_bodies_are_400(api, body):
    r = send(api, "put", "/api/v1/me/consent", body)
    assert r.status_code == 400, r.content
    assert r.json()["error"] in {"invalid_request", "no_scopes"}
    assert not LedgerEntry.objects.exists()


def test_my_videos_paginated_with_consent(api, creator, django_assert_max_num_queries):
    make_videos(creator, 250, tag="x")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/me/videos", {"page": 2, "tag": "x"}).json()
    assert body["count"] == 250 and body["pages"] == 3 and len(body["results"]) == 100
    assert body["results"][0]["consent"]["remix"]["allowed"] is True
    assert api.get("/api/v1/me/videos", {"page": 9}).status_code == 404
    assert api.get("/api/v1/me/videos", {"page": "x"}).status_code == 400
    assert api.get("/api/v1/me/videos", {"page": 0}).status_code == 400


def test_my_ledger(api, creator):
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    body = api.get("/api/v1/me/ledger").json()
    assert body["count"] == 1
    assert body["results"][0]["seq"] == 1 and len(body["results"][0]["hash"]) == 64


def test_openapi_schema_is_served(anon_client):
    schema = anon_client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me/videos/consent" in schema["paths"]


def test_create_api_token_command_prints_only_the_token(creator, capsys):
    call_command("create_api_token", "creator")
    out = capsys.readouterr().out.strip()
    assert out.startswith("chub_") and "\n" not in out
    assert (
        Client(headers={"Authorization": f"Bearer {out}"}).get("/api/v1/me/consent").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        (
            "put",
            "/api/v1/me/consent",
            {"remix": {"allowed": False}, "training": {"allowed": False}, "reason": "a\x00b"},
        ),
        (
            "put",
            "/api/v1/me/consent",
            {"remix": {"allowed": False}, "training": {"allowed": True, "companies": ["\x00"]}},
        ),
        (
            "post",
            "/api/v1/me/videos/consent",
            {"selection": {"filter": {"q": "x\x00"}}, "remix": "deny"},
        ),
    ],
)
def test_nul_characters_are_400_not_500(api, method, url, body):
    response = send(api, method, url, body)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert not LedgerEntry.objects.exists()


def test_nul_in_query_is_400(api):
    assert api.get("/api/v1/me/videos", {"q": "a\x00"}).status_code == 400


def test_allow_with_no_kinds_is_refused(api, creator):
    make_video(creator)
    r = send(
        api,
        "post",
        "/api/v1/me/videos/consent",
        {"selection": {"all": True}, "remix": "allow", "scopes": {"caption": False}},
    )
    assert r.status_code == 400 and r.json()["error"] == "no_scopes"
    assert not VideoOverride.objects.exists()


@pytest.mark.parametrize("url", ["/api/v1/videos//consent", "/api/v1/remixes/", "/api/v1/nope"])
def test_unknown_api_paths_are_json_404(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "No such API endpoint."}
