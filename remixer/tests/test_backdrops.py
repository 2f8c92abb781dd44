"""Creators' own backdrops: upload with limits, offered to viewers, used by the renderer."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from remixer import backdrops, pipeline, services
from remixer.models import Backdrop, Remix
from remixer.tests.factories import allow, make_video_with_poster, subject_poster

pytestmark = pytest.mark.django_db
BEACH = (250, 220, 120)


def png(size=(400, 300), color=BEACH) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile("beach.png", buffer.getvalue(), content_type="image/png")


def subject_video(creator):
    return make_video_with_poster(creator, subject_poster(), title="Subject")


def test_upload_page_adds_lists_and_deletes(
    creator, creator_client, django_capture_on_commit_callbacks
):
    url = reverse("remixer:backdrops")
    assert "No backdrops yet" in creator_client.get(url).text
    response = creator_client.post(url, {"name": "Beach", "image": png()})
    assert response.status_code == 302
    backdrop = Backdrop.objects.get(owner=creator)
    assert backdrop.name == "beach" and default_storage.exists(backdrop.image.name)
    assert backdrop.image.name.startswith(f"backdrops/{creator.id}/beach-")
    assert 'alt="Backdrop beach"' in creator_client.get(url).text
    delete = reverse("remixer:backdrop_delete", args=[backdrop.id])
    with django_capture_on_commit_callbacks(execute=True):
        assert creator_client.post(delete).status_code == 302
    assert not Backdrop.objects.exists() and not default_storage.exists(backdrop.image.name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "bad name!", "image": "png"}, "letters, numbers"),
        ({"name": "gradient", "image": "png"}, "built-in backdrop"),
        ({"name": "text", "image": "text"}, "not an image"),
        ({"name": "huge", "image": "huge"}, "pixels"),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(creator_client, settings, data, message):
    settings.IMAGE_MAX_PIXELS = 300 * 300
    files = {
        "png": png(),
        "huge": png(size=(1000, 1000)),
        "text": SimpleUploadedFile("a.png", b"hello", content_type="image/png"),
    }
    response = creator_client.post(
        reverse("remixer:backdrops"), {"name": data["name"], "image": files[data["image"]]}
    )
    assert response.status_code == 400 and message in response.text
    assert not Backdrop.objects.exists()


def test_duplicate_names_and_the_limit(creator, creator_client, monkeypatch):
    url = reverse("remixer:backdrops")
    creator_client.post(url, {"name": "beach", "image": png()})
    again = creator_client.post(url, {"name": "beach", "image": png()})
    assert again.status_code == 400 and "already have a backdrop" in again.text
    monkeypatch.setattr(backdrops, "MAX_BACKDROPS", 1)
    full = creator_client.post(url, {"name": "city", "image": png()})
    assert full.status_code == 400 and "delete one first" in full.text
    assert Backdrop.objects.count() == 1


def test_other_peoples_backdrops_are_404(creator, viewer_client):
    backdrop = backdrops.backdrop_add(owner=creator, name="beach", upload=png())
    url = reverse("remixer:backdrop_delete", args=[backdrop.id])
    assert viewer_client.post(url).status_code == 404
    assert Backdrop.objects.filter(id=backdrop.id).exists()


def test_viewers_pick_a_creator_backdrop_and_the_render_uses_it(creator, viewer, viewer_client):
    from consent.scopes import scopes_to_mask

    video = subject_video(creator)
    allow(creator, scopes=scopes_to_mask(["background"]))
    backdrops.backdrop_add(owner=creator, name="beach", upload=png())
    page = viewer_client.get(video.get_public_url()).text
    assert '<option value="beach">beach</option>' in page
    with pytest.raises(services.RemixRefused, match="Unknown backdrop"):
        services.remix_request(
            requester=viewer, video=video, template="background", inputs={"backdrop": "city"}
        )
    remix = services.remix_request(
        requester=viewer, video=video, template="background", inputs={"backdrop": "beach"}
    )
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    with remix.output.open("rb") as handle:
        corner = np.asarray(Image.open(handle).convert("RGB"))[8, 8].astype(int)
    assert np.abs(corner - BEACH).max() < 16


def test_a_deleted_backdrop_fails_the_render_with_a_reason(creator, viewer):
    from consent.scopes import scopes_to_mask

    video = subject_video(creator)
    allow(creator, scopes=scopes_to_mask(["background"]))
    backdrop = backdrops.backdrop_add(owner=creator, name="beach", upload=png())
    remix = services.remix_request(
        requester=viewer, video=video, template="background", inputs={"backdrop": "beach"}
    )
    backdrops.backdrop_delete(owner=creator, backdrop_id=backdrop.id)
    assert pipeline.remix_render(remix_id=remix.id) == "failed"
    remix.refresh_from_db()
    assert remix.status == Remix.Status.FAILED and "Unknown backdrop" in remix.reason
