from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile

from consent import services
from consent.tests.factories import policy
from creatorhub.videos.tests.factories import make_video

pytestmark = pytest.mark.django_db


def test_tdmrep_json_reserves_everything_when_nobody_opted_in(anon_client):
    response = anon_client.get("/.well-known/tdmrep.json")
    assert response.headers["Content-Type"] == "application/tdmrep+json"
    rules = json.loads(response.content)
    assert rules == [
        {
            "location": "/*",
            "tdm-reservation": 1,
            "tdm-policy": "http://testserver/tdm-policy.jsonld",
        }
    ]


def test_ai_txt_disallows_everything_when_nobody_opted_in(anon_client):
    response = anon_client.get("/ai.txt")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "User-Agent: *" in response.text
    assert "Disallow: /" in response.text.splitlines()
    assert "Allow: /@" not in response.text


@pytest.fixture
def video(creator):
    video = make_video(creator)
    video.poster.save(f"{video.public_id}.jpg", ContentFile(b"\xff\xd8\xff fake"), save=True)
    return video


def test_denied_video_page_and_media_carry_reservations(anon_client, video):
    page = anon_client.get(video.get_public_url())
    assert page.headers["tdm-reservation"] == "1"
    assert page.headers["tdm-policy"] == "http://testserver/tdm-policy.jsonld"
    assert page.headers["Content-Usage"] == "train-ai=n"
    assert page.headers["X-Robots-Tag"] == "noai, noimageai"
    assert '<meta name="robots" content="noai, noimageai">' in page.text
    media = anon_client.get(video.poster.url)
    assert media.status_code == 200
    assert media.headers["tdm-reservation"] == "1"
    assert media.headers["X-Robots-Tag"] == "noai, noimageai"


def test_fully_allowed_video_drops_the_reservations(anon_client, video, creator):
    services.consent_set_policy(
        creator=creator, actor=creator, change=policy(allowed=True, training=True)
    )
    page = anon_client.get(video.get_public_url())
    assert page.headers["tdm-reservation"] == "0"
    assert "X-Robots-Tag" not in page.headers
    assert 'content="noai, noimageai"' not in page.text
    media = anon_client.get(video.poster.url)
    assert media.headers["tdm-reservation"] == "0"


def test_training_allowed_but_remix_not_drops_noai(anon_client, video, creator):
    """noai speaks about AI use of the content; who may remix it is the consent API's."""
    services.consent_set_policy(
        creator=creator, actor=creator, change=policy(allowed=False, training=True)
    )
    page = anon_client.get(video.get_public_url())
    assert page.headers["tdm-reservation"] == "0"
    assert page.headers["Content-Usage"] == "train-ai=y"
    assert "X-Robots-Tag" not in page.headers
    assert 'content="noai, noimageai"' not in page.text


def test_unattributable_media_gets_the_conservative_answer(anon_client):
    from django.core.files.storage import default_storage

    name = default_storage.save("seed/posters/shared-x.jpg", ContentFile(b"x"))
    response = anon_client.get(f"/media/{name}")
    assert response.headers["tdm-reservation"] == "1"
    assert response.headers["X-Robots-Tag"] == "noai, noimageai"
    default_storage.delete(name)


def test_training_for_listed_companies_only_keeps_the_reservation(anon_client, video, creator):
    services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=policy(allowed=True, training=True, companies=("Acme AI",)),
    )
    page = anon_client.get(video.get_public_url())
    assert page.headers["tdm-reservation"] == "1"
    assert page.headers["tdm-policy"] == "http://testserver/@creator/tdm-policy.jsonld"
    assert page.headers["Content-Usage"] == "train-ai=n"
    assert page.headers["X-Robots-Tag"] == "noai, noimageai"


def test_followers_only_remix_does_not_block_training(anon_client, video, creator):
    services.consent_set_policy(
        creator=creator,
        actor=creator,
        change=policy(allowed=True, training=True, audience="followers"),
    )
    page = anon_client.get(video.get_public_url())
    assert page.headers["tdm-reservation"] == "0"
    assert "X-Robots-Tag" not in page.headers
