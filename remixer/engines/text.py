"""Word-wrapping, auto-sizing and drawing of caption text in any script.

Speed matters here (a caption render should cost about as much as a JPEG round trip), so:
tokens are measured once at a reference size and scaled (cached across renders), the font size
is found by binary search on those numbers, and only the final lines are measured for real.
Outlines come from dilating the text mask with OpenCV, which is several times cheaper than
Pillow's FreeType stroker drawing every glyph twice.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from remixer.engines.fonts import HAS_RAQM, RTL_SCRIPTS, FontChoice, choose_font, load_font
from remixer.engines.fonts import script_of as _script_of

_REF = 100  # reference size for cached measurements
_ELLIPSIS = "…"
_CJK = frozenset({"han", "kana", "hangul"})
# Chinese and Japanese break between any two characters; Korean separates words with spaces
# and reads better when a word is not split (CSS word-break: keep-all), so it is left out.
_BREAK_ANYWHERE = frozenset({"han", "kana"})
# Line-breaking rules for CJK (kinsoku): these never start, respectively end, a line.
_NO_BREAK_BEFORE = frozenset(
    "、。，．,.!?！？：；:;)]}）」』】〉》〕ー…・ゝゞ々ぁぃぅぇぉっゃゅょァィゥェォッャュョ"
)
_NO_BREAK_AFTER = frozenset("([{（「『【〈《〔")

Token = tuple[str, str]  # (separator before it: "" or " ", the unbreakable text)


@dataclass(frozen=True)
class TextBlock:
    font: ImageFont.FreeTypeFont  # drawing font at the chosen size
    lines: tuple[str, ...]
    size: int
    line_height: int
    width: int  # widest line, without the outline
    stroke: int  # outline width in pixels (0: none)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines) + 2 * self.stroke


def _breaks_anywhere(char: str) -> bool:
    return _script_of(char) in _BREAK_ANYWHERE


def tokenize(text: str) -> list[Token]:
    """Split at spaces, and between Chinese/Japanese characters (which use no spaces), never
    before a combining mark or where kinsoku forbids it."""
    tokens: list[Token] = []
    sep, word, prev = "", "", ""
    for char in text:
        if char == " ":
            if word:
                tokens.append((sep, word))
                word = ""
            sep = " " if tokens else ""
            prev = char
            continue
        breakable = (
            word
            and (_breaks_anywhere(prev) or _breaks_anywhere(char))
            and char not in _NO_BREAK_BEFORE
            and prev not in _NO_BREAK_AFTER
            and not unicodedata.category(char).startswith("M")
        )
        if breakable:
            tokens.append((sep, word))
            sep, word = "", ""
        word += char
        prev = char
    if word:
        tokens.append((sep, word))
    return tokens


def _needs_shaping(text: str) -> bool:
    # Beyond Latin/Greek/Cyrillic/Armenian, anything but CJK and Hebrew may change width when
    # shaped (Arabic joining, Indic conjuncts): measure those with raqm, the rest with BASIC,
    # which is several times cheaper per call.
    return HAS_RAQM and any(
        ord(char) > 0x058F and _script_of(char) not in (_CJK | {"hebrew"}) for char in text
    )


@lru_cache(maxsize=16384)
def _ref_width(choice: FontChoice, piece: str, shaped: bool) -> float:
    return load_font(choice, _REF, basic=not shaped).getlength(piece)


@lru_cache(maxsize=256)
def _ref_line_height(choice: FontChoice) -> float:
    ascent, descent = load_font(choice, _REF, basic=True).getmetrics()
    return (ascent + descent) * 0.95  # Noto's metrics are generous; a touch tighter reads better


def _run_kind(char: str) -> str | None:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "rtl"
    if kind in ("L", "EN", "AN"):  # digits stay left-to-right inside right-to-left text
        return "ltr"
    return None  # neutral: spaces, punctuation


def visual(line: str, base: str | None = None, *, raqm: bool = HAS_RAQM) -> str:
    """Text in the order to hand to Pillow.

    raqm runs the Unicode bidi algorithm itself, so the text goes through unchanged. BASIC
    layout draws characters left to right in logical order, so this does a minimal bidi pass:
    neutrals between two runs of one direction take it, other neutrals take the line's
    direction (``base``, else the first strong character's); right-to-left runs are reversed,
    and so is the order of the runs in a right-to-left line.
    """
    if raqm or not any(_script_of(char) in RTL_SCRIPTS for char in line):
        return line
    runs: list[list] = []  # [kind, text]
    for char in line:
        kind = _run_kind(char)
        if runs and runs[-1][0] == kind:
            runs[-1][1] += char
        else:
            runs.append([kind, char])
    kinds = [kind for kind, _ in runs]
    direction = base or next((kind for kind in kinds if kind), "ltr")
    for index, kind in enumerate(kinds):
        if kind is None:
            before = next((k for k in reversed(kinds[:index]) if k), direction)
            after = next((k for k in kinds[index + 1 :] if k), direction)
            runs[index][0] = before if before == after else direction
    parts = [text[::-1] if kind == "rtl" else text for kind, text in runs]
    return "".join(reversed(parts) if direction == "rtl" else parts)


def direction_kwargs(direction: str | None) -> dict[str, str]:
    """Pillow only accepts ``direction`` with raqm; without it, visual() did the work."""
    return {"direction": direction} if direction and HAS_RAQM else {}


class _Measure:
    """Scaled reference widths for one text in one font."""

    def __init__(self, choice: FontChoice, text: str) -> None:
        self.choice = choice
        self.shaped = _needs_shaping(text)
        self.space = _ref_width(choice, " ", False)

    def width(self, piece: str) -> float:
        return _ref_width(self.choice, piece, self.shaped)

    def split_long(self, word: str, limit: float) -> list[str]:
        """Break a word wider than ``limit`` (reference units) between characters."""
        pieces, current = [], ""
        for char in word:
            joinable = unicodedata.category(char).startswith("M") or not current
            if not joinable and self.width(current + char) > limit:
                pieces.append(current)
                current = ""
            current += char
        return [*pieces, current] if current else pieces


def _wrap(tokens: list[Token], measure: _Measure, limit: float) -> list[str]:
    """Greedy line filling in reference units; ``limit`` is the width available."""
    lines: list[str] = []
    line, used = "", 0.0
    for sep, word in tokens:
        width = measure.width(word)
        parts = [word] if width <= limit else measure.split_long(word, limit)
        for number, part in enumerate(parts):
            part_width = width if len(parts) == 1 else measure.width(part)
            gap = measure.space if (sep and number == 0 and line) else 0.0
            if line and used + gap + part_width > limit:
                lines.append(line)
                line, used = part, part_width
            else:
                line += (" " if gap else "") + part
                used += gap + part_width
    if line:
        lines.append(line)
    return lines


def _ellipsize(line: str, font: ImageFont.FreeTypeFont, max_width: int) -> str:
    """Shorten the last kept line until it and an ellipsis fit; whole words first."""
    text = line.rstrip()
    while text and font.getlength(visual(text + _ELLIPSIS)) > max_width:
        cut = text.rfind(" ")
        text = text[:cut].rstrip() if cut > 0 else text[:-1]
    return text + _ELLIPSIS


def layout(
    text: str,
    *,
    max_width: int,
    max_height: int,
    max_lines: int,
    max_size: int,
    min_size: int,
    stroke_ratio: float = 0.0,
) -> TextBlock:
    """The largest font size at which ``text`` fits; at the minimum size, truncated with "…"."""
    choice = choose_font(text)
    measure = _Measure(choice, text)
    tokens = tokenize(text)
    line_ref = _ref_line_height(choice)
    min_size = max(1, min(min_size, max_size))

    def stroke_for(size: int) -> int:
        return max(1, round(size * stroke_ratio)) if stroke_ratio else 0

    def attempt(size: int) -> tuple[bool, list[str]]:
        stroke = stroke_for(size)
        limit = (max_width - 2 * stroke) * _REF / size
        lines = _wrap(tokens, measure, limit)
        height = len(lines) * line_ref * size / _REF + 2 * stroke
        return len(lines) <= max_lines and height <= max_height, lines

    low, high = min_size, max_size
    best: tuple[int, list[str]] | None = None
    while low <= high:  # widths scale with size, so fitting is (nearly) monotonic
        middle = (low + high) // 2
        ok, lines = attempt(middle)
        if ok:
            best, low = (middle, lines), middle + 1
        else:
            high = middle - 1

    size, lines = best if best else (min_size, attempt(min_size)[1])
    for _ in range(4):
        # Confirm with the real drawing font: hinting, kerning and shaping across tokens can
        # make a line a few pixels wider than the scaled sum. Shrink and re-wrap if so.
        font = load_font(choice, size)
        stroke = stroke_for(size)
        widths = [font.getlength(visual(line)) for line in lines]
        available = max_width - 2 * stroke
        if max(widths, default=0) <= available or size <= min_size:
            break
        size = max(min_size, min(size - 1, math.floor(size * available / max(widths))))
        lines = attempt(size)[1]

    line_height = max(1, round(line_ref * size / _REF))
    room = max(1, min(max_lines, (max_height - 2 * stroke) // line_height))
    if len(lines) > room:
        lines = [*lines[: room - 1], _ellipsize(lines[room - 1], font, available)]
        widths = [font.getlength(visual(line)) for line in lines]
    return TextBlock(
        font=font,
        lines=tuple(lines),
        size=size,
        line_height=line_height,
        width=math.ceil(max(widths, default=0)),
        stroke=stroke,
    )


@lru_cache(maxsize=32)
def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def draw_block(
    image: Image.Image,
    block: TextBlock,
    *,
    center_x: float,
    top: float,
    fill: tuple[int, int, int],
    stroke_fill: tuple[int, int, int] | None = None,
) -> None:
    """Draw the block's lines centred on ``center_x``, the first line's top at ``top``."""
    pad = block.stroke + max(2, block.size // 8)  # room for accents and overhangs
    width = block.width + 2 * pad
    height = block.height + 2 * pad
    mask = Image.new("L", (width, height), 0)
    pen = ImageDraw.Draw(mask)
    for number, line in enumerate(block.lines):
        y = pad + block.stroke + number * block.line_height
        pen.text((width / 2, y), visual(line), font=block.font, fill=255, anchor="ma")
    left = round(center_x - width / 2)
    upper = round(top - pad)
    # One paste of a solid-colour layer through a mask: Pillow's paste of an image is about
    # twice as fast as its paste of a plain colour, and the outline needs no second pass.
    if block.stroke and stroke_fill is not None:
        outline = Image.fromarray(cv2.dilate(np.asarray(mask), _disc(block.stroke)))
        # Colour = outline colour blended towards the fill by the text mask, channel by channel;
        # the outline mask (a superset of the text) then decides what covers the frame.
        channels = [
            mask.point([low + (high - low) * v // 255 for v in range(256)])
            for low, high in zip(stroke_fill, fill, strict=True)
        ]
        image.paste(Image.merge("RGB", channels), (left, upper), outline)
    else:
        image.paste(Image.new("RGB", mask.size, fill), (left, upper), mask)
