"""What a Slack route needs beyond its own keys: an incoming webhook on Slack's host, a token for a channel."""

from __future__ import annotations

import re

from ...core.settings import Settings
from ..plugin import routes_of, webhook_problem

HOSTS = ("hooks.slack.com",)
_PATH = re.compile(r"/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+/?")
_EXAMPLE = "https://hooks.slack.com/services/T000/B000/XXXX"


def check(settings: Settings) -> list[str]:
    problems: list[str] = []
    for where, route in routes_of(settings, "slack"):
        if route.webhook_url:
            problem = webhook_problem(route.webhook_url, hosts=HOSTS, path=_PATH, example=_EXAMPLE)
            if problem:
                problems.append(f"{where}.webhook_url: a Slack incoming webhook {problem}")
        elif route.channel and not settings.secret("slack_bot_token"):
            problems.append(
                f"{where}.channel: posting to a Slack channel needs SLACK_BOT_TOKEN (xoxb-…) in the environment; "
                "set it, or give the route an incoming webhook_url instead"
            )
    return problems
