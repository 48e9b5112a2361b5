"""The data that crosses evradar's boundaries: news items, companies, detections, events and alerts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

Kind = Literal["manufacturing", "joint_venture", "supply", "technology", "investment", "charging", "other"]
Stage = Literal["announced", "talks", "ended"]

KINDS: tuple[Kind, ...] = (
    "manufacturing",
    "joint_venture",
    "supply",
    "technology",
    "investment",
    "charging",
    "other",
)
STAGES: tuple[Stage, ...] = ("announced", "talks", "ended")

SECTORS: tuple[str, ...] = (
    "automaker",
    "ev_maker",
    "commercial_vehicle",
    "two_wheeler",
    "battery",
    "battery_materials",
    "semiconductor",
    "autonomy",
    "tech",
    "contract_manufacturer",
    "charging",
    "supplier",
    "energy",
    "mobility",
    "investor",
    "other",
)


@dataclass(frozen=True, slots=True)
class Item:
    """One news item as a handler sees it: plain text, no HTML."""

    id: str
    title: str
    summary: str = ""
    content: str = ""
    link: str = ""
    published: datetime | None = None
    feed_url: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Company:
    """One entry of the company knowledge base (config/companies/)."""

    name: str
    aliases: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    sector: str = "other"
    country: str = ""
    parent: str = ""
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Relation:
    """A partnership named in a story: who, what kind, how far along, and the proof."""

    partners: tuple[str, ...]
    kind: Kind
    stage: Stage
    evidence: str


@dataclass(frozen=True, slots=True)
class Detection:
    """What a handler concluded about one item."""

    handler: str
    alert: bool
    score: float
    partners: tuple[str, ...]
    kind: Kind
    stage: Stage
    evidence: str
    ev: bool
    reasons: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()
    related: tuple[Relation, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Source:
    """One article that reported an event."""

    title: str
    link: str
    source: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """What a destination is asked to show: a partnership event, new or updated."""

    event_id: int
    version: int  # 1 for the first alert; higher for updates of the same event
    partners: tuple[str, ...]
    kind: Kind
    stage: Stage
    score: float
    evidence: str
    title: str
    link: str
    sources: tuple[Source, ...]
    first_seen: datetime
    tickers: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    previous_stage: Stage | None = None  # set on an update that moved the stage
    reference: str = ""  # the platform's id of the first message, for threads and edits

    @property
    def is_update(self) -> bool:
        return self.version > 1

    @property
    def published(self) -> datetime | None:
        """When the first dated report was published (None when no feed gave a date)."""
        return next((s.published for s in self.sources if s.published), None)


@dataclass(frozen=True, slots=True)
class Destination:
    """Where alerts go: a channel by bot token, a webhook, or a platform as a whole.

    ``key`` names it in the outbox: "<platform>:<channel>", "<platform>:webhook:<hash of the URL>"
    (the URL is a credential and is never stored), or "<platform>". Each platform's adapter
    reads keys of its own platform back into destinations (``bot.adapters``).
    """

    platform: str  # a name registered in bot.adapters.PLATFORMS
    channel: str = ""
    webhook_url: str = ""

    @property
    def key(self) -> str:
        if self.webhook_url:
            return f"{self.platform}:webhook:{webhook_digest(self.webhook_url)}"
        return f"{self.platform}:{self.channel}" if self.channel else self.platform


def webhook_digest(url: str) -> str:
    """How a webhook URL shows in a destination key: a short hash, never the URL itself."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class PollOutcome(StrEnum):
    """How a poll of a feed ended; a feed row keeps the last one (or "new" before its first poll)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"
    SKIPPED = "skipped"  # paused, gone, or polled since it was due


class DeliveryStatus(StrEnum):
    """Where a queued post stands in the outbox."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # its destination is gone from the configuration: it will never be sent


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What routing needs to know about an event."""

    partners: tuple[str, ...]
    kind: str
    stage: str
    score: float


@dataclass(frozen=True, slots=True)
class EventView:
    """A stored partnership event as lookups and listings show it."""

    id: int
    partners: tuple[str, ...]
    kind: str
    stage: str
    title: str
    link: str
    first_seen: datetime
    last_seen: datetime
    sources: tuple[tuple[str, str, str], ...]  # (title, link, source)
    published: datetime | None = None  # when the first dated report was published
    via: str = ""  # how a looked-up company is in it through its group or unit ("as part of Hyundai Motor Group")


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """What should happen to a feed after a poll, decided before anything is written.

    ``failures`` is the new count of failures in a row; ``pause`` says the feed stops being
    polled (with ``reason``) until someone resumes it.
    """

    next_poll_at: float
    failures: int = 0
    pause: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Delivered:
    """A post that arrived; ``reference`` identifies it for later edits and thread replies."""

    reference: str = ""


@dataclass(frozen=True, slots=True)
class DeliveryFailed:
    """A post that did not arrive, and what to do about it."""

    reason: str
    permanent: bool = False  # channel gone, token revoked: pause the destination
    retry_after: float | None = None  # seconds the platform asked us to wait
