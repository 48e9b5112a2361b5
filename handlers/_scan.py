"""Running many patterns over a text in one pass: each is tried only where its trigger words are.

A regular expression searched over a whole sentence is tried at every character; forty of
them cost milliseconds per story. Here each rule names the words it can start with, the
text is walked word by word once, and a rule's regex is only ``match``-ed at positions
where one of its trigger words begins. Triggers are exact lower-case words, prefixes
ending in ``*`` ("invest*"), or ``⟦`` for a company slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+|⟦")  # triggers are ASCII; other letters never start a rule


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern, the words it can start at, and cheap checks that skip hopeless tries.

    ``near``: a company slot must appear within this many characters of the start.
    ``after``: for a rule that starts at a slot, what must follow the slot ("'s", ",").
    """

    name: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    near: int = 0
    after: tuple[str, ...] = ()


def rule(
    name: str, triggers: str, pattern: str, *, case: bool = False, near: int = 0, after: tuple[str, ...] = ()
) -> Rule:
    flags = 0 if case else re.IGNORECASE
    return Rule(name, tuple(triggers.split()), re.compile(pattern, flags), near, after)


class Scanner:
    """All rules, indexed by trigger, run over a text in one pass."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._exact: dict[str, list[Rule]] = {}
        self._prefix: dict[int, dict[str, list[Rule]]] = {}
        for item in self.rules:
            for trigger in item.triggers:
                if trigger.endswith("*"):
                    stem = trigger[:-1]
                    self._prefix.setdefault(len(stem), {}).setdefault(stem, []).append(item)
                else:
                    self._exact.setdefault(trigger, []).append(item)
        self._lengths = sorted(self._prefix)
        self._cache: dict[str, tuple[Rule, ...]] = {}

    def _candidates(self, token: str) -> tuple[Rule, ...]:
        found = list(self._exact.get(token, ()))
        for size in self._lengths:
            if len(token) < size:
                break
            found += self._prefix[size].get(token[:size], ())
        unique = tuple(dict.fromkeys(found))
        if len(self._cache) < 100_000:  # news vocabulary is bounded; hostile text is not
            self._cache[token] = unique
        return unique

    def scan(self, text: str) -> dict[str, list[re.Match[str]]]:
        """Every match of every rule, by rule name, in order of position."""
        low = text.lower()
        if len(low) != len(text):  # a few characters change length when lowered
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        hits: dict[str, list[re.Match[str]]] = {}
        cache = self._cache
        for word in _WORD.finditer(low):
            token = word.group()
            candidates = cache.get(token)
            if candidates is None:
                candidates = self._candidates(token)
            if not candidates:
                continue
            pos = word.start()
            slot_end = text.find("⟧", pos) + 1 if token == "⟦" else 0
            for item in candidates:
                if slot_end and item.after and not text.startswith(item.after, slot_end):
                    continue
                if item.near and text.find("⟦", pos, pos + item.near) < 0:
                    continue
                match = item.regex.match(text, pos)
                if match is not None:
                    hits.setdefault(item.name, []).append(match)
        return hits
