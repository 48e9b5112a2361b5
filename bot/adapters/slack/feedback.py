"""Slack's feedback buttons under an alert, and the alert edited to show the channel's tally."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, PlainTextObject

from ...chat.feedback import Counted
from ...core.feedback import VOTE_LABELS, VOTES, tally_line
from . import render
from .render import MAX_BLOCKS, Message

ACTION_PREFIX = "feedback_"
ACTIONS = re.compile(rf"^{ACTION_PREFIX}({'|'.join(VOTES)})$")
FEEDBACK_BLOCK = "evradar_feedback"
TALLY_BLOCK = "evradar_tally"
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


def with_buttons(message: Message, event_id: int) -> Message:
    """The alert with the feedback buttons after its "Read the article" button, before its sources line."""
    blocks = list(message.blocks)
    blocks.insert(max(len(blocks) - 1, 0), feedback_actions(event_id).to_dict())
    return Message(tuple(blocks[:MAX_BLOCKS]), message.text)


def with_status(message: Message, lines: Sequence[str]) -> Message:
    """`/evradar status` with the channel's threshold and what its votes taught it."""
    if not lines:
        return message
    section = render._section(["*Feedback in this channel:*", *(render.mrkdwn(line, 1400) for line in lines)])
    return Message((*message.blocks, section.to_dict())[:MAX_BLOCKS], message.text)


def vote_of(action: Mapping[str, Any]) -> str | None:
    found = ACTIONS.fullmatch(str(action.get("action_id", "")))
    return found[1] if found else None


def with_tally(blocks: Sequence[Mapping[str, Any]], line: str) -> list[dict[str, Any]]:
    """The alert's blocks as posted, with the tally as a quiet context line under the buttons."""
    kept = [dict(b) for b in blocks if isinstance(b, Mapping) and b.get("block_id") != TALLY_BLOCK]
    if not line:
        return kept[:MAX_BLOCKS]
    tally = ContextBlock(block_id=TALLY_BLOCK, elements=[render._md(render.mrkdwn(line, 300))]).to_dict()
    at = next((n + 1 for n, b in enumerate(kept) if b.get("block_id") == FEEDBACK_BLOCK), len(kept))
    kept.insert(at, tally)
    return kept[:MAX_BLOCKS]


def tally_text(counted: Counted) -> str:
    line = tally_line(counted.tally)
    return line + (" · updates muted in this channel" if counted.muted else "")
