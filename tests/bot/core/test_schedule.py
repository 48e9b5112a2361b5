"""Digest schedules and the periods they cut time into, with the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import Schedule, parse_schedule, parse_zone, period_at, previous_period

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily 08:00", Schedule(False, 0, 8, 0)),
        ("Daily  7:30", Schedule(False, 0, 7, 30)),
        ("weekly mon 08:00", Schedule(True, 0, 8, 0)),
        ("weekly Friday 17:45", Schedule(True, 4, 17, 45)),
    ],
)
def test_schedules_read(text: str, expected: Schedule) -> None:
    assert parse_schedule(text) == expected


@pytest.mark.parametrize("text", ["", "hourly", "daily 25:00", "daily 8", "weekly 08:00", "weekly xyz 08:00"])
def test_bad_schedules_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="daily 08:00"):
        parse_schedule(text)


def test_unknown_time_zones_are_refused() -> None:
    assert str(parse_zone("Europe/Berlin")) == "Europe/Berlin"
    with pytest.raises(ValueError, match="IANA"):
        parse_zone("Mars/Olympus")


def test_a_daily_period_runs_from_the_last_scheduled_time_to_the_next() -> None:
    schedule = parse_schedule("daily 08:00")
    now = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # 08:00 in Berlin: exactly on the boundary
    period = period_at(schedule, BERLIN, now)
    assert period.start == datetime(2026, 3, 10, 8, 0, tzinfo=BERLIN)
    assert period.end == datetime(2026, 3, 11, 8, 0, tzinfo=BERLIN)
    just_before = period_at(schedule, BERLIN, now - timedelta(seconds=1))
    assert just_before.end == period.start
    assert previous_period(schedule, BERLIN, now) == just_before


def test_a_weekly_period_starts_on_its_weekday() -> None:
    schedule = parse_schedule("weekly mon 08:00")
    wednesday = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    period = period_at(schedule, UTC, wednesday)
    assert period.start == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    monday_early = datetime(2026, 3, 9, 7, 59, tzinfo=UTC)
    assert period_at(schedule, UTC, monday_early).end == period.start


def test_periods_follow_the_wall_clock_across_a_daylight_saving_change() -> None:
    schedule = parse_schedule("daily 08:00")
    period = period_at(schedule, BERLIN, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))  # clocks go forward on the 29th
    assert period.end.timestamp() - period.start.timestamp() == 23 * 3600  # the night is an hour short
    assert period.end.astimezone(BERLIN).hour == 8


def test_every_moment_falls_in_exactly_one_period() -> None:
    schedule = parse_schedule("daily 06:15")
    start = datetime(2026, 10, 20, tzinfo=UTC)
    keys = set()
    for hour in range(24 * 14):
        now = start + timedelta(hours=hour, minutes=7)
        period = period_at(schedule, BERLIN, now)
        assert period.start <= now < period.end
        keys.add(period.key("r"))
    assert len(keys) in (14, 15)
