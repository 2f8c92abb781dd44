from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person on Creator Hub; `username` is the public handle shown as @username."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.CharField(max_length=280, blank=True)
    email_notifications = models.BooleanField(
        default=False, help_text="Also send inbox notifications by email."
    )

    @property
    def handle(self) -> str:
        return f"@{self.username}"

    def __str__(self) -> str:
        return self.display_name or self.username


class Follow(models.Model):
    """`follower` follows `followed`; the consent app uses it for the followers-only audience."""

    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followed = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_follow"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="no_self_follow"
            ),
        ]
        indexes = [models.Index(fields=["followed", "follower"])]

    def __str__(self) -> str:
        return f"{self.follower} → {self.followed}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored.

    Scopes: `read` (every GET), `consent:write` (change consent, nothing else) and `write`
    (every change, consent included). Stored space-separated, like OAuth's `scope`.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read everything the account can read"
        CONSENT_WRITE = "consent:write", "Change consent (only)"
        WRITE = "write", "Change anything (consent, remix requests)"

    # Tokens made before scopes existed, and by default, can do what the account can do.
    FULL_ACCESS = "read write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=100, default=FULL_ACCESS)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def allows(self, scope: str) -> bool:
        granted = set(self.scope_list)
        if scope == self.Scope.CONSENT_WRITE:
            return bool(granted & {self.Scope.CONSENT_WRITE, self.Scope.WRITE})
        return scope in granted
