"""A fake Discord API (REST and a minimal gateway) on 127.0.0.1 for the real discord.py client: it records
requests, answers with JSON shaped like Discord's, and can be scripted to rate-limit or fail a route."""

from __future__ import annotations

import asyncio
import email.policy
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord_channels import Messages

PREFIX = "/api/v10"
PAYLOAD = web.RequestKey("payload", object)  # the parsed body, JSON or multipart's payload_json
BOT_ID = 1100000000000000001
APPLICATION_ID = 1100000000000000002
WEBHOOK_CHANNEL = 1100000000000000003
WEBHOOK_ID = 1100000000000000004
WEBHOOK_TOKEN = "T" * 68
GUILD_ID = 1100000000000000005
BOT_TOKEN = "fake-bot-token"
# Routes that need the bot token; webhooks and interaction responses carry their own token in the path.
BOT_ROUTES = {
    "me",
    "application",
    "gateway_bot",
    "create_message",
    "edit_message",
    "start_thread",
    "sync_global",
    "sync_guild",
    "channel_messages",
}
MESSAGE_ROUTES = {"execute_webhook", "edit_webhook_message", "create_message", "edit_message"}


@dataclass
class Call:
    """One request as the fake received it."""

    route: str
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    headers: dict[str, str]
    json: Any  # the JSON body, or a multipart body's payload_json
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # multipart: files[n] -> (filename, bytes)


@dataclass
class Scripted:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    hold: float = 0.0  # seconds to keep the caller waiting first (a hang its timeout must catch)
    reset: bool = False  # drop the connection instead of answering


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body only when Content-Type is exactly application/json (no charset).
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def user(user_id: int = BOT_ID, name: str = "evradar") -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": True,
        "flags": 0,
        "public_flags": 0,
    }


class FakeDiscord:
    """Serve with ``await fake.start()``; point discord.py at ``fake.api_url``; ``await fake.close()``."""

    def __init__(self, *, token: str = BOT_TOKEN, application_id: int = APPLICATION_ID) -> None:
        self.token = token
        self.application_id = application_id
        self.calls: list[Call] = []
        self.log = Messages()
        self.messages = self.log.by_id
        self.threads: set[str] = set()
        self.deleted_webhooks: set[str] = set()
        self.gate = asyncio.Event()  # cleared, requests wait; one whose client went away is never recorded
        self.gate.set()  # ids answered with 404 Unknown Webhook, before any script
        self.sockets: list[web.WebSocketResponse] = []
        self._scripts: dict[str, deque[Scripted]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Awaited with each message the bot creates, once it is stored and before Discord answers: a test can
        # kill the poster there.
        self.after_post: Callable[[dict[str, Any]], Awaitable[None]] | None = None

    # -- control ----------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._record])
        r = app.router
        r.add_get(PREFIX + "/users/@me", self._me, name="me")
        r.add_get(PREFIX + "/oauth2/applications/@me", self._application, name="application")
        r.add_get(PREFIX + "/gateway/bot", self._gateway_bot, name="gateway_bot")
        r.add_post(PREFIX + "/webhooks/{webhook_id}/{token}", self._execute_webhook, name="execute_webhook")
        r.add_patch(
            PREFIX + "/webhooks/{webhook_id}/{token}/messages/{message_id}",
            self._edit_webhook_message,
            name="edit_webhook_message",
        )
        r.add_post(PREFIX + "/channels/{channel_id}/messages", self._create_message, name="create_message")
        r.add_get(PREFIX + "/channels/{channel_id}/messages", self._channel_messages, name="channel_messages")
        r.add_patch(
            PREFIX + "/channels/{channel_id}/messages/{message_id}", self._edit_message, name="edit_message"
        )
        r.add_post(
            PREFIX + "/channels/{channel_id}/messages/{message_id}/threads",
            self._start_thread,
            name="start_thread",
        )
        r.add_post(
            PREFIX + "/interactions/{interaction_id}/{token}/callback", self._callback, name="interaction_callback"
        )
        r.add_put(PREFIX + "/applications/{app_id}/commands", self._sync, name="sync_global")
        r.add_put(PREFIX + "/applications/{app_id}/guilds/{guild_id}/commands", self._sync, name="sync_guild")
        r.add_get("/gateway", self._gateway, name="gateway")
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def rate_limit(self, route: str, *, times: int = 1, retry_after: float = 0.2) -> None:
        """Answer the next ``times`` calls of ``route`` with 429, as Discord does, then behave normally."""
        headers = {
            "Retry-After": str(retry_after),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(retry_after),
            "X-RateLimit-Bucket": "fakebucket",
            "X-RateLimit-Scope": "user",
            "Via": "1.1 google",
        }
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        self._queue(route, times, Scripted(429, body, headers))

    def fail(self, route: str, *, status: int, code: int = 0, message: str = "", times: int = 1) -> None:
        """Answer the next ``times`` calls of ``route`` with an error such as 404 Unknown Webhook (10015)."""
        self._queue(route, times, Scripted(status, {"code": code, "message": message or f"{status} error"}))

    def hang(self, route: str, *, times: int = 1, seconds: float = 5.0) -> None:
        """Keep the next ``times`` calls of ``route`` waiting ``seconds``, then answer 503."""
        self._queue(route, times, Scripted(503, {"code": 0, "message": "too slow"}, hold=seconds))

    def reset(self, route: str, *, times: int = 1) -> None:
        """Drop the connection of the next ``times`` calls of ``route`` without an answer."""
        self._queue(route, times, Scripted(503, None, reset=True))

    def _queue(self, route: str, times: int, scripted: Scripted) -> None:
        self._scripts.setdefault(route, deque()).extend([scripted] * times)

    def of(self, route: str) -> list[Call]:
        return [c for c in self.calls if c.route == route]

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event (e.g. INTERACTION_CREATE) to every connected client."""
        for ws in self.sockets:
            await ws.send_json({"op": 0, "t": event, "s": 2, "d": data})

    # -- plumbing ---------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        await self.gate.wait()
        if request.transport is None or request.transport.is_closing():
            return web.Response(status=503, text="the client went away while the gate was closed")
        route = request.match_info.route.name or "unknown"
        body = await request.read()
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "multipart/form-data":
            payload, files = parse_multipart(request.headers["Content-Type"], body)
        else:
            try:
                payload = json.loads(body) if body else None
            except ValueError:
                payload = body.decode(errors="replace")
        request[PAYLOAD] = payload
        path = request.path[len(PREFIX) :] if request.path.startswith(PREFIX) else request.path
        self.calls.append(
            Call(route, request.method, path, dict(request.query), dict(request.headers), payload, files)
        )
        if route in BOT_ROUTES and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        if request.match_info.get("webhook_id") in self.deleted_webhooks:
            return _json({"code": 10015, "message": "Unknown Webhook"}, status=404)
        queue = self._scripts.get(route)
        if queue:
            s = queue.popleft()
            if s.reset and request.transport is not None:
                request.transport.abort()
            await asyncio.sleep(s.hold)
            return _json(s.body, status=s.status, headers=s.headers)
        response: web.StreamResponse = await handler(request)
        if route != "gateway":
            response.headers.update(
                {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "4",
                    "X-RateLimit-Reset": str(time.time() + 1),
                    "X-RateLimit-Reset-After": "1.0",
                    "X-RateLimit-Bucket": f"bucket-{route}",
                }
            )
        return response

    def _message(self, channel_id: str, body: dict[str, Any], *, webhook_id: str = "") -> dict[str, Any]:
        message = {
            "id": self.log.next_id(),
            "channel_id": channel_id,
            "type": 0,
            "content": body.get("content") or "",
            "author": user(int(webhook_id) if webhook_id else BOT_ID, "webhook" if webhook_id else "evradar"),
            "embeds": body.get("embeds") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": 0,
            "components": [],
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
        }
        if webhook_id:
            message["webhook_id"] = webhook_id
        self.messages[message["id"]] = message
        return message

    def _edited(self, message_id: str, body: dict[str, Any]) -> web.Response:
        message = self.messages.get(message_id)
        if message is None:
            return _json({"code": 10008, "message": "Unknown Message"}, status=404)
        message.update(
            embeds=body.get("embeds", message["embeds"]), edited_timestamp=datetime.now(UTC).isoformat()
        )
        return _json(message)

    # -- REST routes ----------------------------------------------------------------------------------

    async def _me(self, _request: web.Request) -> web.Response:
        return _json(user())

    async def _application(self, _request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(self.application_id),
                "name": "evradar",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user(1100000000000000009, "owner"),
                "verify_key": "00" * 32,
                "flags": 0,
                "summary": "",
                "rpc_origins": [],
            }
        )

    async def _gateway_bot(self, _request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _execute_webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        channel = request.query.get("thread_id", str(WEBHOOK_CHANNEL))
        message = self._message(channel, body, webhook_id=request.match_info["webhook_id"])
        if request.query.get("wait", "").lower() in ("true", "1"):
            return _json(message)
        return web.Response(status=204)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        body: Any = request[PAYLOAD]
        message_id = request.match_info["message_id"]
        if message_id == "@original":
            return _json(self._message("1", body, webhook_id=request.match_info["webhook_id"]))
        return self._edited(message_id, body)

    async def _create_message(self, request: web.Request) -> web.Response:
        """A new message; with ``enforce_nonce``, a nonce seen in the last few minutes returns that message
        instead of creating another."""
        channel, body = request.match_info["channel_id"], await request.json()
        seen = self.log.seen_nonce(channel, body)
        if seen is not None:
            return _json(seen)
        message = self._message(channel, body)
        self.log.keep_nonce(channel, body, message)
        if self.after_post is not None:
            await self.after_post(message)
        return _json({**message, "nonce": body["nonce"]} if body.get("nonce") else message)

    async def _channel_messages(self, request: web.Request) -> web.Response:
        return _json(self.log.page(request.match_info["channel_id"], dict(request.query)))

    async def _edit_message(self, request: web.Request) -> web.Response:
        return self._edited(request.match_info["message_id"], await request.json())

    async def _start_thread(self, request: web.Request) -> web.Response:
        body = await request.json()
        message_id = request.match_info["message_id"]
        if message_id in self.threads:
            return _json(
                {"code": 160004, "message": "A thread has already been created for this message"}, status=400
            )
        self.threads.add(message_id)
        return _json(
            {
                "id": message_id,
                "type": 11,
                "guild_id": str(GUILD_ID),
                "parent_id": request.match_info["channel_id"],
                "name": body.get("name", ""),
                "owner_id": str(BOT_ID),
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "flags": 0,
                "last_message_id": None,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": body.get("auto_archive_duration", 1440),
                    "archive_timestamp": datetime.now(UTC).isoformat(),
                    "locked": False,
                },
            }
        )

    async def _callback(self, request: web.Request) -> web.Response:
        body: Any = request[PAYLOAD]
        interaction = {
            "id": request.match_info["interaction_id"],
            "type": 2,
            "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64),
        }
        return _json({"interaction": interaction, "resource": {"type": body.get("type", 4)}})

    async def _sync(self, request: web.Request) -> web.Response:
        commands = await request.json()
        out = []
        for command in commands:
            out.append(
                {
                    **command,
                    "id": self.log.next_id(),
                    "application_id": request.match_info["app_id"],
                    "version": "1",
                    "type": command.get("type", 1),
                }
            )
            if "guild_id" in request.match_info:
                out[-1]["guild_id"] = request.match_info["guild_id"]
        return _json(out)

    # -- the gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            self.calls.append(Call("gateway", "WS", "/gateway", {}, {}, message))
            if message.get("op") == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif message.get("op") == 2:
                await ws.send_json(
                    {
                        "op": 0,
                        "t": "READY",
                        "s": 1,
                        "d": {
                            "v": 10,
                            "user": user(),
                            "guilds": [],
                            "session_id": "fake-session",
                            "resume_gateway_url": self.gateway_url,
                            "shard": [0, 1],
                            "application": {"id": str(self.application_id), "flags": 0},
                        },
                    }
                )
        self.sockets.remove(ws)
        return ws


def parse_multipart(content_type: str, body: bytes) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """A multipart/form-data body as Discord reads it: ``payload_json``, and each ``files[n]`` part
    (whose ``attachments`` entry in the payload must name it)."""
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    payload: Any = None
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if name == "payload_json":
            payload = json.loads(data)
        else:
            files[str(name)] = (str(part.get_filename()), bytes(data))
    message_data = (payload or {}).get("data", payload) or {}
    named = {f"files[{a['id']}]": a.get("filename") for a in message_data.get("attachments", [])}
    assert named == {n: f for n, (f, _) in files.items()}, (named, files.keys())
    return payload, files


def check_payload(body: Any) -> None:
    """Assert a posted message respects Discord's limits and pings nobody (raises AssertionError if not)."""
    assert isinstance(body, dict), body
    data = body.get("data", body) if "type" in body and "data" in body else body
    assert data.get("allowed_mentions", {}).get("parse") == [], f"allowed_mentions must be none: {data}"
    assert len(data.get("content") or "") <= 2000
    embeds = data.get("embeds") or []
    assert len(embeds) <= 10
    total = 0
    for embed in embeds:
        title, description = embed.get("title") or "", embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        fields = embed.get("fields") or []
        assert len(title) <= 256 and len(description) <= 4096 and len(footer) <= 2048 and len(author) <= 256
        assert len(fields) <= 25
        for f in fields:
            assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
        total += len(title) + len(description) + len(footer) + len(author)
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
        url = embed.get("url")
        assert url is None or url.startswith(("http://", "https://")), url
    assert total <= 6000, total
