"""A small statistical second opinion on a deal's kind and EV relevance, computed in plain Python.

The coefficients come from logistic regressions trained on evradar's labelled corpora
(``bench/train_model.py``, run by ``make model``) and ship as ``handlers/second_opinion.json``.
Features are the words of the headline and lede, with every company the
rules found replaced by its sector ("_battery", "_automaker"), so the model learns how
deals are worded rather than which companies make them. Nothing here imports a numeric
library: a prediction is a few dictionary look-ups and an exponential.

The opinion is consulted only for stories the rules already take for a deal, and it decides
only where cross-validation showed it helps: the kind of an alerting deal whose wording gave
the rules no decisive cue (they fell back on the partners' sectors or on leaning words). Its
EV judgement is shown in the reasons beside an uncertain judgement of the rules, and never
overrides them: in cross-validation it did not beat them.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from math import exp, sqrt
from typing import Any, Protocol

from bot.core.models import Kind

from ._passage import Role
from ._words import Mention

FILE = "second_opinion.json"
FORMAT = 1
# Weights are stored as whole numbers of this unit: integer sums are exact in any order, so a
# prediction does not depend on the order a set of features happens to be iterated in.
UNIT = 10_000
# A feature's kind weights are packed into one integer, one FIELD-bit field per kind, each shifted up
# by BIAS so it is never negative: adding the packed integers adds every kind's weights at once (one
# addition per feature instead of one per feature and kind), and no field carries into the next.
FIELD = 48
BIAS = 1 << 32
# Words are what is left between spaces once punctuation is spaced out (a regular expression is several
# times slower here); "_" is kept, for the sector tokens ("_battery") that stand for companies.
_SPACED = str.maketrans(dict.fromkeys(string.punctuation.replace("_", "") + "\u2014\u2013\u2026", " "))


class Read(Protocol):
    """A headline or lede passage once its companies are found (a Passage or a Sentence)."""

    text: str
    role: Role
    mentions: list[Mention]


def words(passage: Read, sector: Callable[[str], str]) -> list[str]:
    """The passage's lower-case words, each company replaced by ``_<sector>`` (``_company`` if unknown)."""
    text = passage.text
    if passage.mentions:
        pieces: list[str] = []
        at = 0
        for mention in passage.mentions:
            if mention.start < at:
                continue  # overlapping mentions: the first one stands
            pieces += (text[at : mention.start], " _", sector(mention.name) or "company", " ")
            at = mention.end
        pieces.append(text[at:])
        text = "".join(pieces)
    return text.lower().translate(_SPACED).split()


def features(passages: Iterable[Read], sector: Callable[[str], str]) -> tuple[set[str], set[str]]:
    """The EV features (the words) and the kind features (the words, and the headline's marked ``t:``)."""
    found: set[str] = set()
    headline: list[str] = []
    for passage in passages:
        if passage.role is Role.TITLE:
            headline = words(passage, sector)
            found.update(headline)
        elif passage.role is Role.LEDE:
            found.update(words(passage, sector))
    return found, found.union(map("t:".__add__, headline))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probabilities from which the model's kind replaces the rules' (chosen by cross-validation)."""

    kind: float  # the model's kind replaces a kind the rules read from partner sectors or leaning words
    ev_band: tuple[float, float]  # rules' EV values shown with the model's view beside them


@dataclass(frozen=True, slots=True)
class Model:
    """Coefficients of the two regressions, read from the shipped file."""

    ev_intercept: float
    ev_weights: Mapping[str, int]  # in UNITs
    kinds: tuple[Kind, ...]
    kind_intercepts: tuple[float, ...]
    kind_weights: Mapping[str, int]  # every kind's weight in UNITs, packed (see FIELD)
    thresholds: Thresholds

    def ev(self, unigrams: set[str]) -> float:
        """Probability that the story is about electric vehicles."""
        known = unigrams & self.ev_weights.keys()
        z = self.ev_intercept + (
            sum(map(self.ev_weights.__getitem__, known)) / UNIT / sqrt(len(known)) if known else 0
        )
        return 1.0 / (1.0 + exp(-z)) if z > -500 else 0.0

    def kind(self, kind_features: set[str]) -> tuple[Kind, float]:
        """The most probable kind of deal and its probability."""
        known = kind_features & self.kind_weights.keys()
        scores = list(self.kind_intercepts)
        if known:
            total, n = sum(map(self.kind_weights.__getitem__, known)), len(known)
            scale = 1.0 / UNIT / sqrt(n)
            mask = (1 << FIELD) - 1
            scores = [b + scale * (((total >> (FIELD * k)) & mask) - n * BIAS) for k, b in enumerate(scores)]
        top = max(scores)
        odds = [exp(s - top) for s in scores]
        best = odds.index(1.0)
        return self.kinds[best], 1.0 / sum(odds)


def from_json(data: Mapping[str, Any]) -> Model:
    """A model from the file's JSON; raises ValueError on a file of another format."""
    if data.get("format") != FORMAT or data.get("unit") != UNIT:
        raise ValueError(
            f"{FILE} is not in the format this evradar reads (format {FORMAT}, unit {UNIT}); run `make model`"
        )
    ev, kind, limits = data["ev"], data["kind"], data["thresholds"]
    return Model(
        ev_intercept=ev["intercept"] / UNIT,
        ev_weights={f: int(w) for f, w in ev["weights"].items()},
        kinds=tuple(kind["classes"]),
        kind_intercepts=tuple(b / UNIT for b in kind["intercepts"]),
        kind_weights={f: _packed(ws) for f, ws in kind["weights"].items()},
        thresholds=Thresholds(
            kind=float(limits["kind"]),
            ev_band=(float(limits["ev_band"][0]), float(limits["ev_band"][1])),
        ),
    )


def _packed(weights: list[int]) -> int:
    if any(abs(w) >= BIAS for w in weights):
        raise ValueError(f"{FILE} has a weight too large to pack; retrain with `make model`")
    return sum((int(w) + BIAS) << (FIELD * k) for k, w in enumerate(weights))


@cache
def load() -> Model:
    """The model shipped with evradar (package data of ``handlers``), read once: it never changes."""
    text = resources.files("handlers").joinpath(FILE).read_text(encoding="utf-8")
    return from_json(json.loads(text))


def second_kind(model: Model, kind_features: set[str], rules: Kind) -> tuple[Kind, str]:
    """The kind to report for a deal whose wording gave the rules no decisive cue, and the reason to show.

    A deal the rules found no kind word for at all ("other") is told vaguely ("a possible
    partnership"): there, in cross-validation, the model's guesses were wrong more often than right.
    """
    if rules == "other":
        return rules, ""
    kind, p = model.kind(kind_features)
    if kind == rules or p < model.thresholds.kind:
        return rules, ""
    why = f"kind: the statistical model is {p:.0%} sure this is {kind_words(kind)}"
    return kind, f"{why}, where the wording only hinted at {rules}"


def ev_note(model: Model, unigrams: set[str], rules_ev: float, *, rules_say_ev: bool) -> str:
    """The model's EV view beside an uncertain rules judgement, for readers; it decides nothing."""
    low, high = model.thresholds.ev_band
    if not low <= rules_ev < high:
        return ""
    p = model.ev(unigrams)
    says = "EV" if p >= 0.5 else "not EV"
    agree = "agrees" if (p >= 0.5) == rules_say_ev else "disagrees; the rules' judgement stands"
    return f"EV judgement: the statistical model {p:.2f} says {says} ({agree})"


_KIND_WORDS = {"joint_venture": "a joint venture", "investment": "an investment", "other": "another kind of deal"}


def kind_words(kind: Kind) -> str:
    return _KIND_WORDS.get(kind, f"a {kind} deal")
