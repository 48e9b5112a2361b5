"""The message a Teams Workflows webhook receives for an alert or update: one Adaptive Card, within Teams' limits.

The envelope is what the "Post to a channel when a webhook request is received" workflow reads: a
``message`` whose ``attachments`` hold the card. The card keeps untrusted text in ``TextRun``s (see
``text``), links only to http(s) URLs, and its UTF-8 JSON stays under :data:`BUDGET`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypedDict
from urllib.parse import urlsplit

from ...core.labels import headline, stage_label
from ...core.models import Alert, Source
from .text import plain, safe_url

Json = dict[str, Any]

# Teams refuses a message over 28 KB ("Create Incoming Webhooks", Microsoft Teams platform docs: "The
# message size limit is 28 KB"). The limit counts the message as Teams stores it, which is larger than
# what we send (users of other clients report refusals from about 21 KB), so evradar keeps well under.
TEAMS_LIMIT = 28 * 1024
BUDGET = 20_000
CARD_VERSION = "1.4"  # Teams renders Adaptive Cards up to 1.5 on desktop; 1.4 also reaches mobile clients
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
BUTTON = "Read the story"


class Attachment(TypedDict):
    contentType: str
    contentUrl: None
    content: Json


class Message(TypedDict):
    type: Literal["message"]
    attachments: list[Attachment]


@dataclass(frozen=True, slots=True)
class Room:
    """How much of each text a card shows; smaller rooms are tried until the card fits the budget."""

    headline: int
    title: int
    evidence: int
    source: int  # characters of one source's title; 0 shows no sources
    sources: int  # how many sources are listed (the newest)
    url: int  # longest link kept


ROOMS = (
    Room(headline=300, title=400, evidence=1500, source=200, sources=5, url=2000),
    Room(headline=200, title=200, evidence=600, source=120, sources=3, url=1000),
    Room(headline=150, title=100, evidence=200, source=60, sources=1, url=500),
    Room(headline=100, title=60, evidence=80, source=0, sources=0, url=300),
)


def message(alert: Alert) -> Message:
    """The webhook message for ``alert``: the fullest card whose JSON fits :data:`BUDGET`."""
    for room in ROOMS:
        built = _envelope(card(alert, room))
        if size(built) <= BUDGET:
            return built
    return _envelope(card(alert, Room(headline=60, title=0, evidence=0, source=0, sources=0, url=0)))


def body(alert: Alert) -> bytes:
    """The exact bytes POSTed: the message as compact UTF-8 JSON."""
    return encode(message(alert))


def encode(built: Message) -> bytes:
    return json.dumps(built, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def size(built: Message) -> int:
    """Bytes of the message as sent (UTF-8 JSON), which is what Teams' limit counts."""
    return len(encode(built))


def _envelope(content: Json) -> Message:
    return {
        "type": "message",
        "attachments": [{"contentType": CONTENT_TYPE, "contentUrl": None, "content": content}],
    }


def card(alert: Alert, room: Room) -> Json:
    """The Adaptive Card for ``alert`` with each text cut to ``room``."""
    body: list[Json] = []
    if alert.is_update:
        body.append(_rich([_run(f"Update: {change(alert)}", weight="Bolder", color="Accent")]))
    body.append(_rich([_run(plain(headline(alert), room.headline), size="Large", weight="Bolder")]))
    if room.title and (title := plain(alert.title, room.title)):
        body.append(_rich([_run(title, weight="Bolder")]))
    if room.evidence and (evidence := plain(alert.evidence, room.evidence)):
        body.append(_rich([_run(f"“{evidence}”", italic=True)]))
    body.append(_rich([_run(_facts(alert), isSubtle=True)]))
    body.extend(_sources(alert.sources, room))
    content: Json = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "actions": _actions(alert, room),
        "fallbackText": plain(headline(alert), room.headline),
        "msteams": {"width": "Full"},
    }
    return content


def change(alert: Alert) -> str:
    """What an update changed, in our own words: the stage moved, or a new source reported it."""
    count = len(alert.sources)
    so_far = f"{count} source{'' if count == 1 else 's'} so far"
    if alert.previous_stage and alert.previous_stage != alert.stage:
        return f"stage moved from {stage_label(alert.previous_stage)} to {stage_label(alert.stage)}; {so_far}"
    newest = alert.sources[-1] if alert.sources else None
    name = plain(newest.source or _host(newest.link), 60) if newest else ""
    return f"a new source{f' ({name})' if name else ''} reported it; {so_far}"


def _facts(alert: Alert) -> str:
    parts = [f"Score {alert.score:.2f}"]
    if alert.tickers:
        parts.append("Tickers " + plain(", ".join(alert.tickers), 200))
    parts.append(f"first seen {_day(alert.first_seen)}")
    return " · ".join(parts)


def _sources(sources: Sequence[Source], room: Room) -> list[Json]:
    if not sources or not room.sources:
        return []
    shown = sources[-room.sources :]
    label = "Source" if len(sources) == 1 else f"Sources ({len(sources)}, newest last)"
    blocks: list[Json] = [{"type": "TextBlock", "text": label, "weight": "Bolder", "spacing": "Medium"}]
    for source in shown:
        runs = [_run(plain(source.source or _host(source.link) or "unnamed source", 80), weight="Bolder")]
        runs.append(_run(f" · {_day(source.published) if source.published else 'date unknown'}", isSubtle=True))
        if room.source and (title := plain(source.title, room.source)):
            runs.append(_run(f" · {title}"))
        blocks.append(_rich(runs, spacing="None"))
    return blocks


def _actions(alert: Alert, room: Room) -> list[Json]:
    """ "Read the story": the alert's link, else the newest source's, when it is a safe http(s) URL."""
    candidates = [alert.link, *(s.link for s in reversed(alert.sources))]
    for url in candidates:
        target = safe_url(url)
        if target is not None and len(target) <= room.url:
            return [{"type": "Action.OpenUrl", "title": BUTTON, "url": target}]
    return []


def _rich(runs: list[Json], **options: str) -> Json:
    return {"type": "RichTextBlock", "inlines": runs, **options}


def _run(text: str, **style: str | bool) -> Json:
    return {"type": "TextRun", "text": text, **style}


def _day(when: datetime) -> str:
    return f"{when:%d %b %Y}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
