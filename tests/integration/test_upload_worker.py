"""Uploads processed by a real Celery worker process over Redis, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from creatorhub.videos.models import Video
from creatorhub.videos.tests.factories import mp4_bytes

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_makes_the_poster_of_an_upload(celery_worker_process, creator):
    client = Client()
    client.force_login(creator)
    response = client.post(
        reverse("videos:upload"),
        {"file": SimpleUploadedFile("clip.mp4", mp4_bytes(), "video/mp4"), "visibility": "public"},
    )
    assert response.status_code == 302
    video = Video.objects.get(owner=creator)

    def ready() -> bool:
        video.refresh_from_db()
        return video.status != Video.Status.PROCESSING

    celery_worker_process.wait_until(ready, timeout=60)
    assert video.status == Video.Status.READY, video.processing_error
    assert video.poster.storage.exists(video.poster.name)
    status = client.get(reverse("videos:detail_status", args=[video.public_id]))
    assert status.status_code == 286
    assert 'data-testid="poster"' in status.text
