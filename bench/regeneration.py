"""Regeneration of held remixes when consent returns: the real pipeline (the sync that requeues
and enqueues, then a real Celery worker claiming, checking consent, rendering, signing and
publishing each remix) against a raw in-process loop over the same remixes that only decodes,
renders, encodes, signs and saves. Both use one process, so the ratio is the pipeline's
overhead per render. BENCH_REGEN_REMIXES sets how many (default 10,000)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.test import override_settings

REMIXES = int(os.environ.get("BENCH_REGEN_REMIXES", "10000"))
VIDEOS = 50


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        media, keys = Path(folder) / "media", Path(folder) / "keys"
        with override_settings(MEDIA_ROOT=media, PROVENANCE_DIR=keys):
            from remixer.provenance_keys import provenance_keys_create

            provenance_keys_create(directory=keys)
            return _run(media, keys, Path(folder))


def _run(media: Path, keys: Path, folder: Path) -> dict:
    from consent import services as consent_services
    from consent.models import CreatorPolicy
    from consent.scopes import scopes_to_mask
    from consent.tests.factories import policy
    from creatorhub.accounts.tests.factories import make_user
    from creatorhub.celery import app
    from remixer import sync
    from remixer.models import Remix

    creator, viewer = make_user("bench-creator"), make_user("bench-viewer")
    remix_ids = _held_remixes(creator, viewer)

    raw_seconds = _raw_loop(remix_ids)

    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(scopes=scopes_to_mask(["caption"]))
    )
    app.control.purge()  # the announcement's task: the bench runs the sync itself, timed
    worker = _start_worker(media, keys, folder)
    try:
        seq = CreatorPolicy.objects.get(creator=creator).ledger_seq
        start = time.perf_counter()
        _, requeued = sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq)
        enqueue_seconds = time.perf_counter() - start
        assert requeued == REMIXES, requeued
        pending = Remix.objects.filter(status__in=("queued", "rendering"))
        while pending.exists():
            if worker.poll() is not None:
                raise RuntimeError((folder / "worker.log").read_text()[-3000:])
            time.sleep(0.5)
        pipeline_seconds = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    published = Remix.objects.filter(status="published").count()
    return {
        "remixes": REMIXES,
        "published": published,
        "enqueue_s": round(enqueue_seconds, 3),
        "pipeline_s": round(pipeline_seconds, 2),
        "pipeline_per_s": round(REMIXES / pipeline_seconds, 1),
        "raw_loop_s": round(raw_seconds, 2),
        "raw_loop_per_s": round(REMIXES / raw_seconds, 1),
        "throughput_vs_raw": round(raw_seconds / pipeline_seconds, 3),
        "worker_concurrency": 1,
        "targets": "throughput_vs_raw >= 0.8, enqueue_s <= 2",
    }


def _held_remixes(creator, viewer) -> list[int]:
    from consent.scopes import scopes_to_mask
    from remixer.models import Remix
    from remixer.tests.factories import make_postered_video

    videos = [make_postered_video(creator, title=f"Bench {i}") for i in range(VIDEOS)]
    scopes = scopes_to_mask(["caption"])
    Remix.objects.bulk_create(
        (
            Remix(
                requester=viewer,
                video=videos[i % VIDEOS],
                creator_id=videos[i % VIDEOS].owner_id,
                template="caption",
                scopes=scopes,
                inputs={"top": f"Remix number {i}", "bottom": "is back", "style": "classic"},
                status=Remix.Status.HELD,
            )
            for i in range(REMIXES)
        ),
        batch_size=2000,
    )
    return list(Remix.objects.order_by("id").values_list("id", flat=True))


def _raw_loop(remix_ids: list[int]) -> float:
    """Decode, render, encode, sign and save each remix, in this process, touching no row."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from creatorhub.videos.media import encode_jpeg
    from remixer import engines
    from remixer.models import Remix
    from remixer.provenance import ProvenanceInfo, provenance_sign

    remixes = list(Remix.objects.select_related("video__owner").filter(id__in=remix_ids))
    start = time.perf_counter()
    for remix in remixes:
        with remix.video.poster.open("rb") as handle:
            poster_jpeg = handle.read()
        image = engines.render(
            engines.RenderRequest(
                poster=Image.open(io.BytesIO(poster_jpeg)).convert("RGB"),
                template=remix.template,
                inputs=remix.inputs,
                credit=f"@{remix.video.owner.username} · Creator Hub",
            )
        )
        signed = provenance_sign(
            jpeg=encode_jpeg(image),
            info=ProvenanceInfo(
                remix_id=remix.public_id,
                template=remix.template,
                scopes=["caption"],
                consent_seq=0,
                video_id=remix.video.public_id,
                video_title=remix.video.title,
                creator=remix.video.owner.username,
                poster_jpeg=poster_jpeg,
            ),
        )
        default_storage.save(f"raw/{remix.public_id}.jpg", ContentFile(signed))
    return time.perf_counter() - start


def _start_worker(media: Path, keys: Path, folder: Path) -> subprocess.Popen:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(media),
        "PROVENANCE_DIR": str(keys),
        "DEBUG": "1",
    }
    log = (folder / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "creatorhub",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "bench@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while " ready." not in (folder / "worker.log").read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((folder / "worker.log").read_text()[-3000:])
        time.sleep(0.2)
    return worker
