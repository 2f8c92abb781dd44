"""Start-up checks for production mode (DEBUG=0), run by wsgi.py and asgi.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


def require_static_manifest() -> None:
    """With hashed static files, every page needs collectstatic's manifest; without it each
    one would be a 500 ("Missing staticfiles manifest entry"). Refuse to start instead."""
    if settings.DEBUG:
        return
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return
    if not storage.manifest_storage.exists(storage.manifest_name):
        raise ImproperlyConfigured(
            f"No static files manifest ({storage.manifest_name}) in STATIC_ROOT "
            f"({settings.STATIC_ROOT}). Run `python manage.py collectstatic --noinput` before "
            "starting the web server with DEBUG=0 (`make serve` does)."
        )
