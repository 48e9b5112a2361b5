"""`evradar eval` shows where kind and stage go wrong: confusion tables on true alerts."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console

from bot.cli.output import print_eval
from bot.flow.evaluate import Score, confusion


def test_confusion_rows_are_expected_and_columns_are_detected() -> None:
    pairs = Counter({("supply", "supply"): 3, ("supply", "technology"): 1, ("investment", "supply"): 2})
    labels, matrix = confusion(pairs)
    assert labels == ["investment", "supply", "technology"]
    assert matrix == [[0, 2, 0], [0, 3, 1], [0, 0, 0]]


def test_eval_prints_kind_and_stage_tables_for_the_split() -> None:
    ours = Score(tp=4, kind_right=3, stage_right=3)
    ours.kinds.update({("supply", "supply"): 3, ("joint_venture", "manufacturing"): 1})
    ours.stages.update({("announced", "announced"): 3, ("ended", "announced"): 1})
    out = io.StringIO()
    print_eval(ours, Score(), "corpus (tune, 10 items)", Console(file=out, width=160))
    text = out.getvalue()
    assert "kind on true alerts" in text and "stage on true alerts" in text
    assert "joint_venture" in text and "3/3" in text and "0/1" in text
