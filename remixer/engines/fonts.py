"""Finding a font that can draw a given text, from the Noto/DejaVu fonts Debian installs.

Debian's fonts-noto-core, fonts-noto-cjk and fonts-dejavu-core put their files in the folders
below. A caption gets one font: the first candidate for its scripts that has a glyph for every
character, else the one that covers most. Without any font file we fall back to Pillow's
built-in font, which only covers Latin.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/noto"),  # other distributions' layout of the same packages
    Path("/usr/share/fonts/dejavu"),
)

# With libraqm (FriBiDi + HarfBuzz), Pillow reorders right-to-left text and shapes Arabic
# joining forms itself. Without it, Pillow's BASIC layout draws characters one by one in
# logical order: text.py then reverses right-to-left lines so Hebrew reads correctly, but
# Arabic letters stay in their unjoined forms (legible, not typographically right).
HAS_RAQM = features.check("raqm")

# Code point ranges per script, sorted, for bisect. "han" includes CJK punctuation and
# full-width forms, which CJK fonts draw with the right widths.
_RANGES = sorted(
    [
        (0x0590, 0x05FF, "hebrew"),
        (0x0600, 0x06FF, "arabic"),
        (0x0750, 0x077F, "arabic"),
        (0x0870, 0x08FF, "arabic"),
        (0x1100, 0x11FF, "hangul"),
        (0x2E80, 0x2FDF, "han"),
        (0x3000, 0x303F, "han"),
        (0x3040, 0x30FF, "kana"),
        (0x3130, 0x318F, "hangul"),
        (0x31F0, 0x31FF, "kana"),
        (0x3400, 0x4DBF, "han"),
        (0x4E00, 0x9FFF, "han"),
        (0xAC00, 0xD7AF, "hangul"),
        (0xF900, 0xFAFF, "han"),
        (0xFB1D, 0xFB4F, "hebrew"),
        (0xFB50, 0xFDFF, "arabic"),
        (0xFE70, 0xFEFF, "arabic"),
        (0xFF00, 0xFF65, "han"),
        (0xFF66, 0xFF9F, "kana"),
        (0xFFA0, 0xFFDC, "hangul"),
        (0x20000, 0x3FFFF, "han"),
    ]
)
_STARTS = [start for start, _, _ in _RANGES]
RTL_SCRIPTS = frozenset({"arabic", "hebrew"})

_NOTO_CJK = ("NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc")
# Face index inside the Noto CJK collections: 0 JP, 1 KR, 2 SC (see fc-list / getname()).
_CJK_JP, _CJK_KR, _CJK_SC = 0, 1, 2
_LATIN = (("NotoSans-Bold.ttf", 0),)
_DEJAVU = (("DejaVuSans-Bold.ttf", 0),)  # also has Cyrillic, Greek, Arabic and Hebrew


@dataclass(frozen=True)
class FontChoice:
    path: str | None  # None: Pillow's built-in font
    index: int = 0  # face inside a .ttc collection


def script_of(char: str) -> str | None:
    code = ord(char)
    slot = bisect.bisect_right(_STARTS, code) - 1
    if slot >= 0 and code <= _RANGES[slot][1]:
        return _RANGES[slot][2]
    return None


def scripts_in(text: str) -> frozenset[str]:
    return frozenset(filter(None, map(script_of, text)))


@lru_cache(maxsize=64)
def find_font_file(name: str) -> str | None:
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            return str(path)
    return None


def _candidates(scripts: frozenset[str]) -> list[tuple[str, int]]:
    names: list[tuple[str, int]] = []
    if "arabic" in scripts:
        names += [("NotoSansArabic-Bold.ttf", 0), ("NotoNaskhArabic-Bold.ttf", 0)]
    if "hebrew" in scripts:
        names += [("NotoSansHebrew-Bold.ttf", 0)]
    if scripts & {"han", "kana", "hangul"}:
        # Han characters look different in each language: kana means Japanese, hangul Korean,
        # otherwise assume Simplified Chinese.
        index = _CJK_JP if "kana" in scripts else _CJK_KR if "hangul" in scripts else _CJK_SC
        names += [(name, index) for name in _NOTO_CJK]
    names += [*_LATIN, *_DEJAVU]
    names += [(name, _CJK_SC) for name in _NOTO_CJK[:1]]  # last resort for stray CJK
    return names


@lru_cache(maxsize=256)
def load_font(choice: FontChoice, size: int, basic: bool = False) -> ImageFont.FreeTypeFont:
    """A cached font object; ``basic`` forces the BASIC layout (cheap measuring, see text.py).

    Shared across threads: safe with the GIL, as Pillow holds it while using the FreeType face
    (and locks each font itself on free-threaded builds).
    """
    size = max(1, int(size))
    if choice.path is None:
        return ImageFont.load_default(size=size)  # type: ignore[return-value]
    engine = ImageFont.Layout.RAQM if HAS_RAQM and not basic else ImageFont.Layout.BASIC
    return ImageFont.truetype(choice.path, size, index=choice.index, layout_engine=engine)


def _signature(font: ImageFont.FreeTypeFont, char: str) -> tuple:
    return font.getlength(char), font.getbbox(char)


@lru_cache(maxsize=8192)
def has_glyph(choice: FontChoice, char: str) -> bool:
    """Whether the font draws ``char`` with a glyph of its own, not the .notdef box.

    Pillow exposes no character map, so compare the advance and box with those of a code
    point no font maps (plane-16 private use). Cached: checks cost ~40 µs each.
    """
    if char.isspace():
        return True
    font = load_font(choice, 32, basic=True)
    return _signature(font, char) != _signature(font, "\U0010fffd")


@lru_cache(maxsize=1024)
def choose_font(text: str) -> FontChoice:
    """The font to draw ``text`` with (see module docstring)."""
    chars = set(text)
    best: tuple[int, FontChoice] | None = None
    for name, index in _candidates(scripts_in(text)):
        path = find_font_file(name)
        if path is None:
            continue
        choice = FontChoice(path, index)
        covered = sum(has_glyph(choice, char) for char in chars)
        if covered == len(chars):
            return choice
        if best is None or covered > best[0]:
            best = (covered, choice)
    return best[1] if best else FontChoice(None)
