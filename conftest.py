from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard
# would otherwise refuse ORM calls made from live_server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.personas",
    "tests.fixtures.services",
    "tests.fixtures.browser",
    "tests.fixtures.provenance",
    "tests.fixtures.world",
]
