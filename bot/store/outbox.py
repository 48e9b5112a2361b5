"""The delivery outbox: rows written before sending, marked after, retried, paused per destination."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select, update

from ..core.models import Alert, DeliveryStatus, Source
from .schema import deliveries, destinations, events, sources


@dataclass(frozen=True, slots=True)
class Pending:
    """One delivery waiting to be made."""

    id: int
    event_id: int
    version: int
    destination: str
    stage: str
    previous_stage: str
    attempts: int


@dataclass(frozen=True, slots=True)
class PausedDestination:
    key: str
    reason: str
    paused_at: float | None


def due(conn: Connection, *, now: float, limit: int = 200, destination: str | None = None) -> list[Pending]:
    """Pending deliveries whose time has come, oldest first, skipping paused destinations.

    A destination's rows come in queue order, and a later row waits while an earlier one
    for the same destination is still pending (so a channel gets its alerts in order).
    """
    paused = select(destinations.c.key).where(destinations.c.paused.is_(True))
    query = select(deliveries).where(
        deliveries.c.status == DeliveryStatus.PENDING, deliveries.c.destination.not_in(paused)
    )
    if destination is not None:
        query = query.where(deliveries.c.destination == destination)
    rows = conn.execute(query.order_by(deliveries.c.id).limit(limit * 5)).mappings()
    out: list[Pending] = []
    blocked: set[str] = set()
    for row in rows:
        if row["destination"] in blocked:
            continue
        if row["next_attempt_at"] > now:
            blocked.add(row["destination"])  # waiting to retry: what comes after it waits too
            continue
        out.append(
            Pending(
                row["id"],
                row["event_id"],
                row["version"],
                row["destination"],
                row["stage"],
                row["previous_stage"],
                row["attempts"],
            )
        )
        if len(out) >= limit:
            break
    return out


def due_destinations(conn: Connection, *, now: float) -> set[str]:
    """Destinations (not paused) whose oldest pending delivery may be tried now."""
    paused = select(destinations.c.key).where(destinations.c.paused.is_(True))
    first = (
        select(deliveries.c.destination, func.min(deliveries.c.id).label("first"))
        .where(deliveries.c.status == DeliveryStatus.PENDING, deliveries.c.destination.not_in(paused))
        .group_by(deliveries.c.destination)
        .subquery()
    )
    rows = conn.execute(
        select(first.c.destination)
        .join(deliveries, deliveries.c.id == first.c.first)
        .where(deliveries.c.next_attempt_at <= now)
    )
    return {row[0] for row in rows}


def last_post(conn: Connection, key: str) -> float | None:
    """When ``key`` last accepted a post (from any instance), for pacing."""
    value = conn.execute(select(destinations.c.last_ok_at).where(destinations.c.key == key)).scalar()
    return float(value) if value is not None else None


def next_due(conn: Connection) -> float | None:
    """When the earliest pending delivery may be tried."""
    paused = select(destinations.c.key).where(destinations.c.paused.is_(True))
    value = conn.execute(
        select(func.min(deliveries.c.next_attempt_at)).where(
            deliveries.c.status == DeliveryStatus.PENDING, deliveries.c.destination.not_in(paused)
        )
    ).scalar()
    return float(value) if value is not None else None


def alert_for(conn: Connection, pending: Pending) -> Alert:
    """The alert to show for a pending delivery, from the event as it stands now."""
    event = conn.execute(select(events).where(events.c.id == pending.event_id)).mappings().one()
    found = conn.execute(
        select(sources).where(sources.c.event_id == pending.event_id).order_by(sources.c.added_at)
    ).mappings()
    reference = ""
    if pending.version > 1:
        reference = (
            conn.execute(
                select(deliveries.c.reference).where(
                    deliveries.c.event_id == pending.event_id,
                    deliveries.c.destination == pending.destination,
                    deliveries.c.version == 1,
                )
            ).scalar()
            or ""
        )
    return Alert(
        event_id=pending.event_id,
        version=pending.version,
        partners=tuple(json.loads(event["partners"])),
        kind=event["kind"],
        stage=pending.stage,  # type: ignore[arg-type]
        score=event["score"],
        evidence=event["evidence"],
        title=event["title"],
        link=event["link"],
        sources=tuple(Source(s["title"], s["link"], s["source"], _when(s["published"])) for s in found),
        first_seen=datetime.fromtimestamp(event["first_seen"], tz=UTC),
        tickers=tuple(json.loads(event["tickers"])),
        reasons=tuple(json.loads(event["reasons"])),
        previous_stage=pending.previous_stage or None,  # type: ignore[arg-type]
        reference=reference,
    )


def _when(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, tz=UTC) if epoch is not None else None


def waiting_for_first(conn: Connection, pending: Pending) -> bool:
    """An update cannot go before the first alert of its event has gone to the same place."""
    if pending.version == 1:
        return False
    status = conn.execute(
        select(deliveries.c.status).where(
            deliveries.c.event_id == pending.event_id,
            deliveries.c.destination == pending.destination,
            deliveries.c.version == 1,
        )
    ).scalar()
    return status == DeliveryStatus.PENDING


def mark_sending(conn: Connection, delivery_id: int, *, now: float) -> None:
    """Committed just before the post: if evradar dies before mark_sent, the next start knows."""
    conn.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(sending_at=now))


def interrupted(conn: Connection, destination: str | None = None) -> int:
    """Deliveries a crash cut off mid-post (they may have arrived); they are sent again, and forgotten here."""
    cut_off = (deliveries.c.status == DeliveryStatus.PENDING) & deliveries.c.sending_at.is_not(None)
    if destination is not None:
        cut_off = cut_off & (deliveries.c.destination == destination)
    found = conn.execute(select(func.count()).select_from(deliveries).where(cut_off)).scalar_one()
    conn.execute(update(deliveries).where(cut_off).values(sending_at=None))
    return int(found)


def mark_sent(conn: Connection, delivery_id: int, *, now: float, reference: str, destination: str) -> None:
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            status=DeliveryStatus.SENT.value,
            sent_at=now,
            sending_at=None,
            reference=reference[:1000],
            last_error="",
            attempts=deliveries.c.attempts + 1,
        )
    )
    _touch_destination(conn, destination, last_ok_at=now, last_error="")


def mark_failed(conn: Connection, delivery_id: int, *, now: float, retry_at: float, error: str) -> None:
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(
            attempts=deliveries.c.attempts + 1, next_attempt_at=retry_at, last_error=error[:2000], sending_at=None
        )
    )


def mark_refused(conn: Connection, delivery_id: int, *, error: str) -> None:
    """A post the platform refused for good: it stays queued (its destination pauses), and it is not in flight,
    so the next start does not take it for one a crash cut off."""
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(attempts=deliveries.c.attempts + 1, last_error=error[:2000], sending_at=None)
    )


def mark_dead(conn: Connection, delivery_id: int, *, error: str) -> None:
    """A delivery that can never be made (its destination no longer exists in the configuration)."""
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id)
        .values(status=DeliveryStatus.DEAD.value, last_error=error[:2000])
    )


def pause_destination(conn: Connection, key: str, *, now: float, reason: str) -> None:
    _touch_destination(
        conn, key, paused=True, paused_reason=reason[:2000], paused_at=now, last_error=reason[:2000]
    )


def resume_destination(conn: Connection, key: str) -> None:
    _touch_destination(conn, key, paused=False, paused_reason="", paused_at=None)


def paused_destinations(conn: Connection) -> list[PausedDestination]:
    rows = conn.execute(select(destinations).where(destinations.c.paused.is_(True)).order_by(destinations.c.key))
    return [PausedDestination(r.key, r.paused_reason, r.paused_at) for r in rows]


def _touch_destination(conn: Connection, key: str, **values: object) -> None:
    exists = conn.execute(select(destinations.c.key).where(destinations.c.key == key)).first()
    if exists:
        conn.execute(update(destinations).where(destinations.c.key == key).values(**values))
        return
    row: dict[str, object] = {"key": key, "paused": False, "paused_reason": "", "last_error": ""}
    row.update(values)
    conn.execute(destinations.insert().values(**row))


@dataclass(frozen=True, slots=True)
class Waiting:
    """The deliveries still queued for one destination, and why the first in line has not gone."""

    destination: str
    count: int
    oldest: float  # when the oldest of them was queued
    next_attempt_at: float  # when the first in line may be tried
    last_error: str  # what the last try of the first in line got
    paused: bool
    reason: str  # why the destination is paused


def waiting(conn: Connection) -> list[Waiting]:
    """Every destination with pending deliveries, by destination key."""
    groups = conn.execute(
        select(
            deliveries.c.destination,
            func.count().label("total"),
            func.min(deliveries.c.created_at).label("oldest"),
            func.min(deliveries.c.id).label("first"),
        )
        .where(deliveries.c.status == DeliveryStatus.PENDING)
        .group_by(deliveries.c.destination)
        .order_by(deliveries.c.destination)
    ).all()
    paused = {p.key: p.reason for p in paused_destinations(conn)}
    out = []
    for group in groups:
        first = conn.execute(
            select(deliveries.c.next_attempt_at, deliveries.c.last_error).where(deliveries.c.id == group.first)
        ).one()
        key = group.destination
        out.append(
            Waiting(
                key,
                int(group.total),
                float(group.oldest),
                float(first.next_attempt_at),
                first.last_error,
                key in paused,
                paused.get(key, ""),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Counts:
    sent: int  # since the time asked about
    pending: int
    dead: int


def counts(conn: Connection, *, since: float) -> Counts:
    """Deliveries sent since a time, and those pending or given up, for status pages and metrics."""
    sent = conn.execute(
        select(func.count())
        .select_from(deliveries)
        .where(deliveries.c.status == DeliveryStatus.SENT, deliveries.c.sent_at >= since)
    ).scalar_one()
    pending = conn.execute(
        select(func.count()).select_from(deliveries).where(deliveries.c.status == DeliveryStatus.PENDING)
    ).scalar_one()
    dead = conn.execute(
        select(func.count()).select_from(deliveries).where(deliveries.c.status == DeliveryStatus.DEAD)
    ).scalar_one()
    return Counts(sent=int(sent), pending=int(pending), dead=int(dead))
