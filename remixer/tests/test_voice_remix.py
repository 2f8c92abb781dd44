"""Voice remixes through the service and the pipeline: consent (the voice kind, plus caption for
a captioned clip), clear 400s for bad clips, a signed MP4 that plays the altered clip, and the
same lifecycle as image remixes."""

from __future__ import annotations

import io
import json

import av
import c2pa
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consent import services as consent_services
from consent.scopes import scopes_to_mask
from consent.tests.factories import policy
from creatorhub.accounts.tokens import api_token_create
from remixer import pipeline, services, sync
from remixer.engines.voice import PITCH_RATIO, dominant_frequency, mp4_audio
from remixer.models import Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import make_postered_video, make_voiced_video, voiced_mp4
from tests.fixtures.personas import logged_in

pytestmark = pytest.mark.django_db
VOICE = scopes_to_mask(["voice"])
VOICE_CAPTION = scopes_to_mask(["voice", "caption"])
CLIP = {"effect": "pitch_up", "start": 1.0, "length": 2.0}


def allow(creator, scopes: int = VOICE) -> None:
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(scopes=scopes)
    )


def ask_for(viewer, video, inputs=None) -> Remix:
    return services.remix_request(
        requester=viewer, video=video, template="voice", inputs=inputs or CLIP
    )


def test_an_upload_keeps_its_sound_and_says_so(creator):
    video = make_voiced_video(creator, seconds=3.0)
    assert video.has_audio
    assert video.audio_seconds == pytest.approx(3.0, abs=0.05)
    assert video.audio.name.endswith(".wav")
    silent = make_postered_video(creator)
    assert not silent.has_audio
    client = logged_in(creator)
    listed = {
        row["id"]: row["has_audio"] for row in client.get("/api/v1/me/videos").json()["results"]
    }
    assert listed == {video.public_id: True, silent.public_id: False}
    assert client.get(f"/api/v1/videos/{video.public_id}").json()["has_audio"] is True


def test_a_voice_remix_publishes_a_signed_mp4_of_the_altered_clip(creator, viewer):
    video = make_voiced_video(creator, freq=220.0, seconds=4.0)
    allow(creator)
    remix = ask_for(viewer, video)
    assert remix.scopes == VOICE
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    remix.refresh_from_db()
    assert remix.output.name.endswith(".mp4")
    with remix.output.open("rb") as handle:
        data = handle.read()
    samples, seconds = mp4_audio(data)
    assert seconds == pytest.approx(2.0, abs=0.1)
    assert dominant_frequency(samples, 16000) == pytest.approx(220.0 * PITCH_RATIO, rel=0.05)
    with av.open(io.BytesIO(data)) as container:
        kinds = sorted(stream.codec_context.name for stream in container.streams)
    assert kinds == ["aac", "h264"]
    credentials = provenance_read(data=data)
    assert credentials.state == "trusted"
    assert (credentials.remix_id, credentials.template) == (remix.public_id, "voice")
    assert credentials.scopes == ("voice",)
    reader = c2pa.Reader("video/mp4", io.BytesIO(data))
    assert reader.get_validation_state() in {"Valid", "Trusted"}
    body = logged_in(viewer).get(f"/api/v1/remixes/{remix.public_id}").json()
    assert body["media_type"] == "video/mp4"
    assert body["media_url"].endswith(".mp4")
    assert body["image_url"] is None
    page = logged_in(viewer).get(remix.get_absolute_url())
    assert 'data-testid="remix-video"' in page.text and "Transcript" in page.text


def test_a_caption_needs_the_caption_kind_too(creator, viewer):
    video = make_voiced_video(creator)
    allow(creator, VOICE)
    with pytest.raises(services.RemixRefused, match="caption"):
        ask_for(viewer, video, {**CLIP, "caption": "Hear this"})
    allow(creator, VOICE_CAPTION)
    remix = ask_for(viewer, video, {**CLIP, "caption": "Hear this"})
    assert remix.scopes == VOICE_CAPTION


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"effect": "pitch_up", "start": 3.5, "length": 2.0}, "ends at 5.5 s"),
        ({"effect": "pitch_up", "start": 0, "length": 0}, "more than 0 s"),
        ({"effect": "pitch_up", "start": 0, "length": 11}, "limited to 10 s"),
        ({"effect": "yodel", "start": 0, "length": 1}, "effect"),
        ({"effect": "echo", "start": -1, "length": 1}, "start"),
    ],
)
def test_bad_clips_are_clear_400s_and_queue_nothing(creator, viewer, inputs, message):
    video = make_voiced_video(creator, seconds=4.0)
    allow(creator)
    token = api_token_create(user=viewer, name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    response = api.post(
        f"/api/v1/videos/{video.public_id}/remixes",
        json.dumps({"template": "voice", "inputs": inputs}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert message in response.json()["detail"]
    assert not Remix.objects.exists()


def test_a_video_without_sound_offers_no_voice_clip(creator, viewer):
    video = make_postered_video(creator)
    allow(creator)
    with pytest.raises(services.RemixRefused, match="no audio track") as refusal:
        ask_for(viewer, video)
    assert refusal.value.status == 400
    page = logged_in(viewer).get(video.get_public_url())
    assert 'value="voice"' not in page.text
    assert "no sound" in page.text


def test_revoking_voice_holds_it_and_allowing_regenerates_it(creator, viewer):
    video = make_voiced_video(creator)
    allow(creator)
    remix = ask_for(viewer, video)
    assert pipeline.remix_render(remix_id=remix.id) == "published"
    allow(creator, scopes_to_mask(["caption"]))  # voice no longer allowed
    remix.refresh_from_db()
    assert remix.status == Remix.Status.HELD and not remix.output
    allow(creator)
    sync.remixes_sync_with_consent(creator_id=creator.id)
    remix.refresh_from_db()
    assert remix.status == Remix.Status.QUEUED
    assert pipeline.remix_render(remix_id=remix.id) == "published"


def test_the_upload_api_makes_videos_and_refuses_bad_files(creator):
    client = logged_in(creator)
    made = client.post(
        "/api/v1/me/videos",
        {"title": "By API", "file": upload("clip.mp4", voiced_mp4())},
    )
    assert made.status_code == 201, made.json()
    assert made.json()["status"] == "processing"
    for data, field in ((b"not media at all", "file"), (b"", "poster")):
        bad = client.post("/api/v1/me/videos", {field: upload("x.bin", data)})
        assert bad.status_code == 400
    assert client.post("/api/v1/me/videos", {"title": "nothing"}).status_code == 400
    anonymous = Client().post("/api/v1/me/videos", {"file": upload("clip.mp4", voiced_mp4())})
    assert anonymous.status_code == 401


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
