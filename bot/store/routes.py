"""Route identities: which destination each configured route had, and moving its waiting alerts along
when the configuration gives it another one (a fixed webhook URL or channel id)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update

from ..core.models import DeliveryStatus
from .database import take_turns
from .schema import deliveries, destinations, routes


@dataclass(frozen=True, slots=True)
class Moved:
    """A route whose destination changed since the last start, and how many alerts followed it."""

    route: str
    old: str
    new: str
    alerts: int


def known(conn: Connection) -> dict[str, str]:
    """Route identity -> the destination key it had when evradar last started."""
    return {r.name: r.destination for r in conn.execute(select(routes))}


def follow(conn: Connection, current: Mapping[str, str], *, in_use: Collection[str], now: float) -> list[Moved]:
    """Record each route's destination (``current``: identity -> key). A route fixed in the configuration
    (its key changed to one no route had before, and the old key is no longer in use: ``in_use`` holds
    every configured or subscribed key) takes its pending deliveries along, and the old key's pause is
    forgotten. A key another route had is a renumbering of unnamed routes, not a fix: nothing moves.
    A route moved onto a key that already has the same alert queued keeps one of them."""
    take_turns(conn, "evradar:routes")  # instances starting together follow routes one at a time
    before = known(conn)
    had = set(before.values())
    moved = []
    for name, key in current.items():
        old = before.get(name)
        if old is not None and old != key and old not in in_use and key not in had:
            moved.append(Moved(name, old, key, _move(conn, old, key)))
            conn.execute(delete(destinations).where(destinations.c.key == old))
    conn.execute(delete(routes))
    if current:
        conn.execute(
            routes.insert(), [{"name": n, "destination": k, "updated_at": now} for n, k in current.items()]
        )
    return moved


def _move(conn: Connection, old: str, new: str) -> int:
    pending = (deliveries.c.destination == old) & (deliveries.c.status == DeliveryStatus.PENDING)
    taken = select(deliveries.c.event_id, deliveries.c.version).where(deliveries.c.destination == new)
    have = {(r.event_id, r.version) for r in conn.execute(taken)}
    rows = conn.execute(select(deliveries.c.id, deliveries.c.event_id, deliveries.c.version).where(pending)).all()
    twins = [r.id for r in rows if (r.event_id, r.version) in have]
    if twins:  # the new destination has these already: one copy is enough
        conn.execute(delete(deliveries).where(deliveries.c.id.in_(twins)))
    result = conn.execute(update(deliveries).where(pending).values(destination=new, next_attempt_at=0.0))
    return int(result.rowcount or 0)
