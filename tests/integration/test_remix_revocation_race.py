"""Revocation while a thousand renders are queued or running, with a real worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from consent import services as consent_services
from consent.tests.factories import policy
from remixer.models import Remix
from remixer.services import TEMPLATE_SCOPES
from remixer.sync import RENDER_CHUNK
from remixer.tasks import render_remixes
from remixer.tests.factories import make_postered_video

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
N = 1000


def test_no_remix_publishes_after_the_revocation_commits(celery_worker_process, creator, viewer):
    video = make_postered_video(creator, title="Source")
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remixes = Remix.objects.bulk_create(
        [
            Remix(
                requester=viewer,
                video=video,
                creator_id=video.owner_id,
                template="caption",
                inputs={"top": f"remix {n}", "bottom": "", "style": "classic"},
                scopes=TEMPLATE_SCOPES["caption"],
            )
            for n in range(N)
        ]
    )
    ids = [remix.id for remix in remixes]
    for start in range(0, N, RENDER_CHUNK):
        render_remixes.delay(ids[start : start + RENDER_CHUNK])

    def some_published() -> bool:
        return Remix.objects.filter(status=Remix.Status.PUBLISHED).count() >= 40

    celery_worker_process.wait_until(some_published, timeout=120)
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy(False))
    revoked_at = timezone.now()  # the revocation has committed by now

    def settled() -> bool:
        return not Remix.objects.filter(
            status__in=[Remix.Status.QUEUED, Remix.Status.RENDERING, Remix.Status.PUBLISHED]
        ).exists()

    celery_worker_process.wait_until(settled, timeout=180)
    assert not Remix.objects.filter(published_at__gt=revoked_at).exists()
    assert Remix.objects.filter(status=Remix.Status.HELD).count() == N
    assert Remix.objects.exclude(output="").count() == 0

    folders = [Path(settings.MEDIA_ROOT) / "remixes" / remix.public_id for remix in remixes]

    def no_files_left() -> bool:
        return not any(path.is_file() for folder in folders for path in folder.glob("*"))

    celery_worker_process.wait_until(no_files_left, timeout=60)
