"""Pages and API lists that list things, or compute consent, run a fixed number of queries:
each is pinned at two data sizes, so a query per row (or per template tag) shows up as a
difference between them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from consent import services as consent_services
from consent.tests.factories import policy
from creatorhub.accounts.tokens import api_token_create
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos
from remixer.models import Notification, Remix
from remixer.tests.factories import remix_row

pytestmark = pytest.mark.django_db


def grow(creator, viewer, rows: int) -> None:
    """`rows` more of everything the pages list: videos (each remixed once by the viewer,
    published), notifications for both, and consent changes in the creator's ledger (an even
    number, ending allowed)."""
    make_videos(creator, rows, title="Clip")
    videos = list(Video.objects.filter(owner=creator, remixes__isnull=True).order_by("id"))
    remixes = Remix.objects.bulk_create(
        remix_row(viewer, video, status=Remix.Status.PUBLISHED, output=f"remixes/{index}/v1.jpg")
        for index, video in enumerate(videos)
    )
    Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=Notification.Kind.PUBLISHED, remix=remix, message="m")
            for remix in remixes
            for user in (creator, viewer)
        ]
    )
    for index in range(rows):
        consent_services.consent_set_policy(
            creator=creator, actor=creator, change=policy(index % 2 == 1)
        )


def queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


# What each page reads, whatever the size (after the first request: caches warm).
PAGES = [
    # AI-usage headers (video, owner, policy), the video, its tags, its consent (overrides, policy)
    ("anonymous", "watch", 5),
    # + session, user, and the creator's backdrops for the remix form
    ("viewer", "watch", 8),
    # the creator, public video count, followers, following, a page of videos
    ("anonymous", "/@creator/", 5),
    # session, user, count, regeneration in progress, recent ledger seqs, regeneration since,
    # a page of remixes with their videos and requesters
    ("creator", "/remixes/of-my-work/", 7),
    # session, user, count, a page of remixes with their videos
    ("viewer", "/remixes/mine/", 4),
    # session, user, count, a page of notifications with their remixes
    ("creator", "/inbox/", 4),
    # session, user, count, a page of entries with their actors, the undo target
    ("creator", "/consent/history/", 5),
    # lockout check, token (its last use is written at most once a minute), count, the page's
    # seqs, the page of entries
    ("token", "/api/v1/me/ledger", 5),
]


@pytest.mark.parametrize("who, url, expected", PAGES)
def test_a_page_reads_the_same_number_of_queries_at_any_size(creator, viewer, who, url, expected):
    clients = {"anonymous": Client(), "viewer": Client(), "creator": Client()}
    clients["viewer"].force_login(viewer)
    clients["creator"].force_login(creator)
    clients["token"] = Client(
        headers={"Authorization": f"Bearer {api_token_create(user=creator, name='t')[1]}"}
    )
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    counts = []
    for rows in (4, 40):
        grow(creator, viewer, rows)
        target = url
        if url == "watch":
            target = f"/v/{Video.objects.filter(owner=creator).order_by('-id').first().public_id}/"
        clients[who].get(target)
        counts.append(len(queries(clients[who], target)))
    assert counts == [expected, expected]
