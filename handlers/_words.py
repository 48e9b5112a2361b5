"""Words of a text as company matching sees them, and a company named at a place in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

TOKEN = re.compile(r"[^\W_]+(?:[.'&][^\W_]+)*|&", re.UNICODE)


# Not frozen: a story builds dozens of these, and a frozen dataclass is several times slower to build.
# Nothing assigns to a mention once built (``replace`` makes a new one); it compares and hashes by value.
@dataclass(slots=True, unsafe_hash=True)
class Mention:
    """A company named in text: canonical name (or surface form) and where it stands.

    ``weak`` marks a match on a name that is also an everyday word ("Smart", "Grab"),
    which callers trust only where the text corroborates it.
    """

    name: str
    start: int
    end: int
    known: bool
    possessive: bool = False
    ticker: str = ""
    weak: bool = False
    plural: bool = False  # "rent Teslas": the company's products, not the company
    cue: str = ""  # why the text names a company here: "name with suffix 'Co'", "unit of LG Corp chosen …"
    group: str = ""  # the group whose short name was read as this unit ("LG Corp" for "LG")


# Company names in the data that are also everyday English words: a mention of one is
# trusted only where the story confirms it (capitalised mid-sentence, or a sentence's
# subject), so "Visa Rules Tighten" or "Caterpillar Season" in a headline names nobody.
EVERYDAY_WORDS = frozenset(
    (
        "beep outrider ouster envision chevron occidental plenitude vanguard sequoia revel "
        "stagecoach greyhound visa caterpillar corning micron cadence ampersand firefly vines"
    ).split()
)


class Token(NamedTuple):
    key: str
    start: int
    end: int
    possessive: bool
    lower: bool


def fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str, start: int = 0, end: int | None = None, limit: int = 0) -> list[Token]:
    """Word tokens of ``text[start:end]`` (at most ``limit`` of them when given)."""
    out: list[Token] = []
    size = len(text)
    for match in TOKEN.finditer(text, start, size if end is None else end):
        if limit and len(out) == limit:
            break
        word = match.group()
        start, end = match.span()
        possessive = False
        if len(word) > 2 and word[-2] == "'" and word[-1] in "sS":
            word, possessive = word[:-2], True
        elif end < size and text[end] == "'" and word[-1] in "sS":
            possessive = True  # plural possessive: "Volkswagens'"
        key = word.lower() if word.isascii() else fold(word)
        out.append(Token(key, start, end, possessive, key == word))
    return out


def is_strict(alias: str) -> bool:
    """A short capitalised alias ("GM", "BP", "E.ON", "B-ON") matches only as written.

    Three letters or digits or fewer, all in capitals: in other cases such words are
    ordinary words or parts of other abbreviations ("gm crops", "Measure B on hold").
    """
    return alias.isupper() and sum(c.isalnum() for c in alias) <= 3


@lru_cache(maxsize=65536)
def alias_key(name: str) -> tuple[str, ...]:
    """The token sequence a name matches: case, accents, hyphens and dots folded."""
    return tuple(t.key for t in tokens(name))
