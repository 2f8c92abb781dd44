from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from creatorhub.videos.tests.factories import make_video, make_videos

pytestmark = pytest.mark.django_db
URL = reverse("videos:library")


def test_library_needs_login(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_empty_state_for_new_creator(creator_client):
    page = creator_client.get(URL)
    assert "Your library is empty" in page.text
    assert "Upload a video" in page.text


def test_lists_only_own_videos(creator_client, creator, other_creator):
    make_video(creator, title="Mine")
    make_video(other_creator, title="Theirs")
    page = creator_client.get(URL)
    assert "Mine" in page.text
    assert "Theirs" not in page.text


def test_search_tag_and_date_filters(creator_client, creator):
    now = timezone.now()
    make_video(creator, title="Pasta night", tags=["cooking"], created_at=now)
    make_video(creator, title="Beach day", tags=["travel"], created_at=now - dt.timedelta(days=400))
    make_video(
        creator,
        title="Pasta again",
        description="more",
        tags=["cooking"],
        created_at=now - dt.timedelta(days=30),
    )

    def titles(**params):
        page = creator_client.get(URL, params)
        return {v.title for v in page.context["page"].object_list}

    assert titles(q="pasta") == {"Pasta night", "Pasta again"}
    assert titles(tag="travel") == {"Beach day"}
    assert titles(after=(now - dt.timedelta(days=60)).date().isoformat()) == {
        "Pasta night",
        "Pasta again",
    }
    assert titles(before=(now - dt.timedelta(days=60)).date().isoformat()) == {"Beach day"}
    assert titles(q="pasta", before=(now - dt.timedelta(days=1)).date().isoformat()) == {
        "Pasta again"
    }


def test_sorting(creator_client, creator):
    now = timezone.now()
    make_video(creator, title="B", created_at=now - dt.timedelta(days=1), duration=5)
    make_video(creator, title="A", created_at=now - dt.timedelta(days=2), duration=50)
    make_video(creator, title="C", created_at=now, duration=20)

    def order(sort):
        return [
            v.title for v in creator_client.get(URL, {"sort": sort}).context["page"].object_list
        ]

    assert order("newest") == ["C", "B", "A"]
    assert order("oldest") == ["A", "B", "C"]
    assert order("title") == ["A", "B", "C"]
    assert order("-title") == ["C", "B", "A"]
    assert order("longest") == ["A", "C", "B"]


def test_bad_filter_values_are_reported_not_500(creator_client, creator):
    make_video(creator, title="Still listed")
    page = creator_client.get(URL, {"after": "not-a-date", "sort": "bogus", "page": "x"})
    assert page.status_code == 200
    assert "Still listed" in page.text
    assert "Some filters were ignored" in page.text


def test_htmx_request_gets_only_the_results_region(creator_client, creator):
    make_video(creator, title="Region row")
    response = creator_client.get(URL, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="results"')
    assert "Region row" in response.text
    assert "<html" not in response.text


def test_pagination_and_select_all_matching_affordance(creator_client, creator):
    make_videos(creator, 120, tag="bulk")
    page = creator_client.get(URL, {"tag": "bulk", "page": 2})
    assert page.context["page"].number == 2
    assert len(page.context["page"].object_list) == 50
    assert "Select all 120 matching" in page.text
    assert 'data-total="120"' in page.text
    assert "Page 2 of 3" in page.text


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "partial"])
def test_query_count_does_not_grow_with_library(
    creator_client, creator, django_assert_num_queries, htmx
):
    make_videos(creator, 1000, tag="travel")
    headers = {"HX-Request": "true"} if htmx else {}
    # session, user, count, page of videos, their tags, the page's consent overrides, the
    # creator's policy (+ the tag list on the full page)
    with django_assert_num_queries(7 if htmx else 8):
        response = creator_client.get(URL, {"tag": "travel", "page": 3}, headers=headers)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50


def test_unfiltered_count_comes_from_the_counter_and_matches_reality(
    creator_client, creator, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from creatorhub.videos.models import LibraryStats, Video
    from creatorhub.videos.tests.factories import image_bytes

    make_videos(creator, 7)
    creator_client.post(
        reverse("videos:upload"),
        {"file": SimpleUploadedFile("a.png", image_bytes()), "visibility": "public"},
    )
    creator_client.post(
        reverse("videos:import"), {"file": SimpleUploadedFile("x.csv", b"title\nA\nB\n")}
    )
    from creatorhub.videos.models import VideoImport

    creator_client.post(reverse("videos:import_preview", args=[VideoImport.objects.get().id]))
    victim = Video.objects.filter(owner=creator).first()
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post(reverse("videos:delete", args=[victim.public_id]))
    actual = Video.objects.filter(owner=creator).count()
    assert actual == 7 + 1 + 2 - 1
    assert LibraryStats.objects.get(owner=creator).video_count == actual
    assert creator_client.get(URL).context["page"].paginator.count == actual
