"""Every moderation changelist is a fixed number of queries, pinned with 500+ rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent import services as consent_services
from consent.models import LedgerEntry
from consent.tests.factories import policy
from creatorhub.accounts.models import User
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos
from moderation.models import ModerationAction, Report
from moderation.tests.factories import published_remix
from remixer.models import Remix

pytestmark = pytest.mark.django_db
ROWS = 520


@pytest.fixture
def lots(creator, viewer, moderator, other_creator):
    """520+ rows of everything: users, videos, remixes, reports, ledger entries, audit."""
    published = published_remix(creator, other_creator)
    User.objects.bulk_create(
        [User(username=f"user{index}", email=f"u{index}@example.com") for index in range(ROWS)]
    )
    reporters = list(User.objects.filter(username__startswith="user").order_by("id"))
    make_videos(creator, ROWS, title="Clip")
    videos = list(Video.objects.filter(owner=creator).order_by("id")[:ROWS])
    remixes = Remix.objects.bulk_create(
        [
            Remix(
                requester=reporters[index],
                video=videos[index],
                creator_id=videos[index].owner_id,
                template="caption",
                scopes=1,
                status=Remix.Status.PUBLISHED,
            )
            for index in range(ROWS)
        ]
    )
    Report.objects.bulk_create(
        [
            Report(reporter=reporters[index], remix=remixes[index], reason="harassment")
            for index in range(ROWS)
        ]
        + [Report(reporter=viewer, remix=published, reason="deepfake")]
    )
    for index in range(ROWS // 2):
        consent_services.consent_set_policy(
            creator=creator, actor=creator, change=policy(index % 2 == 0)
        )
        consent_services.consent_set_policy(
            creator=other_creator, actor=other_creator, change=policy(index % 2 == 0)
        )
    ModerationAction.objects.bulk_create(
        [
            ModerationAction(
                moderator=moderator,
                action="takedown",
                note=f"n{index}",
                target="t",
                remix=remixes[index],
                report_id=None,
                creator=creator,
                ledger_entry=LedgerEntry.objects.filter(creator=creator).first(),
                created_at=timezone.now(),
            )
            for index in range(ROWS)
        ]
    )
    return remixes


# Queries: session, user, the user's and the group's permissions, the filtered count (no full
# count), the page of rows with its select_related joins and annotations (open reports,
# effective consent). None of them depends on the number of rows.
CHANGELISTS = [
    ("admin:moderation_report_changelist", 6),
    ("admin:remixer_remix_changelist", 6),
    ("admin:consent_ledgerentry_changelist", 6),
    ("admin:videos_video_changelist", 8),  # + the date hierarchy's range and months
    ("admin:accounts_user_changelist", 7),  # + the full count (Django's UserAdmin shows it)
    ("admin:moderation_moderationaction_changelist", 6),
]


@pytest.mark.parametrize(("page", "queries"), CHANGELISTS)
def test_changelist_query_counts(lots, moderator, page, queries, django_assert_num_queries):
    client = Client()
    client.force_login(moderator)
    with django_assert_num_queries(queries):
        response = client.get(reverse(page))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count >= ROWS
    assert len(changelist.result_list) == changelist.list_per_page


def test_filtered_queue_and_dashboard_query_counts(lots, moderator, django_assert_num_queries):
    client = Client()
    client.force_login(moderator)
    with django_assert_num_queries(6):
        response = client.get(
            reverse("admin:moderation_report_changelist")
            + "?status__exact=open&reason__exact=harassment"
        )
    assert response.context["cl"].result_count == ROWS
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:moderation_dashboard") + "?days=30")
    assert response.context["figures"].open_total == ROWS + 1
