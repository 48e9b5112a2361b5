"""Slack's feedback buttons under an alert, and the alert edited to show the channel's tally."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject, PlainTextObject

from ...chat.feedback import Counted
from ...core.feedback import VOTE_LABELS, VOTES, tally_line

ACTION_PREFIX = "feedback_"
ACTIONS = re.compile(rf"^{ACTION_PREFIX}({'|'.join(VOTES)})$")
FEEDBACK_BLOCK = "evradar_feedback"
TALLY_BLOCK = "evradar_tally"
MAX_BLOCKS = 50  # Slack's limit per message (MAX_BLOCKS; this module is imported by render)
GONE = "evradar no longer knows this alert, so the vote was not counted."


def feedback_actions(event_id: int) -> ActionsBlock:
    """The four buttons; each carries the event id and nothing else."""
    buttons = [
        ButtonElement(
            text=PlainTextObject(text=VOTE_LABELS[vote]),
            action_id=f"{ACTION_PREFIX}{vote}",
            value=str(event_id),
            style="primary" if vote == "useful" else None,
        )
        for vote in VOTES
    ]
    return ActionsBlock(block_id=FEEDBACK_BLOCK, elements=list(buttons))


def vote_of(action: Mapping[str, Any]) -> str | None:
    found = ACTIONS.fullmatch(str(action.get("action_id", "")))
    return found[1] if found else None


def with_tally(blocks: Sequence[Mapping[str, Any]], line: str) -> list[dict[str, Any]]:
    """The alert's blocks as posted, with the tally as a quiet context line under the buttons."""
    kept = [dict(b) for b in blocks if isinstance(b, Mapping) and b.get("block_id") != TALLY_BLOCK]
    if not line:
        return kept[:MAX_BLOCKS]
    # The line is built from vote counts only; escaping Slack's three control characters keeps it inert anyway.
    safe = line[:300].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    tally = ContextBlock(block_id=TALLY_BLOCK, elements=[MarkdownTextObject(text=safe, verbatim=True)]).to_dict()
    at = next((n + 1 for n, b in enumerate(kept) if b.get("block_id") == FEEDBACK_BLOCK), len(kept))
    kept.insert(at, tally)
    return kept[:MAX_BLOCKS]


def tally_text(counted: Counted) -> str:
    line = tally_line(counted.tally)
    return line + (" · updates muted in this channel" if counted.muted else "")
