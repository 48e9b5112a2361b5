"""A Teams Workflows webhook on 127.0.0.1: it checks the URL's signature, answers 202 Accepted as
Workflows does (or scripted 429s and errors), and keeps every message it took; and the checks every
message must pass to reach a Teams channel intact."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.adapters.teams.card import BUDGET, TEAMS_LIMIT

WORKFLOW = "5f0c3e2a9b7d4c1e8a6f2b3c4d5e6f70"
SIG = "kR9xQw2-TeStSiGnAtUrE_0aB1cD2eF3gH4iJ5kL6mN"
OUR_TEXT_BLOCKS = re.compile(r"Sources? ?(\(\d+, newest last\))?")
MENTION = re.compile(r"<\s*/?\s*at\b", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"\]\s*[(\[]")
SCRIPT = re.compile(r"\b(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeTeams:
    """Plays a Workflows trigger URL: POSTs with the right ``sig`` get the next scripted reply, else 202."""

    replies: list[Reply] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    refused: int = 0
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return (
            f"http://127.0.0.1:{self.port}/workflows/{WORKFLOW}/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={SIG}"
        )

    async def start(self) -> FakeTeams:
        app = web.Application(client_max_size=TEAMS_LIMIT)  # Teams takes nothing larger either
        app.router.add_post(f"/workflows/{WORKFLOW}/triggers/manual/paths/invoke", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.query.get("sig") != SIG:
            self.refused += 1
            return web.json_response({"error": {"code": "DirectApiAuthorizationRequired"}}, status=401)
        raw = await request.read()
        if self.replies:
            reply = self.replies.pop(0)
            return web.json_response({"error": {"code": "Scripted"}}, status=reply.status, headers=reply.headers)
        assert request.content_type == "application/json"
        self.raw.append(raw)
        self.received.append(json.loads(raw))
        return web.Response(status=202)


def check_message(raw: bytes) -> dict[str, Any]:
    """What Teams needs and what users must never get: the envelope and card shape, the size limit,
    links only to http(s), no mention tags, no markdown links, no script schemes. Returns the card."""
    assert len(raw) <= BUDGET < TEAMS_LIMIT, len(raw)
    message = json.loads(raw.decode("utf-8"))
    assert message["type"] == "message" and len(message["attachments"]) == 1
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    text = raw.decode("utf-8")
    assert not MENTION.search(text), MENTION.search(text)
    for kind, value in _walk(card):
        if kind == "url":
            parts = urlsplit(value)
            assert parts.scheme in ("http", "https") and parts.hostname, value
        elif kind == "TextBlock":
            assert OUR_TEXT_BLOCKS.fullmatch(value), value  # markdown is read here: only our own words
        elif kind == "text":
            assert not MARKDOWN_LINK.search(value) and not SCRIPT.search(value), value
    return card


def texts(card: dict[str, Any]) -> list[str]:
    """Every text of the card's body, in order."""
    return [value for kind, value in _walk(card["body"]) if kind in ("text", "TextBlock")]


def _walk(node: Any, parent: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url" and isinstance(value, str):
                yield "url", value
            elif key in ("text", "fallbackText") and isinstance(value, str):
                yield ("TextBlock" if node.get("type") == "TextBlock" else "text"), value
            else:
                yield from _walk(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, parent)
