"""robots.txt, tdmrep.json, ai.txt and the ODRL policies, read by real parsers (Python's
urllib.robotparser and Protego, Scrapy's), against what each creator chose."""

from __future__ import annotations

import json
import urllib.robotparser

import pytest
from django.core.files.base import ContentFile
from protego import Protego

from consent import services
from consent.tests.factories import policy
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.tests.factories import make_video, make_videos
from remixer.models import Remix

pytestmark = pytest.mark.django_db

ROBOTS = "/robots.txt"


def _creator(username: str, *, training: bool, companies: tuple[str, ...] = ()):
    user = make_user(username)
    services.consent_set_policy(
        creator=user, actor=user, change=policy(training=training, companies=companies)
    )
    video = make_video(user, title=f"{username}'s clip")
    video.poster.save(f"{video.public_id}.jpg", ContentFile(b"\xff\xd8\xff poster"), save=False)
    video.thumbnail.save(f"{video.public_id}.jpg", ContentFile(b"\xff\xd8\xff thumb"), save=False)
    video.save()
    remix = Remix.objects.create(
        requester=user,
        video=video,
        creator_id=video.owner_id,
        template="caption",
        scopes=1,
        status="published",
    )
    remix.output.save(f"{remix.public_id}/v1.jpg", ContentFile(b"\xff\xd8\xff remix"), save=True)
    return user, video, remix


def _urls(user, video, remix) -> list[str]:
    """The public pages and media of one creator's video, at their creator-scoped URLs."""
    base = f"/@{user.username}"
    return [
        f"{base}/",
        f"{base}/v/{video.public_id}/",
        f"{base}/media/{video.poster.name}",
        f"{base}/media/{video.thumbnail.name}",
        f"{base}/remixes/{remix.public_id}/",
        f"{base}/media/{remix.output.name}",
    ]


@pytest.fixture
def library():
    return {
        "denied": _creator("dana", training=False),
        "allowed": _creator("alba", training=True),
        "openai_only": _creator("cora", training=True, companies=("openai",)),
    }


def _parsers(text: str):
    python = urllib.robotparser.RobotFileParser()
    python.parse(text.splitlines())
    protego = Protego.parse(text)
    return [
        ("urllib.robotparser", python.can_fetch),
        ("protego", lambda agent, url: protego.can_fetch(url, agent)),
    ]


EXPECTED = {  # (creator, crawler) -> may fetch
    ("denied", "GPTBot"): False,
    ("denied", "CCBot"): False,
    ("allowed", "GPTBot"): True,
    ("allowed", "CCBot"): True,
    ("openai_only", "GPTBot"): True,
    ("openai_only", "CCBot"): False,
}


def test_ai_crawlers_may_fetch_exactly_what_each_creator_allowed(anon_client, library):
    response = anon_client.get(ROBOTS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    for parser, can_fetch in _parsers(response.text):
        for (who, crawler), expected in EXPECTED.items():
            for path in _urls(*library[who]):
                url = f"http://testserver{path}"
                assert can_fetch(crawler, url) is expected, (parser, who, crawler, path)
                assert can_fetch("Googlebot", url), (parser, path)
                assert can_fetch("Bingbot", url), (parser, path)
        # The unscoped aliases and the rest of the site are not for AI crawlers.
        _user, video, _remix = library["allowed"]
        for path in [f"/v/{video.public_id}/", f"/media/{video.poster.name}", "/"]:
            assert not can_fetch("GPTBot", f"http://testserver{path}"), (parser, path)
            assert can_fetch("Googlebot", f"http://testserver{path}"), (parser, path)


def test_the_sampled_urls_are_real_and_their_headers_agree(anon_client, library):
    for who, (user, video, remix) in library.items():
        for path in _urls(user, video, remix):
            response = anon_client.get(path)
            assert response.status_code == 200, path
            if path == f"/@{user.username}/":
                continue  # the profile page is not one video's
            expected = "0" if who == "allowed" else "1"
            assert response["tdm-reservation"] == expected, (who, path)
            assert response["Content-Usage"] == f"train-ai={'y' if who == 'allowed' else 'n'}"
            assert ("X-Robots-Tag" in response) is (who != "allowed"), (who, path)


def test_scoped_urls_belong_to_their_creator(anon_client, library):
    _dana, dana_video, dana_remix = library["denied"]
    alba, *_ = library["allowed"]
    for path in [
        f"/@{alba.username}/v/{dana_video.public_id}/",
        f"/@{alba.username}/media/{dana_video.poster.name}",
        f"/@{alba.username}/remixes/{dana_remix.public_id}/",
        f"/@{alba.username}/media/{dana_remix.output.name}",
    ]:
        assert anon_client.get(path).status_code == 404, path


def test_turning_training_off_changes_robots_txt_and_its_etag(anon_client, library):
    alba, video, remix = library["allowed"]
    first = anon_client.get(ROBOTS)
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert anon_client.get(ROBOTS, headers={"If-None-Match": etag}).status_code == 304
    since = anon_client.get(ROBOTS, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    services.consent_set_policy(creator=alba, actor=alba, change=policy(training=False))
    second = anon_client.get(ROBOTS, headers={"If-None-Match": etag})
    assert second.status_code == 200
    assert second["ETag"] != etag
    for parser, can_fetch in _parsers(second.text):
        for path in _urls(alba, video, remix):
            assert not can_fetch("GPTBot", f"http://testserver{path}"), (parser, path)


def test_content_usage_lines(anon_client, library):
    text = anon_client.get(ROBOTS).text
    assert "Content-Usage: train-ai=n" in text
    assert "Content-Usage: /@alba/ train-ai=y" in text
    gptbot_group = text.split("User-agent: GPTBot", 1)[1].split("\n\n", 1)[0]
    assert "Allow: /@cora/" in gptbot_group
    assert "Allow: /@dana/" not in text


def test_tdmrep_json_has_one_rule_per_opted_in_creator(anon_client, library):
    response = anon_client.get("/.well-known/tdmrep.json")
    assert response["Content-Type"] == "application/tdmrep+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"]
    assert json.loads(response.content) == [
        {"location": "/@alba/*", "tdm-reservation": 0},
        {
            "location": "/@cora/*",
            "tdm-reservation": 1,
            "tdm-policy": "http://testserver/@cora/tdm-policy.jsonld",
        },
        {
            "location": "/*",
            "tdm-reservation": 1,
            "tdm-policy": "http://testserver/tdm-policy.jsonld",
        },
    ]


def test_tdm_policies_are_odrl_json_ld(anon_client, library):
    site = anon_client.get("/tdm-policy.jsonld")
    assert site["Content-Type"] == "application/ld+json"
    document = json.loads(site.content)
    assert document["@context"][0] == "http://www.w3.org/ns/odrl.jsonld"
    assert document["profile"] == "http://www.w3.org/ns/tdmrep"
    assert document["prohibition"][0]["action"] == "tdm:mine"
    assert "permission" not in document
    cora = json.loads(anon_client.get("/@cora/tdm-policy.jsonld").content)
    assert cora["permission"] == [
        {"target": "http://testserver/@cora/", "action": "tdm:mine", "assignee": "openai"}
    ]
    assert anon_client.get("/@nobody-here/tdm-policy.jsonld").status_code == 404


def test_ai_txt_allows_only_fully_opted_in_creators(anon_client, library):
    text = anon_client.get("/ai.txt").text
    lines = text.splitlines()
    assert "Allow: /@alba/" in lines
    assert "Allow: /@cora/" not in lines  # an allow-list names companies ai.txt cannot
    assert lines.index("Allow: /@alba/") < lines.index("Disallow: /")


@pytest.mark.parametrize("path", [ROBOTS, "/.well-known/tdmrep.json", "/ai.txt"])
def test_signal_files_cost_the_same_at_any_library_size(
    anon_client, library, django_assert_num_queries, path
):
    alba, *_ = library["allowed"]
    # stamp (one aggregate) and the opted-in creators (one query)
    with django_assert_num_queries(2):
        small = anon_client.get(path)
    make_videos(alba, 1500)
    make_videos(make_user("many"), 1500)
    with django_assert_num_queries(2):
        large = anon_client.get(path)
    assert large.content == small.content
    with django_assert_num_queries(1):
        assert anon_client.get(path, headers={"If-None-Match": large["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", [ROBOTS, "/.well-known/tdmrep.json", "/ai.txt"])
def test_cors_on_signal_files(anon_client, path):
    response = anon_client.get(path)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = anon_client.options(path, headers={"Origin": "https://elsewhere.example"})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert preflight["Access-Control-Allow-Origin"] == "*"


def test_cors_on_the_public_consent_api_only(anon_client, creator):
    video = make_video(creator)
    response = anon_client.get(f"/api/v1/videos/{video.public_id}/consent")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Access-Control-Allow-Origin" not in anon_client.get("/api/v1/me/consent")
    assert "Access-Control-Allow-Origin" not in anon_client.get("/consent/")


def test_robots_txt_for_a_100k_video_library_is_small(anon_client):
    """The demo library at 100k videos, with more creators than the demo has, some opted in
    for everyone, some for named companies: rules name creators, never videos."""
    demo = make_user("demo")
    services.consent_set_policy(creator=demo, actor=demo, change=policy(training=True))
    make_videos(demo, 100_000)
    names = ["OpenAI", "Google", "Anthropic", "Common Crawl", "Acme Models"]
    for index in range(60):
        user = make_user(f"creator-{index:04d}")
        companies = () if index % 3 == 0 else tuple(names[index % 5 : index % 5 + 2])
        services.consent_set_policy(
            creator=user, actor=user, change=policy(training=index % 3 != 2, companies=companies)
        )
    response = anon_client.get(ROBOTS)
    assert len(response.content) < 50 * 1024, len(response.content)
    for parser, can_fetch in _parsers(response.text):
        assert can_fetch("GPTBot", "http://testserver/@demo/v/x/"), parser
        expected = {
            ("GPTBot", "creator-0003"): True,  # everyone
            ("ClaudeBot", "creator-0001"): True,  # Google and Anthropic
            ("GPTBot", "creator-0001"): False,
            ("CCBot", "creator-0007"): True,  # Anthropic and Common Crawl
            ("Google-Extended", "creator-0007"): False,
            ("GPTBot", "creator-0010"): True,  # OpenAI and Google
            ("CCBot", "creator-0010"): False,
            ("GPTBot", "creator-0004"): False,  # a company with no crawler listed
            ("GPTBot", "creator-0005"): False,  # training not allowed
            ("Googlebot", "creator-0005"): True,
        }
        for (crawler, handle), allowed in expected.items():
            url = f"http://testserver/@{handle}/v/x/"
            assert can_fetch(crawler, url) is allowed, (parser, crawler, handle)


def test_unscoped_aliases_carry_the_same_headers(anon_client, library):
    """/media/remixes/<id>/vN.jpg and /v/<id>/ say what their creator chose, like the
    creator-scoped URLs (they used to say noai whatever the choice)."""
    for who, (_user, video, remix) in library.items():
        for path in [
            f"/v/{video.public_id}/",
            f"/remixes/{remix.public_id}/",
            f"/media/{video.poster.name}",
            f"/media/{remix.output.name}",
        ]:
            response = anon_client.get(path)
            assert response.status_code == 200, path
            assert response["tdm-reservation"] == ("0" if who == "allowed" else "1"), path
            assert ("X-Robots-Tag" in response) is (who != "allowed"), (who, path)


def test_a_remix_that_is_not_published_says_not_allowed(anon_client, library):
    alba, _video, remix = library["allowed"]
    Remix.objects.filter(pk=remix.pk).update(status="withdrawn")
    owner = anon_client
    owner.force_login(alba)
    page = owner.get(f"/remixes/{remix.public_id}/")
    assert page.status_code == 200
    assert page["tdm-reservation"] == "1"
    assert page["X-Robots-Tag"] == "noai, noimageai"
    assert '<meta name="robots" content="noai, noimageai">' in page.text
