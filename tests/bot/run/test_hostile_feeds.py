"""Hostile feeds: each fails alone with a clear reason, bounded, while the other feeds keep alerting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

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
from tests.fakes import FeedServer, Recorder, rss
from tests.hostile import cases, good_stories

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
GOOD = good_stories(NOW)


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    fake = await FeedServer().start()
    for case in cases():
        fake.handlers[case.path] = case.handler
    fake.bodies["good.xml"] = rss(GOOD)
    yield fake
    await fake.stop()


async def test_every_hostile_feed_fails_alone_and_the_good_feed_still_alerts(
    server: FeedServer, tmp_path: Path
) -> None:
    # On SQLite only: what is hostile here is the feeds, not the database; the feed states written on
    # PostgreSQL are checked by the next test.
    hostile = cases()
    urls = [server.url(c.path) for c in hostile] + [server.url("good.xml")]
    settings = Settings(
        storage=StorageSettings(url=f"sqlite:///{tmp_path / 'evradar.db'}"),
        polling=PollingSettings(total_timeout=3, read_timeout=3, max_body="10MB", backfill="all"),
        feeds=[FeedSettings(url=u) for u in urls],
        server=ServerSettings(enabled=False),
        routes=[RouteSettings(platform="console")],
    )
    recorder = Recorder()
    app = App(settings, clock=lambda: NOW.timestamp(), notifiers={"console": recorder})  # type: ignore[dict-item]
    try:
        summary = await run_once(app)
        rows = {r.url.rsplit("/", 1)[-1]: r for r in app.store.run(store_feeds.all_feeds)}
    finally:
        await app.close()
    assert sorted(sorted(a.partners) for a, _ in recorder.alerts) == [
        ["CATL", "Toyota"],
        ["Leapmotor", "Stellantis"],
    ]
    failing = [c for c in hostile if c.expect]
    assert summary.failed == len(failing)
    for case in failing:
        row = rows[case.path]
        assert row.last_status == "failed", case.description
        assert any(word in row.last_error.lower() for word in case.expect), (case.description, row.last_error)
        assert "Traceback" not in row.last_error
    for case in (c for c in hostile if not c.expect):
        assert rows[case.path].last_status == "ok" and rows[case.path].items_seen == 1, case.description
    assert rows["busy.xml"].next_poll_at >= NOW.timestamp() + 3600  # Retry-After honoured, not hammered
    assert rows["down.xml"].next_poll_at >= NOW.timestamp() + 7200


async def test_gone_feeds_are_paused_after_three_polls_others_only_after_max_failures(
    database_url: str, server: FeedServer
) -> None:
    settings = Settings(
        storage=StorageSettings(url=database_url),
        polling=PollingSettings(max_failures=5),
        feeds=[FeedSettings(url=server.url("gone.xml")), FeedSettings(url=server.url("down.xml"))],
        server=ServerSettings(enabled=False),
    )
    clock = [NOW.timestamp()]
    for _ in range(3):
        app = App(settings, clock=lambda: clock[0], notifiers={"console": Recorder()})  # type: ignore[dict-item]
        await run_once(app)
        rows = {r.url.rsplit("/", 1)[-1]: r for r in app.store.run(store_feeds.all_feeds)}
        await app.close()
        clock[0] += 86400
    assert rows["gone.xml"].paused and "410" in rows["gone.xml"].paused_reason
    assert not rows["down.xml"].paused and rows["down.xml"].failures == 3
    assert server.hits("gone.xml") == 3
