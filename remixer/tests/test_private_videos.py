"""A remix follows its video: while the video is private (or once it is deleted) the remix's
page, image and API entry are hidden from everyone but the creator; the requester sees that the
video is no longer public; public again when the video is."""

from __future__ import annotations

import pytest

from creatorhub.videos.models import Video
from creatorhub.videos.services import video_delete, video_update
from remixer.selectors import VIDEO_NOT_PUBLIC
from remixer.tests.factories import allow, make_postered_video, rendered_remix

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(creator):
    return make_postered_video(creator, title="Pier at dusk")


@pytest.fixture
def remix(creator, viewer, video):
    allow(creator)
    remix, _ = rendered_remix(viewer, video)
    return remix


def set_visibility(video: Video, visibility: str) -> None:
    video_update(
        video=video,
        title=video.title,
        description=video.description,
        tag_names=[],
        visibility=visibility,
    )


def surfaces(client, remix) -> dict[str, int]:
    return {
        "page": client.get(remix.get_absolute_url()).status_code,
        "htmx": client.get(remix.get_absolute_url(), headers={"HX-Request": "true"}).status_code,
        "api": client.get(f"/api/v1/remixes/{remix.public_id}").status_code,
        "file": client.get(remix.output.url).status_code,
        "report": client.get(f"/remixes/{remix.public_id}/report/").status_code,
    }


HIDDEN = {"page": 404, "htmx": 404, "api": 404, "file": 404, "report": 404}


def test_a_private_videos_remix_is_hidden_from_everyone_else(
    anon_client, other_client, remix, video
):
    assert surfaces(anon_client, remix)["file"] == 200
    assert surfaces(other_client, remix) == {
        "page": 200,
        "htmx": 286,
        "api": 200,
        "file": 200,
        "report": 200,
    }
    set_visibility(video, Video.Visibility.PRIVATE)
    assert {k: v for k, v in surfaces(anon_client, remix).items() if k != "report"} == {
        "page": 404,
        "htmx": 404,
        "api": 404,
        "file": 404,
    }
    assert surfaces(other_client, remix) == HIDDEN
    body = anon_client.get(f"/api/v1/remixes/{remix.public_id}").json()
    assert body["error"] == "not_found"


def test_the_requester_is_told_the_video_is_no_longer_public(viewer_client, remix, video):
    set_visibility(video, Video.Visibility.PRIVATE)
    page = viewer_client.get(remix.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert VIDEO_NOT_PUBLIC in html
    assert remix.output.url not in html and 'data-testid="remix-image"' not in html
    data = viewer_client.get(f"/api/v1/remixes/{remix.public_id}").json()
    assert data["status"] == "published"
    assert (data["video_public"], data["notice"], data["image_url"]) == (
        False,
        VIDEO_NOT_PUBLIC,
        None,
    )
    assert viewer_client.get(remix.output.url).status_code == 404
    mine = viewer_client.get("/remixes/mine/").content.decode()
    assert "The video is no longer public" in mine and remix.output.url not in mine


def test_the_creator_still_sees_everything(creator_client, remix, video):
    set_visibility(video, Video.Visibility.PRIVATE)
    page = creator_client.get(remix.get_absolute_url()).content.decode()
    assert remix.output.url in page and VIDEO_NOT_PUBLIC in page
    data = creator_client.get(f"/api/v1/remixes/{remix.public_id}").json()
    assert data["image_url"].endswith(remix.output.url) and data["video_public"] is False
    assert creator_client.get(remix.output.url).status_code == 200
    work = creator_client.get("/remixes/of-my-work/").content.decode()
    assert remix.output.url in work and "Video private: only you see it" in work


def test_public_again_when_the_video_is(anon_client, viewer_client, remix, video):
    set_visibility(video, Video.Visibility.PRIVATE)
    set_visibility(video, Video.Visibility.PUBLIC)
    assert {k: v for k, v in surfaces(anon_client, remix).items() if k != "report"} == {
        "page": 200,
        "htmx": 286,
        "api": 200,
        "file": 200,
    }
    data = viewer_client.get(f"/api/v1/remixes/{remix.public_id}").json()
    assert (data["video_public"], data["notice"]) == (True, None)
    assert data["image_url"].endswith(remix.output.url)


def test_a_deleted_videos_remixes_are_gone(
    anon_client, viewer_client, creator_client, remix, video, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video_delete(video=video)
    for client in (anon_client, viewer_client, creator_client):
        assert client.get(remix.get_absolute_url()).status_code == 404
        assert client.get(f"/api/v1/remixes/{remix.public_id}").status_code == 404
        assert client.get(remix.output.url).status_code == 404


def test_taking_down_a_private_videos_remix_still_works(creator_client, remix, video):
    set_visibility(video, Video.Visibility.PRIVATE)
    response = creator_client.post(f"/remixes/{remix.public_id}/takedown/")
    assert response.status_code == 302
    remix.refresh_from_db()
    assert remix.status == "withdrawn"
