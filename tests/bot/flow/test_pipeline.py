"""The whole pipeline against a local feed server: poll, detect, store, deliver, and do it only once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest_asyncio

from bot.run.app import App
from bot.run.once import run_once
from bot.run.settings import (
    FeedSettings,
    PollingSettings,
    RouteSettings,
    ServerSettings,
    Settings,
    StorageSettings,
)
from bot.store import feeds as store_feeds
from bot.store.schema import deliveries, events
from tests.conftest import REAL_FEEDS
from tests.fakes import FeedServer, Recorder, Story, rss

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)


def _stories(hours_old: float = 2) -> list[Story]:
    at = NOW - timedelta(hours=hours_old)
    return [
        Story(
            "Stellantis takes 21% stake in Leapmotor",
            "Stellantis will buy about 21% of Chinese EV maker "
            "Leapmotor and form a joint venture to sell its electric cars abroad.",
            "https://news.example/stellantis-leapmotor",
            at,
        ),
        Story(
            "Rivian recalls 13,000 vehicles",
            "A steering fastener may be loose.",
            "https://news.example/rivian-recall",
            at,
        ),
        Story(
            "Toyota and CATL agree to co-develop EV battery cells",
            "Toyota Motor and CATL signed a "
            "memorandum to jointly develop lithium-ion battery cells for electric vehicles.",
            "https://news.example/toyota-catl",
            at,
        ),
    ]


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    fake = await FeedServer().start()
    yield fake
    await fake.stop()


def _settings(database_url: str, urls: list[str], **polling: object) -> Settings:
    return Settings(
        storage=StorageSettings(url=database_url),
        polling=PollingSettings(**polling),  # type: ignore[arg-type]
        feeds=[FeedSettings(url=u) for u in urls],
        server=ServerSettings(enabled=False),
        routes=[RouteSettings(platform="console")],
    )


async def _cycle(settings: Settings, recorder: Recorder, clock: Clock) -> tuple[App, object]:
    app = App(settings, clock=clock, notifiers={"console": recorder})  # type: ignore[dict-item]
    try:
        summary = await run_once(app)
    finally:
        await app.close()
    return app, summary


async def test_alerts_once_then_nothing_on_the_next_poll_or_after_a_restart(database_url: str, server: FeedServer):
    server.bodies["ev.xml"] = rss(_stories())
    settings = _settings(database_url, [server.url("ev.xml")])
    recorder, clock = Recorder(), Clock(NOW)
    _, first = await _cycle(settings, recorder, clock)
    partners = sorted(tuple(sorted(a.partners)) for a, _ in recorder.alerts)
    assert partners == [("CATL", "Toyota"), ("Leapmotor", "Stellantis")]
    assert first.alerts == 2 and first.sent == 2 and first.new_items == 3  # type: ignore[attr-defined]
    clock.now += 3600
    _, second = await _cycle(settings, recorder, clock)  # a restart: a new App on the same database
    assert len(recorder.alerts) == 2
    assert second.not_modified == 1 and second.new_items == 0  # type: ignore[attr-defined]
    sent_headers = [h for p, h in server.requests if p == "ev.xml"]
    assert "If-None-Match" in sent_headers[-1]  # the stored ETag was sent back


async def test_changed_feed_with_old_and_new_items_alerts_only_on_the_new(database_url: str, server: FeedServer):
    server.bodies["ev.xml"] = rss(_stories()[:2])
    settings = _settings(database_url, [server.url("ev.xml")])
    recorder, clock = Recorder(), Clock(NOW)
    await _cycle(settings, recorder, clock)
    server.bodies["ev.xml"] = rss(_stories())  # one more item appears
    clock.now += 600
    _, summary = await _cycle(settings, recorder, clock)
    assert [sorted(a.partners) for a, _ in recorder.alerts] == [["Leapmotor", "Stellantis"], ["CATL", "Toyota"]]
    assert summary.new_items == 1  # type: ignore[attr-defined]


async def test_same_story_in_two_feeds_gives_one_alert(database_url: str, server: FeedServer):
    body = rss(_stories())
    server.bodies["a.xml"] = body
    server.bodies["b.xml"] = body
    settings = _settings(database_url, [server.url("a.xml"), server.url("b.xml")])
    recorder = Recorder()
    await _cycle(settings, recorder, Clock(NOW))
    assert len(recorder.alerts) == 2
    assert all(not a.is_update for a, _ in recorder.alerts)


async def test_another_report_of_the_same_deal_is_an_update_in_its_thread(database_url: str, server: FeedServer):
    server.bodies["a.xml"] = rss(_stories()[:1])
    settings = _settings(database_url, [server.url("a.xml"), server.url("b.xml")])
    server.bodies["b.xml"] = rss([])
    recorder, clock = Recorder(), Clock(NOW)
    await _cycle(settings, recorder, clock)
    later = Story(
        "Stellantis completes purchase of 21% of Leapmotor",
        "Stellantis said it has completed its 1.5 billion euro investment in Leapmotor, the Chinese EV maker.",
        "https://other.example/stellantis-leapmotor-done",
        NOW,
    )
    server.bodies["b.xml"] = rss([later])
    clock.now += 3600
    await _cycle(settings, recorder, clock)
    first, update = (a for a, _ in recorder.alerts)
    assert update.is_update and update.event_id == first.event_id
    assert update.reference == f"ref-{first.event_id}"
    assert len(update.sources) == 2


async def test_first_poll_alerts_only_on_items_younger_than_backfill(database_url: str, server: FeedServer):
    server.bodies["ev.xml"] = rss(_stories(hours_old=30))
    settings = _settings(database_url, [server.url("ev.xml")], backfill="24h")
    recorder = Recorder()
    _, summary = await _cycle(settings, recorder, Clock(NOW))
    assert recorder.alerts == [] and summary.new_items == 3  # type: ignore[attr-defined]
    server.bodies["again.xml"] = server.bodies["ev.xml"]  # a new feed carrying the same old stories
    settings_all = _settings(database_url, [server.url("ev.xml"), server.url("again.xml")], backfill="all")
    await _cycle(settings_all, recorder, Clock(NOW))
    assert len(recorder.alerts) == 2


async def test_backfill_none_skips_everything_on_the_first_poll(database_url: str, server: FeedServer):
    server.bodies["ev.xml"] = rss(_stories(hours_old=0.1))
    recorder = Recorder()
    await _cycle(_settings(database_url, [server.url("ev.xml")], backfill="none"), recorder, Clock(NOW))
    assert recorder.alerts == []


async def test_real_feeds_go_through_and_a_second_poll_reads_nothing_new(database_url: str, server: FeedServer):
    urls = [server.serve_file(p.name, p) for p in sorted(REAL_FEEDS.glob("*.xml"))]
    settings = _settings(database_url, urls, backfill="all")
    recorder, clock = Recorder(), Clock(NOW)
    _, first = await _cycle(settings, recorder, clock)
    assert first.polled == len(urls) and first.new_items > 3000  # type: ignore[attr-defined]
    assert first.failed == 1  # the truncated Reuters feed is reported, the rest are read  # type: ignore[attr-defined]
    assert len(recorder.alerts) == first.alerts  # type: ignore[attr-defined]
    clock.now += 3600
    _, second = await _cycle(settings, recorder, clock)
    assert second.new_items == 0 and second.alerts == 0  # type: ignore[attr-defined]


async def test_failing_feed_backs_off_and_is_paused_after_repeated_failures(database_url: str, server: FeedServer):
    settings = _settings(database_url, [server.url("gone.xml")], max_failures=3)
    clock = Clock(NOW)
    delays = []
    for _ in range(3):
        app = App(settings, clock=clock, notifiers={"console": Recorder()})  # type: ignore[dict-item]
        await run_once(app)
        row = app.store.run(store_feeds.all_feeds)[0]
        delays.append(row.next_poll_at - clock.now)  # type: ignore[operator]
        await app.close()
        clock.now += 86400
    assert delays[0] < delays[1] < delays[2] or delays[1] == delays[2]
    assert row.paused and "404" in row.paused_reason
    assert server.hits("gone.xml") == 3


async def test_crash_between_queueing_and_sending_loses_nothing(database_url: str, server: FeedServer):
    server.bodies["ev.xml"] = rss(_stories())
    settings = _settings(database_url, [server.url("ev.xml")])
    clock = Clock(NOW)
    app = App(settings, clock=clock, notifiers={"console": Recorder()})  # type: ignore[dict-item]
    await __import__("asyncio").to_thread(app.prepare)
    feed = app.store.run(store_feeds.all_feeds)[0]
    await app.pipeline.poll(feed.id)  # items stored and alerts queued; the process "dies" before delivering
    await app.close()
    pending = app.store.run(lambda c: c.execute(deliveries.select()).all())
    assert len(pending) == 2 and all(r.status == "pending" for r in pending)
    recorder = Recorder()
    _, summary = await _cycle(settings, recorder, clock)
    assert len(recorder.alerts) == 2 and summary.sent == 2  # type: ignore[attr-defined]
    assert app.store.run(lambda c: len(c.execute(events.select()).all())) == 2
