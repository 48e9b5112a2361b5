"""The small interfaces the bot's parts meet at; adapters satisfy them without inheriting."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol

from .models import Alert, Delivered, DeliveryFailed, Destination

if TYPE_CHECKING:
    from ..chat.commands import Commands
    from ..run.server import Server


class Notifier(Protocol):
    """Posts alerts to one platform (Slack, Discord, the console)."""

    platform: str

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed: ...

    async def close(self) -> None: ...


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


class Platform(Protocol):
    """A chat platform: how it posts alerts, and how its slash command reaches evradar.

    Built by a factory named in ``bot.adapters.PLATFORMS`` from the settings; the factory
    returns None when the platform is not configured (no token, no webhook route).
    """

    name: str
    notifier: Notifier

    async def start(self, *, server: Server | None, commands: Commands, leases: Leases | None = None) -> None:
        """Mount HTTP routes on ``server`` and/or open the platform's own connection (a connection only
        one instance may hold, like Discord's gateway, waits for its lease)."""
        ...

    async def stop(self) -> None: ...
