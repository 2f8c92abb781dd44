"""Status codes for HTMX regions."""

from __future__ import annotations

from django.http import HttpRequest


def invalid_status(request: HttpRequest) -> int:
    """The status of a response that shows a form again with its errors: 400 for a whole page;
    422 for an HTMX region, which htmx-config swaps in like any 4xx, while django-htmx's debug
    script (DEBUG=1, so `make run`) would replace the whole page with a 400's fragment."""
    return 422 if request.htmx else 400
