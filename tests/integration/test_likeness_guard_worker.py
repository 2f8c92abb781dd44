"""Acceptance of the likeness guard with a real worker over Redis, on PostgreSQL: @copycat
re-uploads a poster showing enrolled @demo's face and allows face remixes; the worker scans it;
a viewer's request is refused naming no one and demo is told; demo allows it and the remix
publishes; demo withdraws and the published remix is withdrawn. A video with no enrolled face
is unaffected, and demo's own video follows demo's video consent as before."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consent.scopes import ALL_SCOPES
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.models import Video
from likeness import preferences
from likeness.models import FrameScan, LikenessMatch, RefusedAttempt
from likeness.tests import photos
from likeness.tests.factories import enrol
from remixer.models import Notification, Remix
from remixer.tests.factories import allow, deny

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FACE = {"template": "face", "inputs": {"effect": "pixelate"}}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, image, title: str) -> Video:
    response = client.post(
        "/api/v1/me/videos",
        {"title": title, "poster": SimpleUploadedFile("still.png", photos.png_bytes(image))},
    )
    assert response.status_code == 201, response.content
    return Video.objects.get(public_id=response.json()["id"])


def request_remix(client: Client, video: Video):
    return client.post(
        f"/api/v1/videos/{video.public_id}/remixes",
        data=json.dumps(FACE),
        content_type="application/json",
    )


def scanned(video: Video) -> bool:
    return FrameScan.objects.filter(video=video, poster=video.poster.name).exists()


def likeness(client: Client, others_videos: str, **extra):
    """PUT the caller's likeness consent (their own videos always allowed here)."""
    body = {"consent": {"others_videos": others_videos}, "own_videos": True, **extra}
    return client.put(
        "/api/v1/me/likeness/consent", data=json.dumps(body), content_type="application/json"
    )


def status_of(public_id: str) -> str:
    return Remix.objects.get(public_id=public_id).status


def test_a_face_in_someone_elses_video_is_guarded_end_to_end(celery_worker_process):
    worker = celery_worker_process
    demo, copycat, viewer = make_user("demo"), make_user("copycat"), make_user("viewer")
    allow(copycat, scopes=ALL_SCOPES)
    demo_client, copycat_client, viewer_client = map(client_of, (demo, copycat, viewer))

    reupload = upload(copycat_client, photos.jpeg(photos.astronaut(), 70), "Totally my clip")
    plain = upload(copycat_client, photos.grace_hopper(), "Someone not enrolled")
    worker.wait_until(lambda: scanned(reupload) and scanned(plain))
    assert not LikenessMatch.objects.exists()  # nobody is enrolled yet

    # Demo enrols through the API, as a person would; the worker finds them in the re-upload.
    assert likeness(demo_client, "never", biometric_consent=True).status_code == 200
    photo = demo_client.post(
        "/api/v1/me/likeness/photos",
        {"photo": SimpleUploadedFile("me.png", photos.png_bytes(photos.astronaut()))},
    )
    assert photo.status_code == 202, photo.content
    worker.wait_until(lambda: LikenessMatch.objects.exists())
    assert demo_client.get("/api/v1/me/likeness").json()["enrolled"] is True
    assert list(LikenessMatch.objects.values_list("person_id", "video_id")) == [
        (demo.id, reupload.id)
    ]

    # Refused, naming no one; demo is told, once.
    for _ in range(2):
        refused = request_remix(viewer_client, reupload)
        assert refused.status_code == 403
        assert refused.json()["error"] == "likeness_not_allowed"
        assert "demo" not in refused.content.decode()
    assert not Remix.objects.filter(video=reupload).exists()
    assert RefusedAttempt.objects.get(person=demo, video=reupload).count == 2
    # Two notices: the scan found demo's face ("may appear"), then a request was refused.
    notices = Notification.objects.filter(recipient=demo)
    assert {notice.kind for notice in notices} == {"likeness"}
    assert not any("viewer" in notice.message for notice in notices)
    assert sum("may appear" not in notice.message for notice in notices) == 1

    # The video with no enrolled face is unaffected.
    other = request_remix(viewer_client, plain)
    assert other.status_code == 201
    worker.wait_until(lambda: status_of(other.json()["id"]) == "published")

    # Demo allows remixes of this video ("ask", then a per-video allowance): it works.
    assert likeness(demo_client, "ask").status_code == 200
    assert request_remix(viewer_client, reupload).status_code == 403
    allowance = f"/api/v1/me/likeness/allowances/{reupload.public_id}"
    assert demo_client.post(allowance).json()["allowed"] is True
    accepted = request_remix(viewer_client, reupload)
    assert accepted.status_code == 201, accepted.content
    remix_id = accepted.json()["id"]
    worker.wait_until(lambda: status_of(remix_id) == "published")
    published = Remix.objects.get(public_id=remix_id)
    assert default_storage.exists(published.output.name)

    # Demo withdraws: the published remix is withdrawn at once (held, its file gone).
    assert demo_client.delete(allowance).json()["allowed"] is False
    held = Remix.objects.get(public_id=remix_id)
    assert held.status == "held" and held.output == ""
    worker.wait_until(lambda: not default_storage.exists(published.output.name))
    assert status_of(other.json()["id"]) == "published"

    # Allowed again: it comes back through the worker.
    assert likeness(demo_client, "allow").status_code == 200
    worker.wait_until(lambda: status_of(remix_id) == "published")


def test_demos_own_video_follows_demos_video_consent(celery_worker_process):
    worker = celery_worker_process
    demo, viewer = make_user("demo"), make_user("viewer")
    enrol(demo)
    demo_client, viewer_client = client_of(demo), client_of(viewer)
    own = upload(demo_client, photos.astronaut(), "Me, on the ISS")
    worker.wait_until(lambda: scanned(own))
    assert LikenessMatch.objects.filter(person=demo, video=own).exists()

    deny(demo)
    refused = request_remix(viewer_client, own)
    assert refused.status_code == 403 and refused.json()["error"] == "remix_not_allowed"
    allow(demo, scopes=ALL_SCOPES)
    accepted = request_remix(viewer_client, own)
    assert accepted.status_code == 201
    worker.wait_until(lambda: status_of(accepted.json()["id"]) == "published")
    assert not RefusedAttempt.objects.exists()

    # "Not even my own videos": withdrawn too.
    preferences.likeness_consent_set(
        person=demo, actor=demo, others_videos="never", own_videos=False
    )
    assert status_of(accepted.json()["id"]) == "held"
    assert request_remix(viewer_client, own).json()["error"] == "likeness_not_allowed"
