"""A worker SIGKILLed mid-render loses nothing and leaves no duplicate files."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from django.conf import settings

from consent import services as consent_services
from consent.tests.factories import policy
from remixer import services, sync
from remixer.models import Remix
from remixer.tasks import render_remixes
from remixer.tests.factories import make_postered_video
from tests.fixtures.services import start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
N = 200


def test_remixes_survive_a_killed_worker(real_services, media_dir, tmp_path, creator, viewer):
    video = make_postered_video(creator, title="Source")
    consent_services.consent_set_policy(creator=creator, actor=creator, change=policy())
    remixes = Remix.objects.bulk_create(
        [
            Remix(
                requester=viewer,
                video=video,
                creator_id=video.owner_id,
                template="caption",
                inputs={"top": f"take {n}", "bottom": "", "style": "classic"},
                scopes=services.TEMPLATE_SCOPES["caption"],
            )
            for n in range(N)
        ]
    )
    ids = [remix.id for remix in remixes]
    for start in range(0, N, 5):
        render_remixes.delay(ids[start : start + 5])

    (tmp_path / "a").mkdir()
    doomed = start_worker(media_dir, tmp_path / "a")
    doomed.wait_until(
        lambda: Remix.objects.filter(status=Remix.Status.PUBLISHED).count() >= 10, timeout=120
    )
    os.killpg(doomed.process.pid, signal.SIGKILL)
    doomed.process.wait()
    unfinished = Remix.objects.exclude(status=Remix.Status.PUBLISHED).count()
    assert unfinished > 0, "everything finished before the kill; nothing was tested"

    (tmp_path / "b").mkdir()
    survivor = start_worker(media_dir, tmp_path / "b")
    try:
        # What the beat reconciler does once the deadline passes, without waiting for it.
        sync.remixes_requeue_stuck(older_than=dt.timedelta(0))
        survivor.wait_until(
            lambda: Remix.objects.filter(status=Remix.Status.PUBLISHED).count() == N, timeout=180
        )
    finally:
        stop_worker(survivor)
    for remix in Remix.objects.all():
        files = list((Path(settings.MEDIA_ROOT) / "remixes" / remix.public_id).glob("*"))
        assert [f.name for f in files] == [remix.output.name.rsplit("/", 1)[1]], remix.public_id
