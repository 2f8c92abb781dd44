from __future__ import annotations

import json

import pytest
from django.urls import reverse

from consent import services as consent_services
from consent.tests.factories import policy
from remixer import pipeline, services
from remixer.models import Remix
from remixer.tests.factories import CAPTION, make_postered_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(creator):
    return make_postered_video(creator, title="Source")


def api_post(client, video, body):
    return client.post(
        f"/api/v1/videos/{video.public_id}/remixes",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_api_refuses_with_403_and_reason(viewer_client, video):
    response = api_post(viewer_client, video, {"template": "caption", "inputs": CAPTION})
    assert response.status_code == 403
    assert response.json()["error"] == "remix_not_allowed"
    assert not Remix.objects.exists()


def test_api_create_and_read(viewer_client, creator, video, anon_client):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    response = api_post(viewer_client, video, {"template": "caption", "inputs": CAPTION})
    assert response.status_code == 201
    remix_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    body = viewer_client.get(f"/api/v1/remixes/{remix_id}").json()
    assert body["image_url"] is None and body["status"] == "queued"
    assert anon_client.get(f"/api/v1/remixes/{remix_id}").status_code == 404
    pipeline.remix_render(remix_id=Remix.objects.get(public_id=remix_id).id)
    body = anon_client.get(f"/api/v1/remixes/{remix_id}").json()
    assert body["status"] == "published" and body["image_url"].endswith("/v1.jpg")
    image = anon_client.get(body["image_url"].split("testserver")[1])
    assert image.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"template": "dance", "inputs": {}},
        {"template": "caption", "inputs": {"top": 5}},
        {"template": "caption", "inputs": CAPTION, "extra": True},
        {"template": "caption", "inputs": {"top": "x" * 10_000}},
    ],
)
def test_api_bad_bodies_are_400(viewer_client, creator, video, body):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    response = api_post(viewer_client, video, body)
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detail"}
    assert not Remix.objects.exists()


def test_withdrawn_image_is_gone(
    viewer, creator, video, anon_client, django_capture_on_commit_callbacks
):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remix_render(remix_id=remix.id)
    remix.refresh_from_db()
    url = remix.output.url
    with django_capture_on_commit_callbacks(execute=True):
        services.remix_takedown(remix=remix, actor=creator)
    assert anon_client.get(url).status_code == 404
    assert anon_client.get(remix.get_absolute_url()).status_code == 404


def test_watch_page_shows_the_refusal(viewer_client, video):
    page = viewer_client.get(video.get_public_url()).text
    assert "disabled" in page and "has not allowed AI remixes" in page


def test_script_captions_are_escaped_everywhere(viewer_client, viewer, creator, video):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    inputs = {"top": "<script>alert(1)</script>", "bottom": ""}
    remix = services.remix_request(requester=viewer, video=video, template="caption", inputs=inputs)
    pipeline.remix_render(remix_id=remix.id)
    for url in (remix.get_absolute_url(), reverse("remixer:mine"), reverse("remixer:inbox")):
        assert "<script>alert(1)</script>" not in viewer_client.get(url).text


def test_pages_and_takedown_permissions(viewer_client, viewer, creator, video, creator_client):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    assert "Source" in creator_client.get(reverse("remixer:of_my_work")).text
    assert "Source" in viewer_client.get(reverse("remixer:mine")).text
    takedown = reverse("remixer:takedown", args=[remix.public_id])
    assert viewer_client.post(takedown).status_code == 404
    response = creator_client.post(takedown, {"next": "https://evil.example/phish"})
    assert response.status_code == 302 and response["Location"] == reverse("remixer:of_my_work")
    remix.refresh_from_db()
    assert remix.status == "withdrawn"


@pytest.mark.parametrize("page", ["remixer:of_my_work", "remixer:inbox", "remixer:mine"])
def test_list_query_counts(creator_client, creator, viewer, django_assert_max_num_queries, page):
    from remixer.models import Notification

    videos = [make_postered_video(creator, title=f"v{i}") for i in range(5)]
    Remix.objects.bulk_create(
        [
            Remix(
                requester=viewer,
                video=videos[i % 5],
                creator_id=videos[i % 5].owner_id,
                template="caption",
                scopes=1,
            )
            for i in range(60)
        ]
    )
    Notification.objects.bulk_create(
        [Notification(recipient=creator, kind="new_remix", message=f"n{i}") for i in range(60)]
    )
    Remix.objects.bulk_create(
        [
            Remix(
                requester=creator,
                video=videos[i % 5],
                creator_id=videos[i % 5].owner_id,
                template="caption",
                scopes=1,
            )
            for i in range(60)
        ]
    )
    with django_assert_max_num_queries(6):
        response = creator_client.get(reverse(page))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30


def test_remix_page_query_count(viewer_client, viewer, creator, video, django_assert_num_queries):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    pipeline.remix_render(remix_id=remix.id)
    # session, user, its AI usage (remix, video, owner's policy: headers and robots meta),
    # the remix with its video, owner and requester
    with django_assert_num_queries(4):
        page = viewer_client.get(remix.get_absolute_url())
    assert 'data-testid="remix-image"' in page.text
    assert f'href="/remixes/{remix.public_id}/download/"' in page.text
    assert "consent record #1" in page.text


@pytest.mark.parametrize(
    ("top", "status", "stored"),
    [
        ("x" * 10_000, 400, None),
        ("\x07bell\x1b[31m red\u202e", 201, "bell[31m red"),
        ("مرحبا بالعالم", 201, "مرحبا بالعالم"),
        ("你好，世界 こんにちは 안녕하세요", 201, "你好，世界 こんにちは 안녕하세요"),
        ("<script>alert(1)</script>", 201, "<script>alert(1)</script>"),
    ],
)
def test_api_captions_are_rendered_or_refused_cleanly(
    viewer_client, creator, video, top, status, stored
):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    response = api_post(viewer_client, video, {"template": "caption", "inputs": {"top": top}})
    assert response.status_code == status, response.text
    if stored is None:
        assert response.json()["error"] == "invalid_request"
        assert "200 characters" in response.json()["detail"]
        assert not Remix.objects.exists()
        return
    remix = Remix.objects.get(public_id=response.json()["id"])
    assert remix.inputs["top"] == stored
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    page = viewer_client.get(remix.get_absolute_url()).text
    assert "<script>alert" not in page


def test_a_poster_over_the_pixel_limit_is_refused(viewer_client, viewer, creator, video, settings):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    settings.IMAGE_MAX_PIXELS = 720 * 1280 - 1
    assert pipeline.remix_render(remix_id=remix.id) == "failed"
    remix.refresh_from_db()
    assert remix.status == "failed" and "921,600 pixels" in remix.reason and not remix.output
    preview = viewer_client.post(
        reverse("remixer:preview", args=[video.public_id]),
        {"template": "caption", "top": "hi", "style": "classic"},
    )
    assert preview.status_code == 200 and "921,600 pixels" in preview.text


def test_remix_page_polls_until_published_and_updates_its_facts(
    viewer_client, viewer, creator, video
):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs=CAPTION
    )
    queued = viewer_client.get(remix.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert queued.status_code == 200 and 'hx-trigger="every 1s"' in queued.text
    pipeline.remix_render(remix_id=remix.id)
    done = viewer_client.get(remix.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert done.status_code == 286 and 'data-testid="remix-image"' in done.text
    assert 'id="remix-facts" hx-swap-oob="true"' in done.text and "<dt>Published</dt>" in done.text
