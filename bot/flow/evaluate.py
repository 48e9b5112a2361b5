"""`evradar eval`: how well detection does on labelled items, beside a plain keyword filter."""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from handlers import Handler
from handlers.companies import CompanyIndex

from ..core.models import Item
from .classify import item_from_json
from .detection import detect

# What users glue onto RSS bots today: a partnership word AND an EV word.
_DEAL_WORDS = re.compile(
    r"\b(?:partner\w*|joint venture|deal|agreement|alliance|collaborat\w*|tie-?up|team\w* up|"
    r"mou|invest\w*|stake|supply|contract)\b",
    re.IGNORECASE,
)
_EV_WORDS = re.compile(r"\b(?:ev|evs|electric|battery|batteries|charging|charger\w*)\b", re.IGNORECASE)


def keyword_filter(item: Item) -> bool:
    """The baseline: alert when the headline or summary has a deal word and an EV word."""
    text = f"{item.title} {item.summary}"
    return bool(_DEAL_WORDS.search(text) and _EV_WORDS.search(text))


def is_holdout(item_id: str) -> bool:
    """Half of the labelled items, fixed by id: detection is tuned on the other half only.

    The held-aside half of ``tests/data/corpus/more.jsonl`` is what detection is judged on;
    ``dev.jsonl``, ``holdout.jsonl`` and ``check.jsonl`` were all read while tuning.
    """
    return zlib.crc32(item_id.encode()) % 2 == 0


@dataclass(slots=True)
class Score:
    """Counts for one detector over one labelled set."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    partners_right: int = 0
    kind_right: int = 0
    stage_right: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    mistakes: list[str] = field(default_factory=list)
    # (expected, got) for every true alert: where kind and stage go wrong, not only how often.
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    stages: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def share(self, right: int) -> float:
        return right / self.tp if self.tp else 0.0


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled item from a corpus file."""

    item: Item
    positive: bool
    partners: frozenset[str]
    kind: str
    stage: str
    category: str


def read_labelled(lines: Iterable[str]) -> list[Labelled]:
    out: list[Labelled] = []
    for line in lines:
        if not line.strip():
            continue
        data: dict[str, Any] = json.loads(line)
        positive = data.get("label") == "partnership" and bool(data.get("ev"))
        out.append(
            Labelled(
                item_from_json(data),
                positive,
                frozenset(data.get("partners") or ()),
                data.get("kind") or "",
                data.get("stage") or "",
                data.get("category") or "",
            )
        )
    return out


def evaluate(
    corpus: Sequence[Labelled],
    handlers: Sequence[Handler],
    index: CompanyIndex,
    *,
    progress: Callable[[], None] = lambda: None,
) -> tuple[Score, Score]:
    """Score evradar and the keyword filter on the same items."""
    ours, baseline = Score(), Score()
    for example in corpus:
        detection = detect(handlers, example.item)
        alert = bool(detection and detection.alert)
        _count(ours, example, alert)
        _count(baseline, example, keyword_filter(example.item))
        if alert and example.positive and detection is not None:
            expected = {index.resolve(p) or p for p in example.partners}
            if set(detection.partners) == expected:
                ours.partners_right += 1
            else:
                ours.mistakes.append(
                    f"partners {example.item.id}: got {list(detection.partners)}, want {sorted(expected)}"
                )
            _judge(ours, example, detection.kind, detection.stage)
        progress()
    return ours, baseline


def _judge(score: Score, example: Labelled, kind: str, stage: str) -> None:
    """Kind and stage of a true alert, against the label."""
    score.kind_right += kind == example.kind
    score.stage_right += stage == example.stage
    score.kinds[(example.kind, kind)] += 1
    score.stages[(example.stage, stage)] += 1
    if kind != example.kind:
        score.mistakes.append(f"kind {example.item.id}: got {kind}, want {example.kind}")
    if stage != example.stage:
        score.mistakes.append(f"stage {example.item.id}: got {stage}, want {example.stage}")


def confusion(pairs: Counter[tuple[str, str]]) -> tuple[list[str], list[list[int]]]:
    """Labels and a matrix of counts: row = expected, column = what detection said."""
    labels = sorted({label for pair in pairs for label in pair})
    return labels, [[pairs[(want, got)] for got in labels] for want in labels]


def _count(score: Score, example: Labelled, alert: bool) -> None:
    if alert and example.positive:
        score.tp += 1
    elif alert:
        score.fp += 1
        score.errors[f"false alert: {example.category}"] += 1
        score.mistakes.append(f"false alert {example.item.id}: {example.item.title}")
    elif example.positive:
        score.fn += 1
        score.errors["missed partnership"] += 1
        score.mistakes.append(f"missed {example.item.id}: {example.item.title}")
    else:
        score.tn += 1
