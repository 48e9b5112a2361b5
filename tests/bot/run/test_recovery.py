"""Nothing is lost when people fix things: a route fixed in the configuration keeps its waiting alerts,
`run --once` delivers everything due, pauses leave no false crash warning, /healthz tells the truth."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import aiohttp
import pytest

from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Detection, Item
from bot.run.app import App
from bot.run.once import run_once
from bot.run.server import Server
from bot.run.settings import RouteSettings, ServerSettings, Settings, StorageSettings
from bot.store import events as store_events
from bot.store import feeds as store_feeds
from bot.store import outbox
from bot.store.schema import deliveries, feeds

OLD_HOOK = "https://hooks.example/old"
NEW_HOOK = "https://hooks.example/new"


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Places:
    """A notifier of one platform that posts by address: some addresses are gone (deleted webhooks,
    wrong channel ids) and answer as the platform does for those."""

    platform: str = "slack"
    gone: set[str] = field(default_factory=set)
    posted: list[tuple[str, str]] = field(default_factory=list)  # (address, title)
    tried: list[str] = field(default_factory=list)

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        address = destination.webhook_url or destination.channel
        self.tried.append(address)
        if address in self.gone:
            return DeliveryFailed(f"{address} is gone", permanent=True)
        self.posted.append((address, alert.title))
        return Delivered(reference=f"{address}:{len(self.posted)}")

    async def close(self) -> None:
        return None


def _settings(url: str, routes: list[dict[str, object]], **server: object) -> Settings:
    return Settings(
        storage=StorageSettings(url=url),
        feeds=[],
        server=ServerSettings(enabled=False, **server),  # type: ignore[arg-type]
        routes=[RouteSettings(**r) for r in routes],
    )


def _app(settings: Settings, places: Places, clock: Clock) -> App:
    return App(settings, clock=clock, notifiers={places.platform: places})  # type: ignore[dict-item]


def _queue(app: App, n: int, *, start: int = 0) -> None:
    """``n`` new partnership events, routed by the app's router as a poll would route them."""
    app.prepare()
    feed = app.store.run(
        lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/1"), origin="config", now=app.clock())
    )
    found = []
    for i in range(start, start + n):
        item = Item(id=f"i{i}", title=f"Deal {i}", link=f"https://n/{i}")
        detection = Detection("t", True, 0.9, (f"A{i}", f"B{i}"), "supply", "announced", "They agreed.", True)
        found.append(store_events.Found(item, store_events.item_key(item.id), detection))
    app.store.run(lambda c: store_events.ingest(c, feed.id, found, now=app.clock(), route=app.router))


async def _once(settings: Settings, places: Places, clock: Clock, *, queue: int = 0) -> tuple[object, App]:
    app = _app(settings, places, clock)
    try:
        if queue:
            _queue(app, queue)
        summary = await run_once(app)
    finally:
        await app.close()
    return summary, app


def _pending(app: App) -> int:
    return app.store.run(lambda c: outbox.counts(c, since=0)).pending


async def test_a_webhook_fixed_in_the_config_gets_the_alerts_that_waited_for_it(database_url: str) -> None:
    url, clock = database_url, Clock()
    places = Places(gone={OLD_HOOK})
    broken = _settings(url, [{"platform": "slack", "webhook_url": OLD_HOOK}])
    first, _ = await _once(broken, places, clock, queue=5)
    assert first.sent == 0 and places.tried == [OLD_HOOK]  # type: ignore[attr-defined]

    fixed = _settings(url, [{"platform": "slack", "webhook_url": NEW_HOOK}])
    clock.now += 60
    second, app = await _once(fixed, places, clock)
    assert second.sent == 5  # type: ignore[attr-defined]
    assert places.posted == [(NEW_HOOK, f"Deal {i}") for i in range(5)]
    assert _pending(app) == 0 and app.store.run(outbox.paused_destinations) == []
    third, _ = await _once(fixed, places, clock)
    assert third.sent == 0 and len(places.posted) == 5  # type: ignore[attr-defined]  # exactly once


async def test_a_slack_channel_id_fixed_gets_the_waiting_alerts_and_the_wrong_one_is_left_alone(tmp_path) -> None:
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={"CWRONG"})
    await _once(_settings(url, [{"platform": "slack", "channel": "CWRONG"}]), places, clock, queue=3)
    places.tried.clear()
    second, _ = await _once(_settings(url, [{"platform": "slack", "channel": "CRIGHT"}]), places, clock)
    assert second.sent == 3 and places.tried == ["CRIGHT"] * 3  # type: ignore[attr-defined]


async def test_named_routes_keep_their_alerts_when_reordered_and_fixed(database_url: str) -> None:
    url, clock = database_url, Clock()
    places = Places(gone={OLD_HOOK})
    routes = [
        {"name": "ok", "platform": "slack", "channel": "C1"},
        {"name": "news", "platform": "slack", "webhook_url": OLD_HOOK},
    ]
    await _once(_settings(url, routes), places, clock, queue=2)
    assert places.posted == [("C1", "Deal 0"), ("C1", "Deal 1")]
    fixed = [
        {"name": "news", "platform": "slack", "webhook_url": NEW_HOOK},
        {"name": "ok", "platform": "slack", "channel": "C1"},
    ]
    await _once(_settings(url, fixed), places, clock)
    assert places.posted[2:] == [(NEW_HOOK, "Deal 0"), (NEW_HOOK, "Deal 1")]


async def test_unnamed_routes_reordered_keep_their_own_alerts(tmp_path) -> None:
    """Both addresses are still configured: nothing moves, whatever their positions now."""
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={"C2"})
    routes = [{"platform": "slack", "channel": "C1"}, {"platform": "slack", "channel": "C2"}]
    await _once(_settings(url, routes), places, clock, queue=2)
    places.tried.clear()
    await _once(_settings(url, routes[::-1]), places, clock)
    assert places.tried == []  # C2 is still paused: its alerts wait for a resume, not for C1


async def test_removing_an_unnamed_route_does_not_hand_its_alerts_to_the_next_one(tmp_path) -> None:
    """slack-2 becomes slack-1 when the first Slack route is deleted: a renumbering, not a fix."""
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={"C1"})
    routes = [
        {"platform": "slack", "channel": "C1", "companies": ["A0"]},
        {"platform": "slack", "channel": "C2", "companies": ["A1"]},
    ]
    await _once(_settings(url, routes), places, clock, queue=2)
    assert places.posted == [("C2", "Deal 1")]
    await _once(_settings(url, routes[1:]), places, clock)
    assert places.posted == [("C2", "Deal 1")]  # Deal 0 was for C1 only, never for C2


def test_route_names_must_be_unique_and_default_to_platform_and_position() -> None:
    settings = _settings(
        "sqlite://", [{"platform": "slack", "channel": "C1"}, {"platform": "slack", "channel": "C2"}]
    )
    assert [r.identity for r in settings.named_routes()] == ["slack-1", "slack-2"]
    with pytest.raises(ValueError, match="slack-1"):
        _settings(
            "sqlite://",
            [{"platform": "slack", "channel": "C1"}, {"name": "slack-1", "platform": "slack", "channel": "C2"}],
        )


async def test_run_once_delivers_everything_due_not_just_the_first_200(tmp_path) -> None:
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(platform="webhook")
    routes = [{"platform": "webhook", "webhook_url": f"https://hooks.example/{n}"} for n in range(3)]
    summary, app = await _once(_settings(url, routes), places, clock, queue=70)
    assert summary.sent == 210 and len(places.posted) == 210  # type: ignore[attr-defined]
    assert _pending(app) == 0 and summary.left == []  # type: ignore[attr-defined]


async def test_run_once_says_what_is_left_and_why(tmp_path) -> None:
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={OLD_HOOK})
    summary, _ = await _once(
        _settings(url, [{"platform": "slack", "webhook_url": OLD_HOOK}]), places, clock, queue=4
    )
    [left] = summary.left  # type: ignore[attr-defined]
    assert left.count == 4 and left.paused and "gone" in left.reason


async def test_a_pause_is_not_reported_as_a_crash_on_the_next_start(tmp_path, caplog) -> None:
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={OLD_HOOK})
    settings = _settings(url, [{"platform": "slack", "webhook_url": OLD_HOOK}])
    await _once(settings, places, clock, queue=2)
    caplog.set_level(logging.WARNING)
    app = _app(settings, places, clock)
    try:
        assert app.deliverer.recover() == 0
    finally:
        await app.close()
    assert "were being posted" not in caplog.text


async def test_healthz_is_ok_then_degraded_with_reasons(tmp_path) -> None:
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={OLD_HOOK})
    settings = _settings(url, [{"platform": "slack", "webhook_url": OLD_HOOK}], stuck_after="30m")
    app = _app(settings, places, clock)
    try:
        app.prepare()
        assert (await app.health())["status"] == "ok"
        _queue(app, 2)
        await app.deliverer.deliver_due()
        body = await app.health()
        assert body["status"] == "degraded"
        assert any("slack:webhook:" in r and "paused" in r for r in body["reasons"])  # type: ignore[attr-defined]
        server = Server(health=app.health, metrics=app.render_metrics)
        await server.start("127.0.0.1", 0)
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{server.port}/healthz") as answer,
            ):
                assert answer.status == 503 and (await answer.json())["reasons"] == body["reasons"]
        finally:
            await server.stop()
        metrics = (await app.render_metrics()).decode()
        assert "evradar_destinations_paused 1.0" in metrics
        assert "evradar_outbox_oldest_seconds 0.0" in metrics
    finally:
        await app.close()


async def test_healthz_degraded_when_every_feed_fails_or_deliveries_are_stuck(database_url: str) -> None:
    url, clock = database_url, Clock()
    places = Places()
    settings = _settings(url, [{"platform": "slack", "channel": "C1"}], stuck_after="30m")
    app = _app(settings, places, clock)
    try:
        _queue(app, 1)
        app.store.run(lambda c: c.execute(deliveries.update().values(next_attempt_at=clock.now + 7200)))
        assert (await app.health())["status"] == "ok"  # waiting, but not for long yet
        clock.now += 31 * 60
        body = await app.health()
        assert body["status"] == "degraded" and any("waited" in r for r in body["reasons"])  # type: ignore[attr-defined]
        metrics = (await app.render_metrics()).decode()
        assert "evradar_outbox_oldest_seconds 1860.0" in metrics
        app.store.run(lambda c: c.execute(deliveries.delete()))
        app.store.run(lambda c: c.execute(feeds.update().values(last_status="failed", last_error="HTTP 500")))
        body = await app.health()
        assert body["status"] == "degraded" and any("feed" in r for r in body["reasons"])  # type: ignore[attr-defined]
    finally:
        await app.close()


async def test_a_database_of_the_previous_schema_learns_its_routes_and_follows_them_from_then_on(tmp_path) -> None:
    url, clock = f"sqlite:///{tmp_path / 'r.db'}", Clock()
    places = Places(gone={"CWRONG"})
    wrong = _settings(url, [{"platform": "slack", "channel": "CWRONG"}])
    app = _app(wrong, places, clock)
    app.store.migrate("0002")  # as the previous release left it, with alerts waiting for a paused channel
    app.store.run(lambda c: outbox.pause_destination(c, "slack:CWRONG", now=clock.now, reason="channel_not_found"))
    await app.close()
    _, app = await _once(wrong, places, clock, queue=2)  # upgraded on start; the route is learnt
    assert places.tried == [] and _pending(app) == 2
    second, _ = await _once(_settings(url, [{"platform": "slack", "channel": "CRIGHT"}]), places, clock)
    assert second.sent == 2 and places.tried == ["CRIGHT", "CRIGHT"]  # type: ignore[attr-defined]
