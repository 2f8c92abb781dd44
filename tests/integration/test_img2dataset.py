"""img2dataset, run with its defaults (they honour X-Robots-Tag noai / noimageai) against the
live server: it takes every poster, thumbnail and remix of a creator who allowed training and
none of a creator who did not; once the first turns training off, it takes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from consent import services
from consent.tests.factories import policy
from creatorhub.accounts.models import User
from creatorhub.accounts.tests.factories import make_user
from creatorhub.videos.tests.factories import make_video
from remixer.models import Remix
from remixer.tests.factories import poster_jpeg

pytestmark = pytest.mark.django_db(transaction=True)

IMG2DATASET = Path(sys.executable).parent / "img2dataset"


def _creator_files(username: str, *, training: bool, videos: int = 3) -> list[str]:
    """Paths of the posters, thumbnails and remix files of a new creator's videos, at their
    creator-scoped URLs. (Django's live server answers the plain /media/ alias itself,
    bypassing the app; the test client checks that alias's headers in consent/tests.)"""
    user = make_user(username)
    services.consent_set_policy(creator=user, actor=user, change=policy(training=training))
    paths = []
    for index in range(videos):
        video = make_video(user, title=f"{username} {index}")
        video.poster.save(f"{video.public_id}.jpg", ContentFile(poster_jpeg()), save=False)
        video.thumbnail.save(f"{video.public_id}.jpg", ContentFile(poster_jpeg()), save=False)
        video.save()
        # Signed under the creator's current choice, as a render records it: nothing for the
        # re-signing sync (run by a test worker elsewhere in the suite) to redo.
        remix = Remix.objects.create(
            requester=user,
            video=video,
            creator_id=video.owner_id,
            template="caption",
            scopes=1,
            status="published",
            signed_training=training,
        )
        remix.output.save(f"{remix.public_id}/v1.jpg", ContentFile(poster_jpeg()), save=True)
        for name in (video.poster.name, video.thumbnail.name, remix.output.name):
            paths.append(f"/@{username}/media/{name}")
    return paths


def _download(urls: list[str], folder: Path, *, gone_ok: bool = False) -> set[str]:
    """Run img2dataset with its defaults; the URLs it saved an image for."""
    url_list = folder.with_suffix(".txt")
    url_list.write_text("\n".join(urls) + "\n")
    subprocess.run(
        [str(IMG2DATASET), f"--url_list={url_list}", f"--output_folder={folder}"],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "NO_ALBUMENTATIONS_UPDATE": "1"},  # no update check on the network
    )
    stats = json.loads((folder / "00000_stats.json").read_text())
    refused = stats["status_dict"].get("Use of image disallowed by X-Robots-Tag directive", 0)
    if gone_ok:
        refused += stats["status_dict"].get("HTTP Error 404: Not Found", 0)
    assert stats["successes"] + refused == len(urls), stats["status_dict"]
    saved = set()
    for sidecar in folder.rglob("*.json"):
        record = json.loads(sidecar.read_text())
        if isinstance(record, dict) and record.get("status") == "success":
            assert sidecar.with_suffix(".jpg").exists()
            saved.add(record["url"])
    return saved


def test_img2dataset_takes_exactly_what_creators_allow(live_server, tmp_path):
    denied = [live_server.url + p for p in _creator_files("dana", training=False)]
    allowed = [live_server.url + p for p in _creator_files("alba", training=True)]

    saved = _download(denied + allowed, tmp_path / "first")
    assert saved == set(allowed)

    alba = User.objects.get(username="alba")
    services.consent_set_policy(creator=alba, actor=alba, change=policy(training=False))
    turned_off = time.monotonic()
    # A test worker may meanwhile sign alba's remixes again as a new version: the old file is
    # then gone (404), which refuses it too.
    assert _download(denied + allowed, tmp_path / "second", gone_ok=True) == set()
    assert time.monotonic() - turned_off < 60
