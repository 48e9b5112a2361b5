"""Teams cards: what an alert and an update show, and that hostile or huge story text never breaks
Teams' limits, links anywhere but http(s), mentions anyone or forges a markdown link."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.teams.card import BUDGET, body, message
from bot.adapters.teams.text import plain, safe_url
from bot.core.models import KINDS, STAGES, Alert, Source

from .fake import check_message, texts

WHEN = datetime(2021, 3, 26, 9, 0, tzinfo=UTC)
STORY = Source("Xiaomi in talks with Great Wall", "https://news.example/xiaomi-gwm", "Benzinga", WHEN)
HOSTILE = [
    "<at>Everyone</at> please read",
    "< at >Boss</ at>",
    "&lt;at&gt;Boss&lt;/at&gt;",
    "[click here](javascript:alert(1))",
    "[click] (https://evil.example)",
    "[x][1]\n\n[1]: https://evil.example",
    "<https://evil.example|click>",
    "{{DATE(2017-02-14T06:00:00Z, SHORT)}}",
    "data:text/html,<script>alert(1)</script>",
    "JavaScript :alert(1)",
    "**bold** _it_ \u202eevil\u202c\r\n- list\u2028line",
]
UNSAFE_LINKS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " data:text/html,x",
    "vbscript:x",
    "file:///etc/passwd",
    "https://",
    "//evil.example/x",
    "https://evil.example/\u202ex",
    "https://evil.example/" + "a" * 3000,
    "",
]


def _alert(**changes: object) -> Alert:
    values: dict[str, object] = {
        "event_id": 7,
        "version": 1,
        "partners": ("Xiaomi", "Great Wall Motor"),
        "kind": "manufacturing",
        "stage": "talks",
        "score": 0.91,
        "evidence": "Xiaomi is in talks to build its EVs in a Great Wall Motor factory.",
        "title": "Xiaomi in talks with Great Wall over EV production",
        "link": "https://news.example/xiaomi-gwm",
        "sources": (STORY,),
        "first_seen": WHEN,
    }
    values.update(changes)
    return Alert(**values)  # type: ignore[arg-type]


def test_an_alert_card_shows_headline_evidence_score_sources_and_a_read_button() -> None:
    card = check_message(body(_alert(tickers=("1810.HK", "2333.HK"))))
    shown = texts(card)
    assert shown[0] == "Xiaomi × Great Wall Motor: contract manufacturing, in talks"
    assert "Xiaomi in talks with Great Wall over EV production" in shown
    assert "“Xiaomi is in talks to build its EVs in a Great Wall Motor factory.”" in shown
    assert "Score 0.91 · Tickers 1810.HK, 2333.HK · first seen 26 Mar 2021" in shown
    assert shown[-4:] == ["Source", "Benzinga", " · 26 Mar 2021", " · Xiaomi in talks with Great Wall"]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Read the story", "url": "https://news.example/xiaomi-gwm"}
    ]
    assert message(_alert())["type"] == "message"


def test_an_update_says_the_stage_moved_or_a_new_source_reported_it() -> None:
    later = Source("Xiaomi and Great Wall sign", "https://wire.example/2", "Reuters", None)
    moved = _alert(version=2, stage="announced", previous_stage="talks", sources=(*_alert().sources, later))
    shown = texts(check_message(body(moved)))
    assert shown[0] == "Update: stage moved from in talks to announced; 2 sources so far"
    assert shown[1] == "Xiaomi × Great Wall Motor: contract manufacturing, announced"
    assert "Sources (2, newest last)" in shown and " · date unknown" in shown
    again = _alert(version=3, sources=(*_alert().sources, later))
    assert texts(check_message(body(again)))[0] == "Update: a new source (Reuters) reported it; 2 sources so far"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_story_text_is_shown_inert(hostile: str) -> None:
    alert = _alert(
        title=hostile,
        evidence=hostile,
        partners=(hostile, "BYD"),
        tickers=(hostile,),
        sources=(Source(hostile, "https://news.example/a", hostile, WHEN),),
    )
    check_message(body(alert))


def test_defusing_keeps_ordinary_text_as_it_was() -> None:
    text = "CATL & Ford: costs < $5bn, margin > 10% [update] (Reuters) {draft} data show"
    assert plain(text, 500).replace("\u2060", "") == text  # a word joiner is all that was added, unseen
    assert plain("a\u202eb\nc\x00d", 50) == "ab c d"
    assert plain("x" * 50, 10) == "x" * 9 + "…"


@pytest.mark.parametrize("link", UNSAFE_LINKS)
def test_unsafe_links_get_no_button(link: str) -> None:
    assert safe_url(link) is None
    card = check_message(body(_alert(link=link, sources=(Source("t", link, "Wire", WHEN),))))
    assert card["actions"] == []


def test_the_button_falls_back_to_the_newest_safe_source_and_urls_are_encoded() -> None:
    sources = (Source("a", "https://one.example/a", "One", WHEN), Source("b", "javascript:x", "Two", WHEN))
    card = check_message(body(_alert(link="", sources=sources)))
    assert card["actions"][0]["url"] == "https://one.example/a"
    assert safe_url('HTTPS://ok.example/a b"c<d>') == "https://ok.example/a%20b%22c%3Cd%3E"


def test_a_huge_alert_is_cut_to_fit_the_budget() -> None:
    sources = tuple(Source("𝕏" * 5000, "https://news.example/" + "é" * 900, "𝕏" * 500, WHEN) for _ in range(400))
    alert = _alert(title="𝕏" * 100_000, evidence='"\\' * 50_000, partners=("𝕏" * 9000,) * 5, sources=sources)
    raw = body(alert)
    card = check_message(raw)
    assert len(raw) <= BUDGET and texts(card)[0].endswith("…")


_long = st.tuples(st.text(max_size=40), st.integers(1, 3000)).map(lambda t: t[0] * t[1])
_texts = st.one_of(st.text(), st.sampled_from(HOSTILE), _long)
_links = st.one_of(st.text(), st.sampled_from(UNSAFE_LINKS), _texts.map(lambda t: "https://example.com/" + t))
_sources = st.lists(st.builds(Source, title=_texts, link=_links, source=_texts), max_size=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    partners=st.lists(_texts, max_size=4),
    title=_texts,
    evidence=_texts,
    link=_links,
    tickers=st.lists(_texts, max_size=30),
    sources=_sources,
    kind=st.sampled_from(KINDS),
    stage=st.sampled_from(STAGES),
    previous=st.one_of(st.none(), st.sampled_from(STAGES)),
    version=st.integers(1, 5),
)
def test_any_text_of_any_length_makes_a_valid_card_within_limits(
    partners: list[str],
    title: str,
    evidence: str,
    link: str,
    tickers: list[str],
    sources: list[Source],
    kind: str,
    stage: str,
    previous: str | None,
    version: int,
) -> None:
    alert = _alert(
        partners=tuple(partners),
        title=title,
        evidence=evidence,
        link=link,
        tickers=tuple(tickers),
        sources=tuple(sources),
        kind=kind,
        stage=stage,
        previous_stage=previous,
        version=version,
    )
    raw = body(alert)
    card = check_message(raw)
    assert json.loads(raw) == message(alert)
    assert len(card["actions"]) <= 1
