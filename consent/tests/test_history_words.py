"""The history page and the CSV say what each change did in words."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from consent import services
from consent.tests.factories import CAPTION_FACE, DENY, policy
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_videos

pytestmark = pytest.mark.django_db


def test_history_shows_before_and_after_and_who_followed_the_switch(creator_client, creator):
    make_videos(creator, 7)
    services.consent_set_policy(
        creator=creator, actor=creator, change=policy(scopes=CAPTION_FACE, audience="followers")
    )
    two = Video.objects.filter(owner=creator).order_by("id")[:2]
    services.consent_set_videos(
        creator=creator, actor=creator, videos=Video.objects.filter(id__in=two), state=DENY
    )
    services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    page = creator_client.get(reverse("consent:history")).text
    assert "Remixes: not allowed → allowed (caption, face; followers)" in page
    assert "Videos: account default → not allowed" in page
    assert "Remixes: allowed (caption; everyone) → not allowed" not in page
    assert "Remixes: allowed (caption, face; followers) → not allowed" in page
    # The first switch governed all 7 videos, the last one the 5 without their own setting.
    assert '7 <span class="muted">follow the default</span>' in page
    assert '5 <span class="muted">follow the default</span>' in page


def test_csv_writes_kinds_as_words(creator_client, creator):
    services.consent_set_policy(creator=creator, actor=creator, change=policy(scopes=CAPTION_FACE))
    body = b"".join(creator_client.get(reverse("consent:export_csv")).streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert '"remix_scopes": ["caption", "face"]' in rows[0]["policy_after"]
    assert rows[0]["what"] == "Remixes: not allowed → allowed (caption, face; everyone)"
    assert rows[0]["videos"] == "0"
