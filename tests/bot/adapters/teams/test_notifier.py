"""Posting to Teams: a Workflows webhook on 127.0.0.1 takes cards with 202, throttles with 429 and
Retry-After (retried through the outbox), and a 400, 401 or 404 pauses the destination with what to fix."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot import adapters
from bot.adapters.teams.platform import TeamsPlatform, build
from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Detection, Item, Source
from bot.core.settings import Settings
from bot.flow.delivery import Deliverer
from bot.flow.router import Router, Rule
from bot.run.settings import load_settings
from bot.store import Store, outbox
from bot.store import events as store_events
from bot.store import feeds as store_feeds

from .fake import SIG, FakeTeams, Reply, check_message, texts

WHEN = datetime(2021, 3, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
async def teams() -> AsyncIterator[FakeTeams]:
    server = await FakeTeams().start()
    yield server
    await server.stop()


def _settings(url: str) -> Settings:
    env = {
        "EVRADAR_TEAMS__ALLOWED_HOSTS": '["127.0.0.1"]',
        "EVRADAR_ROUTES": json.dumps([{"platform": "teams", "webhook_url": url}]),
    }
    return load_settings(None, env=env)


def _alert() -> Alert:
    return Alert(
        event_id=7,
        version=1,
        partners=("Xiaomi", "Great Wall Motor"),
        kind="manufacturing",
        stage="talks",
        score=0.91,
        evidence="Xiaomi is in talks to build its EVs in a Great Wall Motor factory.",
        title="Xiaomi in talks with Great Wall",
        link="https://news.example/xiaomi-gwm",
        sources=(Source("Xiaomi in talks with Great Wall", "https://news.example/xiaomi-gwm", "Benzinga", WHEN),),
        first_seen=WHEN,
    )


async def _deliver_once(teams: FakeTeams) -> Delivered | DeliveryFailed:
    platform = build(_settings(teams.url))
    assert isinstance(platform, TeamsPlatform)
    try:
        return await platform.notifier.deliver(_alert(), Destination("teams", webhook_url=teams.url))
    finally:
        await platform.stop()


async def test_an_alert_is_posted_as_one_adaptive_card_and_workflows_accepts_it(teams: FakeTeams) -> None:
    result = await _deliver_once(teams)
    assert isinstance(result, Delivered) and teams.refused == 0
    [raw] = teams.raw
    card = check_message(raw)
    assert texts(card)[0] == "Xiaomi × Great Wall Motor: contract manufacturing, in talks"


@pytest.mark.parametrize(
    ("status", "fix"),
    [
        (400, "malformed"),
        (401, '"Who can trigger the flow" to "Anyone"'),
        (403, "copy the URL again"),
        (404, "deleted or turned off"),
    ],
)
async def test_a_refusal_is_permanent_and_says_what_to_fix(teams: FakeTeams, status: int, fix: str) -> None:
    teams.replies = [Reply(status)]
    result = await _deliver_once(teams)
    assert isinstance(result, DeliveryFailed) and result.permanent
    assert fix in result.reason and f"HTTP {status}" in result.reason
    assert SIG not in result.reason and "127.0.0.1" not in result.reason  # the URL is a credential


async def test_throttling_and_server_errors_are_retried_after_what_teams_asks() -> None:
    from bot.adapters.teams.notifier import outcome

    destination, alert = Destination("teams", webhook_url="https://x"), _alert()
    throttled = outcome(429, {"Retry-After": "7"}, destination, alert)
    assert isinstance(throttled, DeliveryFailed) and not throttled.permanent and throttled.retry_after == 7
    down = outcome(502, {}, destination, alert)
    assert isinstance(down, DeliveryFailed) and not down.permanent and down.retry_after is None


async def test_an_unreachable_workflow_is_retried_and_its_url_never_shows() -> None:
    url = f"http://127.0.0.1:9/workflows/x/triggers/manual/paths/invoke?sig={SIG}"
    platform = build(_settings(url))
    assert platform is not None
    try:
        result = await platform.notifier.deliver(_alert(), Destination("teams", webhook_url=url))
    finally:
        await platform.stop()
    assert isinstance(result, DeliveryFailed) and not result.permanent
    assert SIG not in result.reason and "teams:webhook:" in result.reason


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _outbox(database_url: str, teams: FakeTeams) -> tuple[Store, Router, Destination]:
    store = Store(database_url)
    store.migrate()
    destination = Destination("teams", webhook_url=teams.url)
    return store, Router([Rule(destination)]), destination


def _ingest(store: Store, router: Router, item_id: str, stage: str, *, now: float) -> None:
    feed = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/1"), origin="config", now=1.0))
    item = Item(id=item_id, title=f"Xiaomi and BAIC {stage}", link=f"https://n.example/{item_id}", source="Wire")
    detection = Detection("t", True, 0.9, ("Xiaomi", "BAIC"), "supply", stage, "They agreed.", True)  # type: ignore[arg-type]
    found = [store_events.Found(item, store_events.item_key(item.id), detection)]
    store.run(lambda c: store_events.ingest(c, feed.id, found, now=now, route=router))


async def test_a_429_waits_for_retry_after_then_the_alert_and_its_update_arrive_in_order(
    teams: FakeTeams, database_url: str
) -> None:
    store, router, _ = _outbox(database_url, teams)
    clock = Clock()
    platform = build(_settings(teams.url))
    assert platform is not None
    deliverer = Deliverer(
        store=store,
        router=router,
        notifiers={"teams": platform.notifier},
        clock=clock,
        sleep=clock.sleep,
        pace=adapters.pacing(),
    )
    try:
        _ingest(store, router, "i1", "talks", now=clock.now)
        teams.replies = [Reply(429, {"Retry-After": "30"})]
        first = await deliverer.deliver_due()
        assert (first.sent, first.failed) == (0, 1) and teams.received == []
        clock.now += 10
        assert (await deliverer.deliver_due()).sent == 0  # inside Retry-After: not tried
        clock.now += 25
        assert (await deliverer.deliver_due()).sent == 1
        _ingest(store, router, "i2", "announced", now=clock.now)
        assert (await deliverer.deliver_due()).sent == 1
        assert (await deliverer.deliver_due()).sent == 0  # nothing twice
    finally:
        await platform.stop()
    shown = [texts(check_message(raw)) for raw in teams.raw]
    assert shown[0][0] == "Xiaomi × BAIC: supply deal, in talks"
    assert shown[1][0] == "Update: stage moved from in talks to announced; 2 sources so far"
    assert clock.slept == [pytest.approx(0.25)]  # the update waited its turn: four posts a second at most
    assert store.run(lambda c: outbox.counts(c, since=0)).pending == 0


async def test_a_404_pauses_the_destination_and_keeps_its_alerts(
    teams: FakeTeams, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store, router, destination = _outbox(database_url, teams)
    clock = Clock()
    platform = build(_settings(teams.url))
    assert platform is not None
    deliverer = Deliverer(
        store=store, router=router, notifiers={"teams": platform.notifier}, clock=clock, sleep=clock.sleep
    )
    try:
        _ingest(store, router, "i1", "talks", now=clock.now)
        teams.replies = [Reply(404)]
        with caplog.at_level(logging.ERROR, logger="evradar.delivery"):
            report = await deliverer.deliver_due()
        assert report.paused == [destination.key]
        clock.now += 3600
        assert (await deliverer.deliver_due()).sent == 0  # paused: nothing more is tried
    finally:
        await platform.stop()
    [paused] = store.run(outbox.paused_destinations)
    assert paused.key == destination.key and "deleted or turned off" in paused.reason
    [line] = [r.getMessage() for r in caplog.records if "paused" in r.getMessage()]
    assert "create it again and copy its URL to webhook_url" in line
    assert f"evradar destinations resume {destination.key}" in line and SIG not in line
    assert teams.received == [] and store.run(lambda c: outbox.counts(c, since=0)).pending == 1


def test_teams_is_registered_paced_at_four_posts_a_second_and_needs_a_route() -> None:
    assert adapters.pacing()["teams"] == 0.25
    assert adapters.decode("teams:webhook:abc") is None  # the URL is never stored: only routes know it
    assert build(Settings()) is None
