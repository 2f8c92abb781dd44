"""A creator's AI-training change reaches every published file through a real worker: 100
published remixes of a creator who allowed training; training is turned off; within 60 s every
served file says "not allowed" (C2PA read with c2pa-python's Reader, XMP read as XMP), each at
a new version, the old files 404 and are gone, and the API and pages still work."""

from __future__ import annotations

import io
import time
from xml.etree import ElementTree

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from consent import services as consent_services
from consent.tests.factories import policy
from remixer import services
from remixer.models import Regeneration, Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import make_postered_video

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
COUNT = 100
PLUS = "{http://ns.useplus.org/ldf/xmp/1.0/}"
VOCAB = "http://ns.useplus.org/ldf/vocab/"


def served_signals(client: Client, name: str) -> tuple[str | None, str | None]:
    """What a served file says: (C2PA cawg/c2pa ai_training uses, plus:DataMining)."""
    response = client.get(f"/media/{name}")
    assert response.status_code == 200, name
    data = b"".join(response.streaming_content)
    credentials = provenance_read(data=data)
    assert credentials.trusted, credentials.failures
    uses = {credentials.training["cawg.ai_training"], credentials.training["c2pa.ai_training"]}
    assert len(uses) == 1, uses
    packet = Image.open(io.BytesIO(data)).info["xmp"]
    mining = ElementTree.fromstring(packet).find(f".//{PLUS}DataMining")
    return uses.pop(), mining.text.removeprefix(VOCAB)


def test_turning_training_off_resigns_100_published_remixes_within_60s(
    celery_worker_process, creator, viewer, settings, anon_client, creator_client
):
    settings.REMIX_RATE_PER_MINUTE = COUNT * 2
    video = make_postered_video(creator, title="Source")
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(training=True)
    )
    remixes = [
        services.remix_request(
            requester=viewer, video=video, template="caption", inputs={"top": f"#{n}"}
        )
        for n in range(COUNT)
    ]
    ids = [remix.id for remix in remixes]
    celery_worker_process.wait_until(
        lambda: Remix.objects.filter(id__in=ids, status="published").count() == COUNT,
        timeout=180,
    )
    before = dict(Remix.objects.filter(id__in=ids).values_list("id", "output"))
    versions = dict(Remix.objects.filter(id__in=ids).values_list("id", "version"))
    assert served_signals(anon_client, before[ids[0]]) == ("allowed", "DMI-ALLOWED")

    started = time.monotonic()
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(training=False)
    )
    celery_worker_process.wait_until(
        lambda: (
            Remix.objects.filter(
                id__in=ids, status="published", resign=False, signed_training=False
            ).count()
            == COUNT
        ),
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert elapsed < 60

    for remix in Remix.objects.filter(id__in=ids):
        assert remix.status == "published" and remix.version > versions[remix.id]
        assert remix.output.name != before[remix.id]
        assert served_signals(anon_client, remix.output.name) == ("notAllowed", "DMI-PROHIBITED")
        assert anon_client.get(f"/media/{before[remix.id]}").status_code == 404
    celery_worker_process.wait_until(
        lambda: not any(default_storage.exists(name) for name in before.values()), timeout=10
    )

    # The API and the pages still work, at the new version.
    remix = Remix.objects.get(id=ids[0])
    api = anon_client.get(f"/api/v1/remixes/{remix.public_id}").json()
    assert api["status"] == "published" and api["image_url"].endswith(remix.output.name)
    assert anon_client.get(remix.get_absolute_url()).status_code == 200
    assert creator_client.get("/remixes/of-my-work/").status_code == 200
    regeneration = Regeneration.objects.get(creator=creator, resigns=COUNT)
    celery_worker_process.wait_until(
        lambda: Regeneration.objects.filter(id=regeneration.id, finished_at__isnull=False).exists(),
        timeout=10,
    )
    print(f"resign of {COUNT} published remixes: {elapsed:.1f} s")
