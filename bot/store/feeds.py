"""Feed rows: which feeds exist, their HTTP validators, poll outcomes and pauses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, or_, select, update

from ..core.models import FeedUpdate, PollOutcome
from .database import take_turns
from .schema import feeds


@dataclass(frozen=True, slots=True)
class FeedRow:
    """A feed and what we know about polling it."""

    id: int
    url: str
    name: str
    title: str
    origin: str
    interval: float | None
    etag: str
    last_modified: str
    added_at: float
    last_polled_at: float | None
    last_ok_at: float | None
    next_poll_at: float | None
    last_status: str
    last_error: str
    failures: int
    paused: bool
    paused_reason: str
    first_poll_done: bool
    items_seen: int

    @property
    def label(self) -> str:
        return self.name or self.title or self.url


@dataclass(frozen=True, slots=True)
class WantedFeed:
    """A feed the configuration asks for."""

    url: str
    name: str = ""
    interval: float | None = None


_DEFAULTS = {
    "title": "",
    "etag": "",
    "last_modified": "",
    "last_status": "new",
    "last_error": "",
    "failures": 0,
    "paused": False,
    "paused_reason": "",
    "first_poll_done": False,
    "items_seen": 0,
}


def _row(mapping: object) -> FeedRow:
    return FeedRow(**dict(mapping))  # type: ignore[call-overload]


def all_feeds(conn: Connection) -> list[FeedRow]:
    return [_row(r) for r in conn.execute(select(feeds).order_by(feeds.c.id)).mappings()]


def due_ids(conn: Connection, *, now: float) -> set[int]:
    """Feeds (not paused) whose next poll time has come, or that were never polled."""
    query = select(feeds.c.id).where(
        feeds.c.paused.is_(False), or_(feeds.c.next_poll_at.is_(None), feeds.c.next_poll_at <= now)
    )
    return set(conn.execute(query).scalars())


def get(conn: Connection, feed_id: int) -> FeedRow | None:
    found = conn.execute(select(feeds).where(feeds.c.id == feed_id)).mappings().first()
    return _row(found) if found else None


def by_url(conn: Connection, url: str) -> FeedRow | None:
    found = conn.execute(select(feeds).where(feeds.c.url == url)).mappings().first()
    return _row(found) if found else None


def add(conn: Connection, wanted: WantedFeed, *, origin: str, now: float) -> FeedRow:
    """Add a feed (or return the one with that URL)."""
    existing = by_url(conn, wanted.url)
    if existing:
        return existing
    values = {**_DEFAULTS, "url": wanted.url, "name": wanted.name, "interval": wanted.interval}
    conn.execute(insert(feeds).values(**values, origin=origin, added_at=now))
    found = by_url(conn, wanted.url)
    assert found is not None
    return found


def remove(conn: Connection, url: str) -> bool:
    return conn.execute(delete(feeds).where(feeds.c.url == url)).rowcount > 0


def sync(conn: Connection, wanted: Iterable[WantedFeed], *, now: float) -> list[FeedRow]:
    """Make the configured feeds exist; feeds configured before but no longer are removed.

    Feeds added by hand (`evradar feeds add`, chat) are left alone.
    """
    take_turns(conn, "evradar:feeds")  # instances starting together sync one at a time
    wanted = list(wanted)
    urls = {w.url for w in wanted}
    for feed in all_feeds(conn):
        if feed.origin == "config" and feed.url not in urls:
            remove(conn, feed.url)
    for item in wanted:
        row = add(conn, item, origin="config", now=now)
        if (row.name, row.interval) != (item.name, item.interval):
            conn.execute(update(feeds).where(feeds.c.id == row.id).values(name=item.name, interval=item.interval))
    return all_feeds(conn)


def record_ok(
    conn: Connection,
    feed_id: int,
    *,
    now: float,
    update_: FeedUpdate,
    etag: str,
    last_modified: str,
    title: str,
    new_items: int,
    moved_to: str = "",
) -> None:
    values: dict[str, object] = {
        "last_polled_at": now,
        "last_ok_at": now,
        "next_poll_at": update_.next_poll_at,
        "last_status": PollOutcome.OK.value,
        "last_error": "",
        "failures": 0,
        "etag": etag[:1000],
        "last_modified": last_modified[:200],
        "first_poll_done": True,
        "items_seen": feeds.c.items_seen + new_items,
    }
    if title:
        values["title"] = title[:500]
    if moved_to and by_url(conn, moved_to) is None:
        values["url"] = moved_to  # a permanent redirect: poll the new address from now on
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def record_not_modified(conn: Connection, feed_id: int, *, now: float, update_: FeedUpdate) -> None:
    conn.execute(
        update(feeds)
        .where(feeds.c.id == feed_id)
        .values(
            last_polled_at=now,
            last_ok_at=now,
            next_poll_at=update_.next_poll_at,
            last_status=PollOutcome.NOT_MODIFIED.value,
            last_error="",
            failures=0,
        )
    )


def record_failure(conn: Connection, feed_id: int, *, now: float, error: str, update_: FeedUpdate) -> None:
    """Record a failed poll as the decider saw it: the count in a row, the next try, and maybe a pause."""
    values: dict[str, object] = {
        "last_polled_at": now,
        "next_poll_at": update_.next_poll_at,
        "last_status": PollOutcome.FAILED.value,
        "last_error": error[:2000],
        "failures": update_.failures,
    }
    if update_.pause:
        values.update(paused=True, paused_reason=update_.reason[:2000])
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def resume(conn: Connection, feed_id: int) -> None:
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(paused=False, paused_reason="", failures=0))
