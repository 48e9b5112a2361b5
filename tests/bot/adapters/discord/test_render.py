"""Discord embeds: their shape, and Discord's limits and mention safety whatever the feed text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.discord.render import (
    KIND_COLOURS,
    clean,
    link_target,
    render_alert,
    render_answer,
    render_update_note,
    thread_name,
)
from bot.chat.commands import Help, Recent, Refused, Subscribed, Unsubscribed
from bot.chat.lookup import CompanyAnswer, Filters, StatusView
from bot.core.models import KINDS, Alert, EventView, Source
from tests.discord_fake import check_payload

HOSTILE = [
    "@everyone",
    "@here",
    "<@123>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "**bold**",
    "||spoiler||",
    "[x](javascript:alert(1))",
    "[click](https://evil.example)",
    "https://a.example/with space",
    "`code`",
    "> quote",
    "# heading",
    "\u202eevil",
    "\x00\x07",
    "a" * 5000,
]
RAW_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
MASKED_LINK = re.compile(r"(?<!\\)\[(?:\\.|[^\]\\])*\]\(([^)\s]*)\)")  # [label](target), escapes respected

text = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE), st.lists(st.sampled_from(HOSTILE)).map(" ".join))
huge = st.one_of(text, st.builds(lambda t, n: (t or "x") * n, st.text(max_size=20), st.integers(1, 100_000 // 20)))
urls = st.one_of(
    st.sampled_from(
        [
            "https://news.example/a",
            "http://x.example/b c",
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://x.example",
            "https://",
            "//evil.example",
            "https://evil.example/(x)[y]<z>",
            "http://[::1",
        ]
    ),
    st.text(max_size=50),
)


def wire(embed: discord.Embed) -> dict[str, object]:
    """The message body as posted, so the shared checker judges exactly what Discord would receive."""
    return {"embeds": [embed.to_dict()], "allowed_mentions": discord.AllowedMentions.none().to_dict()}


def strings(embed: discord.Embed, *, markdown_only: bool = False) -> list[str]:
    """The embed's texts; ``markdown_only`` leaves out the footer, where Discord renders no markdown or links."""
    data = embed.to_dict()
    found = [data.get("title", ""), data.get("description", "")]
    found += [] if markdown_only else [data.get("footer", {}).get("text", "")]
    return [*found, *(f"{f['name']}\n{f['value']}" for f in data.get("fields", []))]


def make_alert(**changes: object) -> Alert:
    base: dict[str, object] = dict(
        event_id=1,
        version=1,
        partners=("Xiaomi", "Great Wall Motor"),
        kind="manufacturing",
        stage="talks",
        score=0.9,
        evidence="Xiaomi is in talks with Great Wall Motor.",
        title="Xiaomi and GWM",
        link="https://news.example/1",
        sources=(Source("Xiaomi and GWM", "https://news.example/1", "Reuters"),),
        first_seen=datetime(2021, 3, 26, tzinfo=UTC),
        tickers=("1810.HK",),
    )
    base.update(changes)
    return Alert(**base)  # type: ignore[arg-type]


def test_alert_embed_shape() -> None:
    embed = render_alert(make_alert(kind="supply", stage="announced"))
    assert embed.title == "Xiaomi × Great Wall Motor: supply deal, announced"
    assert embed.url == "https://news.example/1"
    assert embed.colour is not None and embed.colour.value == KIND_COLOURS["supply"]
    assert embed.description == "> “Xiaomi is in talks with Great Wall Motor.”"
    assert [(f.name, f.value, f.inline) for f in embed.fields] == [
        ("Kind", "supply deal", True),
        ("Stage", "announced", True),
        ("Tickers", "1810.HK", True),
        ("Date", "2021-03-26 (first seen)", True),  # its source has no publication date
    ]
    assert embed.footer.text == "Reuters · score 0.90"
    assert embed.timestamp == datetime(2021, 3, 26, tzinfo=UTC)


def test_every_kind_has_its_own_colour() -> None:
    colours = [render_alert(make_alert(kind=kind)).colour for kind in KINDS]
    assert len({c.value for c in colours if c is not None}) == len(KINDS)


def test_update_embeds_say_what_moved() -> None:
    sources = tuple(Source(f"Story {n}", f"https://news.example/{n}", "Wire") for n in range(3))
    update = make_alert(version=2, stage="announced", previous_stage="talks", sources=sources)
    marked = render_alert(update, mark_update=True)
    assert marked.title is not None and marked.title.startswith("Update: Xiaomi × Great Wall Motor")
    assert {f.name: f.value for f in marked.fields}["Sources"] == "3"
    assert marked.description is not None and "[Wire: Story 2](https://news.example/2)" in marked.description
    note = render_update_note(update)
    assert note.title == "Update: announced (was in talks), 3 sources"
    assert thread_name(update) == "Xiaomi × Great Wall Motor"


def test_links_only_for_http_urls() -> None:
    assert link_target("https://news.example/a b") == "https://news.example/a%20b"
    assert link_target("HTTP://news.example/(x)") == "HTTP://news.example/%28x%29"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://x.example", "https://", "//evil.example", ""):
        assert link_target(bad) is None
    embed = render_alert(make_alert(link="javascript:alert(1)"))
    assert embed.url is None


def test_markdown_and_mentions_are_neutralised() -> None:
    cleaned = clean("**bold** @everyone <@&123456789012345678> [x](javascript:alert(1))", 500)
    assert (
        cleaned
        == r"\*\*bold\*\* @"
        + "\u200b"
        + r"everyone <@"
        + "\u200b"
        + r"&123456789012345678> \[x](javascript:alert(1))"
    )
    assert clean("x" * 300, 256) == "x" * 255 + "…"
    assert clean("*" * 300, 256).endswith("…") and len(clean("*" * 300, 256)) == 256  # cut after escaping


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    partners=st.lists(huge, min_size=1, max_size=4),
    evidence=huge,
    title=huge,
    link=urls,
    sources=st.lists(st.tuples(huge, urls, text), max_size=50),
    tickers=st.lists(text, max_size=30),
)
def test_any_alert_renders_within_limits_without_mentions_or_unsafe_links(
    partners: list[str],
    evidence: str,
    title: str,
    link: str,
    sources: list[tuple[str, str, str]],
    tickers: list[str],
) -> None:
    found = tuple(Source(t, lnk, s) for t, lnk, s in sources)
    alert = make_alert(
        partners=tuple(partners),
        evidence=evidence,
        title=title,
        link=link,
        sources=found,
        tickers=tuple(tickers),
        version=2,
        previous_stage="talks",
    )
    for embed in (render_alert(alert), render_alert(alert, mark_update=True), render_update_note(alert)):
        check_payload(wire(embed))
        assert len(embed) <= 6000
        assert embed.url is None or embed.url.lower().startswith(("http://", "https://"))
        for part in strings(embed):
            assert not RAW_MENTION.search(part), part
        for part in strings(embed, markdown_only=True):
            for target in MASKED_LINK.findall(part):
                assert target.lower().startswith(("http://", "https://")), part
    assert 0 < len(thread_name(alert)) <= 100


def event(n: int, partners: tuple[str, ...] = ("Xiaomi", "BAIC"), *, sources: int = 3) -> EventView:
    when = datetime(2021, 3, 26, tzinfo=UTC)
    found = tuple((f"Story {k}", f"https://news.example/{n}/{k}", f"Source {k}") for k in range(sources))
    return EventView(n, partners, "supply", "announced", f"Deal {n}", "https://news.example", when, when, found)


def test_company_answer_lists_events_with_up_to_three_source_links() -> None:
    embed = render_answer(CompanyAnswer("xiaomi", "Xiaomi", tuple(event(n, sources=5) for n in range(12)), ()))
    assert embed.title == "Xiaomi: partnerships"
    assert len(embed.fields) == 10
    assert embed.fields[0].name == "Xiaomi × BAIC"
    assert embed.fields[0].value is not None
    assert embed.fields[0].value.startswith("supply deal, announced · 2021-03-26")
    assert embed.fields[0].value.count("](https://news.example/0/") == 3
    check_payload(wire(embed))


def test_nothing_yet_answers_offer_close_matches() -> None:
    known = render_answer(CompanyAnswer("rivian", "Rivian", (), ("Rivan Motors",)))
    assert known.title == "Nothing yet for Rivian"
    assert known.description is not None and "Rivan Motors" in known.description
    unknown = render_answer(CompanyAnswer("leap", "", (), ("Leapmotor",)))
    assert unknown.title == "Nothing yet for “leap”"
    assert unknown.description is not None and "Close matches: Leapmotor" in unknown.description


def test_status_help_and_subscription_answers() -> None:
    status = StatusView(
        feeds=20,
        paused_feeds=tuple((f"https://feed.example/{n}", "404 three times") for n in range(12)),
        failing_feeds=2,
        last_poll=datetime(2024, 1, 1, tzinfo=UTC),
        alerts_today=4,
        pending=1,
        paused_destinations=(("discord:123", "Missing Permissions"),),
    )
    shown = render_answer(status)
    fields = {f.name: f.value for f in shown.fields}
    assert fields["Feeds"] == "20 (2 failing)" and fields["Last poll"] == "<t:1704067200:R>"
    assert fields["Alerts today"] == "4" and "discord:123: Missing Permissions" in str(
        fields["Paused destinations"]
    )
    assert "and 4 more" in str(fields["Paused feeds"])
    help_text = render_answer(Help()).description or ""
    assert "/evradar lookup company:" in help_text and "/evradar subscribe companies:" in help_text
    subscribed = render_answer(Subscribed(Filters(("Xiaomi",), ("supply",), (), ())))
    assert subscribed.description == "This channel now gets alerts for companies: Xiaomi; kinds: supply."
    assert "no longer" in (render_answer(Unsubscribed(True)).description or "")
    assert "nothing changed" in (render_answer(Unsubscribed(False)).description or "")
    assert "@\u200beveryone" in (render_answer(Refused("Not a company: @everyone")).description or "")
    assert render_answer(Recent(())).title == "Nothing seen yet"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(huge, min_size=1, max_size=12),
    titles=st.lists(st.tuples(huge, urls, huge), max_size=5),
    query=huge,
)
def test_any_answer_renders_within_limits(
    names: list[str], titles: list[tuple[str, str, str]], query: str
) -> None:
    when = datetime(2021, 3, 26, tzinfo=UTC)
    events = tuple(
        EventView(n, (name, name), "other", "talks", "t", "l", when, when, tuple(titles))
        for n, name in enumerate(names)
    )
    answers = [
        CompanyAnswer(query, names[0], events, ()),
        CompanyAnswer(query, "", (), tuple(names)),
        Recent(events),
        StatusView(1, tuple((n, n) for n in names), 0, None, 0, 0, tuple((n, n) for n in names)),
        Refused(query),
        Subscribed(Filters(tuple(names), (), (), ())),
    ]
    for answer in answers:
        embed = render_answer(answer)
        check_payload(wire(embed))
        for part in strings(embed):
            assert not RAW_MENTION.search(part), part
