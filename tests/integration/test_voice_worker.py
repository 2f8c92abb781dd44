"""Voice remixes through the API with a real worker: an upload keeps its sound, a pitched clip is
published as a signed MP4 measured with PyAV, revoking `voice` withdraws it, allowing it again
regenerates it, /verify/ knows it; bad clips are 400s that queue nothing."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

import av
import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from creatorhub.accounts.tokens import api_token_create
from remixer.engines.voice import PITCH_RATIO, dominant_frequency
from remixer.models import Remix
from remixer.tests.factories import c2pa_report, poster_jpeg, voiced_mp4

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
TONE_HZ = 300.0  # a pure tone: its dominant frequency is unambiguous, unlike speech
SOURCE_SECONDS = 12.0  # longer than the 10 s limit, so "too long" is not "past the end"
CLIP = {"effect": "pitch_up", "start": 2.5, "length": 3.0}


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token_create(user=user, name='t')[1]}"})


def upload(client: Client, name: str, data: bytes, field: str = "file") -> str:
    made = client.post("/api/v1/me/videos", {field: SimpleUploadedFile(name, data)})
    assert made.status_code == 201, made.json()
    return made.json()["id"]


def processed(worker, client: Client, public_id: str) -> dict:
    """The video's JSON once the worker has made its poster (and kept its sound)."""

    def ready() -> bool:
        return client.get(f"/api/v1/videos/{public_id}").json()["status"] != "processing"

    worker.wait_until(ready)
    return client.get(f"/api/v1/videos/{public_id}").json()


def allow(client: Client, **kinds: bool) -> None:
    body = {"remix": {"mode": "allow", "scopes": kinds}, "training": {"allowed": False}}
    response = client.put("/api/v1/me/consent", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.json()


def ask(client: Client, video_id: str, inputs: dict):
    return client.post(
        f"/api/v1/videos/{video_id}/remixes",
        json.dumps({"template": "voice", "inputs": inputs}),
        content_type="application/json",
    )


def remix_json(client: Client, remix_id: str) -> dict:
    return client.get(f"/api/v1/remixes/{remix_id}").json()


def published(worker, client: Client, remix_id: str) -> dict:
    worker.wait_until(lambda: remix_json(client, remix_id)["status"] == "published")
    return remix_json(client, remix_id)


def media(client: Client, url: str):
    return client.get(urlsplit(url).path)


def decode(data: bytes) -> tuple[np.ndarray, int, float]:
    """An MP4's sound decoded with PyAV (channels averaged), its rate, and the picture's length."""
    with av.open(io.BytesIO(data)) as container:
        audio = container.streams.audio[0]
        # The AAC decoder gives planar frames: one row per channel.
        rows = [frame.to_ndarray().mean(axis=0) for frame in container.decode(audio)]
        rate = audio.codec_context.sample_rate
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        *_, last = container.decode(video)
        picture_seconds = float((last.pts + last.duration) * video.time_base)
    return np.concatenate(rows), rate, picture_seconds


def verify_api(data: bytes) -> dict:
    return Client().post("/api/v1/verify", {"image": SimpleUploadedFile("clip.mp4", data)}).json()


def manifest_assertions(data: bytes) -> tuple[str, dict]:
    """c2pa-python's verdict on an MP4 under our trust anchor, and its active manifest's
    assertions by label."""
    report = c2pa_report(data, "video/mp4")
    manifest = report["manifests"][report["active_manifest"]]
    return report["validation_state"], {a["label"]: a["data"] for a in manifest["assertions"]}


def test_a_pitched_clip_is_published_withdrawn_regenerated_and_verified(
    celery_worker_process, creator, viewer
):
    worker, mine, theirs = celery_worker_process, api(creator), api(viewer)
    source = voiced_mp4(TONE_HZ, SOURCE_SECONDS)
    video_id = upload(mine, "tone.mp4", source)
    video = processed(worker, mine, video_id)
    assert (video["status"], video["has_audio"]) == ("ready", True)

    allow(mine, voice=True)
    asked = ask(theirs, video_id, CLIP)
    assert asked.status_code == 201, asked.json()
    remix_id = asked.json()["id"]
    body = published(worker, theirs, remix_id)
    assert (body["media_type"], body["image_url"]) == ("video/mp4", None)
    served = media(theirs, body["media_url"])
    assert (served.status_code, served["Content-Type"]) == (200, "video/mp4")
    clip = served.getvalue()

    # The sound: the clip's length, and a fifth higher than the same stretch of the source.
    altered, rate, picture_seconds = decode(clip)
    assert altered.size / rate == pytest.approx(CLIP["length"], abs=0.1)
    assert picture_seconds == pytest.approx(CLIP["length"], abs=0.1)
    original, source_rate, _ = decode(source)
    first = round(CLIP["start"] * source_rate)
    stretch = original[first : first + round(CLIP["length"] * source_rate)]
    before = dominant_frequency(stretch, source_rate)
    assert before == pytest.approx(TONE_HZ, rel=0.01)
    assert dominant_frequency(altered, rate) / before == pytest.approx(PITCH_RATIO, rel=0.05)

    # The credentials: valid, signed by our CA, with the assertions image remixes carry.
    state, assertions = manifest_assertions(clip)
    assert state == "Trusted"  # Valid, and chained to our trust anchor
    remix = Remix.objects.get(public_id=remix_id)
    assert assertions["com.creatorhub.remix"] == {
        "remix": remix_id,
        "template": "voice",
        "scopes": ["voice"],
        "consent_seq": remix.consent_seq,
    }
    actions = assertions["c2pa.actions.v2"]["actions"]
    assert [action["action"] for action in actions] == ["c2pa.opened", "c2pa.edited"]
    for label in ("cawg.training-mining", "c2pa.training-mining"):
        uses = {entry["use"] for entry in assertions[label]["entries"].values()}
        assert uses == {"notAllowed"}

    # Revoking `voice` withdraws it at once: not served, file deleted, the API says held.
    allow(mine, caption=True)
    assert media(theirs, body["media_url"]).status_code == 404
    held = remix_json(theirs, remix_id)
    assert (held["status"], held["media_url"]) == ("held", None)
    worker.wait_until(lambda: not default_storage.exists(remix.output.name))
    assert verify_api(clip) == {
        "credentials": "trusted",
        "remix": remix_id,
        "video": video_id,
        "creator": creator.username,
        "consent_now": False,
        "withdrawn": True,
    }

    # Allowing it again regenerates it as a new file, which /verify/ accepts as ours and live.
    allow(mine, voice=True)
    again = published(worker, theirs, remix_id)
    assert again["media_url"] != body["media_url"]
    regenerated = media(theirs, again["media_url"]).getvalue()
    assert verify_api(regenerated) == {
        "credentials": "trusted",
        "remix": remix_id,
        "video": video_id,
        "creator": creator.username,
        "consent_now": True,
        "withdrawn": False,
    }
    page = Client().post("/verify/", {"image": SimpleUploadedFile("clip.mp4", regenerated)})
    assert page.status_code == 200
    assert 'data-state="trusted"' in page.text
    assert f'<a href="{remix.get_absolute_url()}">{remix_id}</a>' in page.text


def test_bad_clips_are_400s_and_queue_nothing(celery_worker_process, creator, viewer):
    worker, mine, theirs = celery_worker_process, api(creator), api(viewer)
    voiced = upload(mine, "tone.mp4", voiced_mp4(TONE_HZ, SOURCE_SECONDS))
    silent = upload(mine, "still.jpg", poster_jpeg(), field="poster")
    assert processed(worker, mine, voiced)["has_audio"] is True
    assert processed(worker, mine, silent)["has_audio"] is False
    allow(mine, voice=True)
    log_start = len(worker.log())

    refusals = [
        (voiced, {**CLIP, "start": 10.0}, "The clip ends at 13.0 s but the video is 12.0 s long."),
        (voiced, {**CLIP, "length": 0}, "The clip length must be more than 0 s."),
        (voiced, {**CLIP, "start": 0, "length": 10.5}, "Voice clips are limited to 10 s"),
        (voiced, {**CLIP, "effect": "yodel"}, "Choose a voice effect: pitch_up, pitch_down"),
        (silent, CLIP, "This video has no audio track to remix."),
    ]
    for video_id, inputs, detail in refusals:
        response = ask(theirs, video_id, inputs)
        assert response.status_code == 400, (inputs, response.json())
        assert response.json()["error"] == "invalid_request"
        assert detail in response.json()["detail"]
    assert not Remix.objects.exists()

    # A good request last: the queue is first in, first out, so once the worker has published
    # it, it has received anything the refusals might have sent before it.
    remix_id = ask(theirs, voiced, CLIP).json()["id"]
    published(worker, theirs, remix_id)
    received = re.findall(r"remixer\.tasks\.render_remix\[\S+\] received", worker.log()[log_start:])
    assert len(received) == 1
