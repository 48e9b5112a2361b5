"""The statistical second opinion: the shipped file loads, predictions are plain arithmetic that gives
the same answer every time, training gives the same file twice, and the handler uses the opinion only
for the kind of a deal its rules read from a weak cue, saying so in the reasons.

Stories are written for these tests; none is a corpus item.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.core.models import Company, Item
from handlers import HandlerContext, _model
from handlers._passage import Passage, Role
from handlers._words import Mention
from handlers.ev_partnership import EvPartnershipHandler
from tests.conftest import DEV_CORPUS, ROOT

TECH_SHARING = (
    "Renault and Geely deepen tie-up on electric cars for Latin America",
    "Renault and Geely agreed to cooperate on electric cars, with Geely sharing its EV architecture and "
    "Renault building compact cars in Brazil for both brands.",
)


def test_the_shipped_model_loads_small_with_every_kind() -> None:
    path = ROOT / "handlers" / _model.FILE
    assert path.stat().st_size < 500_000
    model = _model.load()
    assert set(model.kinds) == {
        "charging",
        "investment",
        "joint_venture",
        "manufacturing",
        "other",
        "supply",
        "technology",
    }
    assert len(model.ev_weights) > 1000 and len(model.kind_weights) > 1000
    assert 0 < model.thresholds.kind < 1
    assert model.thresholds.ev_band[0] < model.thresholds.ev_band[1]


def test_a_file_of_another_format_is_refused_with_the_fix() -> None:
    data = json.loads((ROOT / "handlers" / _model.FILE).read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="make model"):
        _model.from_json({**data, "format": _model.FORMAT + 1})


def test_companies_become_their_sector_and_punctuation_is_dropped() -> None:
    mentions = [Mention("CATL", 0, 4, known=True), Mention("Ford", 15, 19, known=True, possessive=True)]
    headline = Passage("CATL to supply Ford's trucks, report says", Role.TITLE, mentions)
    sectors = {"CATL": "battery", "Ford": "automaker"}
    assert _model.words(headline, lambda n: sectors.get(n, "")) == [
        "_battery", "to", "supply", "_automaker", "s", "trucks", "report", "says",
    ]  # fmt: skip
    words, kind_words = _model.features([headline], lambda n: "")
    assert "_company" in words and "t:supply" in kind_words and "t:supply" not in words


def test_the_same_features_give_the_same_probabilities_in_any_order() -> None:
    model = _model.load()
    words = ["_battery", "to", "supply", "cells", "for", "_automaker", "electric", "pickups", "t:supply"]
    forward, backward = set(words), set(reversed(words))
    assert model.kind(forward) == model.kind(backward) == model.kind(set(sorted(words)))
    assert model.ev(forward) == model.ev(backward)
    kind, p = model.kind(forward)
    assert kind == "supply" and p > 0.5
    assert model.ev(forward) > 0.5
    assert model.ev({"_company", "and", "pharmaceutical", "vaccine", "license", "drug"}) < 0.5


def test_the_model_decides_a_weak_cue_kind_and_says_so(handler: EvPartnershipHandler) -> None:
    found = handler.detect(Item(id="t", title=TECH_SHARING[0], summary=TECH_SHARING[1]))
    assert found is not None and found.alert
    assert found.kind == "technology"
    why = [r for r in found.reasons if r.startswith("kind: the statistical model")]
    assert why and "sure this is a technology deal" in why[0] and "only hinted at manufacturing" in why[0]


@pytest.fixture(scope="module")
def plain(companies: tuple[Company, ...]) -> EvPartnershipHandler:
    """The handler with its rules only."""
    rules_only = EvPartnershipHandler(HandlerContext(companies=companies))
    rules_only.model = None
    return rules_only


def test_without_the_model_the_rules_kind_stands(plain: EvPartnershipHandler) -> None:
    found = plain.detect(Item(id="t", title=TECH_SHARING[0], summary=TECH_SHARING[1]))
    assert found is not None and found.kind == "manufacturing"
    assert not [r for r in found.reasons if "statistical" in r]


def test_the_model_never_changes_whether_a_story_alerts_or_its_score(
    handler: EvPartnershipHandler, plain: EvPartnershipHandler
) -> None:
    changed_kinds = 0
    for line in DEV_CORPUS.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        item = Item(id=data["id"], title=data["title"], summary=data["summary"])
        with_model, without = handler.detect(item), plain.detect(item)
        assert (with_model is None) == (without is None)
        if with_model is not None and without is not None:
            assert (with_model.alert, with_model.score, with_model.ev) == (
                without.alert,
                without.score,
                without.ev,
            )
            assert dataclasses.replace(with_model, kind=without.kind, reasons=without.reasons) == without
            changed_kinds += with_model.kind != without.kind
    assert changed_kinds > 0  # the second opinion is in use


def test_training_gives_the_same_file_twice(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import train_model
    finally:
        sys.path.remove(str(ROOT / "bench"))
    data = train_model.examples([DEV_CORPUS])
    first, second = train_model.dump(train_model.train(data)), train_model.dump(train_model.train(data))
    assert first == second
    model = _model.from_json(json.loads(first))
    assert model.kinds and model.ev_weights
