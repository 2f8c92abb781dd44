from __future__ import annotations

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creatorhub.settings")

logger = logging.getLogger(__name__)
app = Celery("creatorhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders() -> None:
    """kombu's filesystem transport expects its folders to exist. One that cannot be made (a
    file in its place) must not stop the web server from starting: the worker reports it and
    retries until it is fixed (creatorhub/broker.py)."""
    from django.conf import settings

    from creatorhub.broker import FOLDER_OPTIONS, folders_problem

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        problem = folders_problem(options[key] for key in FOLDER_OPTIONS)
        if problem:
            logger.warning("Embedded broker unavailable: %s.", problem)


_ensure_filesystem_broker_folders()
