"""Test stand-ins that run for real on 127.0.0.1: a feed server, and a recording destination."""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Detection, Item
from bot.flow.router import Router, Rule
from bot.store import Store
from bot.store import events as store_events
from bot.store import feeds as store_feeds

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Story:
    """One feed item to serve."""

    title: str
    summary: str
    link: str
    published: datetime
    guid: str = ""


def rss(stories: list[Story], *, title: str = "Test feed") -> bytes:
    items = []
    for story in stories:
        items.append(
            f"<item><title>{html.escape(story.title)}</title><link>{html.escape(story.link)}</link>"
            f'<guid isPermaLink="false">{html.escape(story.guid or story.link)}</guid>'
            f"<pubDate>{format_datetime(story.published)}</pubDate>"
            f"<description>{html.escape(story.summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>https://example.com/</link><description>t</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@dataclass
class FeedServer:
    """Serves feed bodies by path with ETag/304 support; records every request."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    runner: web.AppRunner | None = None
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def serve_file(self, path: str, file: Path) -> str:
        self.bodies[path.lstrip("/")] = file.read_bytes()
        return self.url(path)

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_get("/{path:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.requests.append((path, dict(request.headers)))
        if path in self.handlers:
            return await self.handlers[path](request)
        body = self.bodies.get(path)
        if body is None:
            return web.Response(status=404, text="not found")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path.lstrip("/"))


@dataclass
class Recorder:
    """A destination that keeps what it is given; can be told to fail."""

    platform: str = "console"
    alerts: list[tuple[Alert, Destination]] = field(default_factory=list)
    fail_with: DeliveryFailed | None = None

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        if self.fail_with is not None:
            return self.fail_with
        self.alerts.append((alert, destination))
        return Delivered(reference=f"ref-{alert.event_id}")

    async def close(self) -> None:
        return None


def now_utc() -> datetime:
    return datetime.now(UTC)


DEALS = (
    (("Xiaomi", "Great Wall Motor"), "manufacturing", "talks", 100.0),
    (("Xiaomi", "BAIC"), "supply", "announced", 200.0),
    (("Stellantis", "Leapmotor"), "investment", "announced", 300.0),
)


def store_with_deals(url: str, deals: Sequence[tuple[tuple[str, ...], str, str, float]] = DEALS) -> Store:
    """A migrated store holding one partnership event per deal (partners, kind, stage, when)."""
    store = Store(url)
    store.migrate()
    router = Router([Rule(Destination("console"))])
    feed = store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f"), origin="config", now=1.0))
    for n, (partners, kind, stage, when) in enumerate(deals):
        item = Item(id=str(n), title=f"{' and '.join(partners)} deal", link=f"https://news/{n}", source="Wire")
        det = Detection("t", True, 0.9, partners, kind, stage, "They agreed.", True)  # type: ignore[arg-type]
        found = [store_events.Found(item, store_events.item_key(item.id), det)]
        store.run(lambda c, f=found, w=when: store_events.ingest(c, feed.id, f, now=w, route=router))
    return store


def clean_environment() -> dict[str, str]:
    """This process's environment without evradar settings and chat tokens: a child `evradar` sees
    only what the caller adds."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("EVRADAR_", "SLACK_", "DISCORD_"))}
