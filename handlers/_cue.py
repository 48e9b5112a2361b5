"""What a deal cue is, how one is registered, and the pattern pieces cues are written with.

A bound cue's slot group names the counterparty ("invests in ⟦1⟧"); an unbound cue proves a
deal when two companies share the sentence ("partnership"). Every cue carries examples that
must make it fire and near-misses that must not; tests read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._scan import Rule, rule

SLOT = r"⟦(\d+)⟧"
_S = SLOT
# Gaps are counted in words so the regex engine steps word by word, not character by character.
_GAP = r"(?:\s+[^\s⟦;]++){0,8}?\s+"  # up to eight words, not crossing a company or a clause
_SHORT = (
    r"(?:[^\s⟦;]++\s+){0,6}?(?:⟦\d+⟧'s\s+(?:[^\s⟦;]++\s+){0,3}?)?"  # words (or an owner's name) before a company
)
_QTY = r"(?:\d[\d,.]*|a fifth|a third|a quarter|half|one-third|one-fifth)"


@dataclass(frozen=True, slots=True)
class Cue:
    """A deal rule: how much it proves and the kind it hints at."""

    name: str
    strength: float
    kind: str = ""
    bound: bool = False  # the rule's slot group names the counterparty
    mutual: bool = False  # the parties act together ("X and Y plan"), none is the other's counterparty
    stage: str = ""  # a stage the cue settles by itself ("ended" for an exit)


CueRule = tuple[Cue, Rule]


def verb_forms(lemmas: str) -> str:
    """A regex alternation of every form of the verbs ("sign" -> sign, signs, signed, signing).

    Irregular forms follow a slash ("build/built", "plan/planned/planning"); a particle
    follows an underscore ("set_up" -> set up, sets up, setting up).
    """
    forms: list[str] = []
    for entry in lemmas.split():
        verb, *irregular = entry.split("/")
        word, _, particle = verb.partition("_")
        if word.endswith("y") and word[-2] not in "aeiou":
            own = [word, word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
        elif word.endswith("e"):
            own = [word, word + "s", word + "d", word[:-1] + "ing"]
        else:
            third = word + ("es" if word.endswith(("s", "sh", "ch", "x")) else "s")
            own = [word, third, word + "ed", word + "ing"]
        tail = rf"\s+{particle}" if particle else ""
        forms += [f + tail for f in own] + [f.replace("_", r"\s+") for f in irregular]
    return "|".join(sorted(set(forms), key=len, reverse=True))


def register(
    into: list[CueRule],
    name: str,
    strength: float,
    kind: str,
    bound: bool,
    triggers: str,
    pattern: str,
    *,
    examples: str,
    misses: str,
    near: int = 0,
    after: tuple[str, ...] = (),
    mutual: bool = False,
) -> None:
    """Register a cue; ``examples`` and ``misses`` are sentences separated by " | "."""
    cue = Cue(name, strength, kind, bound, mutual)
    found = rule(
        name,
        triggers,
        pattern,
        near=near,
        after=after,
        examples=tuple(examples.split(" | ")),
        near_misses=tuple(misses.split(" | ")),
    )
    into.append((cue, found))
