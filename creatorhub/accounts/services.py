from __future__ import annotations

from django.db import transaction

from creatorhub.accounts.models import Follow, User
from creatorhub.accounts.signals import follow_ended


@transaction.atomic
def follow_set(*, follower: User, followed: User, following: bool) -> bool:
    """Follow or unfollow; idempotent. Returns whether `follower` now follows `followed`."""
    if follower.pk == followed.pk:
        return False
    if following:
        Follow.objects.get_or_create(follower=follower, followed=followed)
    else:
        deleted, _ = Follow.objects.filter(follower=follower, followed=followed).delete()
        if deleted:
            follow_ended.send(sender=Follow, follower_id=follower.pk, followed_id=followed.pk)
    return following
