"""Login throttling with django-axes: the lockout answer, and bearer-token failures counted too.

Axes counts failed logins per (username, IP address) and locks that pair out for
AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures. Wrong API tokens have no username, so they
are counted under API_TOKEN_USERNAME (which no real handle can be: handles have no "<"), i.e.
per IP address: an address that keeps presenting bad tokens is locked out of token auth.
"""

from __future__ import annotations

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

API_TOKEN_USERNAME = "<api-token>"
API_PREFIX = "/api/"


def _token_credentials() -> dict[str, str]:
    return {"username": API_TOKEN_USERNAME}


def token_locked_out(request: HttpRequest) -> bool:
    """Whether this address is locked out of bearer-token auth right now."""
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, _token_credentials())


def token_failed(request: HttpRequest) -> bool:
    """Count a rejected bearer token against this address; True if that locked it out."""
    user_login_failed.send(sender=__name__, credentials=_token_credentials(), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def cooloff_minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def locked_out_detail(request: HttpRequest) -> str:
    minutes = cooloff_minutes(request)
    wait = f"try again in {minutes} minute{'s' if minutes != 1 else ''}" if minutes else "ask us"
    return f"Too many failed attempts from this address; {wait}."


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the login page with an explanation otherwise."""
    minutes = cooloff_minutes(request)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"error": "locked_out", "detail": locked_out_detail(request)},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    else:
        username = get_client_username(request, credentials) or ""
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "locked_out": True, "cooloff_minutes": minutes}
        response = render(
            request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
        )
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response
