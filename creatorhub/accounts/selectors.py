from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from creatorhub.accounts.models import Follow, User


@dataclass(frozen=True)
class ProfileStats:
    followers: int
    following: int
    viewer_follows: bool


def user_get_by_handle(*, username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Http404("No such creator.")
    return user


def profile_stats(*, user: User, viewer: User) -> ProfileStats:
    return ProfileStats(
        followers=Follow.objects.filter(followed=user).count(),
        following=Follow.objects.filter(follower=user).count(),
        viewer_follows=viewer.is_authenticated
        and Follow.objects.filter(follower=viewer, followed=user).exists(),
    )


def is_follower(*, user: User, of: User) -> bool:
    return Follow.objects.filter(follower=user, followed=of).exists()
