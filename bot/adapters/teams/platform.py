"""The teams platform: Adaptive Cards posted to channels through Workflows webhooks; it answers no commands."""

from __future__ import annotations

from ...core.ports import Notifier
from ...core.settings import Settings
from .notifier import TeamsNotifier
from .settings import TeamsSettings


class TeamsPlatform:
    name = "teams"

    def __init__(self, settings: Settings) -> None:
        self.notifier: Notifier = TeamsNotifier(timeout=settings.section(self.name, TeamsSettings).timeout)

    async def start(self, *, server: object, commands: object, leases: object = None) -> None:
        return None

    async def stop(self) -> None:
        await self.notifier.close()


def build(settings: Settings) -> TeamsPlatform | None:
    """The teams platform when a route posts to Teams; None otherwise."""
    return TeamsPlatform(settings) if any(r.platform == "teams" for r in settings.routes) else None
