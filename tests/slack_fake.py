"""A fake Slack on 127.0.0.1 (Web API, webhooks, response_url, Socket Mode) that the real SDK clients reach."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web
from slack_sdk.models.blocks import Block

from bot.core.models import Alert, Source
from tests.slack_channels import Channels

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-test"
_OUR_LINK = re.compile(r"https?://[^\s<>|]+\|[^<>|]*")


@dataclass
class Behaviour:
    """How the fake answers one channel or webhook: scripted failures first, then success."""

    rate_limited: int = 0  # answer 429 with Retry-After this many times
    retry_after: int = 1
    error: str = ""  # answer {"ok": false, "error": error} (webhooks: this body)
    status: int = 200  # webhooks and server errors: this HTTP status
    failures: int = -1  # how many times error/status apply; -1 = always
    hang: bool = False  # never answer (until the fake stops)
    hangs: int = 0  # hold this many requests for ``hang_seconds`` before answering 503 (the client times out)
    hang_seconds: float = 5.0
    resets: int = 0  # drop the connection without an answer this many times


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


@dataclass
class FakeSlack:
    """Records every request; answers by the behaviour scripted for the channel or webhook id."""

    clock: Callable[[], float] | None = None
    requests: list[Recorded] = field(default_factory=list)
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    envelopes: list[dict[str, Any]] = field(default_factory=list)  # sent to a Socket Mode client on connect
    socket_replies: list[dict[str, Any]] = field(default_factory=list)
    # users.info and conversations.info answers: who is a workspace admin, who created which channel
    users: dict[str, dict[str, Any]] = field(default_factory=lambda: {"U0ADMIN": {"is_admin": True}})
    channels: dict[str, dict[str, Any]] = field(default_factory=lambda: {"C0001": {"creator": "U0001"}})
    port: int = 0
    _runner: web.AppRunner | None = None
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    # Cleared, requests wait at the door; one whose client went away meanwhile is never recorded.
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    # files_upload_v2: files.getUploadURLExternal hands out a URL here, the bytes are POSTed to it,
    # files.completeUploadExternal shares them in a channel; ``shared`` keeps (channel, filename, bytes, comment)
    uploads: dict[str, tuple[str, int, bytes]] = field(default_factory=dict)
    shared: list[tuple[str, str, bytes, str]] = field(default_factory=list)
    # Posted messages per channel, as conversations.history and conversations.replies return them.
    messages: Channels = field(default_factory=Channels)
    # Awaited with each message once it is stored and before Slack answers: a test can kill the poster there.
    after_post: Callable[[dict[str, Any]], Awaitable[None]] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def webhook_url(self, name: str) -> str:
        return f"{self.url}/webhook/{name}"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    async def start(self) -> FakeSlack:
        self.gate.set()
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk reads users.info and the like with GET
        app.router.add_post("/webhook/{name}", self._webhook)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    async def wait_for(self, path: str, count: int = 1, *, timeout: float = 5.0) -> list[Recorded]:
        """The requests to ``path`` once there are ``count`` of them (Slack answers come after the ack)."""
        async with asyncio.timeout(timeout):
            while len(self.calls(path)) < count:
                await asyncio.sleep(0.01)
        return self.calls(path)

    # -- handlers ---------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> Recorded:
        await self.gate.wait()
        if request.transport is None or request.transport.is_closing():
            raise web.HTTPServiceUnavailable(text="the client went away while the gate was closed")
        raw = await request.read()
        if request.method == "GET":
            body: dict[str, Any] = dict(request.query)
        elif request.content_type == "application/json":
            body = json.loads(raw or b"{}")
        else:
            body = dict((await request.post()).items()) if raw else {}
            for key in ("blocks", "attachments"):
                if isinstance(body.get(key), str):
                    body[key] = json.loads(body[key])
        if request.method != "GET" and request.query:  # slack_sdk sends some methods' params=… in the URL
            body = {**dict(request.query), **body}
        at = self.clock() if self.clock else asyncio.get_running_loop().time()
        recorded = Recorded(request.path, dict(request.headers), body, at)
        self.requests.append(recorded)
        return recorded

    async def _api(self, request: web.Request) -> web.StreamResponse:
        recorded = await self._record(request)
        method = request.match_info["method"]
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method == "apps.connections.open":
            if not token.startswith("xapp-"):
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})
        if token != BOT_TOKEN:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "team": "Test",
                    "team_id": "T0001",
                    "user": "evradar",
                    "user_id": "U0BOT",
                    "bot_id": "B0001",
                    "url": "https://test.slack.com/",
                }
            )
        if method == "users.info":
            user = str(recorded.body.get("user", ""))
            return web.json_response({"ok": True, "user": {"id": user, **self.users.get(user, {})}})
        if method == "conversations.info":
            channel = str(recorded.body.get("channel", ""))
            if channel not in self.channels:
                return web.json_response({"ok": False, "error": "channel_not_found"})
            return web.json_response({"ok": True, "channel": {"id": channel, **self.channels[channel]}})
        if method in ("chat.postMessage", "chat.update"):
            return await self._chat(method, recorded.body, request)
        if method in ("conversations.history", "conversations.replies"):
            return await self._read(method, recorded.body, request)
        if method == "files.getUploadURLExternal":
            return self._upload_url(recorded.body)
        if method == "files.completeUploadExternal":
            return self._complete_upload(recorded.body)
        return web.json_response({"ok": False, "error": "unknown_method"})

    async def _chat(self, method: str, body: dict[str, Any], request: web.Request) -> web.StreamResponse:
        channel = str(body.get("channel", ""))
        key = f"{method}:{channel}" if f"{method}:{channel}" in self.behaviours else channel
        failure = await self._misbehave(key, request)
        if failure is not None:
            status, error, headers = failure
            if error:
                return web.json_response({"ok": False, "error": error}, status=status, headers=headers)
            return web.Response(status=status, text="Internal Server Error", headers=headers)
        if method == "chat.update":
            self.messages.update(channel, str(body.get("ts")), body)
            answer = {
                "ok": True,
                "channel": channel,
                "ts": str(body.get("ts")),
                "message": {"text": body.get("text")},
            }
            return web.json_response(answer)
        message = self.messages.store(channel, body)
        if self.after_post is not None:
            await self.after_post(message)
        return web.json_response({"ok": True, "channel": channel, "ts": message["ts"], "message": message})

    async def _read(self, method: str, body: dict[str, Any], request: web.Request) -> web.StreamResponse:
        failure = await self._misbehave(f"{method}:{body.get('channel', '')}", request)
        if failure is None:
            return web.json_response(self.messages.read(method, body))
        status, error, headers = failure
        if error:
            return web.json_response({"ok": False, "error": error}, status=status, headers=headers)
        return web.Response(status=status, text="Internal Server Error", headers=headers)

    def _upload_url(self, body: dict[str, Any]) -> web.Response:
        filename, length = str(body.get("filename", "")), int(body.get("length") or 0)
        if not filename or length <= 0:
            return web.json_response({"ok": False, "error": "invalid_arguments"})
        file_id = f"F{len(self.uploads) + 1:04d}"
        self.uploads[file_id] = (filename, length, b"")
        return web.json_response({"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"})

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.requests.append(Recorded(request.path, dict(request.headers), {"bytes": len(data)}, 0.0))
        if file_id not in self.uploads or len(data) != self.uploads[file_id][1]:
            return web.Response(status=400, text="unknown upload or wrong length")
        filename, length, _ = self.uploads[file_id]
        self.uploads[file_id] = (filename, length, data)
        return web.Response(text=f"OK - {length}")

    def _complete_upload(self, body: dict[str, Any]) -> web.Response:
        files = body.get("files") or []
        files = json.loads(files) if isinstance(files, str) else files
        channel = str(body.get("channel_id", ""))
        if not files or any(f.get("id") not in self.uploads or not self.uploads[f["id"]][2] for f in files):
            return web.json_response({"ok": False, "error": "file_not_found"})
        if channel not in self.channels:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        for f in files:
            filename, _, data = self.uploads[f["id"]]
            self.shared.append((channel, filename, data, str(body.get("initial_comment", ""))))
        return web.json_response(
            {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        )

    async def _misbehave(self, key: str, request: web.Request) -> tuple[int, str, dict[str, str]] | None:
        """(HTTP status, error, headers) when the behaviour for ``key`` says to fail this time; None to succeed."""
        behaviour = self.behaviours.get(key)
        if behaviour is None:
            return None
        if behaviour.resets > 0:
            behaviour.resets -= 1
            if request.transport is not None:
                request.transport.abort()  # the client sees the connection reset, with no answer
            return 503, "connection_reset", {}
        if behaviour.hangs > 0:
            behaviour.hangs -= 1
            await asyncio.sleep(behaviour.hang_seconds)
            return 503, "too_slow", {}
        if behaviour.hang:
            await self._release.wait()
            return 503, "fake_stopped", {}
        if behaviour.rate_limited > 0:
            behaviour.rate_limited -= 1
            return 429, "ratelimited", {"Retry-After": str(behaviour.retry_after)}
        if (behaviour.error or behaviour.status != 200) and behaviour.failures != 0:
            behaviour.failures -= 1 if behaviour.failures > 0 else 0
            return behaviour.status, behaviour.error, {}
        return None

    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        failure = await self._misbehave(f"webhook:{request.match_info['name']}", request)
        if failure is None:
            return web.Response(text="ok")
        status, error, headers = failure
        return web.Response(status=400 if status == 200 else status, text=error or "error", headers=headers)

    async def _response(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        for envelope in self.envelopes:
            await ws.send_json(envelope)
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.socket_replies.append(json.loads(message.data))
        return ws


# -- checking what was posted ---------------------------------------------------------------------


def check_blocks(blocks: list[dict[str, Any]]) -> None:
    """Every block parses back into the SDK's models, passes their validators and Slack's limits, and no
    mrkdwn text holds an angle-bracket token other than a link we built (so nothing can mention or link)."""
    assert 0 < len(blocks) <= 50, f"{len(blocks)} blocks"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.to_dict()  # runs the SDK's validators
        _check_limits(raw)
        for text in mrkdwn_texts(raw):
            check_mrkdwn(text)


def check_mrkdwn(text: str) -> None:
    for token in re.findall(r"<([^>]*)>", text):
        assert _OUR_LINK.fullmatch(token), f"unexpected <{token}> in mrkdwn"
    assert "<" not in re.sub(r"<[^>]*>", "", text), "a stray < in mrkdwn"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _check_limits(raw: dict[str, Any]) -> None:
    kind = raw["type"]
    if kind == "header":
        assert raw["text"]["type"] == "plain_text" and 0 < _units(raw["text"]["text"]) <= 150
    elif kind == "section":
        assert "text" in raw or raw.get("fields")
        if "text" in raw:
            assert 0 < _units(raw["text"]["text"]) <= 3000
        assert len(raw.get("fields", [])) <= 10
        assert all(0 < _units(f["text"]) <= 2000 for f in raw.get("fields", []))
    elif kind == "context":
        assert 0 < len(raw["elements"]) <= 10
        assert all(0 < _units(e["text"]) <= 3000 for e in raw["elements"])
    elif kind == "actions":
        for element in raw["elements"]:
            assert element["text"]["type"] == "plain_text" and 0 < _units(element["text"]["text"]) <= 75
            if "url" in element:
                assert re.fullmatch(r"https?://\S+", element["url"]) and _units(element["url"]) <= 3000
            else:  # a feedback button: its value is the event id, nothing else
                assert re.fullmatch(r"feedback_[a-z_]+", element["action_id"]) and len(element["action_id"]) <= 255
                assert re.fullmatch(r"[0-9]{1,17}", element["value"])
    else:
        raise AssertionError(f"unexpected block type {kind}")


def mrkdwn_texts(raw: dict[str, Any]) -> list[str]:
    found = [raw["text"]] if isinstance(raw.get("text"), dict) else []
    found += raw.get("fields", []) + raw.get("elements", [])
    return [t["text"] for t in found if isinstance(t, dict) and t.get("type") == "mrkdwn"]


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every text of every block, one per line, for "does it say X" assertions."""
    lines = []
    for raw in blocks:
        texts = [raw.get("text"), *raw.get("fields", []), *raw.get("elements", [])]
        for t in texts:
            if isinstance(t, dict):
                inner = t.get("text")
                lines.append(inner["text"] if isinstance(inner, dict) else str(inner))
    return "\n".join(lines)


def sample_alert(**changes: Any) -> Alert:
    """The seed story as an alert: Xiaomi in talks to build EVs in a Great Wall Motor factory."""
    source = Source(
        title="Xiaomi in talks to build EVs at Great Wall Motor plant",
        link="https://www.benzinga.com/news/21/03/20369711/xiaomi-great-wall?utm_source=feed&utm_medium=rss",
        source="Benzinga",
        published=datetime(2021, 3, 26, 9, 30, tzinfo=UTC),
    )
    alert = Alert(
        event_id=1,
        version=1,
        partners=("Xiaomi", "Great Wall Motor"),
        kind="manufacturing",
        stage="talks",
        score=0.87,
        evidence="Xiaomi is in talks to build its own-brand EVs in a Great Wall Motor factory, Reuters reported.",
        title=source.title,
        link=source.link,
        sources=(source,),
        first_seen=datetime(2021, 3, 26, 10, 0, tzinfo=UTC),
        tickers=("1810.HK", "2333.HK"),
    )
    return replace(alert, **changes)
