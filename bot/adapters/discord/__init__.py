"""Discord: alerts by webhook or bot token, the `/evradar` application command, and `evradar discord sync`."""

from __future__ import annotations

import argparse

from rich.console import Console

from ...core.settings import PlatformSchema, Settings
from ..plugin import Platform, Plugin, channel_decoder, needs_address
from .checks import check
from .settings import SECRETS, DiscordSettings


def _build(settings: Settings, console: Console) -> Platform | None:
    from .platform import build  # discord.py loads only when Discord is built

    return build(settings)


async def _sync(settings: Settings, args: argparse.Namespace) -> str:
    from .commands import sync_commands

    return await sync_commands(settings, guild_id=args.guild)


def _add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    sync = commands.add_parser(
        "discord", parents=[common], help="register /evradar with Discord (once, not on every start)"
    )
    sync.add_argument("action", choices=("sync",))
    sync.add_argument("--guild", type=int, default=None, help="one server's id: shows up at once there")
    sync.set_defaults(platform_command=_sync)


PLUGIN = Plugin(
    schema=PlatformSchema("discord", DiscordSettings, SECRETS, needs_address),
    build=_build,
    pace=0.5,
    decode=channel_decoder("discord"),
    check=check,
    add_commands=_add_commands,
)
