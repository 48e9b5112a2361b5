"""The data that crosses evradar's boundaries: news items, companies and detections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    """One entry of the company knowledge base (config/companies.toml)."""

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
