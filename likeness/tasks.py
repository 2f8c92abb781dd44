from __future__ import annotations

from celery import shared_task

from likeness import enrolment


# --- enrolment -------------------------------------------------------------------------------
@shared_task(acks_late=True, reject_on_worker_lost=True)
def enrolment_process(photo_id: int) -> str:
    """Describe one staged enrolment photo; idempotent (a photo no longer processing is left)."""
    return enrolment.photo_process(photo_id=photo_id)


@shared_task
def enrolment_reconcile() -> dict:
    """Beat: photos stuck in processing are sent again; orphaned staged files are deleted."""
    return enrolment.photos_reconcile()
