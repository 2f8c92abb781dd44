"""Signing a published remix again after a change of the creator's AI-training choice: the
worker's real path per remix (claim, read the unsigned render kept privately, sign, save the new
version, publish under the consent lock, delete the old version), against the same path for
remixes that have no unsigned copy and are rendered again. In one process, no broker.
BENCH_RESIGN_REMIXES sets how many (default 200)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from django.test import override_settings

REMIXES = int(os.environ.get("BENCH_RESIGN_REMIXES", "200"))
VIDEOS = 10
CHUNK = 50


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        media, private, keys = (Path(folder) / name for name in ("media", "private", "keys"))
        with override_settings(MEDIA_ROOT=media, PRIVATE_ROOT=private, PROVENANCE_DIR=keys):
            from remixer.provenance_keys import provenance_keys_create

            provenance_keys_create(directory=keys)
            return _run()


def _run() -> dict:
    from consent import services as consent_services
    from consent.models import CreatorPolicy
    from consent.tests.factories import policy
    from creatorhub.accounts.tests.factories import make_user
    from remixer import pipeline, resign, services, signing, sync
    from remixer.models import Remix
    from remixer.tests.factories import make_postered_video

    creator, viewer = make_user("bench-creator"), make_user("bench-viewer")
    consent_services.consent_set_policy(
        creator=creator, actor=creator, change=policy(training=True)
    )
    videos = [make_postered_video(creator, title=f"Bench {i}") for i in range(VIDEOS)]
    Remix.objects.bulk_create(
        Remix(
            requester=viewer,
            video=videos[i % VIDEOS],
            creator_id=videos[i % VIDEOS].owner_id,
            template="caption",
            scopes=services.TEMPLATE_SCOPES["caption"],
            inputs={"top": f"Remix number {i}", "bottom": "signed again", "style": "classic"},
        )
        for i in range(REMIXES)
    )
    ids = list(Remix.objects.order_by("id").values_list("id", flat=True))
    for remix, consent in pipeline.remixes_claim(remix_ids=ids):
        assert pipeline.remix_render_claimed(remix=remix, consent=consent) == "published"

    def change(training: bool) -> None:
        consent_services.consent_set_policy(
            creator=creator, actor=creator, change=policy(training=training)
        )
        seq = CreatorPolicy.objects.get(creator=creator).ledger_seq
        sync.remixes_sync_with_consent(creator_id=creator.id, ledger_seq=seq)

    def resign_all(expected: str) -> float:
        start = time.perf_counter()
        for first in range(0, REMIXES, CHUNK):
            for remix, consent in resign.remixes_claim_resign(remix_ids=ids[first : first + CHUNK]):
                assert resign.remix_resign_claimed(remix=remix, consent=consent) == expected
        seconds = time.perf_counter() - start
        assert not Remix.objects.filter(resign=True).exists()
        return seconds

    change(False)
    resign_seconds = resign_all("resigned")
    signing.unsigned_delete(public_ids=list(Remix.objects.values_list("public_id", flat=True)))
    change(True)
    rerender_seconds = resign_all("rerendered")
    resign_ms = resign_seconds * 1000 / REMIXES
    rerender_ms = rerender_seconds * 1000 / REMIXES
    return {
        "remixes": REMIXES,
        "resign_ms_per_remix": round(resign_ms, 2),
        "rerender_ms_per_remix": round(rerender_ms, 2),
        "rerender_over_resign": round(rerender_ms / resign_ms, 2),
    }
