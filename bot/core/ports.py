"""The small interfaces the bot's parts meet at; adapters satisfy them without inheriting."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from .models import Alert, Delivered, DeliveryFailed, Destination, EventFacts


class Notifier(Protocol):
    """Posts alerts to one platform."""

    platform: str

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed: ...

    async def close(self) -> None: ...


class ChooseDestinations(Protocol):
    """Which destinations want an event (the router); called while the event is being stored."""

    def __call__(self, facts: EventFacts) -> Sequence[Destination]: ...


class Runner(Protocol):
    """What keeps polls and deliveries going: APScheduler in one process, procrastinate in a cluster."""

    async def run(self, stop: asyncio.Event) -> None:
        """Poll and deliver until ``stop`` is set, then finish or safely abandon in-flight work."""
        ...


class Leases(Protocol):
    """Named locks only one instance holds at a time (in a cluster); every one is ours when alone."""

    async def acquire(self, name: str) -> None:
        """Return once this instance holds ``name``; it keeps it until the process ends."""
        ...

    async def close(self) -> None: ...


# An aiohttp request handler; core names no web framework, so the types stay open here.
HttpHandler = Callable[[Any], Awaitable[Any]]


class HttpRoutes(Protocol):
    """evradar's HTTP server as an adapter sees it: a place to mount its signed endpoints."""

    def add_post(self, path: str, handler: HttpHandler) -> None: ...
