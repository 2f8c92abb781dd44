from __future__ import annotations

from celery import shared_task

from consent.signals import consent_changed as consent_changed_signal


@shared_task(acks_late=True)
def consent_changed(entry_id: int) -> None:
    """Fan a committed consent change out to subscribers (the remixer)."""
    consent_changed_signal.send(sender="consent", entry_id=entry_id)
