from __future__ import annotations

import pytest
from django.urls import reverse

from creatorhub.accounts.models import Follow, User
from creatorhub.accounts.tests.factories import PASSWORD
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video

pytestmark = pytest.mark.django_db


def test_signup_creates_account_and_logs_in(anon_client):
    response = anon_client.post(
        reverse("accounts:signup"),
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("videos:library")
    assert User.objects.filter(username="newbie").exists()
    library = anon_client.get(reverse("videos:library"))
    assert "Your library is empty" in library.text


def test_signup_with_mismatched_passwords_creates_nothing(anon_client):
    response = anon_client.post(
        reverse("accounts:signup"),
        {"username": "newbie", "password1": PASSWORD, "password2": "different-pass-123"},
    )
    assert response.status_code == 400
    assert "didn’t match" in response.text or "didn't match" in response.text
    assert not User.objects.filter(username="newbie").exists()


def test_login_page_uses_django_login_view_fields(anon_client, creator):
    page = anon_client.get("/accounts/login/")
    assert 'name="username"' in page.text and 'name="password"' in page.text
    response = anon_client.post("/accounts/login/", {"username": "creator", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_a_post(creator_client):
    response = creator_client.post(reverse("logout"))
    assert response.status_code == 302
    assert creator_client.get(reverse("videos:library")).status_code == 302


def test_password_change(creator_client, creator):
    response = creator_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-42",
            "new_password2": "brand-new-pass-42",
        },
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.check_password("brand-new-pass-42")


def test_profile_lists_only_public_videos(anon_client, creator):
    make_video(creator, title="Public one")
    make_video(creator, title="Secret one", visibility=Video.Visibility.PRIVATE)
    page = anon_client.get(reverse("videos:profile", args=["creator"]))
    assert page.status_code == 200
    assert "Public one" in page.text
    assert "Secret one" not in page.text


def test_unknown_profile_is_404(anon_client, db):
    assert anon_client.get("/@nobody-here/").status_code == 404


def test_follow_and_unfollow_with_htmx(creator, viewer, client):
    client.force_login(viewer)
    url = reverse("accounts:follow", args=[creator.username])
    response = client.post(url, {"follow": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Unfollow" in response.text
    assert Follow.objects.filter(follower=viewer, followed=creator).exists()
    client.post(url, {"follow": "1"}, headers={"HX-Request": "true"})
    assert Follow.objects.filter(follower=viewer, followed=creator).count() == 1
    response = client.post(url, {"follow": "0"}, headers={"HX-Request": "true"})
    assert "Follow" in response.text
    assert not Follow.objects.filter(follower=viewer, followed=creator).exists()


def test_cannot_follow_yourself(creator_client, creator):
    creator_client.post(reverse("accounts:follow", args=[creator.username]), {"follow": "1"})
    assert not Follow.objects.exists()


def test_follow_needs_login(anon_client, creator):
    response = anon_client.post(
        reverse("accounts:follow", args=[creator.username]), {"follow": "1"}
    )
    assert response.status_code == 302
    assert not Follow.objects.exists()
