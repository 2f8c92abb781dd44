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
