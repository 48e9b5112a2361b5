"""The messages a fake Slack keeps per channel, and the answers of conversations.history and conversations.replies
over them: newest first outside threads, a thread's parent then its replies, ``limit`` at a time with a cursor,
between ``oldest`` and ``latest``, metadata only when ``include_all_metadata`` asks for it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Channels:
    """Posted messages by channel. With ``ts_clock`` a message's ts is that clock's time (as Slack's are);
    without it, a fixed base plus a counter (1700000000.000001, …) that older tests expect."""

    ts_clock: Callable[[], float] | None = None
    posted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _last: float = 0.0

    def next_ts(self) -> str:
        if self.ts_clock is None:
            return f"1700000000.{next(self._counter):06d}"
        self._last = max(self.ts_clock(), self._last + 0.000001)
        return f"{self._last:.6f}"

    def store(self, channel: str, body: dict[str, Any]) -> dict[str, Any]:
        """Keep a chat.postMessage as Slack returns the message."""
        message: dict[str, Any] = {
            "type": "message",
            "ts": self.next_ts(),
            "text": body.get("text") or "",
            "blocks": body.get("blocks") or [],
            "bot_id": "B0001",
            "app_id": "A0001",
            "user": "U0BOT",
        }
        if body.get("metadata"):
            message["metadata"] = body["metadata"]
        thread = str(body.get("thread_ts") or "")
        if thread:
            message["thread_ts"] = thread
            for parent in self.posted.get(channel, []):
                if parent["ts"] == thread:
                    parent.update(thread_ts=thread, reply_count=parent.get("reply_count", 0) + 1)
        self.posted.setdefault(channel, []).append(message)
        return message

    def update(self, channel: str, ts: str, body: dict[str, Any]) -> None:
        for message in self.posted.get(channel, []):
            if message["ts"] == ts:
                message.update(text=body.get("text") or "", blocks=body.get("blocks") or [])

    def top_level(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages outside threads, oldest first (what people see in the channel)."""
        return [m for m in self.posted.get(channel, []) if m.get("thread_ts", m["ts"]) == m["ts"]]

    def replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The replies in a message's thread, oldest first."""
        return [m for m in self.posted.get(channel, []) if m.get("thread_ts") == ts and m["ts"] != ts]

    def read(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """The answer of conversations.history or conversations.replies with these arguments."""
        channel = str(args.get("channel", ""))
        if method == "conversations.history":
            found = list(reversed(self.top_level(channel)))
        else:
            ts = str(args.get("ts", ""))
            parent = [m for m in self.posted.get(channel, []) if m["ts"] == ts]
            if not parent:
                return {"ok": False, "error": "thread_not_found"}
            found = parent + self.replies(channel, ts)
        found = [m for m in found if _between(float(m["ts"]), args)]
        start = int(str(args.get("cursor") or "offset:0").removeprefix("offset:"))
        limit = min(int(args.get("limit") or 100), 999)
        page = found[start : start + limit]
        if not flag(args.get("include_all_metadata")):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(found)
        cursor = f"offset:{start + limit}" if more else ""
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def _between(ts: float, args: dict[str, Any]) -> bool:
    oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or 9e12)
    if flag(args.get("inclusive")):
        return oldest <= ts <= latest
    return oldest < ts < latest


def flag(value: Any) -> bool:
    """A boolean argument as slack_sdk sends it (1/0) or as written by hand (true/false)."""
    return str(value).lower() in ("1", "true")
