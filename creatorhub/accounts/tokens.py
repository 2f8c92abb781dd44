"""API bearer tokens: shown once, stored as SHA-256, with scopes and an optional expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from creatorhub.accounts.models import ApiToken, User

TOKEN_PREFIX = "chub_"
MAX_TOKENS = 20
MAX_EXPIRY_DAYS = 3650
# last_used_at is a hint for the settings page, not an audit log: one UPDATE a minute at most.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
SCOPES = tuple(ApiToken.Scope.values)


class TokenRejected(Exception):
    """A presented token that does not authenticate; `code` is the API error code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_clean(scopes: Iterable[str] | None) -> str:
    """The stored form of a scope selection; None means full access. ValueError if invalid."""
    if scopes is None:
        return ApiToken.FULL_ACCESS
    chosen = {scope.strip() for scope in scopes}
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        raise ValueError(f"Unknown scope {unknown[0]!r}; choose from {', '.join(SCOPES)}.")
    if not chosen:
        raise ValueError("Choose at least one scope.")
    return " ".join(scope for scope in SCOPES if scope in chosen)


def expiry_from_days(days: int | None) -> dt.datetime | None:
    if days is None:
        return None
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValueError(f"Expiry must be between 1 and {MAX_EXPIRY_DAYS} days.")
    return timezone.now() + dt.timedelta(days=days)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str] | None = None,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored.

    Without scopes the token has full access (what every token had before scopes existed)."""
    name = " ".join(name.split())[:60] or "API token"
    stored_scopes = scopes_clean(scopes)
    expires_at = expiry_from_days(expires_in_days)
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ValueError(f"You can have at most {MAX_TOKENS} active tokens; revoke one first.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
        token_hash=_digest(token),
        scopes=stored_scopes,
        expires_at=expires_at,
    )
    return record, token


def api_token_revoke(*, user: User, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, id=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def api_token_authenticate(*, token: str) -> ApiToken:
    """The active token record (with its user) for a presented value, or TokenRejected."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise TokenRejected("invalid_token", "The token is not valid (unknown or revoked).")
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        raise TokenRejected("invalid_token", "The token is not valid (unknown or revoked).")
    now = timezone.now()
    if record.expires_at is not None and record.expires_at <= now:
        raise TokenRejected(
            "token_expired", f"The token expired at {record.expires_at:%Y-%m-%d %H:%M} UTC."
        )
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so concurrent requests write at most once a minute between them.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ApiToken.objects.filter(stale, id=record.id).update(last_used_at=now)
    return record
