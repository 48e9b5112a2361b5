"""Stories are shown with the day they were published, and a lookup follows a company's group and units."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from rich.console import Console

from bot.adapters.console.notifier import ConsoleNotifier
from bot.adapters.discord.render import render_alert, render_answer
from bot.adapters.slack.render import alert_message
from bot.chat.lookup import Lookup
from bot.cli.output import print_events
from bot.core.models import Company, Destination, Detection, Item
from bot.flow.router import Router, Rule
from bot.store import Store
from bot.store import events as store_events
from bot.store import feeds as store_feeds
from handlers.companies import CompanyIndex
from tests.slack_fake import sample_alert

OLD = datetime(2023, 5, 4, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
DEALS = [
    (("Hyundai Motor Group", "LG Energy Solution"), "joint_venture", OLD),
    (("Kia", "Uber"), "other", None),
    (("Xiaomi", "BAIC"), "supply", None),
]


@pytest.fixture
def lookup(database_url: str, companies: tuple[Company, ...]) -> Lookup:
    store = Store(database_url)
    store.migrate()
    router = Router([Rule(Destination("console"))])
    feed = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f"), origin="config", now=1.0))
    for n, (partners, kind, published) in enumerate(DEALS):
        item = Item(id=str(n), title="deal", link=f"https://news/{n}", source="Wire", published=published)
        found = [store_events.Found(item, store_events.item_key(item.id), _detection(partners, kind))]
        store.run(lambda c, f=found: store_events.ingest(c, feed.id, f, now=NOW, route=router))
    return Lookup(store, CompanyIndex(companies), clock=lambda: NOW)


def _detection(partners: tuple[str, ...], kind: str) -> Detection:
    return Detection("t", True, 0.9, partners, kind, "announced", "They agreed.", True)  # type: ignore[arg-type]


def test_a_unit_lookup_includes_its_groups_events_marked_as_such(lookup: Lookup) -> None:
    answer = lookup.company("kia")
    shown = {event.partners: event.via for event in answer.events}
    assert shown == {
        ("Kia", "Uber"): "",
        ("Hyundai Motor Group", "LG Energy Solution"): "as part of Hyundai Motor Group",
    }


def test_a_group_lookup_includes_its_units_events(lookup: Lookup) -> None:
    answer = lookup.company("Hyundai Motor Group")
    shown = {event.partners: event.via for event in answer.events}
    assert shown == {("Kia", "Uber"): "through Kia", ("Hyundai Motor Group", "LG Energy Solution"): ""}


def test_lookup_shows_the_published_day_or_says_first_seen(lookup: Lookup) -> None:
    console = Console(record=True, width=160)
    print_events("Kia", lookup.company("kia").events, console)
    text = console.export_text()
    assert "2023-05-04" in text and "2026-12-01 (first seen)" in text
    assert "as part of Hyundai Motor Group" in text
    embed = render_answer(lookup.company("kia"))
    assert any("2023-05-04" in field.value for field in embed.fields)


def test_console_alerts_show_the_published_day() -> None:
    console = Console(record=True, width=120)
    late = replace(sample_alert(), first_seen=datetime(2026, 12, 1, tzinfo=UTC))
    asyncio.run(ConsoleNotifier(console).deliver(late, Destination("console")))
    undated = replace(late, sources=(replace(late.sources[0], published=None),))
    asyncio.run(ConsoleNotifier(console).deliver(undated, Destination("console")))
    text = console.export_text()
    assert "published 2021-03-26 09:30 UTC" in text
    assert "published 2026-12-01 00:00 UTC (first seen)" in text


def test_discord_and_slack_alerts_show_the_published_day() -> None:
    late = replace(sample_alert(), first_seen=datetime(2026, 12, 1, tzinfo=UTC))
    embed = render_alert(late)
    assert embed.timestamp == datetime(2021, 3, 26, 9, 30, tzinfo=UTC)
    assert [f.value for f in embed.fields if f.name == "Date"] == ["2021-03-26"]
    assert "26 Mar 2021" in str(alert_message(late).blocks)
