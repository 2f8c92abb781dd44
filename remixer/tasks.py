from __future__ import annotations

import logging

from celery import shared_task

from remixer import approvals, notifications, pipeline, resign, sync
from remixer.provenance import ProvenanceError

# A full disk, a storage outage or unreadable signing keys: worth another try later.
RETRYABLE = (OSError, ProvenanceError)

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def render_remix(self, remix_id: int) -> str:
    """Render and publish one remix. Storage and signing errors release the claim and retry
    with backoff; after the last try the remix is failed with the reason."""
    try:
        return pipeline.remix_render(remix_id=remix_id)
    except RETRYABLE as error:
        reason = f"Rendering failed: {error}"
        if self.request.retries >= self.max_retries:
            pipeline.remix_fail(remix_id=remix_id, reason=reason)
            return "failed"
        pipeline.remix_release(remix_id=remix_id, reason=reason)
        raise self.retry(exc=error, countdown=2**self.request.retries) from error


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_remixes(remix_ids: list[int]) -> None:
    """A chunk of a regeneration, rendered in one message. A remix whose render hits a storage
    or signing error is released; the reconciler queues it again, up to MAX_ATTEMPTS tries."""
    for remix, consent in pipeline.remixes_claim(remix_ids=remix_ids):
        try:
            pipeline.remix_render_claimed(remix=remix, consent=consent)
        except RETRYABLE as error:
            logger.exception("Rendering remix %s failed; released for the reconciler", remix.id)
            pipeline.remix_release(remix_id=remix.id, reason=f"Rendering failed: {error}")
    sync.regenerations_finish(ids=sync.regenerations_of(remix_ids=remix_ids))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def resign_remixes(remix_ids: list[int]) -> None:
    """A chunk of published remixes signed again with their creator's current AI-training
    choice. A remix whose signing hits a storage or signing error stays marked; the reconciler
    queues it again."""
    for remix, consent in resign.remixes_claim_resign(remix_ids=remix_ids):
        try:
            resign.remix_resign_claimed(remix=remix, consent=consent)
        except RETRYABLE:
            logger.exception("Signing remix %s again failed; left for the reconciler", remix.id)
    sync.regenerations_finish(ids=sync.regenerations_of(remix_ids=remix_ids))


@shared_task
def reconcile() -> dict | None:
    """Beat: whatever a lost message, a dead worker or a broker outage left behind is put right."""
    return sync.remixes_reconcile()


@shared_task
def expire_requests() -> int:
    """Beat: requests on "ask me" videos not decided in time expire, previews deleted."""
    return approvals.requests_expire()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def email_notifications(notification_ids: list[int]) -> int:
    return notifications.notifications_email(notification_ids=notification_ids)
