"""Slack digests: Block Kit messages of at most 50 blocks, each section under 3000 characters; what does not
fit the first message continues in its thread."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from ...core.digest import Digest, heading, sections
from ...core.labels import STAGE_LABELS
from ...core.models import EventView
from .render import MAX_BLOCKS, SECTION_MAX, Message, _header, _message, _section, link, mrkdwn

LINE_MAX = 700  # one event's line; a section holds several


def event_line(event: EventView) -> str:
    """• *Xiaomi × Great Wall Motor* (talks) <link|title>"""
    partners = mrkdwn(" × ".join(event.partners) or "A partnership", 300)
    stage = STAGE_LABELS.get(event.stage, event.stage)
    return f"• *{partners}* ({stage}) {link(event.link, event.title or event.link, limit=LINE_MAX - 350)}"


def digest_messages(digest: Digest) -> list[Message]:
    """The digest as one or more messages (the first carries the title; the others go in its thread)."""
    blocks: list[Block] = [_header(digest.title)]
    for title, lines in _kind_lines(digest):
        part: list[str] = [f"*{mrkdwn(title, 200)}*"]
        for text in lines:
            if sum(len(t) + 1 for t in part) + len(text) > SECTION_MAX - 100:
                blocks.append(_section(part))
                part = []
            part.append(text)
        blocks.append(_section(part))
    pages = [blocks[n : n + MAX_BLOCKS] for n in range(0, len(blocks), MAX_BLOCKS)]
    total = len(pages)
    return [
        _message(page, digest.title if n == 0 else f"{digest.title} (continued, {n + 1}/{total})")
        for n, page in enumerate(pages)
    ]


def _kind_lines(digest: Digest) -> list[tuple[str, list[str]]]:
    if not digest.events:
        return sections(digest)
    return [(heading(kind), [event_line(e) for e in events]) for kind, events in digest.groups()]
