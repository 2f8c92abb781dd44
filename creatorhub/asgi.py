from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from creatorhub.production import require_static_manifest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creatorhub.settings")
application = get_asgi_application()

require_static_manifest()
