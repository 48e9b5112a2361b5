"""Every detection rule proves itself: its examples fire, its near-misses do not, its triggers agree.

A rule is only tried where one of its trigger words starts (see ``handlers/_scan``); a trigger
list that forgot a word would silently disable part of the pattern. So besides each rule's
own examples, the patterns are run the slow way (at every word of the labelled corpora) and
must find exactly what the trigger index finds.
"""

from __future__ import annotations

import json
import re

import pytest

from bot.core.models import Company
from handlers import _headline as hl
from handlers._cues import CUE_RULES
from handlers._kind import ASPECT_RULES, ASPECTS, PRECEDENCE
from handlers._lexicon import SCANNER
from handlers._passage import Passage, Role
from handlers._scan import Rule, Scanner, trigger_of
from handlers._sentence import masked
from handlers.companies import CompanyIndex
from tests.conftest import DATA, DEV_CORPUS

_WORD = re.compile(r"[a-z0-9]+|⟦")


@pytest.fixture(scope="module")
def index(companies: tuple[Company, ...]) -> CompanyIndex:
    return CompanyIndex(companies)


def _masked(index: CompanyIndex, text: str, role: Role = Role.LEDE) -> str:
    passage = Passage(text, role)
    passage.mentions = index.find(text)
    return masked(text, passage.mentions)


def _fires(rule: Rule, text: str) -> bool:
    return rule.name in Scanner([rule]).scan(text)


RULES = [rule for _, rule in CUE_RULES] + ASPECT_RULES + [r for r in SCANNER.rules if r.examples]
RULES = list({id(r): r for r in RULES}.values())


def test_every_cue_and_kind_aspect_carries_examples_and_near_misses() -> None:
    for rule in [r for _, r in CUE_RULES]:
        assert rule.examples and rule.near_misses, rule.name
    for rule in ASPECT_RULES:
        assert rule.examples, rule.name
    assert {a.kind for a in ASPECTS.values()} <= set(PRECEDENCE)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_examples_fire_and_near_misses_do_not(rule: Rule, index: CompanyIndex) -> None:
    for example in rule.examples:
        assert _fires(rule, _masked(index, example)), f"{rule.name!r} misses its example {example!r}"
    for near in rule.near_misses:
        assert not _fires(rule, _masked(index, near)), f"{rule.name!r} fires on its near-miss {near!r}"


@pytest.mark.parametrize("name", list(hl.FORMS), ids=str)
def test_headline_forms_read_their_examples_and_not_their_near_misses(name: str, index: CompanyIndex) -> None:
    form = hl.FORMS[name]
    for example in form.examples:
        assert form.find(hl.parse(_masked(index, example, Role.TITLE))), f"{name!r} misses {example!r}"
    for near in form.near_misses:
        assert not form.find(hl.parse(_masked(index, near, Role.TITLE))), f"{name!r} fires on {near!r}"


def test_headline_parse_finds_subjects_verb_and_clauses(index: CompanyIndex) -> None:
    clauses = hl.parse(_masked(index, "Daimler leaves Denza, BYD takes full control", Role.TITLE))
    assert [len(c.subjects) for c in clauses] == [1, 1]
    assert hl.lemma(clauses[0].verb) == "leave" and clauses[0].objects
    listed = hl.parse(_masked(index, "BMW, Ford and Volkswagen launch a charging venture", Role.TITLE))
    assert len(listed) == 1 and len(listed[0].subjects) == 3 and hl.lemma(listed[0].verb) == "launch"
    talks = hl.parse(_masked(index, "Foxconn in talks for Nissan stake", Role.TITLE))
    assert talks[0].preps.get("for")


def _corpus_texts(index: CompanyIndex) -> list[str]:
    texts: list[str] = []
    for path in (DEV_CORPUS, DATA / "check.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            texts += [_masked(index, data["title"], Role.TITLE), _masked(index, data["summary"])]
    return texts


def test_trigger_words_agree_with_every_pattern(index: CompanyIndex) -> None:
    """Where a pattern matches at the start of a word, that word is one of the rule's triggers."""
    texts = _corpus_texts(index)
    missing: set[str] = set()
    for rule in SCANNER.rules:
        for text in texts:
            for word in _WORD.finditer(text.lower()):
                if rule.regex.match(text, word.start()) and not trigger_of(word.group(), rule.triggers):
                    missing.add(f"{rule.name}: {word.group()}")
    assert not missing, "patterns that match at words their rules do not list: " + ", ".join(sorted(missing))
