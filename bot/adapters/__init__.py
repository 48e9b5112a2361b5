"""Chat platform adapters: the only code that imports slack_bolt, slack_sdk or discord.

Registration is explicit: each platform is one entry of :data:`PLATFORMS`, a name -> plugin
map (settings section, secrets, pacing, destination keys, factory, command-line subcommands).
Adding a platform means adding a folder here and a line below; no other file names a platform.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.console import Console

from ..core.models import Destination
from ..core.settings import Settings
from . import console, discord, slack, teams, webhook
from .plugin import Platform, Plugin

PLATFORMS: dict[str, Plugin] = {
    "slack": slack.PLUGIN,
    "discord": discord.PLUGIN,
    "console": console.PLUGIN,
    "webhook": webhook.PLUGIN,
    "teams": teams.PLUGIN,
}
FALLBACK = "console"  # where alerts go when no route is configured; it needs no set-up


def build_platforms(
    settings: Settings, console: Console, *, only: Collection[str] | None = None
) -> list[Platform]:
    """Every configured platform (or those named in ``only``), built."""
    built: list[Platform] = []
    for name, plugin in PLATFORMS.items():
        if only is None or name in only:
            platform = plugin.build(settings, console)
            if platform is not None:
                built.append(platform)
    return built


def pacing() -> dict[str, float]:
    """Least seconds between two posts to one destination, per platform."""
    return {name: plugin.pace for name, plugin in PLATFORMS.items()}


def decode(key: str) -> Destination | None:
    """The destination a stored key names, as its platform reads it; None for keys of no platform."""
    platform, _, rest = key.partition(":")
    plugin = PLATFORMS.get(platform)
    return plugin.decode(rest) if plugin is not None else None
