"""The public verify page and POST /api/v1/verify."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from consent import services as consent_services
from consent.tests.factories import policy
from remixer.provenance import provenance_sign
from remixer.provenance_keys import provenance_keys_create
from remixer.services import remix_takedown
from remixer.sync import remixes_sync_with_consent
from remixer.tests.factories import (
    flip_one_byte,
    info,
    make_postered_video,
    remix_jpeg,
    rendered_remix,
)

pytestmark = pytest.mark.django_db
KEYS = {"credentials", "remix", "video", "creator", "consent_now", "withdrawn"}


@pytest.fixture
def video(creator):
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    return make_postered_video(creator, title="Pier at dusk")


def api_verify(client: Client, data: bytes, name: str = "remix.jpg"):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return client.post("/api/v1/verify", {"image": upload})


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"remixer", "videos", "consent"}
    }


# --- API -------------------------------------------------------------------------------------


def test_api_trusted_published_remix_consent_holds(
    anon_client, viewer, video, django_assert_num_queries
):
    remix, data = rendered_remix(viewer, video)
    with django_assert_num_queries(3):  # the remix + its video's override and owner's policy
        response = api_verify(anon_client, data)
    assert response.status_code == 200
    assert response.json() == {
        "credentials": "trusted",
        "remix": remix.public_id,
        "video": video.public_id,
        "creator": "creator",
        "consent_now": True,
        "withdrawn": False,
    }


def test_api_trusted_remix_after_revocation_is_withdrawn_and_not_consented(
    anon_client, viewer, creator, video
):
    remix, data = rendered_remix(viewer, video)
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    remixes_sync_with_consent(creator_id=creator.id)  # what the consent change sets off
    body = api_verify(anon_client, data).json()
    assert body["credentials"] == "trusted" and body["remix"] == remix.public_id
    assert body["consent_now"] is False
    assert body["withdrawn"] is True


def test_api_taken_down_remix_is_withdrawn_though_consent_holds(anon_client, viewer, video):
    remix, data = rendered_remix(viewer, video)
    remix_takedown(remix=remix, actor=video.owner)
    body = api_verify(anon_client, data).json()
    assert (body["consent_now"], body["withdrawn"]) == (True, True)


def test_api_deleted_remix_is_withdrawn(anon_client, viewer, video):
    remix, data = rendered_remix(viewer, video)
    remix.delete()
    body = api_verify(anon_client, data).json()
    assert body["credentials"] == "trusted"
    assert (body["consent_now"], body["withdrawn"]) == (None, True)


def test_api_one_changed_byte_is_tampered_and_repeats_no_claims(anon_client, viewer, video):
    _remix, data = rendered_remix(viewer, video)
    body = api_verify(anon_client, flip_one_byte(data)).json()
    assert body == {
        "credentials": "tampered",
        "remix": None,
        "video": None,
        "creator": None,
        "consent_now": None,
        "withdrawn": None,
    }


def test_api_image_from_elsewhere_has_no_credentials(anon_client):
    body = api_verify(anon_client, remix_jpeg()).json()
    assert body["credentials"] == "none" and set(body) == KEYS
    assert body["remix"] is None


def test_api_file_signed_by_another_ca_is_untrusted(anon_client, settings, tmp_path):
    ours = settings.PROVENANCE_DIR
    settings.PROVENANCE_DIR = tmp_path / "other-ca"
    provenance_keys_create(directory=settings.PROVENANCE_DIR)
    data = provenance_sign(jpeg=remix_jpeg(), info=info())
    settings.PROVENANCE_DIR = ours
    body = api_verify(anon_client, data).json()
    assert body["credentials"] == "untrusted" and body["remix"] is None


def test_api_non_image_is_400_and_nothing_is_stored(anon_client, media_dir):
    before_rows, before_files = row_counts(), sorted(media_dir.rglob("*"))
    response = api_verify(anon_client, b"#!/bin/sh\necho not an image\n", name="x.jpg")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_image"
    assert set(response.json()) == {"error", "detail"}
    assert row_counts() == before_rows and sorted(media_dir.rglob("*")) == before_files


def test_api_oversize_is_400_and_nothing_is_stored(anon_client, settings, media_dir):
    settings.VERIFY_MAX_UPLOAD_BYTES = 2_000
    before_rows, before_files = row_counts(), sorted(media_dir.rglob("*"))
    response = api_verify(anon_client, remix_jpeg())
    assert response.status_code == 400
    assert response.json()["error"] == "too_large"
    assert "limit" in response.json()["detail"]
    assert row_counts() == before_rows and sorted(media_dir.rglob("*")) == before_files


def test_api_without_a_file_is_400(anon_client):
    response = anon_client.post("/api/v1/verify", {})
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detail"}


def test_api_needs_no_login_or_csrf_token(viewer, video):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    assert api_verify(client, remix_jpeg()).status_code == 200


# --- page ------------------------------------------------------------------------------------


def page_post(client: Client, data: bytes, *, htmx: bool = False):
    upload = SimpleUploadedFile("remix.jpg", data, content_type="image/jpeg")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/verify/", {"image": upload}, headers=headers)


def test_page_shows_the_form_to_anyone(anon_client):
    response = anon_client.get("/verify/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'hx-post="/verify/"' in html
    assert 'id="verify-answer"' in html


def test_page_without_js_answers_in_the_whole_page(anon_client, viewer, video):
    remix, data = rendered_remix(viewer, video)
    response = page_post(anon_client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'data-state="trusted"' in html
    assert "Verified" in html and remix.public_id in html and "@creator" in html
    assert "Pier at dusk" in html


def test_page_htmx_answers_with_the_region_only(anon_client, viewer, video):
    remix, data = rendered_remix(viewer, video)
    response = page_post(anon_client, flip_one_byte(data), htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="verify-answer"')
    assert 'data-state="tampered"' in html and "Altered" in html
    assert remix.public_id not in html


def test_page_shows_a_withdrawn_remix_without_linking_it(anon_client, viewer, creator, video):
    remix, data = rendered_remix(viewer, video)
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    remixes_sync_with_consent(creator_id=creator.id)
    html = page_post(anon_client, data, htmx=True).content.decode()
    assert "withdrawn from Creator Hub" in html and "no longer allows" in html
    assert remix.get_absolute_url() not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_page_non_image_is_refused_with_a_message(anon_client, htmx):
    response = page_post(anon_client, b"GIF? no, just text", htmx=htmx)
    assert response.status_code == (422 if htmx else 400)
    assert "not an image" in response.content.decode()


def test_page_without_a_file_is_a_400(anon_client):
    response = anon_client.post("/verify/", {})
    assert response.status_code == 400
    assert "Choose a file" in response.content.decode()


def test_page_none_for_a_png_from_elsewhere(anon_client):
    png = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(png, "PNG")
    html = page_post(anon_client, png.getvalue(), htmx=True).content.decode()
    assert 'data-state="none"' in html and "No Content Credentials" in html


def test_page_does_not_show_a_private_videos_title(anon_client, viewer, video):
    _remix, data = rendered_remix(viewer, video)
    video.visibility = video.Visibility.PRIVATE
    video.save(update_fields=["visibility"])
    html = page_post(anon_client, data, htmx=True).content.decode()
    assert 'data-state="trusted"' in html and video.public_id in html
    assert "Pier at dusk" not in html and video.get_public_url() not in html
