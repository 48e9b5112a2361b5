"""The outbox: order per destination, pacing, retries with backoff, pausing a hopeless destination."""

from __future__ import annotations

from itertools import pairwise

from bot.core.models import Alert, Delivered, DeliveryFailed, Destination, Detection, Item
from bot.flow.delivery import Deliverer, backoff
from bot.flow.router import Router, Rule
from bot.store import Store, outbox
from bot.store import events as store_events
from bot.store import feeds as store_feeds
from tests.fakes import Recorder

SLACK = Destination("slack", "C1")
DISCORD = Destination("discord", "D1")


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def _store(url: str) -> Store:
    store = Store(url)
    store.migrate()
    return store


def _queue(store: Store, clock: Clock, router: Router, n: int) -> None:
    feed = store.run(
        lambda c: store_feeds.add(c, store_feeds.WantedFeed("https://f/1"), origin="config", now=clock.now)
    )
    found = []
    for i in range(n):
        item = Item(id=f"i{i}", title=f"Deal {i}", link=f"https://n/{i}")
        detection = Detection("t", True, 0.9, (f"A{i}", f"B{i}"), "supply", "announced", "They agreed.", True)
        found.append(store_events.Found(item, store_events.item_key(item.id), detection))
    store.run(lambda c: store_events.ingest(c, feed.id, found, now=clock.now, route=router))


async def test_each_destination_gets_its_alerts_in_order_and_paced(database_url: str) -> None:
    store, clock = _store(database_url), Clock()
    router = Router([Rule(SLACK), Rule(DISCORD)])
    _queue(store, clock, router, 4)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    posted_at: list[float] = []

    class TimedSlack(Recorder):
        async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
            posted_at.append(clock.now)
            return await super().deliver(alert, destination)

    slack, discord = TimedSlack("slack"), Recorder("discord")
    deliverer = Deliverer(
        store=store, router=router, notifiers={"slack": slack, "discord": discord}, clock=clock, sleep=sleep
    )
    report = await deliverer.deliver_due()
    assert report.sent == 8
    assert [a.title for a, _ in slack.alerts] == ["Deal 0", "Deal 1", "Deal 2", "Deal 3"]
    assert [a.title for a, _ in discord.alerts] == ["Deal 0", "Deal 1", "Deal 2", "Deal 3"]
    # Slack posts at most one a second per channel (the clock is shared, so how long each wait was
    # depends on how the two destinations interleave; the gaps between posts do not).
    assert slept and all(later - earlier >= 1.0 for earlier, later in pairwise(posted_at))


async def test_rate_limited_post_waits_and_later_rows_wait_behind_it(database_url: str) -> None:
    store, clock = _store(database_url), Clock()
    router = Router([Rule(SLACK)])
    _queue(store, clock, router, 2)
    slack = Recorder("slack", fail_with=DeliveryFailed("rate limited", retry_after=30))
    deliverer = Deliverer(store=store, router=router, notifiers={"slack": slack}, clock=clock, sleep=_no_sleep)
    first = await deliverer.deliver_due()
    assert first.failed == 1 and slack.alerts == []
    clock.now += 10
    assert (await deliverer.deliver_due()).sent == 0  # still inside Retry-After: nothing is tried
    slack.fail_with = None
    clock.now += 25
    assert (await deliverer.deliver_due()).sent == 2
    assert [a.title for a, _ in slack.alerts] == ["Deal 0", "Deal 1"]


async def test_permanent_failure_pauses_that_destination_only(database_url: str) -> None:
    store, clock = _store(database_url), Clock()
    router = Router([Rule(SLACK), Rule(DISCORD)])
    _queue(store, clock, router, 2)
    slack = Recorder("slack", fail_with=DeliveryFailed("channel_not_found", permanent=True))
    discord = Recorder("discord")
    deliverer = Deliverer(
        store=store, router=router, notifiers={"slack": slack, "discord": discord}, clock=clock, sleep=_no_sleep
    )
    report = await deliverer.deliver_due()
    assert report.paused == ["slack:C1"] and len(discord.alerts) == 2
    paused = store.run(outbox.paused_destinations)
    assert [(p.key, p.reason) for p in paused] == [("slack:C1", "channel_not_found")]
    clock.now += 10_000
    assert (await deliverer.deliver_due()).failed == 0  # paused: not retried in a loop
    store.run(lambda c: outbox.resume_destination(c, "slack:C1"))
    slack.fail_with = None
    assert (await deliverer.deliver_due()).sent == 2  # nothing was lost while paused


async def test_missing_platform_connection_pauses_with_a_clear_reason(database_url: str) -> None:
    store, clock = _store(database_url), Clock()
    router = Router([Rule(SLACK)])
    _queue(store, clock, router, 1)
    deliverer = Deliverer(store=store, router=router, notifiers={}, clock=clock, sleep=_no_sleep)
    report = await deliverer.deliver_due()
    assert report.paused == ["slack:C1"]
    assert "no slack connection is configured" in store.run(outbox.paused_destinations)[0].reason


def test_backoff_grows_and_honours_retry_after() -> None:
    assert backoff(0, None) < backoff(1, None) < backoff(5, None) <= 3600
    assert backoff(3, 42.0) == 42.0
    assert backoff(0, 10 * 86400) == 3600


async def _no_sleep(seconds: float) -> None:
    return None
