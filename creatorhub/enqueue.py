"""Enqueueing that never breaks the transaction it follows.

Tasks are sent by their registered name (`<module>.<function>`), so a service never imports
the tasks module that imports it: tasks depend on services, one way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_send(name: str, *args) -> None:
    """Send the task registered as `name` with `args`; broker errors propagate."""
    current_app.send_task(name, args=args)


def enqueue_on_commit(name: str, *args, unsent: Callable[[], object] | None = None) -> None:
    """Send task `name` with `args` after commit. If the broker is down the committed work
    stands and the error is logged; the reconcilers on beat find whatever was not enqueued.
    `unsent` runs then, e.g. to drop a lease the transaction took for the message, so the
    reconciler sends it as soon as the broker is back."""

    def send() -> None:
        try:
            task_send(name, *args)
        except Exception:
            logger.exception("Could not enqueue %s%r; the reconciler will", name, args)
            if unsent is not None:
                unsent()

    transaction.on_commit(send)
