"""GET /api/v1/me/likeness/matches: the caller's own matches, by session or token."""

from __future__ import annotations

import pytest
from django.test import Client

from creatorhub.accounts.tests.factories import make_user
from creatorhub.accounts.tokens import api_token_create
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video
from likeness.matches_api import MATCHES_API_PAGE
from likeness.tests.factories import match

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/likeness/matches"


def test_my_matches_in_other_creators_public_videos(viewer_client, viewer, creator):
    public = make_video(creator, title="Public")
    match(viewer, public, 0.3123456)
    match(viewer, make_video(creator, visibility=Video.Visibility.PRIVATE), 0.2)
    match(viewer, make_video(viewer, title="Mine"), 0.2)
    match(make_user("stranger"), make_video(creator, title="Theirs"), 0.2)
    body = viewer_client.get(URL).json()
    assert body["count"] == 1 and body["pages"] == 1 and body["page"] == 1
    [row] = body["results"]
    assert row["video"] == public.public_id and row["creator"] == "creator"
    assert row["distance"] == 0.3123 and row["confidence"] == "strong"
    assert row["refused"] == 0 and row["allowed"] is False
    assert row["found_at"]


def test_a_token_reads_its_owners_matches(viewer, creator):
    match(viewer, make_video(creator))
    token = api_token_create(user=viewer, name="t")[1]
    response = Client().get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_empty_and_anonymous(viewer_client):
    assert viewer_client.get(URL).json() == {"count": 0, "page": 1, "pages": 1, "results": []}
    response = Client().get(URL)
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"


def test_pages(viewer_client, viewer, creator, django_assert_num_queries):
    for n in range(MATCHES_API_PAGE + 1):
        match(viewer, make_video(creator, title=f"Clip {n}"))
    with django_assert_num_queries(4):  # session, user, count, page
        first = viewer_client.get(URL).json()
    assert len(first["results"]) == MATCHES_API_PAGE and first["pages"] == 2
    assert len(viewer_client.get(URL + "?page=2").json()["results"]) == 1
    beyond = viewer_client.get(URL + "?page=3")
    assert beyond.status_code == 404 and beyond.json()["error"] == "not_found"
    assert viewer_client.get(URL + "?page=0").status_code == 400
    assert viewer_client.get(URL + "?page=x").status_code == 400
