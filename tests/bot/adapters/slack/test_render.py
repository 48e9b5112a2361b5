"""Slack alerts and answers: the right content, nothing from a feed can ping or link, every limit held."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.slack import render
from bot.chat.commands import Answer, Help, Recent, Refused, Subscribed, Unsubscribed
from bot.chat.lookup import CompanyAnswer, Filters, StatusView
from bot.core.models import KINDS, STAGES, EventView, Source
from tests.slack_fake import all_text, check_blocks, mrkdwn_texts, sample_alert

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0123>",
    "<#C0123>",
    "<!subteam^S0123>",
    "<https://evil.example|click>",
    "AT&T <b>bold</b> & co",
]
UNSAFE_LINKS = [
    "javascript:alert(1)",
    "https://evil.example/a|b",
    "https://evil.example/a b",
    "https://evil.example/<x>",
    "ftp://example.com/file",
    "//example.com/x",
    "https://",
    "",
]


def _event(n: int, **changes: Any) -> EventView:
    event = EventView(
        id=n,
        partners=("Xiaomi", "Great Wall Motor"),
        kind="manufacturing",
        stage="talks",
        title="Xiaomi in talks with Great Wall",
        link="https://news.example/1",
        first_seen=datetime(2021, 3, 26, tzinfo=UTC),
        last_seen=datetime(2021, 3, 27, tzinfo=UTC),
        sources=tuple((f"Report {i}", f"https://news.example/{i}", f"Wire {i}") for i in range(5)),
    )
    return replace(event, **changes)


def _mrkdwn(blocks: tuple[dict[str, Any], ...]) -> str:
    return "\n".join(t for b in blocks for t in mrkdwn_texts(b))


def test_alert_names_partners_and_shows_kind_stage_evidence_link_and_sources() -> None:
    alert = sample_alert()
    message = render.alert_message(alert)
    blocks = list(message.blocks)
    check_blocks(blocks)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Xiaomi × Great Wall Motor"}}
    assert blocks[1]["text"] == {"type": "plain_text", "text": alert.title}
    fields = [f["text"] for f in blocks[2]["fields"]]
    assert fields == [
        "*Kind*\ncontract manufacturing",
        "*Stage*\nin talks",
        "*Tickers*\n1810.HK, 2333.HK",
        "*Date*\n26 Mar 2021",
    ]
    assert blocks[3]["text"] == {"type": "mrkdwn", "text": "> " + alert.evidence, "verbatim": True}
    button = blocks[4]["elements"][0]
    assert (button["text"]["text"], button["url"]) == ("Read the article", alert.link)
    context = [e["text"] for e in blocks[5]["elements"]]
    escaped_link = alert.link.replace("&", "&amp;")
    assert context == [f"1 source: <{escaped_link}|Benzinga>", "score 0.87"]
    assert message.text == f"Xiaomi × Great Wall Motor: contract manufacturing, in talks: {alert.title}"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_feed_text_never_pings_or_links(hostile: str) -> None:
    source = Source(title=hostile, link="https://ok.example/a", source=hostile)
    alert = sample_alert(
        partners=(hostile, "Great Wall Motor"),
        title=hostile,
        evidence=f"They said {hostile} today.",
        tickers=(hostile,),
        sources=(source, replace(source, link="javascript:alert(1)")),
    )
    for message in (render.alert_message(alert), render.alert_message(alert, as_update=True)):
        check_blocks(list(message.blocks))
        texts = _mrkdwn(message.blocks) + "\n" + message.text
        assert hostile not in texts
        if "<" in hostile:
            assert "&lt;" in texts
        assert "javascript" not in json.dumps(message.blocks)
    reply = render.update_reply(alert)
    check_blocks(list(reply.blocks))
    assert hostile not in _mrkdwn(reply.blocks) + reply.text


@pytest.mark.parametrize("link", UNSAFE_LINKS)
def test_unsafe_links_get_no_button_and_no_link(link: str) -> None:
    assert render.safe_url(link) is None
    alert = sample_alert(link=link, sources=(Source(title="Report", link=link, source="Wire"),))
    message = render.alert_message(alert)
    check_blocks(list(message.blocks))
    assert all(b["type"] != "actions" for b in message.blocks)
    assert "<" not in _mrkdwn(message.blocks)
    assert "1 source: Wire" in _mrkdwn(message.blocks)


def test_our_own_links_escape_the_url_and_the_label() -> None:
    made = render.link("https://x.example/?a=1&b=2", "R&D <today> | more", limit=200)
    assert made == "<https://x.example/?a=1&amp;b=2|R&amp;D &lt;today&gt; ¦ more>"
    assert render.link("javascript:alert(1)", "<!here>", limit=200) == "&lt;!here&gt;"


def test_truncation_happens_before_escaping_and_the_escaped_text_still_fits() -> None:
    text = "&" * 5000
    cut = render.mrkdwn(text, 3000)
    assert render.size(cut) <= 3000 and cut.endswith("…") and "&amp;" in cut
    assert not cut.rstrip("…").endswith("&amp")  # never half an entity
    emoji = "🚗" * 200  # two UTF-16 units each
    assert render.size(render.plain(emoji, 150)) <= 150


def test_update_reply_says_what_changed() -> None:
    newer = Source(title="Xiaomi and Great Wall sign deal", link="https://wire.example/2", source="Reuters")
    alert = sample_alert(
        version=2, stage="announced", previous_stage="talks", sources=(*sample_alert().sources, newer)
    )
    reply = render.update_reply(alert)
    check_blocks(list(reply.blocks))
    text = _mrkdwn(reply.blocks)
    assert "was in talks, now *announced*" in text
    assert "<https://wire.example/2|Xiaomi and Great Wall sign deal> (Reuters)" in text
    assert "2 sources so far." in text
    assert "was in talks, now announced" in reply.text
    webhook = render.alert_message(alert, as_update=True)
    assert webhook.blocks[0]["text"]["text"] == "Update: Xiaomi × Great Wall Motor"
    assert webhook.text.startswith("Update: ")


_long = st.tuples(st.text(max_size=40), st.integers(1, 2500)).map(lambda t: t[0] * t[1])
_texts = st.one_of(st.text(), _long)
_links = st.one_of(st.text(), st.builds(lambda t: "https://example.com/" + t, st.text()), _long)
_sources = st.lists(st.builds(Source, title=_texts, link=_links, source=_texts), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
)
def test_any_text_of_any_length_stays_within_limits(
    partners: list[str],
    title: str,
    evidence: str,
    link: str,
    tickers: list[str],
    sources: list[Source],
    kind: Any,
    stage: Any,
    previous: Any,
) -> None:
    alert = sample_alert(
        partners=tuple(partners),
        title=title,
        evidence=evidence,
        link=link,
        tickers=tuple(tickers),
        sources=tuple(sources),
        kind=kind,
        stage=stage,
        previous_stage=previous,
        version=2,
    )
    for message in (
        render.alert_message(alert),
        render.alert_message(alert, as_update=True),
        render.update_reply(alert),
    ):
        check_blocks(list(message.blocks))
        assert 0 < render.size(message.text) < 3000
        assert "<" not in message.text


def test_company_answer_lists_up_to_ten_events_with_three_links_each() -> None:
    events = tuple(_event(n, partners=("Xiaomi", f"Partner {n}")) for n in range(15))
    message = render.answer_message(CompanyAnswer("xiaomi", "Xiaomi", events, ()))
    blocks = list(message.blocks)
    check_blocks(blocks)
    assert blocks[0]["text"]["text"] == "Xiaomi: partnership events"
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 10
    first = sections[0]["text"]["text"]
    assert first.startswith("*Xiaomi × Partner 0* — contract manufacturing, in talks · 26 Mar 2021")
    assert first.count("<https://news.example/") == 3 and "Report 3" not in first
    assert "Showing the 10 newest of 15." in all_text(blocks)


def test_nothing_yet_and_nothing_matched_offer_close_matches() -> None:
    known = render.answer_message(CompanyAnswer("rivian", "Rivian", (), ("Rivian Automotive",)))
    check_blocks(list(known.blocks))
    assert "Nothing yet for *Rivian*" in all_text(list(known.blocks))
    assert "Close matches: Rivian Automotive." in all_text(list(known.blocks))
    unknown = render.answer_message(CompanyAnswer("<!channel> leap", "", (), ("Leapmotor",)))
    text = all_text(list(unknown.blocks))
    check_blocks(list(unknown.blocks))
    assert "Nothing matched “&lt;!channel&gt; leap”." in text and "Leapmotor" in text
    assert "<!channel>" not in text + unknown.text


def test_status_lists_paused_feeds_and_destinations_with_reasons() -> None:
    status = StatusView(
        feeds=22,
        paused_feeds=(("https://feed.example/rss", "404 three times <!here>"),),
        failing_feeds=1,
        last_poll=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        alerts_today=3,
        pending=2,
        paused_destinations=tuple((f"slack:C{n}", "channel_not_found") for n in range(30)),
    )
    message = render.answer_message(status)
    blocks = list(message.blocks)
    check_blocks(blocks)
    text = all_text(blocks)
    assert "22 (1 failing, 1 paused)" in text and "2024-05-01 12:00 UTC" in text
    assert "https://feed.example/rss — 404 three times &lt;!here&gt;" in text
    assert "slack:C0 — channel_not_found" in text and "… and 20 more." in text


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (Help(), "`/evradar &lt;company or ticker&gt;`"),
        (Recent(()), "No partnerships seen yet"),
        (Recent((_event(1),)), "*Xiaomi × Great Wall Motor*"),
        (Subscribed(Filters(("Xiaomi",), ("supply",), ("talks",), ())), "Xiaomi; supply deal; in talks."),
        (Subscribed(Filters(("BYD",), (), (), ())), "BYD; every kind of deal; every stage."),
        (Unsubscribed(True), "subscription is removed"),
        (Unsubscribed(False), "had no subscription"),
        (Refused("Only admins may; ask <@U1>."), "Only admins may; ask &lt;@U1&gt;."),
    ],
)
def test_every_answer_renders_within_limits(answer: Any, expected: str) -> None:
    message = render.answer_message(answer)
    check_blocks(list(message.blocks))
    assert expected in all_text(list(message.blocks))
    assert message.text and "<@U1>" not in message.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=_texts, names=st.lists(_texts, max_size=12), sources=_sources, reason=_texts)
def test_any_answer_text_stays_within_limits(
    query: str, names: list[str], sources: list[Source], reason: str
) -> None:
    triples = tuple((s.title, s.link, s.source) for s in sources)
    events = tuple(_event(n, partners=tuple(names), title=query, link=query, sources=triples) for n in range(12))
    status = StatusView(len(names), tuple((n, reason) for n in names), 0, None, 0, 0, ((query, reason),))
    answers: list[Answer] = [
        CompanyAnswer(query, query, events, tuple(names)),
        CompanyAnswer(query, "", (), tuple(names)),
        Recent(events),
        status,
        Subscribed(Filters(tuple(names), tuple(names), (), ())),
        Refused(reason),
    ]
    for answer in answers:
        message = render.answer_message(answer)
        check_blocks(list(message.blocks))
        assert 0 < render.size(message.text) < 3000 and "<" not in message.text
