"""Reading a Slack channel back to find the parts of a digest whose post was cut off: the first part among the
channel's messages since the post was first tried, the others among the replies in its thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from ...core.digest import Posted, Unchecked
from .digest import part_of

PAGE = 200  # messages per read; Slack may answer with fewer (non-Marketplace apps get 15)
PAGES = 10  # reads per search; a channel busier than that since the claim is left unchecked
CLOCK_MARGIN = 300.0  # seconds before the claim still searched: the host's clock and Slack's may differ


async def find_parts(
    client: AsyncWebClient, *, channel: str, key: str, parts: int, since: float
) -> Posted | Unchecked:
    """The parts of digest ``key`` the channel shows (SlackApiError and network errors are the caller's)."""
    oldest = f"{max(since - CLOCK_MARGIN, 0.0):.6f}"
    first, truncated = None, False
    async for messages, stopped_early in _pages(client, "conversations_history", channel=channel, oldest=oldest):
        first, truncated = next((m for m in messages if part_of(m, key) == 0), None), stopped_early
        if first is not None:
            break
    if first is None:
        if truncated:
            return Unchecked(f"channel {channel} has more than {PAGE * PAGES} messages since the post was tried")
        return Posted({}, parts)
    ts = str(first["ts"])
    found = {0: f"{channel}:{ts}"}
    if parts > 1:
        async for replies, _ in _pages(client, "conversations_replies", channel=channel, ts=ts):
            found |= {n: f"{channel}:{r['ts']}" for r in replies if (n := part_of(r, key)) is not None and n > 0}
    return Posted(found, parts)


async def _pages(client: AsyncWebClient, method: str, **options: str) -> AsyncIterator[tuple[list[Any], bool]]:
    """Each page of messages, newest first, with whether reading stopped there with more left unread."""
    read = getattr(client, method)
    cursor = None
    for page in range(PAGES):
        answer = await read(**options, include_all_metadata=True, limit=PAGE, cursor=cursor)
        cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
        more = bool(answer.get("has_more")) and cursor is not None
        yield list(answer.get("messages") or []), more and page == PAGES - 1
        if not more:
            return
