"""Running many patterns over a text in one pass: each is tried only where its trigger words are.

A regular expression searched over a whole sentence is tried at every character; forty of
them cost milliseconds per story. Here each rule names the words it can start with; the scan
walks the text's words, looks up (once per distinct word) the rules that start at it, and a
rule's regex is only ``match``-ed at positions where one of its own trigger words begins.
Triggers are exact lower-case words, prefixes ending in ``*`` ("invest*"), or ``⟦`` for a
company slot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_EXACT, _PREFIX = "\x00", "\x01"


def word_trie(words: Iterable[str], prefixes: Iterable[str] = ()) -> re.Pattern[str]:
    """A regex that finds whole words from ``words`` and words starting with ``prefixes``.

    Built as a trie, so the engine follows one branch per character instead of trying
    every word at every position; run it on lower-cased text.
    """
    root: dict[str, Any] = {}
    for word, marker in [(w, _EXACT) for w in words] + [(p, _PREFIX) for p in prefixes]:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[marker] = True
    return re.compile(r"(?<![^\W_])" + _branch(root))


def _branch(node: dict[str, Any]) -> str:
    if node.get(_PREFIX):
        return r"[^\W_]*"
    alternatives = [r"(?![^\W_])"] if node.get(_EXACT) else []
    alternatives += [
        re.escape(char) + _branch(child) for char, child in sorted(node.items()) if char not in (_EXACT, _PREFIX)
    ]
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


@dataclass(frozen=True, slots=True)
class Rule:
    """A named pattern, the words it can start at, and cheap checks that skip hopeless tries.

    ``near``: a company slot must appear within this many characters of the start.
    ``after``: for a rule that starts at a slot, what must follow the slot ("'s", ",").
    ``examples`` must make the rule fire and ``near_misses`` must not (tests check both);
    they are plain sentences, written for the rule, with companies named as news names them.
    """

    name: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    near: int = 0
    after: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()


def rule(
    name: str,
    triggers: str,
    pattern: str,
    *,
    case: bool = False,
    near: int = 0,
    after: tuple[str, ...] = (),
    examples: tuple[str, ...] = (),
    near_misses: tuple[str, ...] = (),
) -> Rule:
    flags = 0 if case else re.IGNORECASE
    regex = re.compile(pattern, flags)
    return Rule(name, tuple(triggers.split()), regex, near, after, examples, near_misses)


def trigger_of(token: str, triggers: tuple[str, ...]) -> bool:
    """True when a lower-cased word (or the slot mark) is one of the rule's trigger words."""
    return any(token.startswith(t[:-1]) if t.endswith("*") else token == t for t in triggers)


# A rule as the scanner loop uses it: name, the bound ``match`` of its regex, its ``near``.
_Entry = tuple[str, Callable[[str, int], "re.Match[str] | None"], int]
_CACHE_LIMIT = 100_000  # news vocabulary is bounded; hostile text is not
_WORD = re.compile(r"[^\W_]+")
_WORDS = re.compile(r"[^\W_]+|⟦")


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
        self._cache: dict[str, tuple[_Entry, ...]] = {}
        # Rules starting at a slot, by what follows the slot: most want "'s", "," or a space there.
        self._slot_rules = tuple(self._exact.get("⟦", ()))
        self._after_size = max((len(a) for r in self._slot_rules for a in r.after), default=0)
        self._after_cache: dict[str, tuple[_Entry, ...]] = {}
        # When every trigger is one word of letters and digits, the scan walks the text's words
        # and looks each up once (a word no rule starts at maps to no rules, and stays cached);
        # the same places a trie regex of all triggers finds, and cheaper than running it.
        exact = [t for t in self._exact if t != "⟦"]
        prefixes = [p for size in self._prefix.values() for p in size]
        self._starts = _WORDS
        if not all(_WORD.fullmatch(t) for t in exact + prefixes):
            self._starts = re.compile(word_trie(exact, prefixes).pattern + "|⟦")  # "co-develop"

    def _candidates(self, token: str) -> tuple[_Entry, ...]:
        found = list(self._exact.get(token, ()))
        for size in self._lengths:
            if len(token) < size:
                break
            found += self._prefix[size].get(token[:size], ())
        entries = tuple((r.name, r.regex.match, r.near) for r in dict.fromkeys(found))
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[token] = entries
        return entries

    def _after_slot(self, follow: str) -> tuple[_Entry, ...]:
        """The slot rules whose ``after`` allows what follows a slot (the first characters of it)."""
        rules = [r for r in self._slot_rules if not r.after or follow.startswith(r.after)]
        entries = tuple((r.name, r.regex.match, r.near) for r in rules)
        if len(self._after_cache) < _CACHE_LIMIT:
            self._after_cache[follow] = entries
        return entries

    def scan(self, text: str) -> dict[str, list[re.Match[str]]]:
        """Every match of every rule, by rule name, in order of position."""
        low = text.lower()
        if len(low) != len(text):  # a few characters change length when lowered
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        hits: dict[str, list[re.Match[str]]] = {}
        cache, after_cache, size = self._cache, self._after_cache, self._after_size
        find = text.find
        for word in self._starts.finditer(low):
            token = word.group()
            if token == "⟦":
                pos = word.start()
                slot_end = find("⟧", pos) + 1
                if slot_end:
                    follow = text[slot_end : slot_end + size]
                    entries = after_cache.get(follow)
                    if entries is None:
                        entries = self._after_slot(follow)
                else:
                    entries = cache.get(token) or self._candidates(token)
            else:
                entries = cache.get(token)
                if entries is None:
                    entries = self._candidates(token)
                if not entries:
                    continue
                pos = word.start()
            for name, match_at, near in entries:
                if near and find("⟦", pos, pos + near) < 0:
                    continue
                match = match_at(text, pos)
                if match is not None:
                    found = hits.get(name)
                    if found is None:
                        hits[name] = [match]
                    else:
                        found.append(match)
        return hits
