"""Slack digests: Block Kit messages of at most 50 blocks, each section under 3000 characters; what does not
fit the first message continues in its thread. Every part carries the digest's key in its message metadata, so
evradar can find it in the channel again after a post that was cut off."""

from __future__ import annotations

from typing import Any, TypedDict

from slack_sdk.models.blocks import Block

from ...core.digest import Digest, heading, sections
from ...core.labels import STAGE_LABELS
from ...core.models import EventView
from .render import MAX_BLOCKS, SECTION_MAX, Message, _header, _message, _section, link, mrkdwn

LINE_MAX = 700  # one event's line; a section holds several
EVENT_TYPE = "evradar_digest"  # the metadata event type of every digest message evradar posts


class PartPayload(TypedDict):
    key: str
    part: int  # from 0; the first part is in the channel, the others in its thread
    parts: int


class DigestMetadata(TypedDict):
    event_type: str
    event_payload: PartPayload


def part_metadata(key: str, part: int, parts: int) -> DigestMetadata:
    """The message metadata of one part of a digest (invisible in the channel, returned by history reads)."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key, "part": part, "parts": parts}}


def part_of(message: dict[str, Any], key: str) -> int | None:
    """Which part of the digest ``key`` a message read back from Slack is, if it is one."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    part = payload.get("part")
    return part if isinstance(part, int) and part >= 0 else None


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
