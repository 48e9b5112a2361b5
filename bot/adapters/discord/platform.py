"""The Discord platform: posting alerts by webhook or bot token, and starting the `/evradar` command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import aiohttp
import discord

from ...core.digest import Digest, Posted, Unchecked
from ...core.errors import ConfigError
from ...core.models import Alert, Delivered, DeliveryFailed, Destination
from ...core.ports import HttpRoutes, Leases, Notifier
from ...core.settings import Settings
from ..plugin import Platform
from . import feedback
from .commands import CommandRunner, build_tree, new_client, use_api_url
from .commands import sync_commands as sync_commands
from .digest import digest_pages
from .digest_post import find_by_bot, lookup_failure, post_by_bot
from .failures import failure
from .interactions import InteractionsEndpoint
from .render import NO_MENTIONS, render_alert, render_update_note, thread_name
from .settings import DiscordSettings

if TYPE_CHECKING:
    from ...chat.commands import Commands

log = logging.getLogger("evradar.discord")

INTERACTIONS_PATH = "/discord/interactions"
UNKNOWN_MESSAGE, THREAD_EXISTS = 10008, 160004
_HOSTS = {
    "discord.com",
    "discordapp.com",
    "ptb.discord.com",
    "canary.discord.com",
    "ptb.discordapp.com",
    "canary.discordapp.com",
}
_WEBHOOK_PATH = re.compile(r"/api(?:/v[0-9]+)?/webhooks/([0-9]{17,20})/([A-Za-z0-9._-]{60,100})/?")
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True, slots=True)
class WebhookRef:
    """A webhook URL as Discord shows it, taken apart; the token is a credential and is never logged."""

    id: int
    token: str = ""
    thread_id: int | None = None


def parse_webhook_url(url: str) -> WebhookRef | None:
    """The id and token of https://discord.com/api/webhooks/ID/TOKEN (also discordapp.com, ptb, canary)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    found = _WEBHOOK_PATH.fullmatch(parts.path)
    if parts.scheme != "https" or host not in _HOSTS or not found:
        return None
    thread = parse_qs(parts.query).get("thread_id", [""])[0]
    return WebhookRef(int(found[1]), found[2], int(thread) if thread.isascii() and thread.isdigit() else None)


class _Connections:
    """The shared aiohttp session (webhooks, late answers) and the REST-only bot client, made when first needed."""

    def __init__(self, *, token: str | None, timeout: float = 30.0) -> None:
        self.token = token
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._client: discord.Client | None = None
        self._login = asyncio.Lock()

    async def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(10.0, self.timeout))
            )
        return self._session

    async def bot(self) -> discord.Client:
        """A client logged in over REST only: posting needs no gateway session."""
        async with self._login:
            if self._client is None or self._client.is_closed():
                client = new_client(max_ratelimit_timeout=30.0)
                try:
                    await client.login(self.token or "")
                except BaseException:
                    await client.close()
                    raise
                self._client = client
            return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._session is not None:
            await self._session.close()
            self._session = None


class DiscordNotifier:
    """Posts alerts to Discord channels and edits them (and replies in their thread) when an event moves on."""

    platform = "discord"

    def __init__(self, connections: _Connections, *, timeout: float = 30.0) -> None:
        self._connections = connections
        self.timeout = timeout  # longer rate-limit waits are handed back to the Deliverer as retry_after

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        try:
            async with asyncio.timeout(self.timeout):
                if destination.webhook_url:
                    return await self._by_webhook(alert, destination.webhook_url)
                return await self._by_bot(alert, destination.channel)
        except Exception as exc:  # isolation point: every failure becomes a value the Deliverer acts on
            return failure(exc, destination)

    async def deliver_digest(
        self, digest: Digest, destination: Destination, *, posted: Posted | None = None
    ) -> Delivered | DeliveryFailed:
        """The digest as one message, or several when it passes Discord's limits (the rest follow it); the parts
        in ``posted`` are in the channel already and are not posted again."""
        try:
            async with asyncio.timeout(self.timeout):
                if not destination.webhook_url:
                    return await post_by_bot(await self._connections.bot(), destination.channel, digest, posted)
                ref = parse_webhook_url(destination.webhook_url)
                if ref is None:
                    return DeliveryFailed("the route's webhook_url is not a Discord webhook URL", permanent=True)
                hook = discord.Webhook.partial(ref.id, ref.token, session=await self._connections.session())
                pages = digest_pages(digest)
                sent = [await hook.send(embeds=p, allowed_mentions=NO_MENTIONS, wait=True) for p in pages]
                return Delivered(f"webhook:{sent[0].id}")
        except Exception as exc:  # isolation point: every failure becomes a value the sender acts on
            return failure(exc, destination)

    async def find_digest(
        self, digest: Digest, destination: Destination, *, since: float
    ) -> Posted | Unchecked | DeliveryFailed:
        """Which parts of the digest the channel shows, read back since its post was first tried."""
        if destination.webhook_url:
            return Unchecked("a webhook cannot read its channel's history")
        if not self._connections.token:
            return Unchecked("reading a channel needs DISCORD_BOT_TOKEN")
        try:
            async with asyncio.timeout(self.timeout):
                client = await self._connections.bot()
                return await find_by_bot(client, destination.channel, digest, since=since)
        except Exception as exc:  # isolation point: a failed read means "post again", never "lost"
            return lookup_failure(exc, destination)

    async def _by_webhook(self, alert: Alert, url: str) -> Delivered | DeliveryFailed:
        ref = parse_webhook_url(url)
        if ref is None:
            return DeliveryFailed(
                "the route's webhook_url is not a Discord webhook URL (https://discord.com/api/webhooks/ID/TOKEN);"
                " copy it again from the channel's Integrations → Webhooks and resume the destination",
                permanent=True,
            )
        hook = discord.Webhook.partial(ref.id, ref.token, session=await self._connections.session())
        thread = discord.Object(id=ref.thread_id) if ref.thread_id else discord.utils.MISSING
        message_id = _message_id(alert.reference, "webhook")
        if alert.is_update and message_id is not None:
            try:
                await hook.edit_message(
                    message_id, embed=render_alert(alert), allowed_mentions=NO_MENTIONS, thread=thread
                )
                return Delivered(alert.reference)
            except discord.NotFound as exc:
                if exc.code != UNKNOWN_MESSAGE:
                    raise
                # The original was deleted: the update goes out as a new message.
        sent = await hook.send(
            embed=render_alert(alert, mark_update=alert.is_update),
            allowed_mentions=NO_MENTIONS,
            wait=True,
            thread=thread,
        )
        return Delivered(f"webhook:{sent.id}")

    async def _by_bot(self, alert: Alert, channel: str) -> Delivered | DeliveryFailed:
        if not (channel.isascii() and channel.isdigit()):
            return DeliveryFailed(
                f"{channel!r} is not a Discord channel id; copy the id (Developer Mode → Copy Channel ID) into "
                "the route's channel and resume the destination",
                permanent=True,
            )
        if not self._connections.token:
            return DeliveryFailed(
                f"channel {channel} is posted to with the bot token, but DISCORD_BOT_TOKEN is not set; set it or "
                "give the route a webhook_url, then resume the destination",
                permanent=True,
            )
        client = await self._connections.bot()
        target = client.get_partial_messageable(int(channel))
        message_id = _message_id(alert.reference, channel)
        if alert.is_update and message_id is not None and await self._edit(client, channel, message_id, alert):
            return Delivered(alert.reference)
        sent = await target.send(
            embed=render_alert(alert, mark_update=alert.is_update),
            allowed_mentions=NO_MENTIONS,
            view=feedback.feedback_view(alert.event_id),
        )
        return Delivered(f"{channel}:{sent.id}")

    async def _edit(self, client: discord.Client, channel: str, message_id: int, alert: Alert) -> bool:
        """Edit the original alert and reply in its thread; False when the original was deleted."""
        original = client.get_partial_messageable(int(channel)).get_partial_message(message_id)
        try:
            await original.edit(embed=render_alert(alert), allowed_mentions=NO_MENTIONS)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_MESSAGE:
                raise
            return False
        await self._reply_in_thread(client, channel, message_id, alert)
        return True

    async def _reply_in_thread(self, client: discord.Client, channel: str, message_id: int, alert: Alert) -> None:
        """Post the update in the thread on the original alert, starting the thread if there is none yet."""
        try:
            try:
                started = await client.http.start_thread_with_message(
                    channel, message_id, name=thread_name(alert), auto_archive_duration=1440
                )
                thread_id = int(started["id"])
            except discord.HTTPException as exc:
                if exc.code != THREAD_EXISTS:
                    raise
                thread_id = message_id  # a thread started from a message has the message's id
            await client.get_partial_messageable(thread_id).send(
                embed=render_update_note(alert), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise  # worth another try later; editing the original again does no harm
            log.warning(
                "The alert in Discord channel %s was updated, but evradar could not reply in its thread (%s %s); "
                "give the bot Create Public Threads and Send Messages in Threads there.",
                channel,
                exc.status,
                exc.text[:100],
            )

    async def close(self) -> None:
        await self._connections.close()


def _message_id(reference: str, prefix: str) -> int | None:
    """The message id in "webhook:123" or "<channel>:123", if the reference is of that kind."""
    head, _, tail = reference.partition(":")
    return int(tail) if head == prefix and tail.isascii() and tail.isdigit() else None


class DiscordPlatform:
    """Alerts by webhook or bot; `/evradar` on the gateway (bot token) and/or over HTTP (public key)."""

    name = "discord"

    def __init__(self, settings: Settings, *, token: str | None, public_key: str | None) -> None:
        self.discord = settings.section("discord", DiscordSettings)
        self._token = token
        self._public_key = public_key
        self._connections = _Connections(token=token, timeout=self.discord.timeout)
        self.notifier: Notifier = DiscordNotifier(self._connections, timeout=self.discord.timeout)
        self.endpoint: InteractionsEndpoint | None = None
        self.gateway: discord.Client | None = None
        self._gateway_task: asyncio.Task[None] | None = None

    async def start(self, *, server: HttpRoutes | None, commands: Commands, leases: Leases | None = None) -> None:
        runner = CommandRunner(commands, admins=self.discord.admins)
        if self._public_key and server is None:
            log.warning(
                "DISCORD_PUBLIC_KEY is set but the HTTP server is off; set [server] enabled = true so "
                "Discord can reach %s.",
                INTERACTIONS_PATH,
            )
        elif self._public_key and server is not None:
            self.endpoint = InteractionsEndpoint(
                runner,
                public_key=self._public_key,
                api_url=self.discord.api_url,
                session=self._connections.session,
                feedback_role=self.discord.feedback_role,
            )
            server.add_post(INTERACTIONS_PATH, self.endpoint.handle)
        if self._token:
            self.gateway = new_client()
            build_tree(self.gateway, runner)
            self.gateway.event(
                feedback.gateway_listener(commands, role=self.discord.feedback_role, admins=self.discord.admins)
            )
            self._gateway_task = asyncio.create_task(self._run_gateway(self.gateway, self._token, leases))

    async def _run_gateway(self, client: discord.Client, token: str, leases: Leases | None) -> None:
        """Keep the gateway session (slash commands) open; discord.py reconnects by itself. In a cluster
        one instance holds it; the others wait to take over."""
        try:
            if leases is not None:
                await leases.acquire("discord-gateway")
            await client.start(token)
        except discord.LoginFailure:
            log.error(
                "Discord refused DISCORD_BOT_TOKEN, so /evradar does not work over the gateway; reset the "
                "token in the Developer Portal (Bot → Reset Token), set it and restart evradar."
            )
        except Exception:  # isolation point: alerts keep going out when the gateway fails
            log.exception(
                "The Discord gateway connection stopped, so /evradar does not answer over the gateway "
                "until evradar restarts; alerts are still posted."
            )

    async def stop(self) -> None:
        if self.gateway is not None:
            await self.gateway.close()
        if self._gateway_task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._gateway_task), timeout=5.0)
            self._gateway_task.cancel()
            await asyncio.gather(self._gateway_task, return_exceptions=True)
        if self.endpoint is not None:
            await self.endpoint.close()
        await self.notifier.close()


def build(settings: Settings) -> Platform | None:
    """The Discord platform when a token, a public key or a discord route is configured; else None."""
    token = _secret(settings, "discord_bot_token")
    public_key = _secret(settings, "discord_public_key")
    if not (token or public_key or any(r.platform == "discord" for r in settings.routes)):
        return None
    if public_key and not _HEX_KEY.fullmatch(public_key):
        raise ConfigError(
            "DISCORD_PUBLIC_KEY is not a Discord public key; copy the 64 hexadecimal characters "
            "shown as Public Key on the application's General Information page."
        )
    use_api_url(settings.section("discord", DiscordSettings).api_url)
    return DiscordPlatform(settings, token=token, public_key=public_key)


def _secret(settings: Settings, name: str) -> str | None:
    return (settings.secret(name) or "").strip() or None
