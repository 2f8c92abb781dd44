"""The API kit every app's endpoints use: the error type with our codes, and authentication
(bearer tokens with scopes, sessions, optional auth). It mounts nothing, so an app's API module
imports it without importing the other apps (creatorhub/api.py mounts the routers).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from creatorhub import lockout
from creatorhub.accounts.models import ApiToken
from creatorhub.accounts.tokens import TokenRejected, api_token_authenticate

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

    def __init__(self, status: int, code: str, detail: str, extra: dict | None = None) -> None:
        super().__init__(status, detail)
        self.code, self.extra = code, extra or {}


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`, checked against the token's scopes.

    Reads need `read`; any other method needs `write_scope` (or `write`, which covers every
    change), so a new write endpoint is closed to read-only tokens without anyone remembering
    to say so. A token that is presented but wrong is a 401, never a silent fall-back to the
    session or to anonymous; wrong tokens count towards the per-address lockout (axes)."""

    def __init__(self, *, write_scope: str = ApiToken.Scope.WRITE) -> None:
        super().__init__()
        self.write_scope = write_scope

    def authenticate(self, request: HttpRequest, token: str):
        if lockout.token_locked_out(request):
            raise ApiError(429, "locked_out", lockout.locked_out_detail(request))
        try:
            record = api_token_authenticate(token=token)
        except TokenRejected as rejected:
            if lockout.token_failed(request):
                raise ApiError(429, "locked_out", lockout.locked_out_detail(request)) from None
            raise ApiError(401, rejected.code, str(rejected)) from None
        needed = ApiToken.Scope.READ if request.method in SAFE_METHODS else self.write_scope
        if not record.allows(needed):
            raise ApiError(
                403,
                "insufficient_scope",
                f"This token has the scopes {record.scopes!r}; this request needs {needed!r}.",
            )
        request.user = record.user
        request.api_token = record
        return record.user


class Session(SessionAuth):
    """Session cookie auth (CSRF enforced on writes)."""


class Anonymous:
    """Last of `optional_auth`: no credentials is fine, the request stays anonymous."""

    def __call__(self, request: HttpRequest):
        return request.user  # AnonymousUser: truthy, so ninja stops here


# Endpoints for signed-in callers: a token or a session.
user_auth = [BearerToken(), Session()]
# Consent changes: also open to tokens with only the `consent:write` scope.
consent_write_auth = [BearerToken(write_scope=ApiToken.Scope.CONSENT_WRITE), Session()]
# Public reads that show more to the people involved: a token, a session, or nobody. A token
# that is presented but invalid, revoked or expired is still a 401 here.
optional_auth = [BearerToken(), Session(), Anonymous()]
