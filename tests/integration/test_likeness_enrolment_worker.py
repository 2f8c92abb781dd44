"""Enrolment with a real Celery worker over Redis, on PostgreSQL: a photo uploaded through the
API is described by the worker, its embedding stored and its staged file deleted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consent.models import LedgerEntry
from likeness import engine
from likeness.models import EnrolmentPhoto, FaceEmbedding
from likeness.tests import photos

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
URL = "/api/v1/me/likeness"


@pytest.fixture
def client(creator) -> Client:
    client = Client()
    client.force_login(creator)
    body = {"consent": {"others_videos": "never"}, "own_videos": True, "biometric_consent": True}
    response = client.put(f"{URL}/consent", data=body, content_type="application/json")
    assert response.status_code == 200 and response.json()["biometric_consent"] is True
    return client


def staged(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "enrolment"
    return list(folder.iterdir()) if folder.exists() else []


def test_the_worker_enrols_the_astronaut(celery_worker_process, client, creator, settings):
    data = photos.png_bytes(photos.astronaut())
    response = client.post(f"{URL}/photos", {"photo": SimpleUploadedFile("me.png", data)})
    assert response.status_code == 202, response.json()
    photo_id = response.json()["id"]
    assert response.json() == {"id": photo_id, "status": "processing"}

    def described() -> bool:
        return client.get(URL).json()["photos"][0]["status"] != "processing"

    celery_worker_process.wait_until(described, timeout=60)
    body = client.get(URL).json()
    assert body["enrolled"] is True
    assert body["photos"] == [{"id": photo_id, "status": "ready", "error": None}]
    embedding = FaceEmbedding.objects.get(user=creator)
    assert embedding.photo_id == photo_id
    vector = np.asarray(embedding.vector, dtype=np.float32)
    assert np.linalg.norm(vector - engine.enrolment_embedding(data)) < 1e-4
    assert EnrolmentPhoto.objects.get(id=photo_id).staged_path == ""
    assert staged(settings) == []
    celery_worker_process.wait_until(
        lambda: f"Person {creator.id} enrolled; person_enrolled sent" in celery_worker_process.log()
    )

    # Deleted through the API: every embedding goes, the ledger keeps the record.
    assert client.delete(URL).status_code == 204
    assert not FaceEmbedding.objects.exists() and not EnrolmentPhoto.objects.exists()
    last = LedgerEntry.objects.filter(creator=creator).order_by("-seq").first()
    assert last.payload == {"likeness": {"enrolment": "deleted"}}


def test_a_photo_with_two_faces_is_refused_and_nothing_is_stored(
    celery_worker_process, client, settings
):
    pair = photos.side_by_side(photos.astronaut(), photos.grace_hopper())
    response = client.post(
        f"{URL}/photos", {"photo": SimpleUploadedFile("us.png", photos.png_bytes(pair))}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "several_faces"
    assert not EnrolmentPhoto.objects.exists() and not FaceEmbedding.objects.exists()
    assert staged(settings) == []
    assert client.get(URL).json()["photos"] == []
