"""API bearer tokens: shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from consent.models import ApiToken
from creatorhub.accounts.models import User

TOKEN_PREFIX = "chub_"
MAX_TOKENS = 20


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    name = " ".join(name.split())[:60] or "API token"
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ValueError(f"You can have at most {MAX_TOKENS} active tokens; revoke one first.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
        token_hash=_digest(token),
    )
    return record, token


def api_token_revoke(*, user: User, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, id=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def api_token_user(*, token: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(id=record.id).update(last_used_at=now)
    return record.user
