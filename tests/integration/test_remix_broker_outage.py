"""Promise 7: the database is the truth, not the broker. A consent change made while Redis is
down commits; once Redis is back, the reconciler brings every held remix to published."""

from __future__ import annotations

import pytest

from consent import services as consent_services
from consent.idsets import VideoState
from consent.models import LedgerEntry, VideoOverride
from consent.tests.factories import CAPTION
from creatorhub.videos.models import Video
from remixer import tasks
from remixer.models import Remix
from remixer.provenance import provenance_read
from remixer.tests.factories import make_postered_video, remix_row
from tests.fixtures.services import start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
VIDEOS = 200


def test_consent_change_during_a_broker_outage_is_caught_up(
    private_redis, media_dir, tmp_path, creator, viewer, caplog
):
    videos = [make_postered_video(creator, title=f"Clip {i}") for i in range(VIDEOS)]
    Remix.objects.bulk_create(
        remix_row(viewer, video, status=Remix.Status.HELD) for video in videos
    )
    worker = start_worker(media_dir, tmp_path, broker_url=private_redis.url)
    try:
        private_redis.stop()
        result = consent_services.consent_set_videos(
            creator=creator,
            actor=creator,
            videos=Video.objects.filter(owner=creator),
            state=VideoState("allow", CAPTION),
        )
        assert result.entry.seq == 1
        assert LedgerEntry.objects.filter(creator=creator).count() == 1
        assert VideoOverride.objects.filter(video__owner=creator, remix="allow").count() == VIDEOS
        assert "Could not enqueue" in caplog.text, "the announcement was lost with the broker"
        assert Remix.objects.filter(status=Remix.Status.HELD).count() == VIDEOS

        private_redis.start()
        tasks.reconcile.delay()  # what beat sends every minute
        worker.wait_until(
            lambda: Remix.objects.filter(status=Remix.Status.PUBLISHED).count() == VIDEOS,
            timeout=180,
        )
    finally:
        stop_worker(worker)
    # Every published remix reads back as ours, unchanged, naming itself and its consent record.
    for remix in Remix.objects.select_related("video"):
        with remix.output.open("rb") as handle:
            credentials = provenance_read(data=handle.read())
        assert credentials.state == "trusted", (remix.public_id, credentials.failures)
        assert (credentials.remix_id, credentials.video_id) == (
            remix.public_id,
            remix.video.public_id,
        )
        assert credentials.consent_seq == remix.consent_seq == result.entry.seq
