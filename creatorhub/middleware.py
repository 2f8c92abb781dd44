"""Request checks that apply to every URL."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

API_PREFIX = "/api/"


class RejectNulInPathMiddleware:
    """A NUL character (%00) in the path is a 400 before any view sees it.

    Every id in our URLs is looked up in the database, and PostgreSQL refuses text containing
    NUL with an error that would otherwise surface as a 500. No real URL contains one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            detail = "The URL contains a NUL character."
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"error": "bad_request", "detail": detail}, status=400)
            return HttpResponseBadRequest(detail)
        return self.get_response(request)
