"""The poll decider: given a feed, what a poll found and the time, what should happen to the feed and
its new items. Pure functions of their inputs (no I/O, no clock of their own); the pipeline applies
what they return with one store call (lemon24/reader's Decider and FeedUpdateIntent, in small)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.models import FeedUpdate, Item
from ..core.settings import PollingSettings
from ..ingest.pacing import poll_delay
from ..store.feeds import FeedRow

GONE_PAUSE_AFTER = 3  # a feed that is not there (404, 410) is paused sooner than one that is only failing


@dataclass(frozen=True, slots=True)
class ReadPlan:
    """After a feed was read: when to poll it next, and which new items may alert."""

    update: FeedUpdate
    alertable: frozenset[str]  # ids of the new items that may alert


def after_failure(
    feed: FeedRow,
    policy: PollingSettings,
    *,
    now: float,
    reason: str,
    retry_after: float | None = None,
    gone: bool = False,
) -> FeedUpdate:
    """One more failure in a row: back off, and pause the feed when it has failed too often."""
    failures = feed.failures + 1
    limit = min(GONE_PAUSE_AFTER, policy.max_failures) if gone else policy.max_failures
    delay = _delay(feed, policy, failures=failures, retry_after=retry_after)
    pause = failures >= limit and not feed.paused
    said = f"failed {failures} times in a row; last error: {reason}" if pause else ""
    return FeedUpdate(next_poll_at=now + delay, failures=failures, pause=pause, reason=said)


def after_not_modified(feed: FeedRow, policy: PollingSettings, *, now: float, max_age: float | None) -> FeedUpdate:
    return FeedUpdate(next_poll_at=now + _delay(feed, policy, max_age=max_age))


def after_read(
    feed: FeedRow,
    policy: PollingSettings,
    new_items: Sequence[Item],
    *,
    now: float,
    max_age: float | None,
    ttl_minutes: int | None,
) -> ReadPlan:
    """The next poll, and the new items that may alert: on a feed's first poll only the young ones."""
    update = FeedUpdate(next_poll_at=now + _delay(feed, policy, max_age=max_age, ttl_minutes=ttl_minutes))
    return ReadPlan(update, alertable(feed, new_items, now=now, window=policy.backfill_seconds))


def alertable(feed: FeedRow, items: Sequence[Item], *, now: float, window: float | None) -> frozenset[str]:
    if feed.first_poll_done or window is None:
        return frozenset(i.id for i in items)
    cutoff = now - window
    return frozenset(i.id for i in items if i.published is not None and i.published.timestamp() >= cutoff)


def is_due(feed: FeedRow, *, now: float) -> bool:
    """Whether a feed's next poll time has come (a feed never polled is due)."""
    return (feed.next_poll_at or 0.0) <= now


def _delay(
    feed: FeedRow,
    policy: PollingSettings,
    *,
    failures: int = 0,
    retry_after: float | None = None,
    max_age: float | None = None,
    ttl_minutes: int | None = None,
) -> float:
    return poll_delay(
        feed.interval or policy.interval,
        failures=failures,
        retry_after=retry_after,
        max_age=max_age,
        ttl_minutes=ttl_minutes,
        min_interval=policy.min_interval,
        max_interval=policy.max_interval,
    )
