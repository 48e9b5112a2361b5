"""Slack: alerts by bot token or incoming webhook, and `/evradar` over HTTP or Socket Mode."""

from __future__ import annotations

from rich.console import Console

from ...core.settings import PlatformSchema, Settings
from ..plugin import Platform, Plugin, channel_decoder, needs_address
from .checks import check
from .settings import SECRETS, SlackSettings


def _build(settings: Settings, console: Console) -> Platform | None:
    from .platform import build  # Bolt and slack_sdk load only when Slack is built

    return build(settings)


PLUGIN = Plugin(
    schema=PlatformSchema("slack", SlackSettings, SECRETS, needs_address),
    build=_build,
    pace=1.0,  # Slack allows about one post a second per channel
    decode=channel_decoder("slack"),
    check=check,
)
