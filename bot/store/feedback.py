"""Votes on alerts: one per user per event per channel (a new vote replaces the old), tallies, mutes,
and the voted stories with what was detected, for learning and for export."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, insert, select, update

from .schema import events, feedback


@dataclass(frozen=True, slots=True)
class Ballot:
    """One user's vote on one event in one channel; ``mutes`` when it stops the event's updates there."""

    event_id: int
    platform: str
    channel: str
    user: str
    vote: str
    mutes: bool = False

    @property
    def destination(self) -> str:
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True, slots=True)
class VotedEvent:
    """An event a channel voted on: the votes per kind and what evradar had detected."""

    event_id: int
    platform: str
    channel: str
    tally: dict[str, int]
    score: float
    first_seen: float
    title: str
    link: str
    evidence: str
    partners: tuple[str, ...]
    kind: str
    stage: str
    voted_at: float = 0.0  # the channel's latest vote on it

    @property
    def destination(self) -> str:
        return f"{self.platform}:{self.channel}"


def event_exists(conn: Connection, event_id: int) -> bool:
    return conn.execute(select(events.c.id).where(events.c.id == event_id)).first() is not None


def record(conn: Connection, ballot: Ballot, *, now: float) -> dict[str, int]:
    """Store (or change) the ballot and return the event's tally in that channel."""
    row = {
        "event_id": ballot.event_id,
        "platform": ballot.platform,
        "channel": ballot.channel[:200],
        "user": ballot.user[:200],
        "vote": ballot.vote,
        "mutes": ballot.mutes,
        "voted_at": now,
    }
    mine = _ballot_of(ballot)
    if conn.execute(select(feedback.c.id).where(mine)).first() is None:
        conn.execute(insert(feedback).values(**row))
    else:  # a changed mind replaces the vote; a mute once set stays
        values: dict[str, object] = {"vote": ballot.vote, "voted_at": now}
        if ballot.mutes:
            values["mutes"] = True
        conn.execute(update(feedback).where(mine).values(**values))
    return tally(conn, ballot.event_id, ballot.platform, ballot.channel)


def _ballot_of(ballot: Ballot) -> ColumnElement[bool]:
    return and_(
        feedback.c.event_id == ballot.event_id,
        feedback.c.platform == ballot.platform,
        feedback.c.channel == ballot.channel[:200],
        feedback.c.user == ballot.user[:200],
    )


def tally(conn: Connection, event_id: int, platform: str, channel: str) -> dict[str, int]:
    rows = conn.execute(
        select(feedback.c.vote).where(
            feedback.c.event_id == event_id, feedback.c.platform == platform, feedback.c.channel == channel
        )
    ).scalars()
    return dict(Counter(rows))


def muted_destinations(conn: Connection, event_id: int) -> set[str]:
    """Destination keys where the channel's owner (or set role) said this event is not for them."""
    rows = conn.execute(
        select(feedback.c.platform, feedback.c.channel).where(
            feedback.c.event_id == event_id, feedback.c.mutes.is_(True)
        )
    )
    return {f"{platform}:{channel}" for platform, channel in rows}


def voted_events(conn: Connection, *, since: float | None = None) -> list[VotedEvent]:
    """Every (event, channel) with votes cast since ``since``, oldest event first."""
    query = select(
        feedback.c.event_id, feedback.c.platform, feedback.c.channel, feedback.c.vote, feedback.c.voted_at
    )
    if since is not None:
        query = query.where(feedback.c.voted_at >= since)
    tallies: dict[tuple[int, str, str], Counter[str]] = {}
    latest: dict[tuple[int, str, str], float] = {}
    for event_id, platform, channel, vote, voted_at in conn.execute(query):
        key = (event_id, platform, channel)
        tallies.setdefault(key, Counter())[vote] += 1
        latest[key] = max(latest.get(key, 0.0), float(voted_at))
    ids = sorted({key[0] for key in tallies})
    found = {r["id"]: r for r in conn.execute(select(events).where(events.c.id.in_(ids))).mappings()}
    return [
        VotedEvent(
            event_id,
            platform,
            channel,
            dict(counts),
            float(found[event_id]["score"]),
            float(found[event_id]["first_seen"]),
            found[event_id]["title"],
            found[event_id]["link"],
            found[event_id]["evidence"],
            tuple(json.loads(found[event_id]["partners"])),
            found[event_id]["kind"],
            found[event_id]["stage"],
            latest[(event_id, platform, channel)],
        )
        for (event_id, platform, channel), counts in sorted(tallies.items())
        if event_id in found
    ]
