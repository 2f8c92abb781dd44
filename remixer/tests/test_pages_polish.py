"""What a newcomer hit on the remix pages: takedown asks first, lists filter by title, the
request form says which fields each template uses, the queued banner follows the status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent import services as consent_services
from consent.tests.factories import CAPTION_FACE, policy
from remixer import pipeline, services
from remixer.models import Remix
from remixer.tests.factories import CAPTION, make_postered_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def remix(creator, viewer):
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(scopes=CAPTION_FACE)
    )
    video = make_postered_video(creator, title="Beach day")
    return services.remix_request(requester=viewer, video=video, template="caption", inputs=CAPTION)


def test_takedown_asks_first_and_says_what_happens(creator_client, remix):
    url = reverse("remixer:takedown", args=[remix.public_id])
    page = creator_client.get(url, {"next": "/remixes/of-my-work/?status=queued"})
    assert page.status_code == 200
    assert "Take down this remix?" in page.text
    assert "@viewer is told it was taken down" in page.text
    assert "allowing remixes again later does not bring it back" in page.text
    assert 'name="next" value="/remixes/of-my-work/?status=queued"' in page.text
    remix.refresh_from_db()
    assert remix.status == Remix.Status.QUEUED  # asking changed nothing
    response = creator_client.post(url, {"next": "/remixes/of-my-work/?status=queued"})
    assert response["Location"] == "/remixes/of-my-work/?status=queued"
    remix.refresh_from_db()
    assert remix.status == Remix.Status.WITHDRAWN


def test_takedown_confirmation_is_the_creators_alone(viewer_client, other_client, remix):
    url = reverse("remixer:takedown", args=[remix.public_id])
    assert viewer_client.get(url).status_code == 404
    assert other_client.get(url).status_code == 404
    assert other_client.get(url, {"next": "https://evil.example/"}).status_code == 404


def test_takedown_page_refuses_a_next_elsewhere(creator_client, remix):
    url = reverse("remixer:takedown", args=[remix.public_id])
    page = creator_client.get(url, {"next": "https://evil.example/phish"})
    assert "evil.example" not in page.text
    assert f'name="next" value="{remix.get_absolute_url()}"' in page.text


def test_remixes_of_my_work_filter_by_video_title(creator_client, creator, viewer, remix):
    other = make_postered_video(creator, title="Mountain run")
    services.remix_request(requester=viewer, video=other, template="caption", inputs=CAPTION)
    page = creator_client.get(reverse("remixer:of_my_work"), {"video": "beach"})
    assert "Beach day" in page.text and "Mountain run" not in page.text
    assert 'for="id_video">Video title' in page.text


def test_queued_remix_page_says_it_updates_itself_and_published_drops_it(viewer_client, remix):
    page = viewer_client.get(remix.get_absolute_url())
    assert "Your remix is queued; this page updates by itself when it is ready." in page.text
    pipeline.remix_render(remix_id=remix.id)
    page = viewer_client.get(remix.get_absolute_url())
    assert "queued" not in page.text.lower()
    assert 'data-testid="remix-image"' in page.text


def test_request_form_marks_each_templates_fields_and_disables_them_when_refused(
    viewer_client, creator, remix
):
    watch = viewer_client.get(remix.video.get_public_url()).text
    assert 'data-for-template="caption"' in watch and 'data-for-template="face"' in watch
    assert '<fieldset class="template-fields">' in watch
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    refused = viewer_client.get(remix.video.get_public_url()).text
    assert '<fieldset class="template-fields" disabled>' in refused


def test_the_signed_image_downloads_under_the_remixs_name(anon_client, viewer_client, remix):
    url = reverse("remixer:download", args=[remix.public_id])
    assert viewer_client.get(url).status_code == 404  # queued: nothing to download yet
    pipeline.remix_render(remix_id=remix.id)
    response = anon_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'attachment; filename="creatorhub-remix-{remix.public_id}.jpg"'
    )
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    services.remix_takedown(remix=Remix.objects.get(id=remix.id), actor=remix.video.owner)
    assert anon_client.get(url).status_code == 404
