"""The console: alerts printed in the terminal, the default destination; it needs no set-up."""

from __future__ import annotations

from rich.console import Console

from ...core.models import Destination
from ...core.settings import PlatformSchema, Settings
from ..plugin import Platform, Plugin
from .notifier import ConsolePlatform


def _build(settings: Settings, console: Console) -> Platform:
    return ConsolePlatform(console)


PLUGIN = Plugin(
    schema=PlatformSchema("console"),
    build=_build,
    pace=0.0,
    decode=lambda rest: None if rest else Destination("console"),
)
