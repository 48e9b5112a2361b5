"""Slack alerts: chat.postMessage with the bot token or an incoming webhook, thread replies and edits,
rate limits, and which Slack errors pause a destination."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slack_sdk.webhook.webhook_response import WebhookResponse

from ...core.digest import Digest, Posted, Unchecked
from ...core.models import Alert, Delivered, DeliveryFailed, Destination
from . import feedback, render
from .digest import DigestMetadata, digest_messages, part_metadata
from .history import find_parts

log = logging.getLogger("evradar.slack")

INLINE_RETRY_MAX = 5.0  # seconds of Retry-After worth waiting inside one post; longer waits go back to the outbox
_TS = re.compile(r"\d+\.\d+")
_TOKEN_FIX = "set SLACK_BOT_TOKEN to the app's current Bot User OAuth Token (xoxb-…) and restart evradar"
_HISTORY_FIXES = {  # why a channel could not be read back, and how to let evradar check it next time
    "missing_scope": "; add the channels:history and groups:history scopes to the app, reinstall it and update "
    "SLACK_BOT_TOKEN",
    "not_in_channel": "; invite the app with `/invite @evradar` so it can read the channel",
}
_SCOPE_FIX = "add the chat:write and chat:write.public scopes to the app, reinstall it and update SLACK_BOT_TOKEN"
_ARCHIVED_FIX = "unarchive the channel or route these alerts to another one in {config}"
PERMANENT_ERRORS = {
    "channel_not_found": "the channel does not exist or the app cannot see it; check the channel id (C…) in "
    "{config} or the subscription, and that the app is installed in that workspace",
    "not_in_channel": "the app is not in that channel; invite it with `/invite @evradar`, or add the "
    "chat:write.public scope for public channels",
    "restricted_action": "the workspace does not let the app post there; ask a Slack admin or pick another one",
    **dict.fromkeys(("is_archived", "channel_is_archived"), _ARCHIVED_FIX),
    **dict.fromkeys(
        ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"), _TOKEN_FIX
    ),
    **dict.fromkeys(("no_permission", "missing_scope"), _SCOPE_FIX),
}
WEBHOOK_PERMANENT = frozenset(
    "no_service no_service_id invalid_token action_prohibited no_team team_disabled channel_not_found "
    "channel_is_archived posting_to_general_channel_denied".split()
)
BLOCK_ERRORS = frozenset("invalid_blocks invalid_blocks_format msg_too_long msg_blocks_too_long".split())
_NO_TOKEN = (
    "Slack channel {} needs a bot token: set SLACK_BOT_TOKEN (xoxb-…) or give the route a webhook_url in "
    "{config}, then restart evradar."
)
_BLOCKS_REFUSED = "Slack refused an alert's blocks (%s); evradar sent its text alone. Please report this bug."


def quiet_logger(name: str = "evradar.slack.sdk", *, level: int = logging.INFO) -> logging.Logger:
    """A logger for slack_sdk/Bolt that keeps their request dumps out (webhook URLs and bodies hold secrets)."""
    logger = logging.getLogger(name)
    logger.setLevel(max(logger.level, level))
    return logger


class _ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 once in place when Slack asks for a short wait; a long wait is left to the outbox."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        seconds = retry_after(response.headers)
        return seconds is None or seconds <= INLINE_RETRY_MAX


def retry_handlers() -> list[AsyncRetryHandler]:
    return [AsyncConnectionErrorRetryHandler(), _ShortRateLimitRetry(max_retry_count=1)]


def retry_after(headers: Mapping[str, Any]) -> float | None:
    """Seconds from a Retry-After header (any case; a value or a list of values), if it is a number."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(str(first)), 0.0)
            except ValueError:
                return None
    return None


class SlackNotifier:
    """Posts alerts to Slack channels (chat.postMessage with the bot token) or incoming webhooks."""

    platform = "slack"

    def __init__(
        self, *, token: str | None, api_url: str, timeout: float = 15.0, config: str = "the configuration file"
    ) -> None:
        self._token = token
        self._config = config  # the configuration file in use, named in advice
        self._api_url = api_url
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._web: AsyncWebClient | None = None
        self._webhooks: dict[str, AsyncWebhookClient] = {}

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        try:
            if destination.webhook_url:
                return await self._by_webhook(alert, destination)
            if not self._token or not destination.channel:
                no_token = _NO_TOKEN.replace("{config}", self._config)
                return DeliveryFailed(no_token.format(destination.channel or "(none)"), permanent=True)
            return await self._by_token(alert, destination.channel)
        except SlackApiError as exc:
            return _api_failure(exc, destination, config=self._config)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return DeliveryFailed(
                f"Slack was unreachable for {destination.key} ({type(exc).__name__}); retrying later."
            )
        except Exception as exc:  # isolation point: one odd answer must not escape into the Deliverer
            log.exception("Posting to %s failed unexpectedly; the alert stays queued.", destination.key)
            return DeliveryFailed(f"unexpected {type(exc).__name__} posting to Slack; evradar retries later.")

    async def deliver_digest(
        self, digest: Digest, destination: Destination, *, posted: Posted | None = None
    ) -> Delivered | DeliveryFailed:
        """The digest: its first message in the channel, the rest in that message's thread; the parts in
        ``posted`` are there already and are not posted again."""
        messages = digest_messages(digest)
        try:
            if destination.webhook_url:  # a webhook cannot thread: the parts follow one another
                client = self._webhook(destination.webhook_url)
                for message in messages:
                    answer = await client.send(blocks=list(message.blocks), text=message.text, unfurl_links=False)
                    if answer.status_code != 200:
                        return _webhook_failure(answer, destination, config=self._config)
                return Delivered()
            if not self._token or not destination.channel:
                no_token = _NO_TOKEN.replace("{config}", self._config)
                return DeliveryFailed(no_token.format(destination.channel or "(none)"), permanent=True)
            return await self._digest_by_token(digest, messages, destination.channel, posted)
        except SlackApiError as exc:
            return _api_failure(exc, destination, config=self._config)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return DeliveryFailed(f"Slack was unreachable for {destination.key} ({type(exc).__name__}).")

    async def find_digest(
        self, digest: Digest, destination: Destination, *, since: float
    ) -> Posted | Unchecked | DeliveryFailed:
        """Which parts of the digest the channel shows, read back since its post was first tried."""
        if destination.webhook_url:
            return Unchecked("an incoming webhook cannot read its channel's history")
        if not self._token or not destination.channel:
            return Unchecked("reading a channel needs SLACK_BOT_TOKEN and the route's channel id")
        parts = len(digest_messages(digest))
        try:
            return await find_parts(
                self._client(), channel=destination.channel, key=digest.key, parts=parts, since=since
            )
        except SlackApiError as exc:
            failed = _api_failure(exc, destination, config=self._config)
            if failed.retry_after is not None:
                return failed  # rate-limited: read again when Slack allows, rather than risk a double
            error = slack_error(exc) or f"HTTP {exc.response.status_code}"
            advice = _HISTORY_FIXES.get(error, "")
            return Unchecked(f"Slack answered {error} to reading channel {destination.channel}{advice}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Unchecked(f"Slack was unreachable ({type(exc).__name__})")

    async def _digest_by_token(
        self, digest: Digest, messages: list[render.Message], channel: str, posted: Posted | None
    ) -> Delivered:
        client, found, parts = self._client(), posted.found if posted else {}, len(messages)
        first = parse_reference(found.get(0, ""))
        if first is None:
            sent = await _post(
                client, channel=channel, message=messages[0], metadata=part_metadata(digest.key, 0, parts)
            )
            first = (str(sent["channel"]), str(sent["ts"]))
        for n, message in enumerate(messages[1:], start=1):
            if n not in found:
                metadata = part_metadata(digest.key, n, parts)
                await _post(client, channel=first[0], message=message, thread_ts=first[1], metadata=metadata)
        return Delivered(reference=f"{first[0]}:{first[1]}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session, self._web = None, None
        self._webhooks.clear()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        return self._session

    def _options(self) -> dict[str, Any]:
        session, timeout = self._http(), max(1, round(self._timeout))
        return {
            "session": session,
            "timeout": timeout,
            "logger": quiet_logger(),
            "retry_handlers": retry_handlers(),
        }

    def _client(self) -> AsyncWebClient:
        if self._web is None:
            self._web = AsyncWebClient(token=self._token, base_url=self._api_url, **self._options())
        return self._web

    def _webhook(self, url: str) -> AsyncWebhookClient:
        if url not in self._webhooks:
            self._webhooks[url] = AsyncWebhookClient(url, **self._options())
        return self._webhooks[url]

    async def _by_token(self, alert: Alert, channel: str) -> Delivered:
        client = self._client()
        thread = parse_reference(alert.reference) if alert.is_update else None
        if thread is None:
            sent = await _post(client, channel=channel, message=alert_message(alert, as_update=alert.is_update))
            return Delivered(reference=f"{sent['channel']}:{sent['ts']}")
        first_channel, first_ts = thread
        reply = await _post(client, channel=first_channel, message=render.update_reply(alert), thread_ts=first_ts)
        await _edit_first(client, alert, channel=first_channel, ts=first_ts)
        return Delivered(reference=f"{reply['channel']}:{reply['ts']}")

    async def _by_webhook(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        client = self._webhook(destination.webhook_url)
        message = alert_message(alert, as_update=alert.is_update)
        answer = await client.send(blocks=list(message.blocks), text=message.text, unfurl_links=False)
        if answer.status_code != 200 and _webhook_error(answer) in BLOCK_ERRORS:
            log.warning(_BLOCKS_REFUSED, _webhook_error(answer))
            answer = await client.send(text=message.text, unfurl_links=False)
        if answer.status_code == 200:
            return Delivered(reference="")  # webhooks cannot thread or edit, so there is nothing to refer to
        return _webhook_failure(answer, destination, config=self._config)


def alert_message(alert: Alert, *, as_update: bool = False) -> render.Message:
    """The alert as rendered, with the feedback buttons (a click reaches the app even through a webhook)."""
    return feedback.with_buttons(render.alert_message(alert, as_update=as_update), alert.event_id)


def parse_reference(reference: str) -> tuple[str, str] | None:
    """("C0123", "1700000000.000100") from "C0123:1700000000.000100"; None for anything else."""
    channel, _, ts = reference.partition(":")
    return (channel, ts) if channel and _TS.fullmatch(ts) else None


async def _post(
    client: AsyncWebClient,
    *,
    channel: str,
    message: render.Message,
    thread_ts: str | None = None,
    metadata: DigestMetadata | None = None,
) -> AsyncSlackResponse:
    """chat.postMessage with blocks and fallback text; plain text alone if Slack refuses the blocks."""
    options: dict[str, Any] = dict(channel=channel, text=message.text, unfurl_links=False, thread_ts=thread_ts)
    if metadata is not None:
        options["metadata"] = dict(metadata)
    try:
        return await client.chat_postMessage(blocks=list(message.blocks), **options)
    except SlackApiError as exc:
        if slack_error(exc) not in BLOCK_ERRORS:
            raise
        log.warning(_BLOCKS_REFUSED, slack_error(exc))
        return await client.chat_postMessage(**options)


async def _edit_first(client: AsyncWebClient, alert: Alert, *, channel: str, ts: str) -> None:
    """Show the current stage and source count on the first alert; the thread reply already told the news."""
    message = alert_message(alert)
    try:
        await client.chat_update(channel=channel, ts=ts, blocks=list(message.blocks), text=message.text)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        reason = slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning(
            "Editing the first alert of event %d failed (%s); its thread has the news.", alert.event_id, reason
        )


def slack_error(exc: SlackApiError) -> str:
    data = exc.response.data if exc.response is not None else None
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def _api_failure(exc: SlackApiError, destination: Destination, *, config: str) -> DeliveryFailed:
    status, error = exc.response.status_code, slack_error(exc)
    where = f"channel {destination.channel}"
    if status == 429 or error == "ratelimited":
        seconds = retry_after(exc.response.headers)
        wait = f"asked to wait {seconds:.0f} s" if seconds is not None else "no wait given"
        return DeliveryFailed(f"Slack rate-limited {where} ({wait}); evradar retries then.", retry_after=seconds)
    fix = PERMANENT_ERRORS.get(error)
    if fix:
        fix = fix.replace("{config}", config)
        return DeliveryFailed(f"Slack answered {error} for {where}: {fix}.", permanent=True)
    return DeliveryFailed(f"Slack answered {error or f'HTTP {status}'} for {where}; evradar retries later.")


def _webhook_error(answer: WebhookResponse) -> str:
    return " ".join((answer.body or "").split())[:100]


def _webhook_failure(answer: WebhookResponse, destination: Destination, *, config: str) -> DeliveryFailed:
    status, error = answer.status_code, _webhook_error(answer)
    where = f"the incoming webhook of {destination.key}"  # never the URL: it is the credential
    if status == 429:
        seconds = retry_after(answer.headers)
        return DeliveryFailed(f"Slack rate-limited {where}; evradar retries when allowed.", retry_after=seconds)
    if status in (403, 404, 410) or error in WEBHOOK_PERMANENT:
        return DeliveryFailed(
            f"Slack answered {status} {error or 'with no reason'} for {where}: the webhook was removed or its "
            "channel is gone; create a new one under Incoming Webhooks in the Slack app settings and put its "
            f"URL in {config}.",
            permanent=True,
        )
    return DeliveryFailed(f"Slack answered {status} {error or '(no reason)'} for {where}; evradar retries later.")
