"""Digest schedules: "daily 08:00" or "weekly mon 08:00" read into a value, and the periods they cut time into.

Everything here is a pure function of (schedule, time zone, now): the caller passes the clock's reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PATTERN = re.compile(r"^(daily|weekly\s+(mon|tue|wed|thu|fri|sat|sun)[a-z]*)\s+([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a digest period ends: every day, or every week on ``weekday`` (0 = Monday), at hour:minute."""

    weekly: bool
    weekday: int
    hour: int
    minute: int

    @property
    def text(self) -> str:
        day = f"weekly {WEEKDAYS[self.weekday]}" if self.weekly else "daily"
        return f"{day} {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True, slots=True)
class Period:
    """One digest period: from ``start`` (included) to ``end`` (excluded), both aware datetimes."""

    start: datetime
    end: datetime

    def key(self, route: str) -> str:
        """The identity of this period's digest for one route: one outbox row per route per period."""
        return f"{route}|{self.start.isoformat()}"


def parse_schedule(text: str) -> Schedule:
    """ "daily 08:00" or "weekly mon 08:00" (any case); raises ValueError saying what is accepted."""
    match = _PATTERN.match(" ".join(text.lower().split()))
    if not match:
        raise ValueError(f'{text!r} is not a digest schedule such as "daily 08:00" or "weekly mon 08:00"')
    weekly = match.group(1).startswith("weekly")
    weekday = WEEKDAYS.index(match.group(2)) if weekly else 0
    return Schedule(weekly, weekday, int(match.group(3)), int(match.group(4)))


def parse_zone(name: str) -> ZoneInfo:
    """An IANA time zone by name ("Europe/Berlin", "UTC"); raises ValueError for an unknown one."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone name such as 'UTC' or 'Europe/Berlin'") from None


def zone_name(name: str) -> str:
    """A time zone setting checked (raises ValueError for an unknown one) and tidied."""
    return str(parse_zone(name))


def check_digest(route: str, digest: str, zone: str) -> None:
    """A route's digest keys checked; the ValueError names the route, so the reader knows which to fix."""
    try:
        if digest.strip():
            parse_schedule(digest)
        if zone.strip():
            parse_zone(zone)
    except ValueError as exc:
        raise ValueError(f"route {route!r}: {exc}") from None


def period_at(schedule: Schedule, zone: tzinfo, now: datetime) -> Period:
    """The period ``now`` falls in: from the last scheduled time at or before it to the next one."""
    local = now.astimezone(zone)
    back = (local.weekday() - schedule.weekday) % 7 if schedule.weekly else 0
    start = _boundary(schedule, zone, local.date() - timedelta(days=back))
    step = timedelta(days=7 if schedule.weekly else 1)
    if start > now:
        start = _boundary(schedule, zone, (start - step).date())
    return Period(start, _boundary(schedule, zone, (start + step).date()))


def previous_period(schedule: Schedule, zone: tzinfo, now: datetime) -> Period:
    """The last period that has ended by ``now``: the one whose digest is due."""
    current = period_at(schedule, zone, now)
    return period_at(schedule, zone, current.start - timedelta(microseconds=1))


def _boundary(schedule: Schedule, zone: tzinfo, day: date) -> datetime:
    # Wall-clock time on that day in the zone (a daylight-saving change moves it by the hour the clocks moved).
    return datetime.combine(day, time(schedule.hour, schedule.minute), tzinfo=zone)
