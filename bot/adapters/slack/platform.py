"""Slack: posting alerts (bot token or incoming webhook) and answering `/evradar` over HTTP or Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from ...chat.commands import MAX_TEXT, Answer, Attachment, Commands, Refused, Request
from ...chat.feedback import Click
from ...chat.lookup import StatusView
from ...core.feedback import parse_value
from ...core.ports import HttpRoutes, Leases, Notifier
from ...core.settings import Settings
from ..plugin import Platform
from . import feedback, render
from .notifier import SlackNotifier, quiet_logger, retry_handlers, slack_error
from .settings import SECRETS, SlackSettings

log = logging.getLogger("evradar.slack")

EVENTS_PATH = "/slack/events"
COMMAND = "/evradar"
_UNSIGNED = (
    "Refused a request to /slack/events with a missing, wrong or stale signature; if it came from Slack, "
    "check SLACK_SIGNING_SECRET and this machine's clock."
)


def build(settings: Settings) -> Platform | None:
    """The Slack platform when a Slack token, signing secret or route is configured; None otherwise."""
    routed = any(route.platform == "slack" for route in settings.routes)
    if not (routed or any(settings.secret(name) for name in SECRETS)):
        return None
    return SlackPlatform(settings)


async def _answer_without_token(
    enterprise_id: str | None, team_id: str | None, user_id: str | None
) -> AuthorizeResult:
    """Slash commands answer through response_url, which needs no token; used when SLACK_BOT_TOKEN is unset."""
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)


async def _ack_only(ack: AsyncAck) -> None:
    await ack()  # the "Read the article" button opens its URL in the browser; Slack still reports the click


class SlackPlatform:
    """The Slack notifier plus `/evradar`, served on evradar's HTTP server and/or through Socket Mode."""

    name = "slack"

    def __init__(self, settings: Settings) -> None:
        self.slack = settings.section("slack", SlackSettings)
        self._bot_token = settings.secret("slack_bot_token")
        self._signing_secret = settings.secret("slack_signing_secret")
        self._app_token = settings.secret("slack_app_token")
        self.slack_notifier = SlackNotifier(
            token=self._bot_token,
            api_url=self.slack.api_url,
            timeout=self.slack.timeout,
            config=settings.config_path or "the configuration file",
        )
        self.notifier: Notifier = self.slack_notifier
        self.app: AsyncApp | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._connecting: asyncio.Task[None] | None = None

    async def start(self, *, server: HttpRoutes | None, commands: Commands, leases: Leases | None = None) -> None:
        # Socket Mode runs on every instance (Slack hands each command to one connection): no lease.
        if not (self._signing_secret or self._app_token):
            log.info("Slack's /evradar is off; set SLACK_SIGNING_SECRET or SLACK_APP_TOKEN to answer it.")
            return
        self.app = self._bolt_app(commands)
        if self._signing_secret and server is None:
            log.warning("SLACK_SIGNING_SECRET is set but the HTTP server is off; set [server] enabled = true.")
        elif self._signing_secret and server is not None:
            server.add_post(EVENTS_PATH, self.handle_http)
        if self._app_token:
            self._socket = AsyncSocketModeHandler(
                self.app, self._app_token, logger=quiet_logger("evradar.slack.socket")
            )
            self._connecting = asyncio.create_task(self._connect_socket(self._socket), name="slack-socket-mode")

    async def stop(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
            self._connecting = None
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]  # Bolt leaves it unannotated
            self._socket = None
        await self.slack_notifier.close()

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        """POST /slack/events: Bolt checks the signature (401 when forged, unsigned or stale) and dispatches."""
        if self.app is None:
            return web.Response(status=503, text="Slack commands are not started yet; try again in a moment.")
        try:
            bolt_request = await to_bolt_request(request)
        except UnicodeDecodeError:
            return web.Response(status=400, text="The request body is not UTF-8 text.")
        response = await self.app.async_dispatch(bolt_request)
        if response.status == 401:
            log.warning(_UNSIGNED)
        return await to_aiohttp_response(response)

    async def may_manage(self, user: str, channel: str) -> bool:
        """The users named in [slack] admins; when none are named, the channel's creator and the
        workspace's admins and owners (Slack has no per-channel manager role the app can read)."""
        admins = self.slack.admins
        if admins:
            return user in admins
        if self.app is None or not self._bot_token:
            return False
        client = self.app.client
        try:
            person = (await client.users_info(user=user)).get("user") or {}
            if any(person.get(flag) for flag in ("is_admin", "is_owner", "is_primary_owner")):
                return True
            conversation = (await client.conversations_info(channel=channel)).get("channel") or {}
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning(
                "Could not check who manages %s (%s); only [slack] admins may change its subscription. "
                "The app needs the users:read and channels:read scopes.",
                channel,
                slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__,
            )
            return False
        return bool(conversation.get("creator")) and conversation.get("creator") == user

    def _bolt_app(self, commands: Commands) -> AsyncApp:
        api = self.slack.api_url
        client = AsyncWebClient(
            token=self._bot_token, base_url=api, logger=quiet_logger(), retry_handlers=retry_handlers()
        )
        app = AsyncApp(
            name="evradar",
            client=client,
            signing_secret=self._signing_secret or "",
            request_verification_enabled=True,
            process_before_response=False,
            authorize=None if self._bot_token else _answer_without_token,
            logger=quiet_logger("evradar.slack.bolt", level=logging.WARNING),  # Bolt copies it to all its loggers
        )
        app.command(COMMAND)(self._listener(commands))
        app.action(render.READ_ACTION)(_ack_only)
        app.action(feedback.ACTIONS)(self._on_feedback(commands))
        return app

    def _on_feedback(self, commands: Commands) -> Callable[..., Awaitable[None]]:
        async def on_feedback(
            ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
        ) -> None:
            await ack()  # within Slack's 3 seconds; the alert is edited after the vote is stored
            try:
                await self._vote(commands, body, action, respond)
            except Exception:  # isolation point: the click is lost, the log says why
                log.exception("Recording a feedback vote from Slack failed; the user can click again.")

        return on_feedback

    async def _vote(
        self, commands: Commands, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """Store the vote, then edit the alert in place (chat.update) to show the channel's tally."""
        vote, event_id = feedback.vote_of(action), parse_value(str(action.get("value", "")))
        container = body.get("container") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        user = str((body.get("user") or {}).get("id") or "")
        message = body.get("message") or {}
        if vote is None or event_id is None:
            return
        may_mute = user in (self.slack.feedback_admins or self.slack.admins)
        click = Click("slack", channel, user, event_id, vote, may_mute=may_mute)
        counted = await asyncio.to_thread(commands.feedback.vote, click)
        if counted is None:
            await respond(response_type="ephemeral", replace_original=False, text=feedback.GONE)
            return
        blocks = feedback.with_tally(message.get("blocks") or [], feedback.tally_text(counted))
        text = str(message.get("text") or "evradar alert")
        ts = str(container.get("message_ts") or message.get("ts") or "")
        if self.app is not None and self._bot_token and ts:
            await self.app.client.chat_update(channel=channel, ts=ts, blocks=blocks, text=text)
        else:  # no bot token: the response_url can replace the message the button is on
            await respond(replace_original=True, blocks=blocks, text=text)

    def _listener(self, commands: Commands) -> Callable[..., Awaitable[None]]:
        async def on_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
            await ack()  # within Slack's 3 seconds; the answer follows through response_url
            await self._answer(commands, command, respond)

        return on_command

    async def _answer(self, commands: Commands, command: dict[str, Any], respond: AsyncRespond) -> None:
        text, channel, user = (str(command.get(key) or "") for key in ("text", "channel_id", "user_id"))
        changes = text.strip().lower().startswith(("subscribe", "unsubscribe", "mute", "unmute"))
        may_manage = changes and await self.may_manage(user, channel)
        request = Request(text[:MAX_TEXT], "slack", channel, user, may_manage=may_manage)
        try:
            answer: Answer = await asyncio.to_thread(commands.answer, request)
            if isinstance(answer, Attachment):
                answer = await self.upload(answer, channel)
            message = render.answer_message(answer)
            if isinstance(answer, StatusView):
                message = feedback.with_status(message, answer.feedback)
        except Exception:  # isolation point: the user gets a sentence, the log gets the traceback
            log.exception("Answering /evradar failed; the user was asked to try again.")
            message = render.problem_message()
        try:
            sent = await respond(response_type="ephemeral", blocks=list(message.blocks), text=message.text)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Slack's response_url was unreachable (%s); the user can ask again.", type(exc).__name__)
            return
        if sent.status_code != 200:
            log.warning("Slack refused an /evradar answer (HTTP %d); the user can ask again.", sent.status_code)

    async def upload(self, file: Attachment, channel: str) -> Attachment | Refused:
        """Post ``file`` in the channel (files_upload_v2: get an upload URL, send the bytes, complete)."""
        if self.app is None or not self._bot_token:
            return Refused(
                "evradar can post files only with a bot token: set SLACK_BOT_TOKEN (the app needs the "
                f"files:write scope). Meanwhile: {file.message}"
            )
        try:
            await self.app.client.files_upload_v2(
                channel=channel,
                content=file.data,
                filename=file.filename,
                title=file.filename,
                initial_comment=file.message,
            )
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            problem = slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("Uploading %s to Slack channel %s failed (%s).", file.filename, channel, problem)
            return Refused(
                f"Slack did not take the file ({problem}). Invite evradar to this channel (`/invite @evradar`) "
                "and check that the app has the files:write scope, then ask again."
            )
        return replace(file, message=f"Posted {file.filename} in this channel.")

    async def _connect_socket(self, handler: AsyncSocketModeHandler) -> None:
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]  # Bolt leaves it unannotated
        except Exception:  # isolation point: commands stay off, alerts keep flowing
            log.exception("Slack Socket Mode could not connect; check SLACK_APP_TOKEN and restart evradar.")
            return
        log.info("Slack Socket Mode is connected; /evradar works without a public URL.")
