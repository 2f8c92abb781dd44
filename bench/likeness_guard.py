"""The likeness guard on the database: the request-time check (likeness.guard.refusing_people,
one query on stored matches and consents) with 1,000 and 100,000 enrolled people, each found in
one of the videos, and the backfill's throughput on distinct posters showing faces (read, faces
found, stored and matched against the enrolled people). BENCH_LIKENESS_PEOPLE sets the largest
count (default 100000)."""

from __future__ import annotations

import os
import time

import numpy as np

PEOPLE = (1_000, int(os.environ.get("BENCH_LIKENESS_PEOPLE", "100000")))
PEOPLE_PER_VIDEO = 3
BACKFILL_POSTERS = 12
REPEAT = 200


def _enrol(total: int, *, creator) -> list:
    """Grow the enrolled population to `total` people, each with one embedding, a consent
    (a third each never/ask/allow) and a match in one of the creator's videos; returns the
    videos."""
    from django.utils import timezone

    from creatorhub.accounts.models import User
    from creatorhub.videos.models import Video
    from likeness.models import FaceEmbedding, LikenessMatch, LikenessProfile

    have = FaceEmbedding.objects.count()
    rng = np.random.default_rng(total)
    choices = ["never", "ask", "allow"]
    for start in range(have, total, 5_000):
        count = min(5_000, total - start)
        people = User.objects.bulk_create(
            User(username=f"bench_face_{start + n}", password="!") for n in range(count)
        )
        FaceEmbedding.objects.bulk_create(
            FaceEmbedding(user=person, vector=vector)
            for person, vector in zip(people, rng.normal(0, 0.1, (count, 128)), strict=True)
        )
        LikenessProfile.objects.bulk_create(
            LikenessProfile(user=person, others_videos=choices[n % 3])
            for n, person in enumerate(people)
        )
        videos = Video.objects.bulk_create(
            Video(owner=creator, title=f"Crowd {start + n}", created_at=timezone.now())
            for n in range(0, count, PEOPLE_PER_VIDEO)
        )
        LikenessMatch.objects.bulk_create(
            LikenessMatch(video=videos[n // PEOPLE_PER_VIDEO], person=person, distance=0.4)
            for n, person in enumerate(people)
        )
    return list(Video.objects.filter(owner=creator).order_by("id"))


def request_check() -> dict:
    from bench.harness import analyze, median_ms
    from creatorhub.accounts.tests.factories import make_user
    from likeness.guard import refusing_people

    creator = make_user("bench_guard_creator")
    figures = {}
    for total in PEOPLE:
        videos = _enrol(total, creator=creator)
        analyze()
        probe = videos[len(videos) // 2]
        figures[f"{total}_people_ms"] = median_ms(
            lambda probe=probe: refusing_people(video=probe), repeat=REPEAT
        )
    small, large = (figures[f"{total}_people_ms"] for total in PEOPLE)
    figures["ratio"] = round(large / small, 2)
    return figures


def backfill() -> dict:
    """Distinct posters (transformed copies of two people), scanned by backfill_batch, with
    the people request_check enrolled (the numpy search reads every embedding per poster)."""
    import tempfile

    from django.test import override_settings

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        return _backfill()


def _backfill() -> dict:
    from django.core.files.base import ContentFile

    from creatorhub.accounts.tests.factories import make_user
    from creatorhub.videos.media import encode_jpeg
    from creatorhub.videos.tests.factories import make_video
    from likeness import engine, scanning
    from likeness.models import FrameFace
    from likeness.tests import photos

    owner = make_user("bench_backfill_owner")
    copies = [
        *photos.transforms(photos.astronaut()).values(),
        *photos.transforms(photos.grace_hopper()).values(),
    ][:BACKFILL_POSTERS]
    for index, image in enumerate(copies):
        video = make_video(owner, title=f"Poster {index}")
        video.poster.save(f"bench-{index}.jpg", ContentFile(encode_jpeg(image)), save=True)
    engine.faces_find(photos.astronaut())  # load the models outside the timing
    start = time.perf_counter()
    scanned = scanning.backfill_batch(size=BACKFILL_POSTERS)
    seconds = time.perf_counter() - start
    return {
        "enrolled_people": PEOPLE[-1],
        "posters": scanned,
        "faces": FrameFace.objects.filter(video__owner=owner).count(),
        "seconds": round(seconds, 2),
        "frames_per_second": round(scanned / seconds, 2),
    }


def run() -> dict:
    return {"request_check": request_check(), "backfill": backfill()}
