from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import make_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def video(creator):
    return make_video(creator, title="Original title", tags=["one"])


@pytest.mark.parametrize("name", ["detail", "edit", "delete", "detail_status"])
def test_other_creators_get_404(other_client, video, name):
    url = reverse(f"videos:{name}", args=[video.public_id])
    assert other_client.get(url).status_code == 404
    if name in {"edit", "delete"}:
        assert other_client.post(url, {"title": "hijack"}).status_code == 404
    video.refresh_from_db()
    assert video.title == "Original title"


def test_owner_sees_detail(creator_client, video):
    page = creator_client.get(video.get_absolute_url())
    assert page.status_code == 200
    assert "Original title" in page.text


def test_public_ids_are_unguessable(creator):
    ids = {make_video(creator).public_id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) == 16 for i in ids)


def test_edit_updates_fields_and_tags(creator_client, video):
    response = creator_client.post(
        reverse("videos:edit", args=[video.public_id]),
        {
            "title": "New title",
            "description": "Changed",
            "tags": "Two, three",
            "visibility": "private",
            "created_at": "2024-05-01T10:00",
        },
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.title == "New title"
    assert video.visibility == "private"
    assert sorted(t.name for t in video.tags.all()) == ["three", "two"]


def test_edit_with_bad_input_changes_nothing(creator_client, video):
    response = creator_client.post(
        reverse("videos:edit", args=[video.public_id]),
        {"title": "", "visibility": "sideways", "created_at": "2999-01-01T00:00", "tags": "x" * 60},
    )
    assert response.status_code == 400
    video.refresh_from_db()
    assert video.title == "Original title"


def test_delete_removes_video_and_its_files(
    creator_client, creator, django_capture_on_commit_callbacks
):
    video = make_video(creator)
    video.poster.save("p.jpg", ContentFile(b"x"), save=True)
    name = video.poster.name
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(reverse("videos:delete", args=[video.public_id]))
    assert response.status_code == 302
    assert not Video.objects.filter(id=video.id).exists()
    assert not default_storage.exists(name)


def test_delete_keeps_shared_demo_posters(
    creator_client, creator, django_capture_on_commit_callbacks
):
    shared = default_storage.save("seed/posters/shared-test.jpg", ContentFile(b"x"))
    video = make_video(creator, poster=shared)
    with django_capture_on_commit_callbacks(execute=True):
        creator_client.post(reverse("videos:delete", args=[video.public_id]))
    assert default_storage.exists(shared)
    default_storage.delete(shared)


def test_watch_page_public_and_private(anon_client, other_client, creator_client, creator):
    public = make_video(creator, title="Open")
    private = make_video(creator, title="Hidden", visibility=Video.Visibility.PRIVATE)
    assert anon_client.get(public.get_public_url()).status_code == 200
    assert anon_client.get(private.get_public_url()).status_code == 404
    assert other_client.get(private.get_public_url()).status_code == 404
    assert creator_client.get(private.get_public_url()).status_code == 200


def test_status_poll_stops_when_ready(creator_client, creator):
    processing = make_video(creator, status=Video.Status.PROCESSING)
    ready = make_video(creator)
    assert (
        creator_client.get(reverse("videos:detail_status", args=[processing.public_id])).status_code
        == 200
    )
    assert (
        creator_client.get(reverse("videos:detail_status", args=[ready.public_id])).status_code
        == 286
    )
