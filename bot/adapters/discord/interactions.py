"""The `/evradar` command over HTTP: Discord POSTs Ed25519-signed interactions to /discord/interactions."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NotRequired, TypedDict, cast

import aiohttp
from aiohttp import web
from nacl.exceptions import CryptoError
from nacl.signing import VerifyKey

from ...chat.commands import Attachment
from ...chat.feedback import Click
from . import feedback
from .commands import MAX_CHOICES, PATIENCE, CommandRunner, Invocation, Reply, respond_in_time
from .render import render_failure

log = logging.getLogger("evradar.discord")

MAX_BODY = 64 * 1024
MAX_SKEW = 300.0  # seconds a signed request's timestamp may be off; Discord sets none, so Slack's is used
EPHEMERAL = 64
PING, APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 1, 2, 3, 4  # interaction types Discord sends
PONG, MESSAGE, DEFERRED_MESSAGE, UPDATE_MESSAGE, CHOICES = 1, 4, 5, 7, 8  # response types evradar answers with
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,500}")


class _Option(TypedDict):
    name: str
    type: int
    value: NotRequired[str | int | float | bool]
    options: NotRequired[list[_Option]]
    focused: NotRequired[bool]


class _Member(TypedDict, total=False):
    permissions: str
    user: dict[str, Any]
    roles: list[str]


class _Interaction(TypedDict, total=False):
    type: int
    application_id: str
    token: str
    channel_id: str
    channel: dict[str, Any]
    member: _Member
    user: dict[str, Any]
    data: dict[str, Any]
    message: dict[str, Any]


class InteractionsEndpoint:
    """POST /discord/interactions: checks Discord's Ed25519 signature, then answers as the gateway does."""

    def __init__(
        self,
        runner: CommandRunner,
        *,
        public_key: str,
        api_url: str,
        session: Callable[[], Awaitable[aiohttp.ClientSession]],
        clock: Callable[[], float] = time.time,
        patience: float = PATIENCE,
        feedback_role: str = "",
    ) -> None:
        self.runner = runner
        self.feedback_role = feedback_role
        self._key = VerifyKey(bytes.fromhex(public_key))
        self._api_url = api_url.rstrip("/")
        self._session = session
        self._clock = clock
        self.patience = patience
        self._jobs: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await self._verified_body(request)
        if isinstance(body, int):
            return web.Response(status=body)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return web.Response(status=400, text="The body is not a JSON object.")
        interaction = cast(_Interaction, payload)
        kind = interaction.get("type")
        if kind == PING:
            return web.json_response({"type": PONG})
        if kind == APPLICATION_COMMAND:
            return await self._command(interaction)
        if kind == AUTOCOMPLETE:
            return web.json_response(self._choices(interaction))
        if kind == COMPONENT:
            return await self._component(interaction)
        return web.Response(
            status=400, text="evradar answers only pings, slash commands, autocomplete and its buttons."
        )

    async def _component(self, payload: _Interaction) -> web.Response:
        """A feedback button: store the vote, answer UPDATE_MESSAGE with the alert showing the tally."""
        parsed = feedback.parse_custom_id(str((payload.get("data") or {}).get("custom_id", "")))
        embeds = [e for e in (payload.get("message") or {}).get("embeds") or [] if isinstance(e, dict)]
        if parsed is None or not embeds:
            return web.Response(status=400, text="evradar does not know this button.")
        user = _user(payload)
        allowed = feedback.may_mute(
            user=user,
            roles=[str(r) for r in (payload.get("member") or {}).get("roles") or []],
            permissions=_permissions(payload),
            role=self.feedback_role,
            admins=self.runner.admins,
        )
        click = Click("discord", _channel(payload), user, parsed[1], parsed[0], may_mute=allowed)
        counted = await feedback.vote_for(self.runner.commands, click)
        if counted is None:
            return web.json_response({"type": MESSAGE, "data": {"content": feedback.GONE, "flags": EPHEMERAL}})
        edited = feedback.with_tally(embeds[0], feedback.tally_text(counted)).to_dict()
        data = {"embeds": [edited, *embeds[1:]], "allowed_mentions": {"parse": []}}
        return web.json_response({"type": UPDATE_MESSAGE, "data": data})

    async def _verified_body(self, request: web.Request) -> bytes | int:
        """The raw body when Discord signed it just now; else the HTTP status to refuse with."""
        signature = request.headers.get("X-Signature-Ed25519", "")
        timestamp = request.headers.get("X-Signature-Timestamp", "")
        if not signature or not timestamp:
            return 401
        if (request.content_length or 0) > MAX_BODY:
            return 413
        body = bytearray()
        while chunk := await request.content.read(16384):
            body += chunk
            if len(body) > MAX_BODY:
                return 413
        try:
            self._key.verify(timestamp.encode() + bytes(body), bytes.fromhex(signature))
            fresh = abs(self._clock() - int(timestamp)) <= MAX_SKEW
        except (CryptoError, ValueError, TypeError):
            fresh = False
        if not fresh:
            log.debug(
                "Refused a Discord interaction whose signature or timestamp did not check out; if real "
                "commands fail too, check DISCORD_PUBLIC_KEY and this machine's clock."
            )
            return 401
        return bytes(body)

    async def _command(self, payload: _Interaction) -> web.Response:
        name, options, _ = _subcommand(payload.get("data") or {})
        invocation = Invocation(name, options, _channel(payload), _user(payload), _permissions(payload))
        decided: asyncio.Future[web.Response] = asyncio.get_running_loop().create_future()

        async def reply(answer: Reply) -> None:
            decided.set_result(_response(answer))

        async def defer() -> None:
            decided.set_result(web.json_response({"type": DEFERRED_MESSAGE, "data": {"flags": EPHEMERAL}}))

        async def follow_up(answer: Reply) -> None:
            await self._edit_original(
                str(payload.get("application_id", "")), str(payload.get("token", "")), answer
            )

        job = asyncio.create_task(
            respond_in_time(
                self.runner.answer(invocation),
                reply=reply,
                defer=defer,
                follow_up=follow_up,
                patience=self.patience,
            )
        )
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        waiting: set[asyncio.Future[Any]] = {decided, job}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        return decided.result() if decided.done() else _response(Reply(render_failure()))

    async def _edit_original(self, application_id: str, token: str, answer: Reply) -> None:
        """Put the late answer in place of Discord's "thinking…" (the interaction token lasts 15 minutes)."""
        if not (application_id.isascii() and application_id.isdigit()) or not _TOKEN.fullmatch(token):
            log.warning("A deferred Discord interaction had no usable application id or token; it got no answer.")
            return
        url = f"{self._api_url}/webhooks/{application_id}/{token}/messages/@original"
        body: dict[str, Any] = {"embeds": [answer.embed.to_dict()], "allowed_mentions": {"parse": []}}
        try:
            session = await self._session()
            sent = {"json": body} if answer.file is None else {"data": multipart(body, answer.file)}
            async with session.patch(url, **sent) as response:
                if response.status >= 300:
                    log.warning(
                        "Discord refused evradar's late answer to a slash command (HTTP %d); the user "
                        "saw no answer and can run the command again.",
                        response.status,
                    )
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning(
                "Could not send a late slash-command answer to Discord (%s); the user can run the command again.",
                type(exc).__name__,
            )

    def _choices(self, payload: _Interaction) -> dict[str, Any]:
        name, _, focused = _subcommand(payload.get("data") or {})
        wanted = name in ("lookup", "graph", "export") and focused[0] == "company"
        names = self.runner.complete(focused[1]) if wanted else []
        return {"type": CHOICES, "data": {"choices": [{"name": n, "value": n} for n in names[:MAX_CHOICES]]}}

    async def close(self) -> None:
        """Let late answers finish for a moment, then drop them."""
        if self._jobs:
            _, pending = await asyncio.wait(set(self._jobs), timeout=2.0)
            for job in pending:
                job.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


def _subcommand(data: Mapping[str, Any]) -> tuple[str, dict[str, str], tuple[str, str]]:
    """("lookup", {"company": "xia"}, ("company", "xia")): the subcommand, its options and the focused one."""
    if data.get("name") != "evradar":
        return "help", {}, ("", "")
    top: list[Any] = [o for o in data.get("options") or [] if isinstance(o, dict)]
    sub: _Option | None = top[0] if top and top[0].get("type") == 1 else None
    if sub is None:
        return "help", {}, ("", "")
    options: dict[str, str] = {}
    focused = ("", "")
    for option in [o for o in sub.get("options") or [] if isinstance(o, dict)]:
        value = str(option.get("value", ""))[:500]
        options[option.get("name", "")] = value
        if option.get("focused"):
            focused = (option.get("name", ""), value)
    return str(sub.get("name", "help")), options, focused


def _channel(payload: _Interaction) -> str:
    return str(payload.get("channel_id") or (payload.get("channel") or {}).get("id") or "")


def _user(payload: _Interaction) -> str:
    user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
    return str(user.get("id", ""))


def _permissions(payload: _Interaction) -> int:
    raw = (payload.get("member") or {}).get("permissions", "0")
    return int(raw) if str(raw).isascii() and str(raw).isdigit() else 0


def _response(answer: Reply) -> web.Response:
    """The interaction response: JSON, or multipart (payload_json plus files[0]) when a file goes with it.

    A file is posted for the whole channel to see; every other answer is for the asker only.
    """
    data: dict[str, Any] = {"embeds": [answer.embed.to_dict()], "allowed_mentions": {"parse": []}}
    if answer.file is None:
        return web.json_response({"type": MESSAGE, "data": data | {"flags": EPHEMERAL}})
    writer = multipart({"type": MESSAGE, "data": data}, answer.file)
    return web.Response(body=writer, headers={"Content-Type": writer.content_type})


def multipart(payload: dict[str, Any], file: Attachment) -> aiohttp.MultipartWriter:
    """Discord's form for messages with files: ``payload_json``, whose ``attachments`` name ``files[n]``."""
    described = {"id": 0, "filename": file.filename, "description": file.message[:1024]}
    message = payload.get("data", payload)
    message["attachments"] = [described]
    writer = aiohttp.MultipartWriter("form-data")
    writer.append_json(payload).set_content_disposition("form-data", name="payload_json")
    part = writer.append(file.data, {"Content-Type": file.content_type})
    part.set_content_disposition("form-data", name="files[0]", filename=file.filename)
    return writer
