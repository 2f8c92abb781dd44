"""The "AI remix" label and credit line stamped on every output.

A semi-transparent dark strip in the bottom-right corner: the label on the first line, the
original creator's credit under it. It is drawn last, after resizing, so no template can cover
it and it stays legible at preview size. A video (the voice clip) has it in the top-right
corner instead, since players draw their controls over the bottom of the picture.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from remixer.engines.fonts import choose_font, load_font
from remixer.engines.text import direction_kwargs, visual
from remixer.engines.validation import clean_text

LABEL = "AI remix"
_CREDIT_LIMIT = 80  # characters; credits are ours ("@name · Creator Hub"), but names vary
_STRIP = (0, 0, 0, 165)  # RGBA: dark enough for white text on any frame
_TEXT = (255, 255, 255, 255)


def _size(width: int, height: int) -> int:
    # Scale with the frame, but never so small that a 360 px preview makes it unreadable.
    return max(10, round(min(width, height) * 0.032))


# The credit line is a left-to-right template ("@name · Creator Hub") even when the name is
# Arabic or Hebrew; without a fixed base direction the bidi algorithm would move the "@".
_LTR = direction_kwargs("ltr")


def _credit_text(text: str) -> str:
    return visual(text, "ltr")


def _shorten(text: str, font, max_width: float) -> str:
    while text and font.getlength(_credit_text(text), **_LTR) > max_width:
        text = text[:-2].rstrip() + "…" if len(text) > 2 else ""
    return text


def _box_height(size: int, with_credit: bool) -> int:
    text_height = size + (round(size * 0.25) + round(size * 0.8) if with_credit else 0)
    return round(text_height + 2 * round(size * 0.45) + size * 0.25)


def reserved_height(width: int, height: int) -> int:
    """Height (margin included) the label takes at the bottom, so captions can avoid it."""
    size = _size(width, height)
    return _box_height(size, True) + round(size * 0.5)


def stamp(image: Image.Image, credit: str, *, top: int | None = None) -> Image.Image:
    """Draw the label strip onto ``image`` (in place) and return it: in the bottom-right
    corner, or with ``top`` in the top-right corner of the picture starting at that row."""
    width, height = image.size
    size = _size(width, height)
    credit = clean_text(credit if isinstance(credit, str) else "")[:_CREDIT_LIMIT]
    label_font = load_font(choose_font(LABEL), size)
    pad = round(size * 0.45)
    margin = round(size * 0.5)
    credit_font = None
    credit_width = 0.0
    if credit:
        credit_font = load_font(choose_font(credit), round(size * 0.8))
        credit = _shorten(credit, credit_font, width * 0.75 - 2 * pad - margin)
        credit_width = credit_font.getlength(_credit_text(credit), **_LTR)
    label_width = label_font.getlength(LABEL)
    line_gap = round(size * 0.25)
    box_w = round(max(label_width, credit_width) + 2 * pad)
    box_h = _box_height(size, bool(credit))
    right = width - margin
    if top is None:
        bottom = height - margin
        box = (max(0, right - box_w), max(0, bottom - box_h), right, bottom)
    else:
        upper = min(top + margin, height)
        box = (max(0, right - box_w), upper, right, min(height, upper + box_h))

    # Composite only the corner: converting the whole frame to RGBA would cost more than the
    # rest of a caption render.
    region = image.crop(box).convert("RGBA")
    overlay = Image.new("RGBA", region.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)
    pen.rounded_rectangle(
        (0, 0, region.width - 1, region.height - 1), radius=round(size * 0.4), fill=_STRIP
    )
    pen.text((pad, pad), LABEL, font=label_font, fill=_TEXT, anchor="la")
    if credit_font and credit:
        at = (pad, pad + size + line_gap)
        pen.text(at, _credit_text(credit), font=credit_font, fill=_TEXT, anchor="la", **_LTR)
    image.paste(Image.alpha_composite(region, overlay).convert("RGB"), box[:2])
    return image
