"""Reading events for pages, exports and the network picture: filtered lists and a company's links.

Dates here are when the sources were published (when a source has no date, when evradar saw it):
that is the date people mean by "a deal from 2021", not when evradar happened to read about it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection, Select, func, or_, select

from .schema import deliveries, destinations, event_companies, events, sources

_T = TypeVar("_T")
BATCH = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to list; empty fields match everything. ``companies`` are canonical names."""

    companies: tuple[str, ...] = ()
    kind: str = ""
    stage: str = ""
    since: float | None = None  # epoch seconds, on the last published date
    until: float | None = None
    text: str = ""  # words in the title, evidence or partners
    limit: int | None = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class SourceRow:
    title: str
    link: str
    source: str
    published: datetime


@dataclass(frozen=True, slots=True)
class EventRow:
    """One stored event with the dates and sources its reports give it."""

    id: int
    partners: tuple[str, ...]
    kind: str
    stage: str
    score: float
    title: str
    link: str
    evidence: str
    first_published: datetime
    last_published: datetime
    sources: tuple[SourceRow, ...]


@dataclass(frozen=True, slots=True)
class LinkRow:
    """What the network picture needs of one event."""

    partners: tuple[str, ...]
    kind: str
    stage: str
    year: int


def _dates() -> Select[tuple[int, float, float]]:
    when = func.coalesce(sources.c.published, sources.c.added_at)
    return select(
        sources.c.event_id.label("event_id"),
        func.min(when).label("first"),
        func.max(when).label("last"),
    ).group_by(sources.c.event_id)


def find_events(conn: Connection, wanted: EventFilter) -> list[EventRow]:
    """Events matching ``wanted``, most recently published first, each with its sources."""
    dates = _dates().subquery()
    query = (
        select(events, dates.c.first, dates.c.last)
        .join(dates, dates.c.event_id == events.c.id)
        .order_by(dates.c.last.desc(), events.c.id.desc())
        .offset(wanted.offset)
    )
    if wanted.limit is not None:
        query = query.limit(wanted.limit)
    if wanted.companies:
        named = select(event_companies.c.event_id).where(
            func.lower(event_companies.c.company).in_([c.lower() for c in wanted.companies])
        )
        query = query.where(events.c.id.in_(named))
    if wanted.kind:
        query = query.where(events.c.kind == wanted.kind)
    if wanted.stage:
        query = query.where(events.c.stage == wanted.stage)
    if wanted.since is not None:
        query = query.where(dates.c.last >= wanted.since)
    if wanted.until is not None:
        query = query.where(dates.c.first < wanted.until)
    for word in wanted.text.lower().split()[:8]:
        query = query.where(
            or_(
                *(
                    func.lower(c).contains(word, autoescape=True)
                    for c in (events.c.title, events.c.evidence, events.c.partners)
                )
            )
        )
    rows = list(conn.execute(query).mappings())
    found = _sources(conn, [int(r["id"]) for r in rows])
    return [_row(r, found[int(r["id"])]) for r in rows]


def _sources(conn: Connection, ids: Sequence[int]) -> dict[int, list[SourceRow]]:
    found: dict[int, list[SourceRow]] = defaultdict(list)
    for chunk in _chunks(ids):
        reported = conn.execute(
            select(
                sources.c.event_id,
                sources.c.title,
                sources.c.link,
                sources.c.source,
                func.coalesce(sources.c.published, sources.c.added_at),
            )
            .where(sources.c.event_id.in_(chunk))
            .order_by(sources.c.event_id, sources.c.added_at)
        )
        for event_id, title, link, source, when in reported:
            found[event_id].append(SourceRow(title, link, source, _utc(when)))
    return found


def _row(r: object, reported: list[SourceRow]) -> EventRow:
    m: dict[str, object] = dict(r)  # type: ignore[call-overload]
    return EventRow(
        id=int(m["id"]),  # type: ignore[call-overload]
        partners=tuple(json.loads(str(m["partners"]))),
        kind=str(m["kind"]),
        stage=str(m["stage"]),
        score=float(m["score"]),  # type: ignore[arg-type]
        title=str(m["title"]),
        link=str(m["link"]),
        evidence=str(m["evidence"]),
        first_published=_utc(m["first"]),
        last_published=_utc(m["last"]),
        sources=tuple(reported),
    )


def links_around(conn: Connection, company: str, *, depth: int, since: float | None) -> list[LinkRow]:
    """The events naming ``company`` and, for ``depth`` 2, the events naming its partners."""
    seen: dict[int, LinkRow] = {}
    names = {company.lower()}
    for hop in range(depth):
        new = _links_naming(conn, sorted(names), since)
        seen.update((i, row) for i, row in new.items() if i not in seen)
        if hop + 1 < depth:
            names = {p.lower() for row in new.values() for p in row.partners} - {company.lower()}
    return list(seen.values())


def _links_naming(conn: Connection, names: Sequence[str], since: float | None) -> dict[int, LinkRow]:
    dates = _dates().subquery()
    found: dict[int, LinkRow] = {}
    for chunk in _chunks(names):
        named = select(event_companies.c.event_id).where(func.lower(event_companies.c.company).in_(chunk))
        query = (
            select(events.c.id, events.c.partners, events.c.kind, events.c.stage, dates.c.first)
            .join(dates, dates.c.event_id == events.c.id)
            .where(events.c.id.in_(named))
        )
        if since is not None:
            query = query.where(dates.c.last >= since)
        for event_id, partners, kind, stage, first in conn.execute(query):
            found[event_id] = LinkRow(tuple(json.loads(partners)), kind, stage, _utc(first).year)
    return found


def _chunks(values: Sequence[_T]) -> Iterable[Sequence[_T]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _utc(when: object) -> datetime:
    return datetime.fromtimestamp(float(when), tz=UTC)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class DestinationRow:
    """One destination's state: paused or not, and its deliveries by status."""

    key: str
    paused: bool
    reason: str
    last_error: str
    last_ok_at: datetime | None
    waiting: int
    sent: int
    dead: int


def destination_rows(conn: Connection) -> list[DestinationRow]:
    """Every destination that has state or deliveries, by key."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, status, n in conn.execute(
        select(deliveries.c.destination, deliveries.c.status, func.count()).group_by(
            deliveries.c.destination, deliveries.c.status
        )
    ):
        counts[key][status] = n
    state = {row.key: row for row in conn.execute(select(destinations))}
    rows = []
    for key in sorted(set(counts) | set(state)):
        s, c = state.get(key), counts.get(key, {})
        rows.append(
            DestinationRow(
                key,
                bool(s and s.paused),
                s.paused_reason if s else "",
                s.last_error if s else "",
                _utc(s.last_ok_at) if s and s.last_ok_at else None,
                c.get("pending", 0),
                c.get("sent", 0),
                c.get("dead", 0),
            )
        )
    return rows
