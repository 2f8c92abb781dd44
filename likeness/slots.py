"""Places on "Where my face appears" where higher apps put their own partials (moderation puts
its Report button there), so likeness names none of their templates or URLs.

A slot partial is rendered in each match's row with the page's context and `match`; its
optional `context(person, video_ids)` adds to the page's context once per page (one query for
the whole page, not one per row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from creatorhub.accounts.models import User


@dataclass(frozen=True)
class MatchAction:
    template_name: str
    context: Callable[..., dict] | None = None


MATCH_ACTIONS: dict[str, MatchAction] = {}


def match_action_register(
    template_name: str, *, context: Callable[..., dict] | None = None
) -> None:
    """Render `template_name` in each row; called from the app's AppConfig.ready()."""
    MATCH_ACTIONS[template_name] = MatchAction(template_name, context)


def match_actions_context(*, person: User, video_ids: list[int]) -> dict:
    """The registered templates (as `match_actions`) and what their context hooks add."""
    context: dict = {"match_actions": list(MATCH_ACTIONS)}
    for action in MATCH_ACTIONS.values():
        if action.context is not None:
            context |= action.context(person=person, video_ids=video_ids)
    return context
