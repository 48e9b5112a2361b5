"""Sending queued alerts: in order per channel, paced, retried with backoff, paused when hopeless."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from ..core.models import Delivered, DeliveryFailed, Destination
from ..core.ports import Notifier
from ..store import Store, outbox
from .router import Router

log = logging.getLogger("evradar.delivery")

DEFAULT_PACE = 1.0  # least seconds between two posts to one destination of a platform that names none
MAX_BACKOFF = 3600.0


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    paused: list[str] = field(default_factory=list)


def backoff(attempts: int, retry_after: float | None) -> float:
    """Seconds before the next try: what the platform asked for, else 15 s doubling to an hour."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_BACKOFF)
    return min(15.0 * 2.0 ** min(attempts, 12), MAX_BACKOFF)


class Deliverer:
    """Works through the outbox; one instance per process."""

    def __init__(
        self,
        *,
        store: Store,
        router: Router,
        notifiers: Mapping[str, Notifier],
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        pace: Mapping[str, float] | None = None,
        on_result: Callable[[str, bool, float], None] = lambda platform, ok, seconds: None,
    ) -> None:
        self.store = store
        self.router = router
        self.notifiers = dict(notifiers)
        self.clock = clock
        self.sleep = sleep
        self.pace = dict(pace or {})  # per platform, from each adapter (bot.adapters.pacing)
        self.on_result = on_result
        self._last_post: dict[str, float] = {}
        self._wake = asyncio.Event()

    def recover(self, destination: str | None = None) -> int:
        """Report posts a crash interrupted; they are sent again (at most these may show twice)."""
        count = self.store.run(lambda c: outbox.interrupted(c, destination))
        if count:
            log.warning(
                "%d alert(s) were being posted when evradar stopped last time; they are sent again, "
                "so a channel may show one of them twice.",
                count,
            )
        return count

    def wake(self) -> None:
        """New deliveries were queued; look at the outbox now rather than at the next tick."""
        self._wake.set()

    async def deliver_due(self) -> DeliveryReport:
        """Make every delivery that is due; destinations in parallel, each one in order."""
        report = DeliveryReport()
        pending = await asyncio.to_thread(self.store.run, lambda c: outbox.due(c, now=self.clock()))
        by_destination: dict[str, list[outbox.Pending]] = {}
        for row in pending:
            by_destination.setdefault(row.destination, []).append(row)
        async with asyncio.TaskGroup() as group:
            for key, rows in by_destination.items():
                group.create_task(self._work_through(key, rows, report))
        return report

    async def deliver_all(self, *, patience: float = 30.0, short: float = 5.0) -> DeliveryReport:
        """Deliver until nothing more is due (not just one batch), waiting for a retry the platform asked
        for when it comes within ``short`` seconds, for at most ``patience`` seconds in all."""
        total = DeliveryReport()
        waited = 0.0
        while True:
            report = await self.deliver_due()
            total.sent += report.sent
            total.failed += report.failed
            total.paused += report.paused
            if report.sent:
                continue
            nxt = await asyncio.to_thread(self.store.run, outbox.next_due)
            wait = None if nxt is None else max(nxt - self.clock(), 0.0)
            if wait is None or wait > short or waited + wait > patience or not report.failed:
                return total
            await self.sleep(wait)
            waited += max(wait, 0.1)  # a platform asking for no wait at all still uses up the patience

    async def deliver_to(self, key: str) -> DeliveryReport:
        """Make the due deliveries of one destination, in order (a cluster job; the job's lock keeps
        other instances off this destination meanwhile, and pacing counts their posts too)."""
        report = DeliveryReport()
        rows = await asyncio.to_thread(self.store.run, lambda c: outbox.due(c, now=self.clock(), destination=key))
        if rows:
            last = await asyncio.to_thread(self.store.run, lambda c: outbox.last_post(c, key))
            if last is not None:
                self._last_post[key] = max(self._last_post.get(key, 0.0), last)
            await self._work_through(key, rows, report)
        return report

    async def run(self, stop: asyncio.Event, *, idle: float = 5.0) -> None:
        """Deliver until ``stop`` is set, waking early when new alerts are queued."""
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception:  # isolation point: one bad pass must not end delivery
                log.exception("Delivering alerts failed; evradar will try again in %.0f s.", idle)
            self._wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            _, waiting = await asyncio.wait(
                waiters, timeout=await self._idle_time(idle), return_when=asyncio.FIRST_COMPLETED
            )
            for task in waiting:
                task.cancel()

    async def _idle_time(self, idle: float) -> float:
        nxt = await asyncio.to_thread(self.store.run, outbox.next_due)
        if nxt is None:
            return idle
        return max(0.05, min(idle, nxt - self.clock()))

    async def _work_through(self, key: str, rows: list[outbox.Pending], report: DeliveryReport) -> None:
        destination = self.router.destination(key)
        for row in rows:
            if destination is None:
                await asyncio.to_thread(
                    self.store.run,
                    lambda c, r=row: outbox.mark_dead(
                        c, r.id, error=f"the destination {key} is no longer configured"
                    ),
                )
                continue
            if not await self._send(row, destination, report):
                return  # keep this destination's order: later rows wait for this one

    async def _send(self, row: outbox.Pending, destination: Destination, report: DeliveryReport) -> bool:
        notifier = self.notifiers.get(destination.platform)
        if notifier is None:
            reason = (
                f"no {destination.platform} connection is configured (token or webhook missing); "
                f"set it up and run `evradar run` again"
            )
            await self._pause(destination.key, reason, report)
            return False
        if await asyncio.to_thread(self.store.run, lambda c: outbox.waiting_for_first(c, row)):
            return False
        alert = await asyncio.to_thread(self.store.run, lambda c: outbox.alert_for(c, row))
        await self._keep_pace(destination)
        await asyncio.to_thread(self.store.run, lambda c: outbox.mark_sending(c, row.id, now=self.clock()))
        started = time.monotonic()
        try:
            result = await notifier.deliver(alert, destination)
        except Exception as exc:  # isolation point: an adapter bug must not stop other destinations
            log.exception("Posting to %s raised an error; the alert stays queued.", destination.key)
            result = DeliveryFailed(f"unexpected error: {exc}")
        self.on_result(destination.platform, isinstance(result, Delivered), time.monotonic() - started)
        self._last_post[destination.key] = self.clock()
        return await self._record(row, destination, result, report)

    async def _record(
        self,
        row: outbox.Pending,
        destination: Destination,
        result: Delivered | DeliveryFailed,
        report: DeliveryReport,
    ) -> bool:
        now = self.clock()
        if isinstance(result, Delivered):
            await asyncio.to_thread(
                self.store.run,
                lambda c: outbox.mark_sent(
                    c, row.id, now=now, reference=result.reference, destination=destination.key
                ),
            )
            report.sent += 1
            return True
        report.failed += 1
        if result.permanent:
            await asyncio.to_thread(self.store.run, lambda c: outbox.mark_refused(c, row.id, error=result.reason))
            await self._pause(destination.key, result.reason, report)
            return False
        retry_at = now + backoff(row.attempts, result.retry_after)
        await asyncio.to_thread(
            self.store.run,
            lambda c: outbox.mark_failed(c, row.id, now=now, retry_at=retry_at, error=result.reason),
        )
        log.warning(
            "Posting to %s failed (%s); it stays queued and is retried in %.0f s.",
            destination.key,
            result.reason,
            retry_at - now,
        )
        return False

    async def _pause(self, key: str, reason: str, report: DeliveryReport) -> None:
        await asyncio.to_thread(
            self.store.run, lambda c: outbox.pause_destination(c, key, now=self.clock(), reason=reason)
        )
        report.paused.append(key)
        log.error(
            "Destination %s is paused: %s. Its alerts are kept: fix the route in the configuration and "
            "restart evradar, which sends them to the fixed route; for a fix made outside evradar, "
            "`evradar destinations resume %s`.",
            key,
            reason,
            key,
        )

    async def _keep_pace(self, destination: Destination) -> None:
        gap = self.pace.get(destination.platform, DEFAULT_PACE)
        last = self._last_post.get(destination.key)
        if last is not None and gap > 0:
            wait = last + gap - self.clock()
            if wait > 0:
                await self.sleep(wait)
