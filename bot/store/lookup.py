"""Reading events for people: a company's events or the latest ones, with their sources, in two queries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from ..core.models import EventView
from .schema import event_companies, events, sources


def events_for(conn: Connection, company: str, *, limit: int, related: Sequence[str] = ()) -> list[EventView]:
    """The newest events naming ``company`` or one of the ``related`` companies (every event for ""),
    each with its sources, oldest first, and the day the first dated one was published."""
    query = select(events).order_by(events.c.last_seen.desc(), events.c.id.desc()).limit(limit)
    if company:
        names = [name.lower() for name in (company, *related)]
        ids = select(event_companies.c.event_id).where(func.lower(event_companies.c.company).in_(names))
        query = query.where(events.c.id.in_(ids))
    return _with_sources(conn, list(conn.execute(query).mappings()))


def _with_sources(conn: Connection, rows: list[Any]) -> list[EventView]:
    """The events of these rows, each with its sources and the day the first dated one was published."""
    found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    published: dict[int, float] = {}
    if rows:
        reported = conn.execute(
            select(sources.c.event_id, sources.c.title, sources.c.link, sources.c.source, sources.c.published)
            .where(sources.c.event_id.in_([row["id"] for row in rows]))
            .order_by(sources.c.event_id, sources.c.added_at)
        )
        for event_id, title, link, source, when in reported:
            found[event_id].append((title, link, source))
            if when is not None:
                published.setdefault(event_id, when)
    return [_view(row, tuple(found[row["id"]]), published.get(row["id"])) for row in rows]


def _view(row: object, reported: tuple[tuple[str, str, str], ...], published: float | None) -> EventView:
    r: dict[str, object] = dict(row)  # type: ignore[call-overload]
    return EventView(
        id=int(r["id"]),  # type: ignore[call-overload]
        partners=tuple(json.loads(str(r["partners"]))),
        kind=str(r["kind"]),
        stage=str(r["stage"]),
        title=str(r["title"]),
        link=str(r["link"]),
        first_seen=datetime.fromtimestamp(float(r["first_seen"]), tz=UTC),  # type: ignore[arg-type]
        last_seen=datetime.fromtimestamp(float(r["last_seen"]), tz=UTC),  # type: ignore[arg-type]
        sources=reported,
        published=datetime.fromtimestamp(published, tz=UTC) if published is not None else None,
    )


def companies_with_events(conn: Connection) -> list[str]:
    """Every company some stored event names."""
    return list(conn.execute(select(event_companies.c.company).distinct()).scalars())


def events_for_ids(conn: Connection, ids: list[int]) -> list[EventView]:
    """The events with these ids, each with its sources, in no particular order."""
    if not ids:
        return []
    return _with_sources(conn, list(conn.execute(select(events).where(events.c.id.in_(ids))).mappings()))
