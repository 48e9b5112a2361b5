"""One channel's votes move that channel's threshold only, within bounds; `/evradar status` says so and why."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, insert, select, update

from bot.chat.commands import Request
from bot.chat.feedback import Click
from bot.chat.lookup import StatusView
from bot.core.models import Destination, EventFacts
from bot.run.app import App
from bot.run.settings import RouteSettings, ServerSettings, Settings, StorageSettings
from bot.store import events as store_events
from bot.store.schema import deliveries, events
from tests.fakes import store_with_deals

NOW = 10_000.0
DEALS = tuple(((f"Maker{n}", f"Cells{n}"), "charging", "announced", 100.0 + n) for n in range(6))


@pytest.fixture
async def app(database_url: str) -> App:
    store_with_deals(database_url, DEALS).close()
    settings = Settings(
        storage=StorageSettings(url=database_url),
        feeds=[],
        server=ServerSettings(enabled=False),
        routes=[
            RouteSettings(platform="slack", channel="C0NOISY", min_score=0.6),
            RouteSettings(platform="slack", channel="C0QUIET", min_score=0.6),
        ],
    )
    built = App(settings, clock=lambda: NOW, notifiers={})
    built.prepare()
    yield built
    await built.close()


def thresholds(app: App) -> dict[str, float]:
    return {rule.destination.channel: rule.min_score for rule in app.router.rules}


def status_of(app: App, channel: str) -> str:
    answer = app.commands.answer(Request("status", "slack", channel, "U1"))
    assert isinstance(answer, StatusView)
    return " ".join(answer.feedback)


async def test_one_channels_votes_move_only_its_threshold_within_bounds(app: App) -> None:
    ids = app.store.run(lambda c: list(c.execute(events.select().order_by(events.c.id)).scalars()))
    app.feedback.vote(Click("slack", "C0NOISY", "U1", ids[0], "not_partnership"))
    assert thresholds(app) == {"C0NOISY": 0.6, "C0QUIET": 0.6}  # one vote never moves it
    for event in ids[:5]:
        for user in ("U1", "U2"):
            app.feedback.vote(Click("slack", "C0NOISY", user, event, "not_partnership"))
    app.feedback.vote(Click("slack", "C0QUIET", "U9", ids[0], "useful"))
    moved = thresholds(app)
    assert moved == {"C0NOISY": 0.7, "C0QUIET": 0.6}
    assert 0.5 <= moved["C0NOISY"] <= 0.8
    facts = EventFacts(("Maker0", "Cells0"), "charging", "announced", 0.65)
    assert app.router(facts) == [Destination("slack", "C0QUIET")]  # 0.65 no longer reaches the noisy channel
    noisy = status_of(app, "C0NOISY")
    assert "Alert threshold 0.70 (configured 0.60)" in noisy and "0% of 5 voted alerts were useful" in noisy
    assert "`/evradar mute kind=charging`" in noisy
    assert "Alert threshold 0.60 (configured 0.60)" in status_of(app, "C0QUIET")
    assert "starts to learn at 10 votes on 5 alerts" in status_of(app, "C0QUIET")


async def test_a_muted_event_sends_no_updates_to_that_channel(app: App) -> None:
    from bot.store import feedback as store_feedback

    event = app.store.run(lambda c: c.execute(events.select()).scalars().first())
    app.feedback.vote(Click("slack", "C0NOISY", "UOWNER", event, "not_ev", may_mute=True))
    app.feedback.vote(Click("slack", "C0QUIET", "UOWNER", event, "not_ev"))  # not the owner: no mute
    muted = app.store.run(lambda c: store_feedback.muted_destinations(c, event))
    assert muted == {"slack:C0NOISY"}

    def update_event(conn: Connection) -> list[str]:
        rows = [
            store_events._delivery(event, 1, f"slack:{ch}", "announced", "", NOW) for ch in ("C0NOISY", "C0QUIET")
        ]
        conn.execute(insert(deliveries), rows)
        conn.execute(update(events).where(events.c.id == event).values(version=2))
        store_events._queue_update(conn, event, now=NOW)
        found = select(deliveries.c.destination).where(deliveries.c.event_id == event, deliveries.c.version == 2)
        return sorted(conn.execute(found).scalars())

    assert app.store.run(update_event) == ["console", "slack:C0QUIET"]
