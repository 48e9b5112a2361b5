"""Channel subscriptions set from chat: which companies, kinds and stages a channel wants."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from .schema import subscriptions


@dataclass(frozen=True, slots=True)
class Subscription:
    platform: str
    channel: str
    companies: tuple[str, ...]
    kinds: tuple[str, ...]
    stages: tuple[str, ...]
    created_by: str


def all_subscriptions(conn: Connection) -> list[Subscription]:
    rows = conn.execute(select(subscriptions).order_by(subscriptions.c.id)).mappings()
    return [
        Subscription(
            r["platform"],
            r["channel"],
            tuple(json.loads(r["companies"])),
            tuple(json.loads(r["kinds"])),
            tuple(json.loads(r["stages"])),
            r["created_by"],
        )
        for r in rows
    ]


def subscribe(conn: Connection, sub: Subscription, *, now: float) -> None:
    """Set (or replace) a channel's filters."""
    values = {
        "companies": json.dumps(list(sub.companies)),
        "kinds": json.dumps(list(sub.kinds)),
        "stages": json.dumps(list(sub.stages)),
        "created_by": sub.created_by[:200],
    }
    where = (subscriptions.c.platform == sub.platform) & (subscriptions.c.channel == sub.channel)
    if conn.execute(select(subscriptions.c.id).where(where)).first():
        conn.execute(update(subscriptions).where(where).values(**values))
    else:
        conn.execute(
            insert(subscriptions).values(
                platform=sub.platform, channel=sub.channel[:200], created_at=now, **values
            )
        )


def unsubscribe(conn: Connection, platform: str, channel: str) -> bool:
    where = (subscriptions.c.platform == platform) & (subscriptions.c.channel == channel)
    return conn.execute(delete(subscriptions).where(where)).rowcount > 0
