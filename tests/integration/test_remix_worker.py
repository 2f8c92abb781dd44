"""The remix pipeline with a real worker: render, withdraw on revocation, regenerate on return."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from consent import services as consent_services
from consent.tests.factories import policy
from remixer import services
from remixer.models import Notification, Regeneration, Remix
from remixer.tests.factories import make_postered_video

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def status_of(remix: Remix) -> str:
    remix.refresh_from_db()
    return remix.status


def test_publish_withdraw_regenerate_through_the_worker(celery_worker_process, creator, viewer):
    video = make_postered_video(creator, title="Source")
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remix = services.remix_request(
        requester=viewer, video=video, template="caption", inputs={"top": "hello", "bottom": ""}
    )
    celery_worker_process.wait_until(lambda: status_of(remix) == "published")
    first = remix.output.name
    assert default_storage.exists(first)

    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    celery_worker_process.wait_until(lambda: status_of(remix) == "held")
    celery_worker_process.wait_until(lambda: not default_storage.exists(first))

    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    celery_worker_process.wait_until(lambda: status_of(remix) == "published")
    assert remix.output.name != first and default_storage.exists(remix.output.name)
    assert default_storage.listdir(f"remixes/{remix.public_id}")[1] == [
        remix.output.name.rsplit("/", 1)[1]
    ]
    regeneration = Regeneration.objects.get(creator=creator, total=1)
    celery_worker_process.wait_until(
        lambda: Regeneration.objects.filter(id=regeneration.id, finished_at__isnull=False).exists()
    )
    assert Notification.objects.filter(recipient=creator, kind="regenerated").count() == 1
