"""The poll decider: what a poll means for a feed, decided without I/O from the feed, the policy and the time."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.models import Item
from bot.flow import decide
from bot.run.settings import PollingSettings
from bot.store.feeds import FeedRow

NOW = 1_750_000_000.0


def _feed(**changes: object) -> FeedRow:
    values: dict[str, object] = {
        "id": 1,
        "url": "https://f.example/rss",
        "name": "",
        "title": "",
        "origin": "config",
        "interval": None,
        "etag": "",
        "last_modified": "",
        "added_at": 0.0,
        "last_polled_at": None,
        "last_ok_at": None,
        "next_poll_at": None,
        "last_status": "new",
        "last_error": "",
        "failures": 0,
        "paused": False,
        "paused_reason": "",
        "first_poll_done": True,
        "items_seen": 0,
    }
    values.update(changes)
    return FeedRow(**values)  # type: ignore[arg-type]


def test_failures_back_off_and_the_last_allowed_one_pauses_the_feed() -> None:
    policy = PollingSettings(interval=600, max_failures=3)
    first = decide.after_failure(_feed(), policy, now=NOW, reason="HTTP 503")
    assert (first.failures, first.pause, first.next_poll_at) == (1, False, NOW + 1200)
    third = decide.after_failure(_feed(failures=2), policy, now=NOW, reason="HTTP 503")
    assert third.pause and third.failures == 3
    assert third.reason == "failed 3 times in a row; last error: HTTP 503"


def test_a_feed_that_is_gone_pauses_sooner_and_retry_after_is_honoured() -> None:
    policy = PollingSettings(max_failures=10)
    gone = decide.after_failure(_feed(failures=2), policy, now=NOW, reason="HTTP 410", gone=True)
    assert gone.pause
    waited = decide.after_failure(_feed(), policy, now=NOW, reason="HTTP 429", retry_after=5000)
    assert waited.next_poll_at == NOW + 5000 and not waited.pause


def test_not_modified_keeps_the_interval_stretched_by_max_age() -> None:
    policy = PollingSettings(interval=600)
    assert decide.after_not_modified(_feed(), policy, now=NOW, max_age=None).next_poll_at == NOW + 600
    assert decide.after_not_modified(_feed(), policy, now=NOW, max_age=1800).next_poll_at == NOW + 1800
    assert (
        decide.after_not_modified(_feed(interval=120.0), policy, now=NOW, max_age=None).next_poll_at == NOW + 120
    )


def test_on_a_first_poll_only_young_items_may_alert() -> None:
    young = Item("young", "t", published=datetime.fromtimestamp(NOW - 3600, tz=UTC))
    old = Item("old", "t", published=datetime.fromtimestamp(NOW - 3 * 86400, tz=UTC))
    undated = Item("undated", "t")
    policy = PollingSettings(backfill="24h")
    first = decide.after_read(
        _feed(first_poll_done=False), policy, [young, old, undated], now=NOW, max_age=None, ttl_minutes=None
    )
    assert first.alertable == {"young"}
    later = decide.after_read(_feed(), policy, [young, old, undated], now=NOW, max_age=None, ttl_minutes=60)
    assert later.alertable == {"young", "old", "undated"} and later.update.next_poll_at == NOW + 3600
    everything = PollingSettings(backfill="all")
    assert decide.after_read(
        _feed(first_poll_done=False), everything, [old], now=NOW, max_age=None, ttl_minutes=None
    ).alertable == {"old"}


def test_a_feed_is_due_when_its_time_has_come_or_it_was_never_polled() -> None:
    assert decide.is_due(_feed(), now=NOW)
    assert decide.is_due(_feed(next_poll_at=NOW), now=NOW)
    assert not decide.is_due(_feed(next_poll_at=NOW + 1), now=NOW)
