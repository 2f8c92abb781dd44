from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creatorhub.videos import services
from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import image_bytes, mp4_bytes

pytestmark = pytest.mark.django_db
URL = reverse("videos:upload")


def upload(client, name: str, content: bytes, content_type: str = "video/mp4", **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type), "visibility": "public"}
    data.update(fields)
    return client.post(URL, data)


def test_video_upload_is_probed_and_queued_for_a_poster(
    creator_client, creator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(creator_client, "holiday_trip.mp4", mp4_bytes(), tags="travel, Beach")
    video = Video.objects.get(owner=creator)
    assert response.status_code == 302
    assert response.url == video.get_absolute_url()
    assert video.title == "holiday trip"
    assert video.status == Video.Status.PROCESSING
    assert (video.width, video.height) == (320, 240)
    assert video.duration == pytest.approx(2.0, abs=0.2)
    assert sorted(t.name for t in video.tags.all()) == ["beach", "travel"]
    assert len(callbacks) == 1  # process_upload enqueued on commit


def test_process_upload_makes_a_scaled_poster_and_thumbnail(creator_client, creator):
    upload(creator_client, "clip.mp4", mp4_bytes(size=(640, 360)))
    video = Video.objects.get(owner=creator)
    services.video_process_upload(video_id=video.id)
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    from PIL import Image

    with video.poster.open("rb") as handle:
        poster = Image.open(handle)
        assert poster.format == "JPEG" and poster.size == (640, 360)
    with video.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) <= 320
    # A second delivery of the same task changes nothing.
    services.video_process_upload(video_id=video.id)


def test_large_video_poster_is_capped_at_1280(creator_client, creator):
    upload(creator_client, "wide.mp4", mp4_bytes(size=(1920, 1080), seconds=0.5))
    video = Video.objects.get(owner=creator)
    services.video_process_upload(video_id=video.id)
    video.refresh_from_db()
    from PIL import Image

    with video.poster.open("rb") as handle:
        assert Image.open(handle).size == (1280, 720)


def test_still_image_becomes_the_poster_at_once(creator_client, creator):
    response = upload(creator_client, "cover.png", image_bytes(size=(2000, 1000)), "image/png")
    assert response.status_code == 302
    video = Video.objects.get(owner=creator)
    assert video.status == Video.Status.READY
    assert video.poster and video.thumbnail


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.mp4", b"just some text pretending to be a video\n" * 50, "not a video or image"),
        ("truncated.mp4", None, "could not be read"),
        ("empty.mp4", b"", "submitted file is empty"),
    ],
    ids=["text-renamed-mp4", "truncated-mp4", "empty"],
)
def test_bad_videos_are_refused_and_create_nothing(creator_client, name, content, message):
    if content is None:
        whole = mp4_bytes()
        content = whole[: len(whole) // 2]
    response = upload(creator_client, name, content)
    assert response.status_code == 400
    assert message in response.text
    assert not Video.objects.exists()


def test_image_over_the_pixel_limit_is_refused(creator_client, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    response = upload(creator_client, "huge.png", image_bytes(size=(2000, 1000)), "image/png")
    assert response.status_code == 400
    assert "the limit is 1,000,000 pixels" in response.text
    assert not Video.objects.exists()


def test_oversized_file_is_refused(creator_client, settings):
    settings.VIDEO_MAX_UPLOAD_BYTES = 2_000
    content = mp4_bytes()
    assert len(content) > 2_000
    response = upload(creator_client, "big.mp4", content)
    assert response.status_code == 400
    assert "the limit for a video is" in response.text
    assert not Video.objects.exists()


def test_video_over_the_dimension_limit_is_refused(creator_client, settings):
    settings.VIDEO_MAX_DIMENSION = 200
    response = upload(creator_client, "clip.mp4", mp4_bytes())
    assert response.status_code == 400
    assert "the largest side allowed is 200px" in response.text
    assert not Video.objects.exists()


def test_video_over_the_duration_limit_is_refused(creator_client, settings):
    settings.VIDEO_MAX_DURATION_SECONDS = 1
    response = upload(creator_client, "clip.mp4", mp4_bytes(seconds=3))
    assert response.status_code == 400
    assert "the limit is 1 s" in response.text
    assert not Video.objects.exists()


def test_upload_needs_login(anon_client):
    response = upload(anon_client, "clip.mp4", mp4_bytes())
    assert response.status_code == 302
    assert not Video.objects.exists()
