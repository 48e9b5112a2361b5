"""Seen items, detections and partnership events: one event per partnership, however many reports.

A detection whose partners and kind match an event reported in the last 30 days joins
that event as another source (and may move its stage on); otherwise it starts a new
event. Either way the deliveries it causes are queued in the same transaction, so a
crash can never record an item as seen without its alert waiting in the outbox.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.links import normalise_link
from ..core.models import DeliveryStatus, Detection, EventFacts, Item
from ..core.ports import ChooseDestinations
from .database import take_turns
from .feedback import muted_destinations
from .schema import deliveries, detections, event_companies, events, seen_items, sources

EVENT_WINDOW = 30 * 86400.0
STAGE_ORDER = {"talks": 0, "announced": 1, "ended": 2}


@dataclass(frozen=True, slots=True)
class Found:
    """A new item of a feed, and its detection when it should alert."""

    item: Item
    key: str
    detection: Detection | None = None


@dataclass(frozen=True, slots=True)
class Ingested:
    new_items: int
    new_events: tuple[int, ...]
    updated_events: tuple[int, ...]
    queued: int


def item_key(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()


def unseen(conn: Connection, feed_id: int, keys: Iterable[str]) -> set[str]:
    """The keys this feed has not shown before."""
    wanted = set(keys)
    seen: set[str] = set()
    chunk = list(wanted)
    for start in range(0, len(chunk), 500):
        part = chunk[start : start + 500]
        query = select(seen_items.c.key).where(seen_items.c.feed_id == feed_id, seen_items.c.key.in_(part))
        seen.update(conn.execute(query).scalars())
    return wanted - seen


def insert_ignoring_duplicates(conn: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


def ingest(
    conn: Connection, feed_id: int, found: Sequence[Found], *, now: float, route: ChooseDestinations
) -> Ingested:
    """Record a poll's new items, their detections, the events they make and the deliveries due."""
    insert_ignoring_duplicates(
        conn, seen_items, [{"feed_id": feed_id, "key": f.key, "seen_at": now} for f in found]
    )
    _lock_partners(conn, [f.detection for f in found if f.detection is not None])
    new_events: list[int] = []
    updated: list[int] = []
    queued = 0
    for entry in found:
        if entry.detection is None or not entry.detection.partners:
            continue
        event_id, created, changed = _attach(conn, entry.item, entry.detection, now=now)
        _record_detection(conn, feed_id, entry, event_id, now=now)
        if created:
            new_events.append(event_id)
            queued += _queue_first(conn, event_id, entry.detection, now=now, route=route)
        elif changed:
            updated.append(event_id)
            queued += _queue_update(conn, event_id, now=now)
    return Ingested(len(found), tuple(new_events), tuple(updated), queued)


def _lock_partners(conn: Connection, found: Sequence[Detection]) -> None:
    """On PostgreSQL, two polls reporting the same partners take turns (until commit).

    Without this, two feeds carrying one story, polled at once (or by two instances),
    could each see no event yet and each create one. SQLite writes one at a time anyway.
    """
    for key in sorted({partners_key(d.partners) for d in found if d.partners}):
        take_turns(conn, key)


def partners_key(partners: Iterable[str]) -> str:
    return "|".join(sorted(set(partners)))[:1000]


def _attach(conn: Connection, item: Item, detection: Detection, *, now: float) -> tuple[int, bool, bool]:
    """The event this detection belongs to: (id, newly created, changed by it)."""
    key = partners_key(detection.partners)
    match = conn.execute(
        select(events.c.id, events.c.stage, events.c.version)
        .where(
            events.c.partners_key == key, events.c.kind == detection.kind, events.c.last_seen >= now - EVENT_WINDOW
        )
        .order_by(events.c.last_seen.desc())
        .limit(1)
    ).first()
    if match is None:
        return _create(conn, item, detection, key, now=now), True, False
    event_id, stage, version = match
    new_source = _add_source(conn, event_id, item, now=now)
    moved = STAGE_ORDER.get(detection.stage, 1) > STAGE_ORDER.get(stage, 1)
    values: dict[str, object] = {"last_seen": now}
    if moved:
        values.update(stage=detection.stage, evidence=detection.evidence, title=item.title, link=item.link)
    if moved or new_source:
        values["version"] = version + 1
    conn.execute(update(events).where(events.c.id == event_id).values(**values))
    return event_id, False, moved or new_source


def _create(conn: Connection, item: Item, detection: Detection, key: str, *, now: float) -> int:
    result = conn.execute(
        insert(events).values(
            partners_key=key,
            partners=json.dumps(list(detection.partners)),
            kind=detection.kind,
            stage=detection.stage,
            score=detection.score,
            title=item.title[:2000],
            link=item.link[:2000],
            evidence=detection.evidence[:4000],
            tickers=json.dumps(list(detection.tickers)),
            reasons=json.dumps(list(detection.reasons)),
            first_seen=now,
            last_seen=now,
            version=1,
        )
    )
    event_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(
        insert(event_companies),
        [{"event_id": event_id, "company": p[:300]} for p in dict.fromkeys(detection.partners)],
    )
    _add_source(conn, event_id, item, now=now)
    return int(event_id)


def _add_source(conn: Connection, event_id: int, item: Item, *, now: float) -> bool:
    link_key = item_key(normalise_link(item.link) if item.link else item.title)
    exists = conn.execute(
        select(sources.c.event_id).where(sources.c.event_id == event_id, sources.c.link_key == link_key)
    ).first()
    if exists:
        return False
    published = item.published.timestamp() if item.published else None
    conn.execute(
        insert(sources).values(
            event_id=event_id,
            link_key=link_key,
            title=item.title[:2000],
            link=item.link[:2000],
            source=item.source[:500],
            published=published,
            added_at=now,
        )
    )
    return True


def _record_detection(conn: Connection, feed_id: int, entry: Found, event_id: int, *, now: float) -> None:
    assert entry.detection is not None
    d = entry.detection
    conn.execute(
        insert(detections).values(
            feed_id=feed_id,
            item_key=entry.key,
            event_id=event_id,
            title=entry.item.title[:2000],
            link=entry.item.link[:2000],
            partners=json.dumps(list(d.partners)),
            kind=d.kind,
            stage=d.stage,
            score=d.score,
            evidence=d.evidence[:4000],
            reasons=json.dumps(list(d.reasons)),
            published=entry.item.published.timestamp() if entry.item.published else None,
            detected_at=now,
        )
    )


def _queue_first(
    conn: Connection, event_id: int, detection: Detection, *, now: float, route: ChooseDestinations
) -> int:
    facts = EventFacts(detection.partners, detection.kind, detection.stage, detection.score)
    targets = {d.key: d for d in route(facts)}
    rows = [_delivery(event_id, 1, key, detection.stage, "", now) for key in targets]
    insert_ignoring_duplicates(conn, deliveries, rows)
    return len(rows)


def _queue_update(conn: Connection, event_id: int, *, now: float) -> int:
    """An update goes where the first alert went (or is still waiting to go)."""
    version, stage = conn.execute(select(events.c.version, events.c.stage).where(events.c.id == event_id)).one()
    first = (
        conn.execute(
            select(deliveries.c.destination).where(
                deliveries.c.event_id == event_id,
                deliveries.c.version == 1,
                deliveries.c.status != DeliveryStatus.DEAD,
            )
        )
        .scalars()
        .all()
    )
    first = [key for key in first if key not in muted_destinations(conn, event_id)]
    previous = {
        row.destination: row.stage
        for row in conn.execute(
            select(deliveries.c.destination, deliveries.c.stage)
            .where(deliveries.c.event_id == event_id)
            .order_by(deliveries.c.version)
        )
    }
    rows = [_delivery(event_id, version, key, stage, previous.get(key, ""), now) for key in first]
    insert_ignoring_duplicates(conn, deliveries, rows)
    return len(rows)


def _delivery(
    event_id: int, version: int, destination: str, stage: str, previous: str, now: float
) -> dict[str, object]:
    return {
        "event_id": event_id,
        "version": version,
        "destination": destination,
        "stage": stage,
        "previous_stage": previous if previous != stage else "",
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
        "reference": "",
    }
