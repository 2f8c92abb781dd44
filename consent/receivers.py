from __future__ import annotations

from consent.models import CreatorPolicy


def policy_for_new_user(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Every account gets its policy row at once, with everything not allowed."""
    if created and not raw:
        CreatorPolicy.objects.get_or_create(creator=instance)
