"""What a Discord route needs beyond its own keys: a webhook URL of Discord's shape, a numeric channel id
and a bot token for it."""

from __future__ import annotations

import re

from ...core.settings import Settings
from ..plugin import routes_of, webhook_problem

HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
_PATH = re.compile(r"/api(?:/v\d+)?/webhooks/\d{15,21}/[\w-]+/?")
_EXAMPLE = "https://discord.com/api/webhooks/123456789012345678/TOKEN"
_SNOWFLAKE = re.compile(r"\d{1,21}")  # Discord ids are 17-20 digits; test servers use short ones


def check(settings: Settings) -> list[str]:
    problems: list[str] = []
    for where, route in routes_of(settings, "discord"):
        if route.webhook_url:
            problem = webhook_problem(route.webhook_url, hosts=HOSTS, path=_PATH, example=_EXAMPLE)
            if problem:
                problems.append(f"{where}.webhook_url: a Discord webhook {problem}")
            continue
        if not _SNOWFLAKE.fullmatch(route.channel):
            problems.append(
                f"{where}.channel: {route.channel!r} is not a Discord channel id; turn on Developer Mode in "
                "Discord, right-click the channel, Copy Channel ID (a number such as 112233445566778899)"
            )
        if not settings.secret("discord_bot_token"):
            problems.append(
                f"{where}.channel: posting to a Discord channel needs DISCORD_BOT_TOKEN in the environment; "
                "set it, or give the route a webhook_url instead"
            )
    return problems
