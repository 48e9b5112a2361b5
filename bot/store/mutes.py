"""Channel mutes set from chat: stored per channel, read back by the router and by `/evradar status`."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, or_, select, update

from ..core.mutes import Mute
from .schema import mutes


def mute(conn: Connection, wanted: Mute, *, now: float) -> None:
    """Mute a target in a channel (or change how long an existing mute lasts)."""
    where = (
        (mutes.c.platform == wanted.platform)
        & (mutes.c.channel == wanted.channel)
        & (mutes.c.target == wanted.target)
    )
    if conn.execute(select(mutes.c.id).where(where)).first():
        conn.execute(update(mutes).where(where).values(until=wanted.until, created_by=wanted.created_by[:200]))
        return
    conn.execute(
        insert(mutes).values(
            platform=wanted.platform,
            channel=wanted.channel[:200],
            target=wanted.target[:300],
            until=wanted.until,
            created_by=wanted.created_by[:200],
            created_at=now,
        )
    )


def unmute(conn: Connection, platform: str, channel: str, target: str) -> bool:
    where = (mutes.c.platform == platform) & (mutes.c.channel == channel) & (mutes.c.target == target)
    return conn.execute(delete(mutes).where(where)).rowcount > 0


def active_mutes(conn: Connection, *, now: float, platform: str = "", channel: str = "") -> list[Mute]:
    """Mutes still in force (every channel's, or one channel's), oldest first."""
    query = select(mutes).where(or_(mutes.c.until.is_(None), mutes.c.until > now)).order_by(mutes.c.id)
    if platform:
        query = query.where(mutes.c.platform == platform, mutes.c.channel == channel)
    return [Mute(r.platform, r.channel, r.target, r.until, r.created_by) for r in conn.execute(query).all()]
