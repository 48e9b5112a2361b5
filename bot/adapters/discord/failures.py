"""What a failed Discord post means: retry later, or pause the destination with what to fix."""

from __future__ import annotations

import logging

import aiohttp
import discord

from ...core.models import DeliveryFailed, Destination

log = logging.getLogger("evradar.discord")
MISSING_ACCESS = 50001
PERMISSIONS_NEEDED = (
    "Send Messages, Embed Links, Create Public Threads, Send Messages in Threads and Read Message History"
)


def failure(exc: BaseException, destination: Destination) -> DeliveryFailed:
    """What a failed post means for the Deliverer: wait and retry, retry later, or pause the destination."""
    where = f"the webhook of {destination.key}" if destination.webhook_url else f"channel {destination.channel}"
    if isinstance(exc, discord.RateLimited):
        return DeliveryFailed(
            f"Discord asked to wait {exc.retry_after:.0f} s before posting to {where} again",
            retry_after=exc.retry_after,
        )
    if isinstance(exc, discord.LoginFailure):
        return DeliveryFailed(
            "Discord refused DISCORD_BOT_TOKEN (401 Unauthorized); reset it in the Developer "
            "Portal (Bot → Reset Token), set DISCORD_BOT_TOKEN and restart evradar",
            permanent=True,
        )
    if isinstance(exc, discord.HTTPException):
        return _http_failure(exc, where, webhook=bool(destination.webhook_url))
    if isinstance(exc, TimeoutError):
        return DeliveryFailed(
            "Discord did not answer in time (a long rate-limit wait or a slow network); the alert is retried later"
        )
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return DeliveryFailed(f"could not reach Discord ({type(exc).__name__}); the alert is retried later")
    log.error("Posting to %s failed unexpectedly; the alert is retried later.", destination.key, exc_info=exc)
    return DeliveryFailed(
        f"unexpected error ({type(exc).__name__}); the alert is retried later, the log has details"
    )


def _http_failure(exc: discord.HTTPException, where: str, *, webhook: bool) -> DeliveryFailed:
    said = f"{exc.status} {exc.text[:200]}".strip() + (f" (code {exc.code})" if exc.code else "")
    if exc.status == 429:
        retry = _retry_after(exc)
        return DeliveryFailed(
            f"Discord rate-limited posts to {where} ({said}); retried in {retry:.1f} s", retry_after=retry
        )
    if exc.status in (401, 403, 404):  # retrying cannot help, and Discord bans IPs that keep trying
        fix = _fix(exc, where, webhook=webhook)
        return DeliveryFailed(
            f"Discord refused the post to {where} ({said}); {fix}, then resume it", permanent=True
        )
    if exc.status >= 500:
        return DeliveryFailed(
            f"Discord had a server error posting to {where} ({said}); the alert is retried later"
        )
    return DeliveryFailed(
        f"Discord rejected the post to {where} ({said}); it is retried later, and if this repeats, report it "
        "with the log"
    )


def _fix(exc: discord.HTTPException, where: str, *, webhook: bool) -> str:
    if webhook:
        return (
            "the webhook was deleted or its URL is wrong: create a new webhook in the channel's Integrations → "
            "Webhooks and put its URL in the route's webhook_url"
        )
    if exc.status == 401:
        return "reset the bot token in the Developer Portal (Bot → Reset Token) and set DISCORD_BOT_TOKEN"
    if exc.status == 404:
        return "check the route's channel id and that the bot is in that server"
    if exc.code == MISSING_ACCESS:
        return f"give the bot View Channel in {where}"
    return f"give the bot {PERMISSIONS_NEEDED} in {where}"


def _retry_after(exc: discord.HTTPException) -> float:
    header = exc.response.headers.get("Retry-After", "") if exc.response is not None else ""
    try:
        return max(float(header), 0.0)
    except ValueError:
        return 5.0
