"""The caption template: meme text over the frame ("classic") or in white bars ("bar")."""

from __future__ import annotations

from PIL import Image

from remixer.engines.label import reserved_height
from remixer.engines.text import TextBlock, draw_block, layout

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
MAX_LINES = 4
_STROKE_RATIO = 0.08  # classic meme outline: about 1/12 of the font size


def _sizes(width: int, height: int, divisor: float) -> dict[str, int]:
    short = min(width, height)
    return {
        "max_size": max(12, round(short / divisor)),
        "min_size": max(10, round(short / 36)),
    }


def _classic(image: Image.Image, top: str, bottom: str) -> Image.Image:
    width, height = image.size
    margin = max(4, round(min(width, height) * 0.03))
    common = {
        "max_width": width - 2 * margin,
        "max_height": round(height * 0.3),
        "max_lines": MAX_LINES,
        "stroke_ratio": _STROKE_RATIO,
        **_sizes(width, height, 8),
    }
    if top:
        block = layout(top, **common)
        draw_block(image, block, center_x=width / 2, top=margin, fill=WHITE, stroke_fill=BLACK)
    if bottom:
        block = layout(bottom, **common)
        # Sit above the label strip so the two never overlap.
        upper = height - reserved_height(width, height) - block.height - margin // 2
        draw_block(image, block, center_x=width / 2, top=upper, fill=WHITE, stroke_fill=BLACK)
    return image


def _bar_block(text: str, width: int, height: int, pad: int) -> TextBlock:
    return layout(
        text,
        max_width=width - 2 * pad,
        max_height=round(height * 0.35),
        max_lines=MAX_LINES,
        **_sizes(width, height, 10),
    )


def _bar(image: Image.Image, top: str, bottom: str) -> Image.Image:
    # The frame is left untouched: the canvas grows by a white bar above (top caption) and,
    # if there is a bottom caption, below, which also leaves room for the label strip.
    width, height = image.size
    pad = max(4, round(min(width, height) * 0.04))
    top_block = _bar_block(top, width, height, pad) if top else None
    bottom_block = _bar_block(bottom, width, height, pad) if bottom else None
    top_h = top_block.height + 2 * pad if top_block else 0
    bottom_h = bottom_block.height + pad + reserved_height(width, height) if bottom_block else 0
    canvas = Image.new("RGB", (width, height + top_h + bottom_h), WHITE)
    canvas.paste(image, (0, top_h))
    if top_block:
        draw_block(canvas, top_block, center_x=width / 2, top=pad, fill=BLACK)
    if bottom_block:
        draw_block(canvas, bottom_block, center_x=width / 2, top=top_h + height + pad, fill=BLACK)
    return canvas


def render_caption(image: Image.Image, inputs: dict) -> Image.Image:
    if inputs["style"] == "bar":
        return _bar(image, inputs["top"], inputs["bottom"])
    return _classic(image, inputs["top"], inputs["bottom"])
