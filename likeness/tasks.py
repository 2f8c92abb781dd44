from __future__ import annotations

from celery import shared_task

from likeness import enrolment, scanning


# --- scans (likeness/scanning.py) --------------------------------------------------------------
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True)
def video_scan(video_id: int) -> int | None:
    """The faces in a video's new poster, and whose they are."""
    return scanning.video_scan(video_id=video_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True)
def person_rematch(person_id: int) -> int:
    """A newly enrolled (or re-enrolled) person looked for in every scanned poster."""
    return scanning.person_rematch(person_id=person_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True)
def backfill() -> int:
    """One batch of posters no scan has seen; a full batch sends the next one."""
    scanned = scanning.backfill_batch()
    if scanned == scanning.BACKFILL_BATCH:
        backfill.delay()
    return scanned


# --- enrolment (likeness/enrolment.py) ---------------------------------------------------------
@shared_task(acks_late=True, reject_on_worker_lost=True)
def enrolment_process(photo_id: int) -> str:
    """Describe one staged enrolment photo; idempotent (a photo no longer processing is left)."""
    return enrolment.photo_process(photo_id=photo_id)


@shared_task
def enrolment_reconcile() -> dict:
    """Beat: photos stuck in processing are sent again; orphaned staged files are deleted."""
    return enrolment.photos_reconcile()
