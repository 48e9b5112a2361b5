"""The HTTP server on [server]: /healthz, /metrics, and the routes adapters add for slash commands."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..core.errors import EvradarError

log = logging.getLogger("evradar.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on host:port now, before anything is written, so that a busy port stops
    `evradar run` with one sentence instead of after it has changed the stored feeds."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
        raise EvradarError(
            f"cannot listen on {host} port {port}: {reason}; stop what uses it or set EVRADAR_SERVER__PORT"
        ) from None


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

    async def start(self, host: str, port: int, *, sock: socket.socket | None = None) -> None:
        """Serve on ``sock`` when one was bound beforehand (see :func:`bind`), else on host:port."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        site: web.BaseSite = web.SockSite(self._runner, sock) if sock else web.TCPSite(self._runner, host, port)
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
