"""What the likeness app does when videos (or its own enrolments) change: scans, by the worker."""

from __future__ import annotations

from creatorhub.enqueue import enqueue_on_commit


def on_poster_stored(sender, video_id: int, **kwargs) -> None:
    """A new poster (sent on commit): the worker looks for faces in it."""
    enqueue_on_commit("likeness.tasks.video_scan", video_id)


def on_person_enrolled(sender, person_id: int, **kwargs) -> None:
    """A newly described face (sent on commit): the worker looks for it in every frame."""
    enqueue_on_commit("likeness.tasks.person_rematch", person_id)


def on_demo_seeded(sender, **kwargs) -> None:
    """The demo libraries (bulk-inserted, so no poster_stored) are scanned by the worker's
    backfill; their posters are shared files, each read once."""
    enqueue_on_commit("likeness.tasks.backfill")
