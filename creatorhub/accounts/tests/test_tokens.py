"""API token scopes, expiry and last use (issue 12 item 5)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent import services
from consent.models import LedgerEntry
from consent.tests.factories import policy
from creatorhub.accounts.models import ApiToken
from creatorhub.accounts.tokens import api_token_create
from creatorhub.api import api
from remixer.models import Remix
from remixer.tests.factories import CAPTION, make_postered_video

pytestmark = pytest.mark.django_db

POLICY = {
    "remix": {"allowed": True, "scopes": {"caption": True}, "audience": "everyone"},
    "training": {"allowed": False},
}


def bearer(user, *scopes: str, **kwargs) -> Client:
    token = api_token_create(user=user, name="t", scopes=scopes or None, **kwargs)[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def send(client: Client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def write_operations() -> list[tuple[str, str]]:
    """Every authenticated write of the API, from its own OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method != "get" and operation.get("security")
    ]


def test_there_are_write_endpoints_to_check():
    assert {path for _, path in write_operations()} == {
        "/api/v1/me/consent",
        "/api/v1/me/consent/rules",
        "/api/v1/me/videos",
        "/api/v1/me/videos/consent",
        "/api/v1/me/videos/{public_id}/consent/rules",
        "/api/v1/me/remix-requests/decide",
        "/api/v1/videos/{public_id}/remixes",
        "/api/v1/me/likeness",
        "/api/v1/me/likeness/photos",
        "/api/v1/me/likeness/consent",
        "/api/v1/me/likeness/allowances/{public_id}",
    }


def test_a_read_only_token_gets_403_on_every_write_and_changes_nothing(creator, viewer):
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = make_postered_video(creator)
    entries = LedgerEntry.objects.count()
    for user in (creator, viewer):
        client = bearer(user, "read")
        for method, path in write_operations():
            url = path.replace("{public_id}", video.public_id)
            body = {"template": "caption", "inputs": CAPTION} if "remixes" in path else POLICY
            response = send(client, method, url, body)
            assert response.status_code == 403, (method, path)
            assert response.json()["error"] == "insufficient_scope"
            assert set(response.json()) == {"error", "detail"}
        assert client.get("/api/v1/me/consent").status_code == 200
    assert LedgerEntry.objects.count() == entries
    assert not Remix.objects.exists()


def test_a_consent_token_changes_consent_but_requests_no_remix(creator, other_creator):
    client = bearer(creator, "read", "consent:write")
    assert send(client, "put", "/api/v1/me/consent", POLICY).status_code == 200
    response = send(
        client, "post", "/api/v1/me/videos/consent", {"selection": {"all": True}, "remix": "deny"}
    )
    assert response.status_code == 200
    video = make_postered_video(other_creator)
    services.consent_set_policy(creator=other_creator, actor=other_creator, change=policy())
    response = send(
        client,
        "post",
        f"/api/v1/videos/{video.public_id}/remixes",
        {"template": "caption", "inputs": CAPTION},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert not Remix.objects.exists()


def test_a_token_without_read_cannot_read(creator):
    client = bearer(creator, "consent:write")
    response = client.get("/api/v1/me/consent")
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert send(client, "put", "/api/v1/me/consent", POLICY).status_code == 200


def test_default_tokens_have_full_access(creator, viewer):
    record, token = api_token_create(user=viewer, name="t")
    assert record.scopes == ApiToken.FULL_ACCESS == "read write"
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    video = make_postered_video(creator)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"template": "caption", "inputs": CAPTION}
    assert (
        send(client, "post", f"/api/v1/videos/{video.public_id}/remixes", body).status_code == 201
    )
    assert send(bearer(creator), "put", "/api/v1/me/consent", POLICY).status_code == 200


def test_expired_tokens_are_401(creator):
    record, token = api_token_create(user=creator, name="t", expires_in_days=1)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/me/consent").status_code == 200
    ApiToken.objects.filter(id=record.id).update(expires_at=timezone.now() - dt.timedelta(1))
    response = client.get("/api/v1/me/consent")
    assert response.status_code == 401
    assert response.json()["error"] == "token_expired"
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scopes": ["admin"]}, "Unknown scope"),
        ({"scopes": []}, "at least one scope"),
        ({"expires_in_days": 0}, "between 1 and"),
        ({"expires_in_days": 100_000}, "between 1 and"),
    ],
)
def test_bad_scopes_or_expiry_create_nothing(creator, kwargs, message):
    with pytest.raises(ValueError, match=message):
        api_token_create(user=creator, name="t", **kwargs)
    assert not ApiToken.objects.exists()


def test_last_used_is_written_at_most_once_a_minute(creator, django_assert_num_queries):
    record, token = api_token_create(user=creator, name="t")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert record.last_used_at is None
    client.get("/api/v1/me/consent")
    record.refresh_from_db()
    first = record.last_used_at
    assert first is not None
    # the address's lockout (axes), the token, the policy — and no UPDATE of the token
    with django_assert_num_queries(3):
        client.get("/api/v1/me/consent")
    record.refresh_from_db()
    assert record.last_used_at == first
    ApiToken.objects.filter(id=record.id).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/v1/me/consent")
    record.refresh_from_db()
    assert record.last_used_at > first - dt.timedelta(minutes=2)


def test_command_scopes_and_expiry(creator, capsys):
    call_command(
        "create_api_token", "creator", "--scope", "read", "--scope", "consent:write",
        "--expires-days", "30",
    )  # fmt: skip
    token = capsys.readouterr().out.strip()
    assert token.startswith("chub_") and "\n" not in token
    record = ApiToken.objects.get()
    assert record.scope_list == ["read", "consent:write"]
    assert record.expires_at - timezone.now() > dt.timedelta(days=29, hours=23)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/me/consent").status_code == 200


@pytest.mark.parametrize(
    "args", [["--scope", "admin"], ["--expires-days", "0"], ["--expires-days", "soon"]]
)
def test_command_refuses_bad_options(creator, args):
    with pytest.raises(CommandError):
        call_command("create_api_token", "creator", *args)
    assert not ApiToken.objects.exists()


def test_settings_page_creates_with_scopes_and_expiry_and_lists_them(creator_client, creator):
    url = reverse("accounts:settings")
    form = creator_client.get(url).text
    assert 'name="scopes" value="read" checked' in form
    assert 'name="scopes" value="consent:write" >' in form
    response = creator_client.post(
        url, {"name": "consent bot", "scopes": ["read", "consent:write"], "expires_days": "30"}
    )
    assert 'data-testid="new-token"' in response.text
    record = ApiToken.objects.get(user=creator)
    assert (record.name, record.scopes) == ("consent bot", "read consent:write")
    assert record.expires_at is not None
    row = response.text.split('data-testid="token-row"')[1]
    assert "consent bot" in row and ">read<" in row and ">consent:write<" in row
    assert record.expires_at.strftime("%b") in row and "never" in row  # expires; never used


def test_settings_tokens_create_and_revoke(creator_client, creator, other_creator):
    response = creator_client.post(
        reverse("accounts:settings"), {"name": "scheduler", "scopes": ["read", "write"]}
    )
    assert 'data-testid="new-token"' in response.text
    token = creator.api_tokens.get()
    theirs, _ = api_token_create(user=other_creator, name="theirs")
    creator_client.post(reverse("accounts:settings"), {"revoke": theirs.id})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    creator_client.post(reverse("accounts:settings"), {"revoke": "not-a-number"})
    creator_client.post(reverse("accounts:settings"), {"revoke": token.id})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "scopes": ["root"]},
        {"name": "x"},  # no scope ticked
        {"name": "x", "scopes": ["read"], "expires_days": "²"},
        {"name": "x", "scopes": ["read"], "expires_days": "-3"},
        {"name": "x", "scopes": ["read"], "expires_days": "99999"},
    ],
)
def test_settings_page_refuses_bad_input_and_creates_nothing(creator_client, data):
    response = creator_client.post(reverse("accounts:settings"), data)
    assert response.status_code == 200
    assert 'data-testid="new-token"' not in response.text
    assert 'class="message error"' in response.text or "error" in response.text
    assert not ApiToken.objects.exists()
