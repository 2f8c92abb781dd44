"""Login throttling (django-axes, issue 12 item 4): lockout per username + IP address, a clear
page, unlock in the admin, and wrong API tokens counted per address too. Axes stays enabled."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from creatorhub.accounts.tests.factories import PASSWORD, make_user
from creatorhub.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db

LIMIT = 5  # settings.AXES_FAILURE_LIMIT


@pytest.fixture
def maya(db):
    return make_user("maya")


def attempt(password: str, *, username: str = "maya", ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": username, "password": password}
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def fail(times: int, **kwargs) -> None:
    for _ in range(times):
        assert attempt("wrong", **kwargs).status_code in (200, 429)


def pass_time(minutes: int) -> None:
    """The clock: move every recorded failure into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_forty_wrong_passwords_then_the_right_one_does_not_log_in(maya):
    fail(40)
    response = attempt(PASSWORD)
    assert response.status_code == 429
    assert not logged_in(response)
    assert 'data-testid="locked-out"' in response.text
    assert "Too many failed log-in attempts" in response.text
    assert "15 minutes" in response.text
    assert response.headers["Retry-After"] == "900"
    assert '<form method="post"' in response.text  # the login page, not a bare text


def test_the_limit_is_reached_on_the_fifth_failure(maya):
    fail(LIMIT - 1)
    assert attempt("wrong").status_code == 429
    assert not logged_in(attempt(PASSWORD))


def test_fewer_failures_still_log_in_and_success_resets_the_count(maya):
    fail(LIMIT - 1)
    assert logged_in(attempt(PASSWORD))
    fail(LIMIT - 1)
    assert logged_in(attempt(PASSWORD))


def test_the_lockout_is_per_username_and_address(maya):
    make_user("sam")
    fail(LIMIT)
    assert not logged_in(attempt(PASSWORD))
    assert logged_in(attempt(PASSWORD, ip="10.0.0.2"))
    assert logged_in(attempt(PASSWORD, username="sam"))


def test_the_lockout_ends_after_the_cool_off(maya):
    fail(LIMIT)
    pass_time(14)
    assert not logged_in(attempt(PASSWORD))  # and that try restarts the wait
    pass_time(16)
    assert logged_in(attempt(PASSWORD))


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_is_a_setting(maya):
    fail(2)
    assert not logged_in(attempt(PASSWORD))


def test_the_admin_login_is_throttled_too(maya):
    maya.is_staff = True
    maya.save()
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(LIMIT):
        client.post(reverse("admin:login"), {"username": "maya", "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": "maya", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_moderator_unlocks_in_the_admin(maya, moderator_client):
    fail(LIMIT)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = moderator_client.get(changelist)
    assert page.status_code == 200 and "maya" in page.text
    locked = AccessAttempt.objects.get(username="maya")
    response = moderator_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert logged_in(attempt(PASSWORD))


def test_staff_outside_moderators_cannot_see_lockouts(maya):
    fail(LIMIT)
    staff = make_user("staffer", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


# Bearer tokens: wrong ones count per address, and a locked address gets the JSON error.


def bearer(token: str, ip: str = "10.0.0.9") -> Client:
    return Client(REMOTE_ADDR=ip, headers={"Authorization": f"Bearer {token}"})


def test_wrong_tokens_lock_the_address_out_of_token_auth(maya):
    token = api_token_create(user=maya, name="t")[1]
    for _ in range(LIMIT - 1):
        response = bearer("chub_guess").get("/api/v1/me/consent")
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
    response = bearer("chub_guess").get("/api/v1/me/consent")
    assert response.status_code == 429
    assert response.json() == {
        "error": "locked_out",
        "detail": "Too many failed attempts from this address; try again in 15 minutes.",
    }
    # Locked: even the right token, on any endpoint, until the cool-off has passed.
    response = bearer(token).get("/api/v1/me/consent")
    assert response.status_code == 429
    assert set(response.json()) == {"error", "detail"}
    assert bearer(token, ip="10.0.0.10").get("/api/v1/me/consent").status_code == 200
    # A browser login for a real user from that address is a different (username, IP) pair.
    assert logged_in(attempt(PASSWORD, ip="10.0.0.9"))
    pass_time(16)
    assert bearer(token).get("/api/v1/me/consent").status_code == 200


def test_valid_tokens_do_not_count(maya):
    token = api_token_create(user=maya, name="t")[1]
    for _ in range(LIMIT + 2):
        assert bearer(token).get("/api/v1/me/consent").status_code == 200
    assert not AccessAttempt.objects.exists()
