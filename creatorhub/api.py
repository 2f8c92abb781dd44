"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error shape.

Every error is {"error": "<code>", "detail": "<human text>"} with a 4xx status.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from consent.tokens import api_token_user

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
}


class ApiError(HttpError):
    """An HTTP error with our machine-readable code."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(status, detail)
        self.code = code


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_user(token=token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """Session cookie auth (CSRF enforced on writes)."""


user_auth = [BearerToken(), Session()]

api = NinjaAPI(
    title="Creator Hub API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="Consent for AI remixes and training, readable and writable by tools.",
)


def error_response(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail}, status=status)


def unknown_endpoint(request: HttpRequest) -> HttpResponse:
    """Paths under /api/v1/ that no operation matches (e.g. an empty id) answer in our shape."""
    return error_response(request, 404, "not_found", "No such API endpoint.")


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(request, exc.status_code, exc.code, exc.message)


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


def _register_routers() -> None:
    from consent.api import router as consent_router
    from remixer.api import router as remixer_router
    from remixer.verify_api import router as verify_router

    api.add_router("/", consent_router)
    api.add_router("/", remixer_router)
    api.add_router("/", verify_router)


_register_routers()
