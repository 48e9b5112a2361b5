"""Polling one feed end to end: fetch, parse, detect, store, queue; every outcome is a report."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from ..core.models import Item
from ..core.settings import PollingSettings
from ..ingest.feeds import ParsedFeed
from ..ingest.fetcher import Fetched, Fetcher, FetchFailed, NotModified
from ..ingest.pacing import poll_delay
from ..run.workers import Workers
from ..store import Store
from ..store import events as store_events
from ..store import feeds as store_feeds
from ..store.events import Found
from .router import Router

log = logging.getLogger("evradar.pipeline")


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of one feed did."""

    feed: str
    outcome: str  # "ok", "not_modified", "failed" or "skipped"
    items: int = 0
    new_items: int = 0
    alerts: int = 0
    updates: int = 0
    error: str = ""
    delay: float = 0.0
    paused: bool = False
    seconds: float = 0.0  # how long the poll took
    kinds: tuple[str, ...] = ()  # the kind of each partnership detected in the new items


class Pipeline:
    """Runs polls; the scheduler (or `run --once`) decides when."""

    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        workers: Workers,
        router: Router,
        polling: PollingSettings,
        clock: Callable[[], float] = time.time,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.workers = workers
        self.router = router
        self.polling = polling
        self.clock = clock
        self.on_queued = on_queued

    async def poll(self, feed_id: int, *, only_if_due: bool = False) -> PollReport:
        """Fetch, parse, detect and store one feed; ``only_if_due`` skips a feed polled since it was due."""
        started = time.monotonic()
        report = await self._poll(feed_id, only_if_due=only_if_due)
        return dataclasses.replace(report, seconds=time.monotonic() - started)

    async def _poll(self, feed_id: int, *, only_if_due: bool) -> PollReport:
        feed = await asyncio.to_thread(self.store.run, lambda c: store_feeds.get(c, feed_id))
        if feed is None or feed.paused:
            return PollReport(feed.label if feed else str(feed_id), "skipped", paused=bool(feed and feed.paused))
        if only_if_due and (feed.next_poll_at or 0.0) > self.clock():
            return PollReport(feed.label, "skipped")
        result = await self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if isinstance(result, FetchFailed):
            return await self._failed(feed, result.reason, retry_after=result.retry_after, gone=result.permanent)
        if isinstance(result, NotModified):
            return await self._not_modified(feed, result)
        parsed = await self.workers.parse(result.body, url=result.final_url, headers=result.headers)
        if parsed.problem:
            return await self._failed(feed, f"{feed.url}: {parsed.problem}")
        if parsed.warning:
            log.warning("Feed %s: %s", feed.url, parsed.warning)
        return await self._fetched(feed, result, parsed)

    def _interval(self, feed: store_feeds.FeedRow) -> float:
        return feed.interval or self.polling.interval

    def _delay(
        self,
        feed: store_feeds.FeedRow,
        *,
        failures: int = 0,
        retry_after: float | None = None,
        max_age: float | None = None,
        ttl_minutes: int | None = None,
    ) -> float:
        return poll_delay(
            self._interval(feed),
            failures=failures,
            retry_after=retry_after,
            max_age=max_age,
            ttl_minutes=ttl_minutes,
            min_interval=self.polling.min_interval,
            max_interval=self.polling.max_interval,
        )

    async def _failed(
        self, feed: store_feeds.FeedRow, reason: str, *, retry_after: float | None = None, gone: bool = False
    ) -> PollReport:
        now = self.clock()
        delay = self._delay(feed, failures=feed.failures + 1, retry_after=retry_after)
        row = await asyncio.to_thread(
            self.store.run,
            # A feed that is not there (404, 410) is paused sooner than one that is only failing.
            lambda c: store_feeds.record_failure(
                c,
                feed.id,
                now=now,
                error=reason,
                next_poll_at=now + delay,
                pause_after=min(3, self.polling.max_failures) if gone else self.polling.max_failures,
            ),
        )
        if row.paused and not feed.paused:
            log.error(
                "Feed %s is paused after %d failures in a row (%s); run `evradar feeds check %s` to retry it.",
                feed.url,
                row.failures,
                reason,
                feed.url,
            )
        else:
            log.warning("Feed %s could not be read: %s Next try in %.0f s.", feed.url, reason, delay)
        return PollReport(feed.label, "failed", error=reason, delay=delay, paused=row.paused)

    async def _not_modified(self, feed: store_feeds.FeedRow, result: NotModified) -> PollReport:
        now = self.clock()
        delay = self._delay(feed, max_age=result.max_age)
        await asyncio.to_thread(
            self.store.run,
            lambda c: store_feeds.record_not_modified(c, feed.id, now=now, next_poll_at=now + delay),
        )
        return PollReport(feed.label, "not_modified", delay=delay)

    async def _fetched(self, feed: store_feeds.FeedRow, result: Fetched, parsed: ParsedFeed) -> PollReport:
        keys = {store_events.item_key(i.id): i for i in parsed.items}
        fresh = await asyncio.to_thread(self.store.run, lambda c: store_events.unseen(c, feed.id, keys))
        new = [(k, i) for k, i in keys.items() if k in fresh]
        alertable = self._alertable(feed, [i for _, i in new])
        to_read = [i for _, i in new if i.id in alertable]
        verdicts = dict(zip([i.id for i in to_read], await self.workers.detect(to_read), strict=True))
        found = [Found(item, key, d if (d := verdicts.get(item.id)) and d.alert else None) for key, item in new]
        now = self.clock()
        delay = self._delay(feed, max_age=result.max_age, ttl_minutes=parsed.ttl_minutes)

        def store_all(conn: Connection) -> store_events.Ingested:
            report = store_events.ingest(conn, feed.id, found, now=now, route=self.router)
            store_feeds.record_ok(
                conn,
                feed.id,
                now=now,
                next_poll_at=now + delay,
                etag=result.etag,
                last_modified=result.last_modified,
                title=parsed.title,
                new_items=len(new),
                moved_to=result.moved_to,
            )
            return report

        ingested = await asyncio.to_thread(self.store.run, store_all)
        if result.moved_to:
            log.info("Feed %s moved permanently to %s; the stored address was updated.", feed.url, result.moved_to)
        if ingested.queued:
            self.on_queued()
        return PollReport(
            feed.label,
            "ok",
            items=len(parsed.items),
            new_items=len(new),
            alerts=len(ingested.new_events),
            updates=len(ingested.updated_events),
            delay=delay,
            kinds=tuple(f.detection.kind for f in found if f.detection),
        )

    def _alertable(self, feed: store_feeds.FeedRow, items: list[Item]) -> set[str]:
        """Ids of the new items that may alert: on a feed's first poll only the young ones."""
        if feed.first_poll_done:
            return {i.id for i in items}
        window = self.polling.backfill_seconds
        if window is None:
            return {i.id for i in items}
        cutoff = self.clock() - window
        return {i.id for i in items if i.published is not None and i.published.timestamp() >= cutoff}
