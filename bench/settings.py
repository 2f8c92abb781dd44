"""Settings for the scale bench's app server: the product's, plus a trivial view to compare
against, and plain static storage so DEBUG=0 needs no collectstatic."""

from __future__ import annotations

from creatorhub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
