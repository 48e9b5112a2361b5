"""When each feed is polled: one APScheduler job per feed, its interval, jitter and backoff."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from ..flow.delivery import Deliverer
from ..flow.pipeline import Pipeline, PollReport, isolated
from ..store.feeds import FeedRow

log = logging.getLogger("evradar.scheduler")


def first_run(feed: FeedRow, *, now: float, position: int, spread: float) -> float:
    """When a feed is first polled after start: its stored due time, or staggered over ``spread`` seconds.

    Staggering keeps a restart from hitting every feed (and host) in the same second.
    """
    stagger = (position * 7.919) % max(spread, 1.0)
    return max(now + stagger, feed.next_poll_at or 0.0)


class FeedScheduler:
    """Owns the APScheduler instance; polls run in the shared event loop."""

    def __init__(
        self,
        *,
        pipeline: Pipeline,
        interval: float,
        jitter: float,
        clock: Callable[[], float] = time.time,
        on_report: Callable[[PollReport], None] = lambda r: None,
        on_queued: Callable[[], None] = lambda: None,
    ):
        self.pipeline = pipeline
        self.interval = interval
        self.jitter = jitter
        self.clock = clock
        self.on_report = on_report
        self.on_queued = on_queued  # new alerts wait in the outbox: deliver now, not at the next tick
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self, feeds: list[FeedRow]) -> None:
        now = self.clock()
        for position, feed in enumerate(f for f in feeds if not f.paused):
            self.add(feed, at=first_run(feed, now=now, position=position, spread=min(self.interval, 60.0)))
        self.scheduler.start()
        log.info(
            "Polling %d feeds; %d are paused.", sum(not f.paused for f in feeds), sum(f.paused for f in feeds)
        )

    def add(self, feed: FeedRow, *, at: float) -> None:
        interval = feed.interval or self.interval
        self.scheduler.add_job(
            self._poll,
            IntervalTrigger(seconds=interval, jitter=int(self.jitter) or None, timezone=UTC),
            args=[feed.id, feed.url],
            id=_job_id(feed.id),
            name=feed.url,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(interval),
            next_run_time=datetime.fromtimestamp(at, tz=UTC),
            replace_existing=True,
        )

    async def _poll(self, feed_id: int, url: str) -> None:
        try:
            report = await isolated(self.pipeline.poll(feed_id), label=url)
        except asyncio.CancelledError:  # shutting down: nothing of this poll was kept, the next start redoes it
            log.info("Polling %s was abandoned on shutdown; it is polled again on the next start.", url)
            return
        if report.raised:
            return  # logged already; the feed keeps its place in the schedule
        self.on_report(report)
        if report.queued:
            self.on_queued()
        job = self.scheduler.get_job(_job_id(feed_id))
        if job is None:
            return
        if report.paused:
            job.remove()
        elif report.delay:
            job.modify(next_run_time=datetime.fromtimestamp(self.clock() + report.delay, tz=UTC))

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


class LocalRunner:
    """Single-process mode: APScheduler decides when each feed is polled, one loop works the outbox."""

    def __init__(
        self, scheduler: FeedScheduler, deliverer: Deliverer, feeds: list[FeedRow], *, grace: float
    ) -> None:
        self.scheduler = scheduler
        self.deliverer = deliverer
        self.feeds = feeds
        self.grace = grace

    async def run(self, stop: asyncio.Event) -> None:
        self.scheduler.start(self.feeds)
        delivering = asyncio.create_task(self.deliverer.run(stop))
        await stop.wait()
        log.info("Stopping: no new polls; in-flight work has %.0f s to finish.", self.grace)
        self.scheduler.shutdown()
        try:
            await asyncio.wait_for(delivering, timeout=self.grace)
        except TimeoutError:
            log.warning("Delivery did not finish in time; unsent alerts stay queued for the next start.")


def _job_id(feed_id: int) -> str:
    return f"feed-{feed_id}"
