"""Polling one feed end to end: fetch, parse, detect, store, queue; every outcome is a report.

What should happen to the feed and its items is decided by the pure functions of
:mod:`bot.flow.decide`; this module only sequences the I/O and applies each decision with
one store call.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, assert_never

from sqlalchemy import Connection

from ..core.errors import StoreError
from ..core.models import Detection, FeedUpdate, Item, PollOutcome
from ..core.ports import ChooseDestinations
from ..core.settings import PollingSettings
from ..ingest.feeds import ParsedFeed
from ..ingest.fetcher import Fetcher
from ..ingest.outcomes import Fetched, FetchFailed, NotModified
from ..store import Store
from ..store import events as store_events
from ..store import feeds as store_feeds
from ..store.events import Found
from . import decide

log = logging.getLogger("evradar.pipeline")


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of one feed did."""

    feed: str
    outcome: PollOutcome
    items: int = 0
    new_items: int = 0
    alerts: int = 0
    updates: int = 0
    error: str = ""
    delay: float = 0.0
    paused: bool = False
    seconds: float = 0.0  # how long the poll took
    kinds: tuple[str, ...] = ()  # the kind of each partnership detected in the new items
    queued: int = 0  # deliveries this poll put in the outbox
    raised: bool = False  # the poll ended in an exception (see isolated()): nothing of it was kept
    store_failed: bool = False  # ... because the database refused it


class Analysis(Protocol):
    """Where feeds are parsed and items classified (worker processes, or this one)."""

    async def parse(self, body: bytes, *, url: str, headers: Mapping[str, str]) -> ParsedFeed: ...

    async def detect(self, items: Sequence[Item]) -> list[Detection | None]: ...


class Pipeline:
    """Runs polls; the scheduler, the cluster or the once-runner decides when."""

    def __init__(
        self,
        *,
        store: Store,
        fetcher: Fetcher,
        workers: Analysis,
        router: ChooseDestinations,
        polling: PollingSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.workers = workers
        self.router = router
        self.polling = polling
        self.clock = clock

    async def poll(self, feed_id: int, *, only_if_due: bool = False) -> PollReport:
        """Fetch, parse, detect and store one feed; ``only_if_due`` skips a feed polled since it was due."""
        started = time.monotonic()
        report = await self._poll(feed_id, only_if_due=only_if_due)
        return dataclasses.replace(report, seconds=time.monotonic() - started)

    async def _poll(self, feed_id: int, *, only_if_due: bool) -> PollReport:
        feed = await asyncio.to_thread(self.store.run, lambda c: store_feeds.get(c, feed_id))
        if feed is None or feed.paused:
            label = feed.label if feed else str(feed_id)
            return PollReport(label, PollOutcome.SKIPPED, paused=bool(feed and feed.paused))
        if only_if_due and not decide.is_due(feed, now=self.clock()):
            return PollReport(feed.label, PollOutcome.SKIPPED)
        result = await self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        match result:
            case FetchFailed():
                return await self._failed(
                    feed, result.reason, retry_after=result.retry_after, gone=result.permanent
                )
            case NotModified():
                return await self._not_modified(feed, result)
            case Fetched():
                return await self._read(feed, result)
            case _:
                assert_never(result)

    async def _read(self, feed: store_feeds.FeedRow, result: Fetched) -> PollReport:
        parsed = await self.workers.parse(result.body, url=result.final_url, headers=result.headers)
        if parsed.problem:
            return await self._failed(feed, f"{feed.url}: {parsed.problem}")
        if parsed.warning:
            log.warning("Feed %s: %s", feed.url, parsed.warning)
        return await self._fetched(feed, result, parsed)

    async def _failed(
        self, feed: store_feeds.FeedRow, reason: str, *, retry_after: float | None = None, gone: bool = False
    ) -> PollReport:
        now = self.clock()
        plan = decide.after_failure(feed, self.polling, now=now, reason=reason, retry_after=retry_after, gone=gone)
        await asyncio.to_thread(
            self.store.run, lambda c: store_feeds.record_failure(c, feed.id, now=now, error=reason, update_=plan)
        )
        delay = plan.next_poll_at - now
        if plan.pause:
            log.error(
                "Feed %s is paused after %d failures in a row (%s); run `evradar feeds check %s` to retry it.",
                feed.url,
                plan.failures,
                reason,
                feed.url,
            )
        else:
            log.warning("Feed %s could not be read: %s Next try in %.0f s.", feed.url, reason, delay)
        return PollReport(feed.label, PollOutcome.FAILED, error=reason, delay=delay, paused=plan.pause)

    async def _not_modified(self, feed: store_feeds.FeedRow, result: NotModified) -> PollReport:
        now = self.clock()
        plan = decide.after_not_modified(feed, self.polling, now=now, max_age=result.max_age)
        await asyncio.to_thread(
            self.store.run, lambda c: store_feeds.record_not_modified(c, feed.id, now=now, update_=plan)
        )
        return PollReport(feed.label, PollOutcome.NOT_MODIFIED, delay=plan.next_poll_at - now)

    async def _fetched(self, feed: store_feeds.FeedRow, result: Fetched, parsed: ParsedFeed) -> PollReport:
        keys = {store_events.item_key(i.id): i for i in parsed.items}
        fresh = await asyncio.to_thread(self.store.run, lambda c: store_events.unseen(c, feed.id, keys))
        new = [(k, i) for k, i in keys.items() if k in fresh]
        now = self.clock()
        plan = decide.after_read(
            feed,
            self.polling,
            [i for _, i in new],
            now=now,
            max_age=result.max_age,
            ttl_minutes=parsed.ttl_minutes,
        )
        to_read = [i for _, i in new if i.id in plan.alertable]
        verdicts = dict(zip([i.id for i in to_read], await self.workers.detect(to_read), strict=True))
        found = [Found(item, key, d if (d := verdicts.get(item.id)) and d.alert else None) for key, item in new]
        ingested = await asyncio.to_thread(
            self.store.run, self._apply(feed, result, parsed, found, plan.update, now)
        )
        if result.moved_to:
            log.info("Feed %s moved permanently to %s; the stored address was updated.", feed.url, result.moved_to)
        return PollReport(
            feed.label,
            PollOutcome.OK,
            items=len(parsed.items),
            new_items=len(new),
            alerts=len(ingested.new_events),
            updates=len(ingested.updated_events),
            delay=plan.update.next_poll_at - now,
            kinds=tuple(f.detection.kind for f in found if f.detection),
            queued=ingested.queued,
        )

    def _apply(
        self,
        feed: store_feeds.FeedRow,
        result: Fetched,
        parsed: ParsedFeed,
        found: list[Found],
        update: FeedUpdate,
        now: float,
    ) -> Callable[[Connection], store_events.Ingested]:
        """One transaction: the items, their events and deliveries, and the feed's new state."""

        def apply(conn: Connection) -> store_events.Ingested:
            ingested = store_events.ingest(conn, feed.id, found, now=now, route=self.router)
            store_feeds.record_ok(
                conn,
                feed.id,
                now=now,
                update_=update,
                etag=result.etag,
                last_modified=result.last_modified,
                title=parsed.title,
                new_items=len(found),
                moved_to=result.moved_to,
            )
            return ingested

        return apply


async def isolated(poll: Awaitable[PollReport], *, label: str) -> PollReport:
    """A poll at an isolation point: a database refusal or a surprise becomes a failed report (logged
    with the feed's address) instead of ending the caller's loop. Cancellation still propagates."""
    try:
        return await poll
    except StoreError as exc:  # the database said no (full, locked): nothing of this poll was kept
        log.error("%s was not polled: %s It will be polled again later.", label, exc)
        return PollReport(label, PollOutcome.FAILED, error=str(exc), raised=True, store_failed=True)
    except Exception:  # isolation point: one feed's surprise must not stop the others
        log.exception("Polling %s failed unexpectedly; it will be polled again later.", label)
        return PollReport(label, PollOutcome.FAILED, error="unexpected error (see the log above)", raised=True)
