"""The JSON API under /api/v1/: one NinjaAPI mounting one router per app, one error shape
(the routers' error type and authentication are in creatorhub/apikit.py).

Every error is {"error": "<code>", "detail": "<human text>"} with a 4xx status.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from consent.api import router as consent_router
from creatorhub.apikit import STATUS_CODES, ApiError
from creatorhub.videos.api import router as videos_router
from likeness.api import router as likeness_router
from likeness.matches_api import router as likeness_matches_router
from remixer.api import router as remixer_router
from remixer.verify_api import router as verify_router

api = NinjaAPI(
    title="Creator Hub API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="Consent for AI remixes and training, readable and writable by tools.",
)


def error_response(
    request: HttpRequest, status: int, code: str, detail: str, extra: dict | None = None
) -> HttpResponse:
    body = {"error": code, "detail": detail} | (extra or {})
    return api.create_response(request, body, status=status)


def unknown_endpoint(request: HttpRequest) -> HttpResponse:
    """Paths under /api/v1/ that no operation matches (e.g. an empty id) answer in our shape."""
    return error_response(request, 404, "not_found", "No such API endpoint.")


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(request, exc.status_code, exc.code, exc.message, exc.extra)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return error_response(
        request, 401, "unauthorized", "Log in, or send Authorization: Bearer <token>."
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = STATUS_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = []
    for error in exc.errors[:10]:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        problems.append(f"{location}: {error.get('msg', 'invalid')}" if location else error["msg"])
    return error_response(request, 400, "invalid_request", "; ".join(problems))


api.add_router("/", videos_router)
api.add_router("/", consent_router)
api.add_router("/", remixer_router)
api.add_router("/", verify_router)
api.add_router("/", likeness_router)
api.add_router("/", likeness_matches_router)
