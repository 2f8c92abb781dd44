"""Enqueueing that never breaks the transaction it follows."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, unsent: Callable[[], object] | None = None) -> None:
    """Send `task(*args)` after commit. If the broker is down the committed work stands and the
    error is logged; the reconcilers on beat find whatever was not enqueued. `unsent` runs
    then, e.g. to drop a lease the transaction took for the message, so the reconciler sends
    it as soon as the broker is back."""

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not enqueue %s%r; the reconciler will", task.name, args)
            if unsent is not None:
                unsent()

    transaction.on_commit(send)
