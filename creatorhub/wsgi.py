from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from creatorhub.production import require_static_manifest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creatorhub.settings")
application = get_wsgi_application()

require_static_manifest()
