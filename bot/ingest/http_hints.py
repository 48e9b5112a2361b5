"""What HTTP response headers say about when to come back: Retry-After, Cache-Control and Expires."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None when it is neither."""
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    when = http_date(text)
    if when is None:
        return None
    return max(0.0, (when - _aware(now)).total_seconds())


def parse_max_age(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds the response may be cached, from Cache-Control max-age, else Expires relative to Date or now."""
    lower = {name.lower(): value for name, value in headers.items()}
    from_cache_control = _cache_control_max_age(lower.get("cache-control", ""))
    if from_cache_control is not None:
        return from_cache_control
    expires = lower.get("expires")
    if expires is None:
        return None
    when = http_date(expires)
    if when is None:
        return 0.0  # RFC 9111 5.3: an invalid Expires such as "0" means "already expired".
    base = http_date(lower.get("date", "")) or _aware(now)
    return max(0.0, (when - base).total_seconds())


def _cache_control_max_age(value: str) -> float | None:
    max_age: float | None = None
    for directive in value.split(","):
        name, _, argument = directive.partition("=")
        name = name.strip().lower()
        if name in ("no-cache", "no-store"):
            return 0.0
        if name == "max-age" and max_age is None:
            argument = argument.strip().strip('"')
            # RFC 9111 4.2.1: freshness information that cannot be read means the response is stale.
            max_age = float(int(argument)) if argument.isascii() and argument.isdigit() else 0.0
    return max_age


def http_date(value: str) -> datetime | None:
    """The moment an HTTP-date names, in UTC when it gives no zone; None when it is not a date."""
    try:
        return _aware(parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError):
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
