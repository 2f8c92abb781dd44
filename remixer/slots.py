"""Places on the remixer's pages where higher apps put their own partials (moderation puts its
report links there), so the remixer's templates name no template of theirs.

Each slot is rendered by `{% remix_slot "<slot>" remix %}` (remixer/templatetags/remix_slots.py)
with the page's context and `remix`; a slot nothing was registered for renders nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

# The slots the remixer's templates render.
ROW_ACTIONS = "row_actions"  # the actions cell of a row on "Remixes of my work"
DETAIL_ACTIONS = "detail_actions"  # under the actions on a remix's page
SLOTS = (ROW_ACTIONS, DETAIL_ACTIONS)


@dataclass(frozen=True)
class SlotPartial:
    template_name: str
    order: int = 0  # lower first; equal orders keep the order they were registered in


REMIX_SLOTS: dict[str, list[SlotPartial]] = {}


def remix_slot_register(slot: str, template_name: str, *, order: int = 0) -> None:
    """Render `template_name` in `slot`; called from the registering app's AppConfig.ready()."""
    if slot not in SLOTS:
        raise ValueError(f"No remix slot {slot!r}; the slots are {', '.join(SLOTS)}.")
    partials = [p for p in REMIX_SLOTS.get(slot, []) if p.template_name != template_name]
    partials.append(SlotPartial(template_name, order))
    REMIX_SLOTS[slot] = sorted(partials, key=lambda partial: partial.order)


def remix_slot_templates(slot: str) -> list[str]:
    return [partial.template_name for partial in REMIX_SLOTS.get(slot, [])]
