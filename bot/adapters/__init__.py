"""Chat platform adapters: the only code that imports slack_bolt, slack_sdk or discord.

Registration is explicit: each platform's factory is named here and called with the
settings; it returns a :class:`bot.ports.Platform`, or None when the platform is not set up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..core.ports import Platform
from ..core.settings import Settings

PLATFORMS: dict[str, str] = {
    "slack": "bot.adapters.slack.platform:build",
    "discord": "bot.adapters.discord.platform:build",
}


def build_platforms(settings: Settings) -> list[Platform]:
    """Every configured platform, built."""
    built: list[Platform] = []
    for spec in PLATFORMS.values():
        module, _, name = spec.partition(":")
        factory: Callable[[Settings], Platform | None] = getattr(importlib.import_module(module), name)
        platform = factory(settings)
        if platform is not None:
            built.append(platform)
    return built
