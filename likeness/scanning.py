"""Scans: which faces a video's poster shows, and whose they are.

    video_scan(video_id)      the poster's faces (FrameFace rows, replaced), a FrameScan naming
                              the file scanned, and the video's LikenessMatch rows: every
                              enrolled person whose face is there, its owner included (the
                              guard needs "not even my own videos")
    person_rematch(person_id) one person's enrolled faces against every stored frame face: their
                              LikenessMatch rows, made again
    backfill_batch()          posters never scanned, or scanned from an older file, a batch at
                              a time (a poster file shared by many videos is read once)

Image work is here and only here, run by the worker (likeness/tasks.py) or by the render before
it uses a poster no scan has seen. The guard (likeness/guard.py) reads only what these store.
A new match of someone other than the video's owner is announced on commit (match_found).
"""

from __future__ import annotations

from collections import defaultdict

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from creatorhub.videos.media import MediaError, image_open
from creatorhub.videos.models import Video
from likeness import engine, search
from likeness.models import FaceEmbedding, FrameFace, FrameScan, LikenessMatch
from likeness.signals import match_found

BACKFILL_BATCH = 200


def poster_faces(name: str) -> list[engine.Face]:
    """The faces in a stored poster file; none when it cannot be read (such a poster cannot be
    remixed either: the render refuses it)."""
    try:
        with default_storage.open(name, "rb") as handle:
            image = image_open(handle)
            image.load()
    except (OSError, ValueError, SyntaxError, MediaError):
        return []
    return engine.faces_find(image)


def video_scan(*, video_id: int) -> int | None:
    """Scan the video's current poster and store what it shows; returns how many faces, or
    None when the video is gone or has no poster."""
    video = Video.objects.filter(id=video_id).values("poster").first()
    if video is None or not video["poster"]:
        return None
    faces = poster_faces(video["poster"])
    scan_store(video_id=video_id, poster=video["poster"], faces=faces)
    return len(faces)


def scan_stale(*, video: Video) -> bool:
    """Has the video's current poster never been scanned (a new poster, or none ever)?"""
    return (
        bool(video.poster)
        and not FrameScan.objects.filter(video_id=video.id, poster=video.poster.name).exists()
    )


def scan_store(*, video_id: int, poster: str, faces: list[engine.Face]) -> bool:
    """Store a scan of `poster` for the video, unless its poster changed meanwhile (the newer
    poster's own scan is on its way). The search runs first; then the video row is locked for
    the writes, so two scans of one video (the upload's and a render's) store one after the
    other. Returns whether it was stored."""
    people = search.people_near([face.embedding for face in faces]) if faces else {}
    with transaction.atomic():
        locked = Video.objects.select_for_update().filter(id=video_id)
        video = locked.values("poster", "owner_id").first()
        if video is None or video["poster"] != poster:
            return False
        FrameFace.objects.filter(video_id=video_id).delete()
        FrameFace.objects.bulk_create(
            [
                FrameFace(video_id=video_id, vector=face.embedding, box=list(face.box))
                for face in faces
            ]
        )
        FrameScan.objects.update_or_create(
            video_id=video_id, defaults={"poster": poster, "faces": len(faces)}
        )
        new = _matches_replace(
            LikenessMatch.objects.filter(video_id=video_id),
            {(video_id, person_id): distance for person_id, distance in people.items()},
        )
        _announce([(person_id, video_id) for _, person_id in new if person_id != video["owner_id"]])
    return True


def person_rematch(*, person_id: int) -> int:
    """Find the person in every scanned video, from their enrolled faces now: matches they no
    longer have are dropped (none at all once their enrolment is deleted). Returns how many
    videos show them."""
    vectors = list(FaceEmbedding.objects.filter(user_id=person_id).values_list("vector", flat=True))
    videos = search.frames_near(vectors) if vectors else {}
    with transaction.atomic():
        new = _matches_replace(
            LikenessMatch.objects.filter(person_id=person_id),
            {(video_id, person_id): distance for video_id, distance in videos.items()},
        )
        owners = dict(
            Video.objects.filter(id__in=[video_id for video_id, _ in new]).values_list(
                "id", "owner_id"
            )
        )
        _announce(
            [(person_id, video_id) for video_id, _ in new if owners.get(video_id) != person_id]
        )
    return len(videos)


def _matches_replace(
    current: QuerySet[LikenessMatch], found: dict[tuple[int, int], float]
) -> list[tuple[int, int]]:
    """Make `current` (one video's or one person's matches) exactly `found`, {(video, person):
    distance}: stale ones deleted, distances brought up to date, new ones inserted. Returns the
    (video, person) pairs that are new."""
    existing = {(m.video_id, m.person_id): m for m in current}
    stale = [match.id for key, match in existing.items() if key not in found]
    if stale:
        LikenessMatch.objects.filter(id__in=stale).delete()
    moved = []
    for key, match in existing.items():
        if key in found and match.distance != found[key]:
            match.distance = found[key]
            moved.append(match)
    LikenessMatch.objects.bulk_update(moved, ["distance"])
    new = [key for key in found if key not in existing]
    # A scan of the same video running at once may have inserted one already: it stands.
    LikenessMatch.objects.bulk_create(
        [
            LikenessMatch(
                video_id=video_id, person_id=person_id, distance=found[video_id, person_id]
            )
            for video_id, person_id in new
        ],
        ignore_conflicts=True,
    )
    return new


def _announce(pairs: list[tuple[int, int]]) -> None:
    for person_id, video_id in pairs:
        transaction.on_commit(
            lambda person_id=person_id, video_id=video_id: match_found.send(
                sender=LikenessMatch, person_id=person_id, video_id=video_id
            )
        )


def posters_unscanned() -> QuerySet[Video]:
    """Videos whose current poster no scan has seen."""
    seen = FrameScan.objects.filter(video_id=OuterRef("id"), poster=OuterRef("poster"))
    return Video.objects.exclude(poster="").filter(~Exists(seen))


def backfill_batch(*, size: int = BACKFILL_BATCH) -> int:
    """Scan up to `size` posters no scan has seen; each distinct file is read once (seeded
    videos share their posters). Returns how many videos were scanned."""
    pending = list(posters_unscanned().order_by("id").values_list("id", "poster")[:size])
    by_poster: dict[str, list[int]] = defaultdict(list)
    for video_id, poster in pending:
        by_poster[poster].append(video_id)
    for poster, video_ids in by_poster.items():
        faces = poster_faces(poster)
        for video_id in video_ids:
            scan_store(video_id=video_id, poster=poster, faces=faces)
    return len(pending)


def backfill(*, size: int = BACKFILL_BATCH) -> int:
    """Every poster no scan has seen, batch after batch. Returns how many videos."""
    total = 0
    while scanned := backfill_batch(size=size):
        total += scanned
    return total
