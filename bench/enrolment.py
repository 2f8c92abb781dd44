"""Likeness enrolment: what a person waits for when they upload a photo (the engine checks it
before anything is stored) and what the worker spends describing it.

- upload_*_ms: POST /api/v1/me/likeness/photos through the test client, session auth, the
  packaged astronaut (512×512 PNG), the same photo scaled to a 9-megapixel phone-sized JPEG
  (3000×3000), and a refused one (two people side by side: 400 several_faces, nothing stored).
- worker_describe_ms: the worker's part for one staged astronaut (read, describe, store the
  embedding, delete the file), without the broker.

The broker messages the uploads enqueue are purged by bench/__main__.py (no worker runs).
Measured on the shared development machine (medians of 5): 252 ms, 1,215 ms, 499 ms; the
worker's part 227 ms."""

from __future__ import annotations

import io
import tempfile

REPEAT = 5


def _jpeg(image, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    image.resize(size, Image.Resampling.LANCZOS).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def run() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings

    from bench.harness import median_ms
    from creatorhub.accounts.tests.factories import make_user
    from likeness import enrolment
    from likeness.models import EnrolmentPhoto
    from likeness.tests import photos

    person = make_user("bench-enrolment")
    enrolment.biometric_consent_give(person=person, actor=person)
    client = Client()
    client.force_login(person)
    astronaut = photos.astronaut()
    payloads = {
        "upload_512px_png_ms": (photos.png_bytes(astronaut), 202),
        "upload_9mp_jpeg_ms": (_jpeg(astronaut, (3000, 3000)), 202),
        "upload_refused_two_faces_ms": (
            photos.png_bytes(photos.side_by_side(astronaut, photos.grace_hopper())),
            400,
        ),
    }
    results: dict = {"repeat": REPEAT}
    with tempfile.TemporaryDirectory() as private, override_settings(PRIVATE_ROOT=private):
        for name, (data, expected) in payloads.items():

            def upload(data=data, expected=expected) -> None:
                EnrolmentPhoto.objects.filter(user=person).delete()  # stay under MAX_PHOTOS
                response = client.post(
                    "/api/v1/me/likeness/photos", {"photo": SimpleUploadedFile("me", data)}
                )
                assert response.status_code == expected, response.content

            results[name] = median_ms(upload, repeat=REPEAT, warmup=1)
            results[name.replace("_ms", "_bytes")] = len(data)

        data = payloads["upload_512px_png_ms"][0]

        def describe() -> None:
            photo = enrolment._photo_stage(person=person, data=data)
            assert enrolment.photo_process(photo_id=photo.id) == "ready"
            EnrolmentPhoto.objects.filter(id=photo.id).delete()

        results["worker_describe_ms"] = median_ms(describe, repeat=REPEAT, warmup=1)
    return results
