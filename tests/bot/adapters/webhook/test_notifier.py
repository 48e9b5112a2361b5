"""Webhooks: signed JSON alerts and updates to a receiver on 127.0.0.1 that checks the signature,
retried through the outbox like every other platform, and the settings that set them up."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.adapters.webhook.platform import WebhookPlatform, build
from bot.core.errors import ConfigError
from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Detection, Item, Source
from bot.flow.delivery import Deliverer
from bot.flow.router import Router, Rule
from bot.run.settings import RouteSettings, Settings, load_settings
from bot.store import Store, outbox
from bot.store import events as store_events
from bot.store import feeds as store_feeds

SECRET = "webhook-test-secret-1"
OTHER = "route-secret-2"


@dataclass
class Receiver:
    """A webhook receiver that verifies X-Evradar-Signature with its secret; scripted statuses first."""

    secret: str
    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, object]] = field(default_factory=list)
    refused: int = 0
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        expected = "sha256=" + hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Evradar-Signature", ""), expected):
            self.refused += 1
            return web.Response(status=401, text="bad signature")
        if self.statuses:
            return web.Response(status=self.statuses.pop(0), headers={"Retry-After": "30"})
        assert request.content_type == "application/json"
        self.received.append(json.loads(raw))
        return web.Response(status=204)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = await Receiver(SECRET).start()
    yield server
    assert server.runner is not None
    await server.runner.cleanup()


def _alert(version: int = 1) -> Alert:
    when = datetime(2021, 3, 26, 9, 0, tzinfo=UTC)
    return Alert(
        event_id=7,
        version=version,
        partners=("Xiaomi", "Great Wall Motor"),
        kind="manufacturing",
        stage="talks" if version == 1 else "announced",
        score=0.91,
        evidence="Xiaomi is in talks to build its EVs in a Great Wall Motor factory.",
        title="Xiaomi in talks with Great Wall",
        link="https://news.example/xiaomi-gwm",
        sources=(Source("Xiaomi in talks with Great Wall", "https://news.example/xiaomi-gwm", "Benzinga", when),),
        first_seen=when,
        previous_stage="talks" if version > 1 else None,
    )


def _settings(url: str, *, secret: str | None = SECRET, secret_env: str = "") -> Settings:
    env = {"EVRADAR_ROUTES": json.dumps([{"platform": "webhook", "webhook_url": url, "secret_env": secret_env}])}
    if secret is not None:
        env["EVRADAR_WEBHOOK_SECRET"] = secret
    if secret_env:
        env[secret_env] = OTHER
    return load_settings(None, env=env)


async def test_an_alert_is_posted_as_signed_json_the_receiver_can_verify(receiver: Receiver) -> None:
    platform = build(_settings(receiver.url))
    assert isinstance(platform, WebhookPlatform)
    try:
        result = await platform.notifier.deliver(_alert(), Destination("webhook", webhook_url=receiver.url))
    finally:
        await platform.stop()
    assert isinstance(result, Delivered) and receiver.refused == 0
    [sent] = receiver.received
    assert sent["event_id"] == 7 and sent["update"] is False
    assert sent["partners"] == ["Xiaomi", "Great Wall Motor"]
    assert (sent["kind"], sent["stage"], sent["score"]) == ("manufacturing", "talks", 0.91)
    assert sent["evidence"] == "Xiaomi is in talks to build its EVs in a Great Wall Motor factory."
    assert sent["sources"] == [
        {
            "title": "Xiaomi in talks with Great Wall",
            "link": "https://news.example/xiaomi-gwm",
            "source": "Benzinga",
            "published": "2021-03-26T09:00:00+00:00",
        }
    ]


async def test_the_routes_own_secret_env_signs_its_webhook(receiver: Receiver) -> None:
    receiver.secret = OTHER
    platform = build(_settings(receiver.url, secret_env="PARTNER_HOOK_SECRET"))
    assert platform is not None
    try:
        assert isinstance(
            await platform.notifier.deliver(_alert(), Destination("webhook", webhook_url=receiver.url)), Delivered
        )
    finally:
        await platform.stop()
    assert receiver.refused == 0 and len(receiver.received) == 1


async def test_a_wrong_secret_is_refused_and_pauses_the_destination(receiver: Receiver) -> None:
    platform = build(_settings(receiver.url, secret="not-the-secret"))
    assert platform is not None
    try:
        result = await platform.notifier.deliver(_alert(), Destination("webhook", webhook_url=receiver.url))
    finally:
        await platform.stop()
    assert isinstance(result, DeliveryFailed) and result.permanent and "secret" in result.reason
    assert receiver.refused == 1 and receiver.received == []


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_alerts_and_updates_go_through_the_outbox_and_a_failed_post_is_retried_once(
    receiver: Receiver, database_url: str
) -> None:
    store, clock = Store(database_url), Clock()
    store.migrate()
    destination = Destination("webhook", webhook_url=receiver.url)
    router = Router([Rule(destination)])
    feed = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/1"), origin="config", now=1.0))

    def ingest(item_id: str, stage: str) -> None:
        item = Item(id=item_id, title=f"Xiaomi and BAIC {stage}", link=f"https://n/{item_id}", source="Wire")
        detection = Detection("t", True, 0.9, ("Xiaomi", "BAIC"), "supply", stage, "They agreed.", True)  # type: ignore[arg-type]
        found = [store_events.Found(item, store_events.item_key(item.id), detection)]
        store.run(lambda c: store_events.ingest(c, feed.id, found, now=clock.now, route=router))

    platform = build(_settings(receiver.url))
    assert platform is not None

    async def no_sleep(seconds: float) -> None:
        clock.now += seconds

    deliverer = Deliverer(
        store=store, router=router, notifiers={"webhook": platform.notifier}, clock=clock, sleep=no_sleep
    )
    try:
        ingest("i1", "talks")
        receiver.statuses = [503]
        first = await deliverer.deliver_due()
        assert (first.sent, first.failed) == (0, 1) and receiver.received == []
        clock.now += 10
        assert (await deliverer.deliver_due()).sent == 0  # inside Retry-After: not tried
        clock.now += 25
        assert (await deliverer.deliver_due()).sent == 1
        ingest("i2", "announced")
        assert (await deliverer.deliver_due()).sent == 1
        assert (await deliverer.deliver_due()).sent == 0  # nothing twice
    finally:
        await platform.stop()
    assert [(r["version"], r["stage"], r["update"]) for r in receiver.received] == [
        (1, "talks", False),
        (2, "announced", True),
    ]
    assert store.run(lambda c: outbox.counts(c, since=0)).pending == 0


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        ({"platform": "webhook"}, "routes[0]: a webhook route needs a webhook_url"),
        ({"platform": "webhook", "webhook_url": "http://example.com/hook"}, "routes[0].webhook_url: must be"),
        ({"platform": "slack", "channel": "C1", "secret_env": "X"}, "routes[0]: secret_env is only for webhook"),
        (
            {"platform": "webhook", "webhook_url": "https://hooks.example/x", "secret_env": "UNSET_HOOK_SECRET"},
            "routes[0].secret_env: the environment variable UNSET_HOOK_SECRET is not set",
        ),
    ],
)
def test_bad_webhook_routes(route: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, env={"EVRADAR_ROUTES": json.dumps([route])})
    [line] = str(caught.value).splitlines()
    assert line.replace(" (from EVRADAR_ROUTES)", "").startswith(problem), line


def test_the_webhook_secret_is_a_secret_and_never_shows() -> None:
    settings = load_settings(
        None,
        env={
            "EVRADAR_WEBHOOK_SECRET": SECRET,
            "EVRADAR_ROUTES": json.dumps([{"platform": "webhook", "webhook_url": "https://hooks.example/x"}]),
        },
    )
    assert settings.secret("evradar_webhook_secret") == SECRET
    assert settings.routes == [RouteSettings(platform="webhook", webhook_url="https://hooks.example/x")]
    from bot.core.loading import describe

    shown = json.dumps(describe(settings))
    assert SECRET not in shown and "set (hidden)" in shown
    assert build(Settings()) is None
