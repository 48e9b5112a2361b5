"""A storm on Slack and Discord: every kind of failure scripted on fake platforms, then recovery.

The whole bot runs with its real Slack and Discord adapters against fake platforms on 127.0.0.1
that answer with dropped connections, hangs past the timeout, 429 storms and 500s before they
recover; two destinations fail for good. Shared by tests/bot/test_chat_faults.py and bench/faults.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from itertools import groupby

import discord.http
from sqlalchemy import Connection, select

from bot.adapters.slack import render as slack_render
from bot.chat.commands import Request
from bot.run.app import App
from bot.run.once import run_once
from bot.run.settings import Settings
from bot.store import outbox
from bot.store.schema import deliveries, events
from tests.conftest import ROOT
from tests.discord_fake import BOT_TOKEN as DISCORD_TOKEN
from tests.discord_fake import WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord
from tests.fakes import FeedServer
from tests.slack_fake import BOT_TOKEN as SLACK_TOKEN
from tests.slack_fake import Behaviour, FakeSlack, all_text

SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"
CHANNEL = "C0001"
DISCORD_CHANNEL = "1100000000000000100"
GONE_WEBHOOK_ID = 1100000000000000099


@dataclass
class Channel:
    """One destination through the storm: what it was put through, what it should show, what it got."""

    name: str
    storm: str
    failures: int  # failed answers scripted before it recovers
    expected: list[str] = field(default_factory=list)  # partners of each alert queued for it, in order
    received: list[str] = field(default_factory=list)  # partners of each post it was sent, retries included

    @property
    def shown(self) -> list[str]:
        """What the channel shows: consecutive attempts at one alert folded into one."""
        return [key for key, _ in groupby(self.received)]


@dataclass
class Storm:
    alerts: int
    updates: int
    channels: list[Channel]
    tries_of_the_gone: dict[str, int]  # posts attempted to each destination that fails for good
    status_text: str  # what `/evradar status` shows afterwards
    paused_lines: list[str]  # log lines saying a destination is paused
    rounds: int  # delivery passes until everything healthy was sent
    seconds: float


class Clock:
    """Time that moves only when told: backoffs of minutes pass at once, pacing waits too."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def settings(database_url: str, feeds: FeedServer, slack: FakeSlack, fake_discord: FakeDiscord) -> Settings:
    webhook = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
    gone = f"https://discord.com/api/webhooks/{GONE_WEBHOOK_ID}/{WEBHOOK_TOKEN}"
    return Settings.model_validate({
        "storage": {"url": database_url},
        "polling": {"backfill": "all"},
        "feeds": [{"url": feeds.url("sample.xml")}],
        "server": {"enabled": False},
        "slack": {"api_url": slack.api_url, "timeout": "1s"},
        "discord": {"api_url": fake_discord.api_url, "timeout": "1s"},
        "routes": [
            {"platform": "slack", "channel": CHANNEL},
            {"platform": "slack", "webhook_url": slack.webhook_url("hook")},
            {"platform": "slack", "channel": "CGONE"},
            {"platform": "discord", "channel": DISCORD_CHANNEL},
            {"platform": "discord", "webhook_url": webhook},
            {"platform": "discord", "webhook_url": gone},
        ],
        "secrets": {"slack_bot_token": SLACK_TOKEN, "discord_bot_token": DISCORD_TOKEN},
    })  # fmt: skip


def script(slack: FakeSlack, fake_discord: FakeDiscord) -> list[Channel]:
    """Script the failures; the channels in the order they are reported."""
    slack.behaviours[CHANNEL] = Behaviour(
        resets=2, hangs=2, rate_limited=5, retry_after=30, status=500, failures=3
    )
    slack.behaviours["webhook:hook"] = Behaviour(
        resets=1, hangs=1, rate_limited=3, retry_after=30, status=500, failures=2
    )
    slack.behaviours["CGONE"] = Behaviour(error="channel_not_found")
    fake_discord.reset("create_message", times=2)
    fake_discord.hang("create_message", times=1, seconds=3)
    fake_discord.rate_limit("create_message", times=4, retry_after=120)  # beyond what discord.py waits for
    fake_discord.fail("create_message", status=500, times=2)
    fake_discord.reset("execute_webhook", times=1)
    fake_discord.hang("execute_webhook", times=2, seconds=3)
    fake_discord.rate_limit("execute_webhook", times=3, retry_after=120)
    fake_discord.deleted_webhooks.add(str(GONE_WEBHOOK_ID))
    return [
        Channel("Slack channel (bot token)", "2 resets, 2 hangs past the timeout, 5×429 (wait 30 s), 3×500", 12),
        Channel("Slack incoming webhook", "1 reset, 1 hang, 3×429, 2×500", 7),
        Channel("Discord channel (bot)", "2 resets, 1 hang, 4×429 (wait 120 s), 2×500", 9),
        Channel("Discord webhook", "1 reset, 2 hangs, 3×429 (wait 120 s)", 6),
    ]


async def run_storm(database_url: str) -> Storm:
    feeds, slack, fake_discord = await FeedServer().start(), await FakeSlack().start(), await FakeDiscord().start()
    feeds.serve_file("sample.xml", SAMPLE)
    channels = script(slack, fake_discord)
    clock = Clock()
    lines = _PausedLines()
    logging.getLogger("evradar.delivery").addHandler(lines)
    route_base = discord.http.Route.BASE
    started = time.monotonic()
    app = App(settings(database_url, feeds, slack, fake_discord), clock=clock)
    app.deliverer.sleep = clock.sleep
    try:
        summary = await run_once(app)
        rounds = 0
        while app.store.run(_due) and rounds < 60:  # the platforms recover while the outbox waits
            clock.now += 3600
            await app.deliverer.deliver_due()
            rounds += 1
        status = await asyncio.to_thread(app.commands.answer, Request("status", "slack", CHANNEL, "U1"))
        for channel, key in zip(channels, _keys(app), strict=True):
            channel.expected = _queued(app, key)
    finally:
        await app.close()
        logging.getLogger("evradar.delivery").removeHandler(lines)
        discord.http.Route.BASE = route_base
        await slack.stop()
        await fake_discord.close()
        await feeds.stop()
    channels[0].received = _slack_posts(slack, "/api/chat.postMessage", CHANNEL)
    channels[1].received = _slack_posts(slack, "/webhook/hook")
    channels[2].received = _discord_posts(fake_discord, "create_message")
    channels[3].received = _discord_posts(fake_discord, "execute_webhook", WEBHOOK_ID)
    gone = {
        "slack:CGONE": len(_slack_posts(slack, "/api/chat.postMessage", "CGONE")),
        "discord webhook deleted": len(_discord_posts(fake_discord, "execute_webhook", GONE_WEBHOOK_ID)),
    }
    shown = all_text(slack_render.answer_message(status).blocks).replace("\\_", "_")
    elapsed = time.monotonic() - started
    return Storm(summary.alerts, summary.updates, channels, gone, shown, lines.lines, rounds, elapsed)


class _PausedLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "is paused" in record.getMessage():
            self.lines.append(record.getMessage())


def _keys(app: App) -> list[str]:
    """The outbox keys of the four healthy destinations, in the order of ``script``'s channels."""
    routes = [r.destination for r in app.router.rules]
    return [routes[0].key, routes[1].key, routes[3].key, routes[4].key]


def _queued(app: App, destination: str) -> list[str]:
    query = (
        select(events.c.partners)
        .select_from(deliveries.join(events, deliveries.c.event_id == events.c.id))
        .where(deliveries.c.destination == destination)
        .order_by(deliveries.c.id)
    )
    return [" × ".join(json.loads(p)) for (p,) in app.store.run(lambda c: c.execute(query).all())]


def _due(conn: Connection) -> int:
    return len(outbox.due(conn, now=float("inf")))


def _slack_posts(slack: FakeSlack, path: str, channel: str | None = None) -> list[str]:
    calls = [r for r in slack.calls(path) if channel is None or r.body.get("channel") == channel]
    return [r.body["blocks"][0]["text"]["text"] for r in calls]


def _discord_posts(fake_discord: FakeDiscord, route: str, webhook_id: int | None = None) -> list[str]:
    calls = fake_discord.of(route)
    if webhook_id is not None:
        calls = [c for c in calls if c.path.startswith(f"/webhooks/{webhook_id}/")]
    return [c.json["embeds"][0]["title"].split(":")[0].replace("\\", "") for c in calls]
