"""The HTTP server on [server]: /healthz, /metrics, and the routes adapters add for slash commands."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("evradar.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Server:
    """An aiohttp application served in the bot's own event loop."""

    def __init__(
        self, *, health: Callable[[], Awaitable[dict[str, object]]], metrics: Callable[[], Awaitable[bytes]]
    ) -> None:
        self.app = web.Application(client_max_size=1024 * 1024)
        self.app.router.add_get("/healthz", self._health)
        self.app.router.add_get("/metrics", self._metrics)
        self._health_of = health
        self._metrics_of = metrics
        self._runner: web.AppRunner | None = None
        self.port = 0

    def add_post(self, path: str, handler: Handler) -> None:
        self.app.router.add_post(path, handler)

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("Serving /healthz and /metrics on http://%s:%d", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await asyncio.wait_for(self._runner.cleanup(), timeout=5.0)
            self._runner = None

    async def _health(self, _request: web.Request) -> web.Response:
        body = await self._health_of()
        status = 200 if body.get("status") == "ok" else 503
        return web.json_response(body, status=status, dumps=lambda d: json.dumps(d, default=str))

    async def _metrics(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=await self._metrics_of(),
            content_type="text/plain",
            charset="utf-8",
            headers={"X-Content-Type-Options": "nosniff"},
        )
