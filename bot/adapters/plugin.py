"""What a chat platform plugs into evradar: its settings, pacing, destination keys, factory and commands."""

from __future__ import annotations

import argparse
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from rich.console import Console

from ..chat.commands import Commands
from ..core.models import Alert, Delivered, DeliveryFailed, Destination, Source
from ..core.ports import HttpRoutes, Leases, Notifier
from ..core.settings import PlatformSchema, RouteSettings, Settings

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
CliCommand = Callable[[Settings, argparse.Namespace], Awaitable[str]]
SendTest = Callable[[Notifier, Destination], Awaitable[Delivered | DeliveryFailed]]
TEST_LINK = "https://github.com/evradar/evradar"


def test_alert() -> Alert:
    """The alert `evradar destinations test` posts: shaped like a real one, so it takes the same path."""
    now = datetime.now(UTC)
    title = "Test message from evradar: this route works"
    return Alert(
        event_id=0,
        version=1,
        partners=("evradar", "test message"),
        kind="other",
        stage="announced",
        score=1.0,
        evidence="This is a test message from `evradar destinations test`; partnership alerts look like this.",
        title=title,
        link=TEST_LINK,
        sources=(Source(title, TEST_LINK, "evradar", now),),
        first_seen=now,
    )


async def post_test_alert(notifier: Notifier, destination: Destination) -> Delivered | DeliveryFailed:
    """The generic test: one alert through the platform's own notifier, nothing queued or stored."""
    return await notifier.deliver(test_alert(), destination)


class Platform(Protocol):
    """A chat platform at run time: how it posts alerts, and how its slash command reaches evradar."""

    name: str
    notifier: Notifier

    async def start(self, *, server: HttpRoutes | None, commands: Commands, leases: Leases | None = None) -> None:
        """Mount HTTP routes on ``server`` and/or open the platform's own connection (a connection only
        one instance may hold, like Discord's gateway, waits for its lease)."""
        ...

    async def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Plugin:
    """One platform, registered by name in ``bot.adapters.PLATFORMS``.

    ``build`` returns None when the platform is not set up (no token, no route); it imports the
    platform's SDK only when called, so commands that post nothing start without it.
    ``decode`` reads the part of a destination key after "<platform>:" back into a destination,
    for keys no configured route has (a subscribed channel); None when the key means nothing now.
    ``add_commands`` adds the platform's own `evradar` subcommands; each sets ``platform_command``.
    ``send_test`` posts one test message to a destination and returns what the platform answered.
    ``check`` finds what is wrong with the whole settings for this platform's routes (a webhook URL of
    the wrong shape, a token a route needs but the environment lacks), one sentence per problem, each
    starting with its key path; `config check` and `run` refuse to go on while there are any.
    """

    schema: PlatformSchema
    build: Callable[[Settings, Console], Platform | None]
    pace: float = 1.0  # least seconds between two posts to one destination
    decode: Callable[[str], Destination | None] = lambda rest: None
    add_commands: Callable[
        [argparse._SubParsersAction[argparse.ArgumentParser], argparse.ArgumentParser], None
    ] = lambda commands, common: None
    send_test: SendTest = post_test_alert
    check: Callable[[Settings], list[str]] = lambda settings: []

    @property
    def name(self) -> str:
        return self.schema.name


def needs_address(route: RouteSettings) -> None:
    """The check for platforms that post to a channel or a webhook: one of them must be given."""
    if not (route.channel or route.webhook_url):
        raise ValueError(f"a {route.platform} route needs a channel or a webhook_url")


def routes_of(settings: Settings, platform: str) -> list[tuple[str, RouteSettings]]:
    """The routes of one platform, each with its key path ("routes[2]")."""
    return [(f"routes[{n}]", r) for n, r in enumerate(settings.routes) if r.platform == platform]


def webhook_problem(url: str, *, hosts: tuple[str, ...], path: re.Pattern[str], example: str) -> str:
    """Why ``url`` is not a webhook of this platform ("" when it is one); local hosts reach test servers."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTS:
        return ""  # a fake server on this machine (tests, local relays) may use any path
    if host not in hosts:
        return f"is not on {' or '.join(hosts)}; copy the webhook URL the platform gave, such as {example}"
    if not path.fullmatch(parts.path):
        return f"does not have the shape of a webhook URL; copy the one the platform gave, such as {example}"
    return ""


def channel_decoder(platform: str) -> Callable[[str], Destination | None]:
    """Keys "<platform>:<channel>" read back as that channel; webhook keys only match configured routes
    (the URL itself is never stored)."""

    def decode(rest: str) -> Destination | None:
        return Destination(platform, rest) if rest and not rest.startswith("webhook:") else None

    return decode
