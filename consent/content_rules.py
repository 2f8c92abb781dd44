"""Content rules: check remix captions against a creator's blocked phrases and categories.

Pure Python, no database: callers pass the creator's stored phrases and category keys. Text is
compared in a normalised form so that case, accents, leetspeak, spacing tricks and invisible
characters do not get a caption past a rule. A hit's message is safe to show to the requester:
it names the kind of rule, never the words that matched.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

CATEGORIES: dict[str, str] = {
    "profanity": "Profanity",
    "slurs": "Slurs",
    "political_figures": "Political figures",
}

MAX_PHRASES = 200
MAX_PHRASE_LENGTH = 100
MIN_PHRASE_LETTERS = 2
# Longest run of tokens joined to find a split-up multi-word name ("xi jin ping").
MAX_RUN = 6

_WORDLISTS = Path(__file__).resolve().parent / "wordlists"
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "i",
    "+": "t",
}
# Digits are always read as letters; a symbol only when a letter or digit follows it, so
# "sh!t" and "$hit" are words while the "!" of "what the fuck!" stays punctuation.
_LEET_CHAR = re.compile(r"[01345789]|[@$!|+](?=[@$!|+]*[^\W_])")
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class RuleHit:
    """Why a caption was refused; `message` never repeats the matched text or the phrase."""

    rule: str  # "blocked_phrase" | "category"
    category: str | None
    message: str

    @property
    def code(self) -> str:
        """A stable machine-readable reason: "blocked_phrase" or "category:<key>"."""
        return f"category:{self.category}" if self.category else self.rule


def normalise(text: str) -> str:
    """Lower-case, accent-free, leet-decoded words separated by single spaces.

    Zero-width, bidi and control characters are dropped (so "po\\u200blitics" is one word),
    compatibility forms are folded ("ｐｏｌｉｔｉｃｓ" → "politics"), accents removed, and
    leetspeak decoded (0→o 1→i 3→e 4→a 5→s 7→t 8→b 9→g, and @ $ ! | + inside a word). Numbers
    therefore become letters ("top 10" → "top io"), which only matters for matching.
    Repeated letters are deliberately kept: collapsing them would turn "too" into "to" and
    "assess" into "ases", so "fuuuck" is not caught by the word lists.
    """
    folded = _LEET_CHAR.sub(lambda match: _LEET[match.group()], _fold(text))
    return _words(folded)


def squash(text: str) -> str:
    """The normalised text with no spaces, for matching that ignores spacing ("p o l i")."""
    return normalise(text).replace(" ", "")


def wordlist(category: str) -> tuple[str, ...]:
    """The entries of a category's shipped word list, as written in its file."""
    if category not in CATEGORIES:
        raise ValueError(_unknown_category(category))
    return _read_wordlist(category)


def caption_check(
    texts: Iterable[str], *, phrases: Sequence[str], categories: Sequence[str]
) -> RuleHit | None:
    """The first rule the texts break, or None; each text's phrases are checked first.

    A creator's phrase matches anywhere, ignoring case, accents, spacing and leetspeak, because
    the creator chose it. A category entry must match whole words, so a list cannot block
    "Scunthorpe"; see `_category_matches` for how split-up spellings are still caught.
    """
    phrase_keys = [key for key in map(squash, phrases) if key]  # "" would match every caption.
    for text in texts:
        readings = _readings(text)
        squashed = [reading.replace(" ", "") for reading in readings]
        if any(key in form for key in phrase_keys for form in squashed):
            return RuleHit(
                rule="blocked_phrase",
                category=None,
                message="The caption uses a phrase the creator has blocked.",
            )
        for category in categories:
            if any(_category_matches(category, reading) for reading in readings):
                return RuleHit(
                    rule="category",
                    category=category,
                    message=f"The creator does not allow {CATEGORIES[category].lower()} "
                    "in remixes of this video.",
                )
    return None


def clean_phrases(raw: Iterable[str] | str) -> list[str]:
    """A creator's blocked phrases, tidied and checked before they are stored.

    A string holds one phrase per line or comma-separated. Phrases that read the same once
    squashed ("Politics", "p0litics") are one rule, so only the first spelling is kept.
    """
    items = re.split(r"[\n,]", raw) if isinstance(raw, str) else raw
    cleaned: dict[str, str] = {}
    for item in items:
        phrase = " ".join(item.split())
        if not phrase:
            continue
        _check_phrase(phrase)
        cleaned.setdefault(squash(phrase), phrase)
    if len(cleaned) > MAX_PHRASES:
        raise ValueError(f"Too many blocked phrases: {len(cleaned)}; the limit is {MAX_PHRASES}.")
    return list(cleaned.values())


def clean_categories(raw: Iterable[str]) -> list[str]:
    """Known category keys, without repeats, in CATEGORIES order (so stored values compare)."""
    chosen = set()
    for key in raw:
        if key not in CATEGORIES:
            raise ValueError(_unknown_category(key))
        chosen.add(key)
    return [key for key in CATEGORIES if key in chosen]


def _fold(text: str) -> str:
    """Case-folded, compatibility-decomposed text without marks or invisible characters.

    NFKD runs on both sides of casefold, as in Unicode's compatibility caseless match: "ℌ" only
    folds once decomposed to "H", and folding can itself yield characters that decompose.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in decomposed if not _is_hidden(char))


def _is_hidden(char: str) -> bool:
    """Accents (combining marks) and characters that show nothing: zero-width, bidi, control.

    Dropping them rather than spacing them keeps a word whole when one is slipped inside it.
    """
    category = unicodedata.category(char)
    return category in ("Mn", "Cf") or (category == "Cc" and not char.isspace())


def _words(text: str) -> str:
    """Letters and digits only, one space between words."""
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _readings(text: str) -> set[str]:
    """The ways a caption can be read: leetspeak decoded, and symbols and numbers kept as such.

    The second reading catches what decoding hides: "@putin" (a handle, not "aputin") and
    "trump2024" (a name and a year, not "trumpzoza").
    """
    literal = _words(_DIGITS.sub(lambda match: f" {match.group()} ", _fold(text)))
    return {normalise(text), literal}


def _category_matches(category: str, reading: str) -> bool:
    """Whether a normalised caption contains an entry of the category's list.

    An entry matches as whole consecutive words. A multi-word entry also matches tokens that
    join to its letters ("xi jin ping", "#DonaldTrump"). Single words are not joined across
    tokens, because ordinary English splits them ("put in" → putin, "Taylor's hit" → shit); but
    a run of single letters is read as one word, so "f u c k" and "p u t i n" are caught.
    """
    tokens = reading.split()
    single, multi = _entry_keys(category)
    if single.intersection(tokens):
        return True
    runs = {
        "".join(tokens[start:end])
        for start in range(len(tokens))
        for end in range(start + 1, min(start + MAX_RUN, len(tokens)) + 1)
    }
    if multi & runs:
        return True
    spelled = ["".join(run) for length, run in itertools.groupby(tokens, key=len) if length == 1]
    return any(key in word for key in single | multi for word in spelled)


@functools.cache
def _entry_keys(category: str) -> tuple[frozenset[str], frozenset[str]]:
    """Squashed entries of a list, split into single-word and multi-word ones."""
    entries = [normalise(entry) for entry in wordlist(category)]
    return (
        frozenset(entry for entry in entries if " " not in entry),
        frozenset(entry.replace(" ", "") for entry in entries if " " in entry),
    )


@functools.cache
def _read_wordlist(category: str) -> tuple[str, ...]:
    """Read once per process: the lists ship with the code and never change while it runs."""
    lines = (_WORDLISTS / f"{category}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _check_phrase(phrase: str) -> None:
    """Refuse phrases that cannot be stored or that would block nearly every caption."""
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise ValueError(
            f"“{phrase[:30]}…” is too long: a blocked phrase can have at most "
            f"{MAX_PHRASE_LENGTH} characters."
        )
    if len(squash(phrase)) < MIN_PHRASE_LETTERS:
        raise ValueError(
            f"“{phrase}” is too short: a blocked phrase needs at least {MIN_PHRASE_LETTERS} "
            "letters or digits, or it would match almost every caption."
        )


def _unknown_category(key: str) -> str:
    return f"Unknown category: {key}; choose from {', '.join(CATEGORIES)}."
