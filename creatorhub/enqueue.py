"""Enqueueing that never breaks the transaction it follows."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send `task(*args)` after commit. If the broker is down the committed work stands and the
    error is logged; the reconcilers on beat find whatever was not enqueued."""

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not enqueue %s%r; the reconciler will", task.name, args)

    transaction.on_commit(send)
