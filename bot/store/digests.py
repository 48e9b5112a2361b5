"""Digest rows and the events a digest lists: one row per route per period, queued once, marked when sent."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select, update

from ..core.models import EventFacts, EventView
from .events import insert_ignoring_duplicates
from .lookup import events_for_ids
from .schema import digests, events

PENDING, SENT, EMPTY = "pending", "sent", "empty"


@dataclass(frozen=True, slots=True)
class DigestRow:
    """One period's digest for one route, as queued."""

    id: int
    key: str
    route: str
    destination: str
    period_start: float
    period_end: float
    attempts: int
    claimed_at: float | None = None  # when its first post was tried; None while it was never tried


def queue(conn: Connection, *, row: DigestRow, now: float) -> bool:
    """Queue a period's digest unless it is queued already (the unique key makes a second try a no-op,
    also when another instance queues it at the same moment)."""
    if conn.execute(select(digests.c.id).where(digests.c.key == row.key)).first():
        return False
    values: dict[str, object] = {
        "key": row.key,
        "route": row.route,
        "destination": row.destination,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
        "reference": "",
    }
    insert_ignoring_duplicates(conn, digests, [values])
    return True


def due(conn: Connection, *, now: float) -> list[DigestRow]:
    """Digests waiting to be posted whose time has come, oldest period first."""
    rows = conn.execute(
        select(digests)
        .where(digests.c.status == PENDING, digests.c.next_attempt_at <= now)
        .order_by(digests.c.period_start, digests.c.id)
    ).mappings()
    return [
        DigestRow(
            r["id"],
            r["key"],
            r["route"],
            r["destination"],
            r["period_start"],
            r["period_end"],
            r["attempts"],
            r["claimed_at"],
        )
        for r in rows
    ]


def mark_sending(conn: Connection, digest_id: int, *, now: float) -> None:
    """The post starts now; the first such moment is kept as the claim, which stays until the digest is sent."""
    claimed = func.coalesce(digests.c.claimed_at, now)
    conn.execute(update(digests).where(digests.c.id == digest_id).values(sending_at=now, claimed_at=claimed))


def mark_sent(conn: Connection, digest_id: int, *, now: float, reference: str, empty: bool = False) -> None:
    conn.execute(
        update(digests)
        .where(digests.c.id == digest_id)
        .values(
            status=EMPTY if empty else SENT,
            sent_at=now,
            sending_at=None,
            reference=reference[:1000],
            attempts=digests.c.attempts + 1,
            last_error="",
        )
    )


def mark_failed(conn: Connection, digest_id: int, *, retry_at: float, error: str) -> None:
    conn.execute(
        update(digests)
        .where(digests.c.id == digest_id)
        .values(
            attempts=digests.c.attempts + 1, next_attempt_at=retry_at, last_error=error[:2000], sending_at=None
        )
    )


def interrupted(conn: Connection) -> list[str]:
    """Keys of digests a crash cut off mid-post; their claim stays, so the next try looks for them at the
    destination before posting them again (same key, same content)."""
    cut_off = and_(digests.c.status == PENDING, digests.c.sending_at.is_not(None))
    keys = [str(k) for k in conn.execute(select(digests.c.key).where(cut_off)).scalars()]
    conn.execute(update(digests).where(cut_off).values(sending_at=None))
    return keys


def sent_count(conn: Connection, route: str) -> int:
    """How many digests a route has posted (or found empty), for tests and status."""
    found = conn.execute(select(digests.c.id).where(digests.c.route == route, digests.c.status != PENDING))
    return len(found.all())


def events_between(conn: Connection, *, start: float, end: float) -> list[tuple[EventView, EventFacts]]:
    """Events active in a period (first seen before its end, last seen in or after its start), oldest first,
    with what routing needs to filter them."""
    rows = conn.execute(
        select(events.c.id, events.c.partners, events.c.kind, events.c.stage, events.c.score)
        .where(events.c.first_seen < end, events.c.last_seen >= start)
        .order_by(events.c.first_seen, events.c.id)
        .limit(1000)
    ).all()
    views = {v.id: v for v in events_for_ids(conn, [r.id for r in rows])}
    return [
        (views[r.id], EventFacts(tuple(json.loads(r.partners)), r.kind, r.stage, float(r.score)))
        for r in rows
        if r.id in views
    ]
