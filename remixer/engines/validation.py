"""Strict checking and cleaning of template inputs, before anything is queued or drawn."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from remixer.engines.base import RenderError

TEMPLATES = ("caption", "background", "face")
CAPTION_STYLES = ("classic", "bar")
GENERATED_BACKDROPS = ("gradient", "stripes", "dots")
EFFECTS = ("pixelate", "cartoon", "sticker")

CAPTION_LIMIT = 200
CAPTION_LIMIT_MESSAGE = f"Captions are limited to {CAPTION_LIMIT} characters."
# Refuse absurd inputs before any per-character work; cleaning can only shorten text, and
# nothing legitimate needs ten times the limit in invisible characters.
_RAW_LIMIT = CAPTION_LIMIT * 10
_BACKDROP_NAME_LIMIT = 64
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# Line and paragraph breaks become spaces rather than vanishing, so words stay apart.
_BREAKS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def clean_text(value: str) -> str:
    """NFC text without control/format characters and with runs of whitespace collapsed.

    Cf (format) characters include bidi overrides such as U+202E, which could make a caption
    display differently from what was typed; Cs (lone surrogates) cannot be encoded or shaped.
    """
    kept = []
    for char in unicodedata.normalize("NFC", value):
        if char in _BREAKS:
            kept.append(" ")
        elif unicodedata.category(char) not in ("Cc", "Cf", "Cs"):
            kept.append(char)
    # str.split() also splits on NBSP and the ideographic space: one plain space is enough.
    return " ".join("".join(kept).split())


def _key_list(keys: Iterable[object]) -> str:
    return ", ".join(sorted(repr(str(key)[:40]) for key in keys))


def _check_keys(template: str, inputs: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = [key for key in inputs if key not in allowed]
    if unknown:
        raise RenderError(
            f"Unknown option for the {template} template: {_key_list(unknown)}; "
            f"it takes {', '.join(allowed)}."
        )


def _caption(inputs: Mapping) -> dict:
    cleaned: dict[str, str] = {}
    for key in ("top", "bottom"):
        value = inputs.get(key)
        if value is None:  # JSON null and a missing key both mean "no caption here"
            value = ""
        if not isinstance(value, str):
            raise RenderError("Captions must be text.")
        if len(value) > _RAW_LIMIT:
            raise RenderError(CAPTION_LIMIT_MESSAGE)
        text = clean_text(value)
        if len(text) > CAPTION_LIMIT:
            raise RenderError(CAPTION_LIMIT_MESSAGE)
        cleaned[key] = text
    if not cleaned["top"] and not cleaned["bottom"]:
        raise RenderError("Write a top or bottom caption.")
    style = inputs.get("style")
    if style is None or style == "":
        style = "classic"
    if not isinstance(style, str) or style not in CAPTION_STYLES:
        raise RenderError("Caption style must be “classic” or “bar”.")
    cleaned["style"] = style
    return cleaned


def parse_hex(value: str) -> tuple[int, int, int]:
    """'#f80' or '#ff8800' (the '#' optional) as an RGB tuple; validation has checked it."""
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _colors(value: object) -> list[str]:
    message = "Colours must be a list of two hex values such as “#ff8800”."
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise RenderError(message)
    colors = []
    for item in value:
        if not isinstance(item, str) or not _HEX.fullmatch(item.strip()):
            raise RenderError(message)
        colors.append("#{:02x}{:02x}{:02x}".format(*parse_hex(item.strip())))
    return colors


def _background(inputs: Mapping, backdrop_names: Iterable[str] | None) -> dict:
    backdrop = inputs.get("backdrop")
    if backdrop is None or backdrop == "":
        raise RenderError("Choose a backdrop.")
    if not isinstance(backdrop, str):
        raise RenderError("The backdrop must be named by text.")
    name = backdrop.strip()
    unknown = RenderError(
        "Unknown backdrop; choose gradient, stripes, dots or one of the creator’s backdrops."
    )
    # Generated names win over a creator backdrop of the same name: they are documented.
    generated = name in GENERATED_BACKDROPS
    if not generated:
        if backdrop_names is None:
            # Called before the creator's backdrops are known (when a remix is requested):
            # accept a plausible name now; render() checks it against the real uploads.
            if not name or len(name) > _BACKDROP_NAME_LIMIT or clean_text(name) != name:
                raise unknown
        elif name not in set(backdrop_names):
            raise unknown
    cleaned: dict[str, object] = {"backdrop": name}
    colors = inputs.get("colors")
    # Colours only tint generated backdrops; for an uploaded one they are dropped, not refused,
    # so a form that always sends its colour pickers still works.
    if colors is not None:
        parsed = _colors(colors)
        if generated:
            cleaned["colors"] = parsed
    return cleaned


def _face(inputs: Mapping) -> dict:
    effect = inputs.get("effect")
    if effect is None or effect == "":
        raise RenderError("Choose an effect.")
    if not isinstance(effect, str) or effect not in EFFECTS:
        raise RenderError("Unknown effect; choose pixelate, cartoon or sticker.")
    return {"effect": effect}


_ALLOWED = {
    "caption": ("top", "bottom", "style"),
    "background": ("backdrop", "colors"),
    "face": ("effect",),
}


def validate_inputs(
    template: str, inputs: dict, *, backdrop_names: Iterable[str] | None = None
) -> dict:
    """Cleaned, JSON-serialisable inputs for ``template``, or a RenderError saying what's wrong.

    ``backdrop_names`` are the creator's uploaded backdrops; None means "not known yet".
    """
    if not isinstance(template, str) or template not in TEMPLATES:
        raise RenderError("Unknown template; choose caption, background or face.")
    if not isinstance(inputs, Mapping):
        raise RenderError("Remix options must be a set of named values.")
    _check_keys(template, inputs, _ALLOWED[template])
    if template == "caption":
        return _caption(inputs)
    if template == "background":
        return _background(inputs, backdrop_names)
    return _face(inputs)
