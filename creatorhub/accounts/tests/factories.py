from __future__ import annotations

import itertools

from creatorhub.accounts.models import User

_numbers = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(username: str | None = None, **fields) -> User:
    username = username or f"user{next(_numbers)}"
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, **fields
    )
    return user
