"""The small interfaces the bot's parts meet at; adapters satisfy them without inheriting."""

from __future__ import annotations

from typing import Protocol

from .models import Alert, Delivered, DeliveryFailed, Destination


class Notifier(Protocol):
    """Posts alerts to one platform (Slack, Discord, the console)."""

    platform: str

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed: ...

    async def close(self) -> None: ...
