"""Train evradar's statistical second opinion and write handlers/second_opinion.json (`make model`).

Two logistic regressions over the words of a story's headline and lede, companies replaced by
their sector (``handlers/_model.py`` computes the features, here and at run time alike):
whether the story is about EVs (every labelled item) and what kind of deal it is (every
labelled partnership). Training data: tests/data/corpus/dev.jsonl and extra.jsonl,
tests/data/holdout.jsonl and check.jsonl, and the tuning halves of tests/data/corpus/more.jsonl and
fresh.jsonl; their held-aside halves are skipped unread, so they stay fair judges.

scikit-learn is needed here only (the ``test`` extra); evradar itself never imports it.
Training is deterministic: the same data gives the same file, byte for byte.

    python bench/train_model.py            # write handlers/second_opinion.json
    python bench/train_model.py --out F    # write F instead
    python bench/train_model.py --cv       # cross-validation by source file, and the thresholds' effect
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.flow.classify import item_from_json  # noqa: E402
from bot.flow.detection import config_file, load_companies  # noqa: E402
from bot.flow.evaluate import is_holdout  # noqa: E402
from handlers import _lexicon as lx  # noqa: E402
from handlers import _model  # noqa: E402
from handlers._mentions import story_mentions  # noqa: E402
from handlers._passage import Passage, Role  # noqa: E402
from handlers._text import sections  # noqa: E402
from handlers.companies import CompanyIndex  # noqa: E402

DATA = ROOT / "tests" / "data"
SOURCES = (
    DATA / "corpus" / "dev.jsonl",
    DATA / "corpus" / "extra.jsonl",
    DATA / "holdout.jsonl",
    DATA / "check.jsonl",
    DATA / "corpus" / "more.jsonl",  # its tuning half only
    DATA / "corpus" / "fresh.jsonl",  # its tuning half only
)
HELD_ASIDE = frozenset(["more.jsonl", "fresh.jsonl"])  # files whose held-aside half is only ever scored
OUT = ROOT / "handlers" / _model.FILE
# Chosen by `--cv` (grouped by source file), never by the held-aside half of more.jsonl.
EV_C = 16.0  # inverse regularisation of the EV regression (words only: pairs did worse)
KIND_C = 16.0  # words and headline words: word pairs did no better, and cost time at run time
MIN_COUNT = 2  # a feature must occur in this many training stories
THRESHOLDS = {"kind": 0.5, "ev_band": [0.1, 0.7]}


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled story, as features and labels."""

    source: str
    data: dict[str, Any]
    ev_features: frozenset[str]
    kind_features: frozenset[str]
    ev: bool
    kind: str  # "" unless a partnership with a kind


def examples(paths: Sequence[Path] = SOURCES) -> list[Example]:
    """Every training story, the held-aside half of more.jsonl left out before anything is read of it."""
    index = CompanyIndex(load_companies(config_file("companies")), common_words=lx.COMMON_WORDS)

    def sector(name: str) -> str:
        company = index.get(name)
        return company.sector if company else ""

    out: list[Example] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            if path.name in HELD_ASIDE and is_holdout(str(data["id"])):
                continue
            item = item_from_json(data)
            parts = sections(item.title, item.summary, item.content)
            plan = [Passage(parts.title, Role.TITLE)] if parts.title else []
            plan += [Passage(text, Role.LEDE) for text in parts.lede]
            story_mentions(index, plan)
            words, kind_words = _model.features(plan, sector)
            kind = (data.get("kind") or "") if data.get("label") == "partnership" else ""
            out.append(
                Example(path.stem, data, frozenset(words), frozenset(kind_words), bool(data.get("ev")), kind)
            )
    return out


def fit(features: Sequence[frozenset[str]], labels: Sequence[Any], *, c: float, binary: bool) -> dict[str, Any]:
    """One regression: binary features, rows scaled to unit length, as ``_model`` predicts."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    counts = Counter(f for row in features for f in row)
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    keep = set(vocabulary)
    vectorizer = DictVectorizer(sort=True)
    x = normalize(vectorizer.fit_transform([dict.fromkeys(sorted(row & keep), 1.0) for row in features]))
    solver = "liblinear" if binary else "lbfgs"
    regression = LogisticRegression(C=c, solver=solver, max_iter=5000, random_state=0).fit(x, list(labels))
    names = vectorizer.get_feature_names_out()
    coef = regression.coef_
    if binary:
        return {
            "intercept": _units(regression.intercept_[0]),
            "weights": {str(f): _units(w) for f, w in zip(names, coef[0], strict=True)},
        }
    return {
        "classes": [str(k) for k in regression.classes_],
        "intercepts": [_units(b) for b in regression.intercept_],
        "weights": {str(f): [_units(w) for w in coef[:, n]] for n, f in enumerate(names)},
    }


def _units(value: Any) -> int:
    """A coefficient as a whole number of ``_model.UNIT`` (rounded: the file stays small)."""
    return round(float(value) * _model.UNIT)


def train(data: Sequence[Example]) -> dict[str, Any]:
    """The model file's content, trained on ``data``."""
    deals = [e for e in data if e.kind]
    return {
        "format": _model.FORMAT,
        "unit": _model.UNIT,
        "about": "evradar's second opinion on EV relevance and deal kind; written by bench/train_model.py",
        "training": dict(sorted(Counter(e.source for e in data).items())),
        "features": "headline and lede words, companies as _<sector>; kind adds t:<headline word>",
        "thresholds": THRESHOLDS,
        "ev": fit([e.ev_features for e in data], [e.ev for e in data], c=EV_C, binary=True),
        "kind": fit([e.kind_features for e in deals], [e.kind for e in deals], c=KIND_C, binary=False),
    }


def dump(model: dict[str, Any]) -> str:
    return json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the model (default: %(default)s)")
    parser.add_argument("--cv", action="store_true", help="print cross-validation by source file; write nothing")
    args = parser.parse_args(argv)
    data = examples()
    if args.cv:
        from train_model_cv import report  # the same folder

        report(data, train)
        return 0
    text = dump(train(data))
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB) from {len(data)} labelled stories")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
