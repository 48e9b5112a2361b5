"""When to poll a feed next: its interval, the server's hints, and backoff after failures."""

from __future__ import annotations


def poll_delay(
    interval: float,
    *,
    failures: int = 0,
    retry_after: float | None = None,
    max_age: float | None = None,
    ttl_minutes: int | None = None,
    min_interval: float = 60.0,
    max_interval: float = 86400.0,
) -> float:
    """Seconds until the next poll.

    The interval is stretched (never shortened) by Cache-Control max-age and RSS <ttl>,
    doubled for each failure in a row, and never shorter than a Retry-After; the result
    stays within [min_interval, max_interval].
    """
    delay = interval
    if max_age:
        delay = max(delay, max_age)
    if ttl_minutes:
        delay = max(delay, ttl_minutes * 60.0)
    if failures > 0:
        delay = interval * 2 ** min(failures, 10)
    if retry_after:
        delay = max(delay, retry_after)
    return max(min_interval, min(delay, max_interval))
