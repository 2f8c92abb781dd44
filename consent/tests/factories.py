from __future__ import annotations

from consent.idsets import VideoState
from consent.scopes import scopes_to_mask
from consent.services import PolicyChange

CAPTION = scopes_to_mask(["caption"])
CAPTION_FACE = scopes_to_mask(["caption", "face"])


def policy(
    allowed: bool = True,
    scopes: int = CAPTION,
    audience: str = "everyone",
    training: bool = False,
    companies: tuple[str, ...] = (),
) -> PolicyChange:
    return PolicyChange(allowed, scopes, audience, training, list(companies))


ALLOW = VideoState("allow")
DENY = VideoState("deny")
INHERIT = VideoState()
