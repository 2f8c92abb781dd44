"""Remix scopes, stored as a small bit mask so SQL can compare and combine them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SCOPES: tuple[str, ...] = ("caption", "background", "face", "voice")
SCOPE_LABELS = {
    "caption": "Captions and overlays on a frame",
    "background": "Background replaced, subject kept",
    "face": "Face region altered",
    "voice": "Voice and audio",
}
_BITS = {name: 1 << index for index, name in enumerate(SCOPES)}
ALL_SCOPES = sum(_BITS.values())


def scopes_to_mask(names: Iterable[str]) -> int:
    mask = 0
    for name in names:
        if name not in _BITS:
            raise ValueError(f"Unknown scope “{name}”; scopes are {', '.join(SCOPES)}.")
        mask |= _BITS[name]
    return mask


def mask_to_scopes(mask: int) -> dict[str, bool]:
    return {name: bool(mask & bit) for name, bit in _BITS.items()}


def mask_to_names(mask: int) -> list[str]:
    return [name for name, bit in _BITS.items() if mask & bit]


def scopes_from_flags(flags: Mapping[str, bool]) -> int:
    """{"caption": true, ...} → mask; unknown keys are an error, missing keys are False."""
    return scopes_to_mask(name for name, on in flags.items() if on) if flags else 0
