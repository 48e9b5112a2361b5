"""Microsoft Teams: each alert and update posted as an Adaptive Card to a channel's Workflows webhook."""

from __future__ import annotations

from rich.console import Console

from ...core.settings import PlatformSchema, Settings
from ..plugin import Platform, Plugin
from .platform import build
from .settings import TeamsSettings, check_host, check_route


def _build(settings: Settings, console: Console) -> Platform | None:
    return build(settings)


PLUGIN = Plugin(
    schema=PlatformSchema("teams", TeamsSettings, check_route=check_route, check_route_in=check_host),
    build=_build,
    # Teams throttles a webhook that gets more than four requests in one second ("Create Incoming
    # Webhooks", Microsoft Teams platform docs); one post every 0.25 s keeps each URL at that rate.
    pace=0.25,
)
