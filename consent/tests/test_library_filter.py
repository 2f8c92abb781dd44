"""The library's consent-state filter: combinable with the others, and with "all N matching"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent import services
from consent.models import VideoOverride
from consent.tests.factories import ALLOW, DENY, policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def library(creator):
    make_videos(creator, 6, tag="travel", title="Trip")
    make_videos(creator, 4, tag="food", title="Dish")
    services.consent_set_policy(creator=creator, actor=creator, change=policy())
    trips = Video.objects.filter(owner=creator, title__startswith="Trip").order_by("id")
    services.consent_set_videos(
        creator=creator, actor=creator, videos=trips.filter(id__in=trips[:2]), state=DENY
    )
    dishes = Video.objects.filter(owner=creator, title__startswith="Dish").order_by("id")
    services.consent_set_videos(
        creator=creator, actor=creator, videos=dishes.filter(id__in=dishes[:1]), state=ALLOW
    )
    return creator


@pytest.mark.parametrize(
    ("state", "tag", "count"),
    [
        ("allowed", "", 8),
        ("denied", "", 2),
        ("own", "", 3),
        ("default", "", 7),
        ("denied", "travel", 2),
        ("own", "food", 1),
        ("denied", "food", 0),
    ],
)
def test_filter_by_consent_state(creator_client, library, state, tag, count):
    page = creator_client.get(reverse("videos:library"), {"consent": state, "tag": tag})
    assert page.context["page"].paginator.count == count


def test_a_bad_consent_state_is_shown_and_ignored(creator_client, library):
    page = creator_client.get(reverse("videos:library"), {"consent": "maybe"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 10
    assert "consent:" in page.text  # the error is listed above the results


def test_select_all_matching_a_consent_state_changes_exactly_those(creator_client, library):
    response = creator_client.post(
        reverse("consent:bulk"),
        {
            "remix": "inherit",
            "select_all_matching": "1",
            "filter_consent": "own",
            "filter_tag": "travel",
        },
        headers=HX,
    )
    assert "Account default restored for 2 videos." in response.text
    assert VideoOverride.objects.filter(creator=library).count() == 1
    assert VideoOverride.objects.get(creator=library).video.title.startswith("Dish")


def test_select_all_matching_with_a_bad_consent_state_changes_nothing(creator_client, library):
    response = creator_client.post(
        reverse("consent:bulk"),
        {"remix": "deny", "select_all_matching": "1", "filter_consent": "maybe"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "Nothing was changed" in response.text
    assert VideoOverride.objects.filter(creator=library).count() == 3
