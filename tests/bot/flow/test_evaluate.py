"""`evradar eval` and the detection targets on the labelled development corpus."""

from __future__ import annotations

import subprocess
import sys

from bot.core.models import Company, Item
from bot.flow.detection import DEFAULT_HANDLERS, load_handlers
from bot.flow.evaluate import evaluate, is_holdout, keyword_filter, read_labelled
from handlers.companies import CompanyIndex
from tests.conftest import DATA, DEV_CORPUS, ROOT


def _score(path, companies: tuple[Company, ...]):
    corpus = read_labelled(path.read_text(encoding="utf-8").splitlines())
    handlers = load_handlers(DEFAULT_HANDLERS, companies)
    return evaluate(corpus, handlers, CompanyIndex(companies))


def test_dev_corpus_meets_the_targets_and_beats_the_keyword_filter(companies: tuple[Company, ...]) -> None:
    ours, keyword = _score(DEV_CORPUS, companies)
    assert ours.precision >= 0.95
    assert ours.recall >= 0.92
    assert ours.share(ours.partners_right) >= 0.90
    assert ours.f1 > keyword.f1 + 0.1


def test_other_real_events_stay_well_detected(companies: tuple[Company, ...]) -> None:
    ours, keyword = _score(DATA / "holdout.jsonl", companies)
    assert ours.precision >= 0.9 and ours.recall >= 0.85
    assert ours.f1 > keyword.f1


def test_keyword_filter_is_the_naive_baseline() -> None:
    assert keyword_filter(Item(id="1", title="Man takes plea deal on battery charge"))
    assert not keyword_filter(Item(id="2", title="Magna Steyr to build GAC and Xpeng cars in Graz"))


def test_holdout_split_is_stable_and_about_half() -> None:
    ids = [f"item-{n}" for n in range(1000)]
    share = sum(is_holdout(i) for i in ids) / len(ids)
    assert 0.45 < share < 0.55
    assert [is_holdout(i) for i in ids[:50]] == [is_holdout(i) for i in ids[:50]]


def test_eval_command_prints_both_detectors_and_errors_by_category() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", str(DEV_CORPUS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env={"COLUMNS": "160", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "evradar" in result.stdout and "keyword filter" in result.stdout
    assert "precision" in result.stdout and "missed partnership" in result.stdout
