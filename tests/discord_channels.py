"""The messages a fake Discord keeps per channel: snowflake ids of the current time, nonces enforced for a few
minutes, and pages of GET /channels/{id}/messages as Discord returns them."""

from __future__ import annotations

import time
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
NONCE_WINDOW = 300.0  # seconds Discord remembers an enforced nonce ("the past few minutes")


class Messages:
    """Every message by id (bot posts, webhook posts, edits), with what creating and reading them needs."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self._last_id = 0
        self._nonces: dict[tuple[str, str], tuple[str, float]] = {}  # (channel, nonce) -> (message id, when)

    def next_id(self) -> str:
        """A snowflake of the current time (as Discord's are), each larger than the last."""
        self._last_id = max(self._last_id + 1, (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22)
        return str(self._last_id)

    def seen_nonce(self, channel: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """With ``enforce_nonce``, the message created with the same nonce in the last few minutes, if any."""
        nonce = str(body.get("nonce") or "")
        if not nonce or not body.get("enforce_nonce"):
            return None
        seen = self._nonces.get((channel, nonce))
        if seen is None or time.time() - seen[1] >= NONCE_WINDOW:
            return None
        return self.by_id.get(seen[0])

    def keep_nonce(self, channel: str, body: dict[str, Any], message: dict[str, Any]) -> None:
        if body.get("nonce"):
            self._nonces[(channel, str(body["nonce"]))] = (message["id"], time.time())

    def forget_nonces(self) -> None:
        """Discord's few minutes are over: a nonce used before no longer stops a second message."""
        self._nonces.clear()

    def in_channel(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages, oldest first."""
        found = (m for m in self.by_id.values() if m["channel_id"] == channel)
        return sorted(found, key=lambda m: int(m["id"]))

    def page(self, channel: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """GET channel messages: ``limit`` (1-100, default 50) before or after an id, or the latest; newest first
        (after an id: the oldest ones after it, still newest first). No message carries its nonce."""
        limit = max(1, min(int(query.get("limit", "50")), 100))
        found = self.in_channel(channel)
        if "after" in query:
            chosen = [m for m in found if int(m["id"]) > int(query["after"])][:limit]
        elif "before" in query:
            chosen = [m for m in found if int(m["id"]) < int(query["before"])][-limit:]
        else:
            chosen = found[-limit:]
        return list(reversed(chosen))
