"""HTTP hints: when Retry-After, Cache-Control and Expires headers say to come back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ingest import fetcher
from bot.ingest.http_hints import parse_max_age, parse_retry_after

NOW = datetime(2021, 3, 26, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Fri, 26 Mar 2021 12:02:00 GMT", 120.0),
        ("Fri, 26 Mar 2021 11:00:00 GMT", 0.0),  # a date in the past means "now"
        ("soon", None),
        ("-5", None),
        ("", None),
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "public, max-age=300"}, 300.0),
        ({"Cache-Control": "s-maxage=60, max-age=30, must-revalidate"}, 30.0),
        ({"cache-control": "max-age=300, no-cache"}, 0.0),
        ({"cache-control": "no-store"}, 0.0),
        ({"cache-control": "max-age=soon"}, 0.0),
        ({"cache-control": "max-age=60", "expires": "Fri, 26 Mar 2021 13:00:00 GMT"}, 60.0),
        ({"expires": "Fri, 26 Mar 2021 12:10:00 GMT"}, 600.0),  # relative to now when there is no Date
        ({"expires": "Fri, 26 Mar 2021 12:10:00 GMT", "date": "Fri, 26 Mar 2021 12:05:00 GMT"}, 300.0),
        ({"expires": "Fri, 26 Mar 2021 11:00:00 GMT"}, 0.0),
        ({"expires": "0"}, 0.0),
        ({"cache-control": "public"}, None),
        ({}, None),
    ],
)
def test_parse_max_age(headers: dict[str, str], expected: float | None) -> None:
    assert parse_max_age(headers, NOW) == expected


def test_the_fetcher_still_exposes_them() -> None:
    assert fetcher.parse_retry_after is parse_retry_after
    assert fetcher.parse_max_age is parse_max_age
