"""Sending digests: which period's digest is due for each digest route, queued once in the outbox, posted,
marked. A digest whose post was cut off (a crash, a lost answer) is looked for at its destination before it is
posted again, so the channel gets it once; where the destination cannot be read back (a webhook) it is posted
again, at least once and never lost."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import partial

from sqlalchemy import Connection

from ..core.digest import Digest, Posted, Unchecked
from ..core.models import Delivered, DeliveryFailed, Destination
from ..core.mutes import Mute, muted
from ..core.ports import Notifier
from ..core.schedule import Period, Schedule, period_at, previous_period
from ..store import Store
from ..store import digests as store_digests
from .delivery import backoff
from .router import Rule

log = logging.getLogger("evradar.digest")
READ_WAITS = 5  # tries after which a destination that keeps rate-limiting reads gets the digest again anyway


@dataclass(frozen=True, slots=True)
class DigestRoute:
    """A route that gets one digest per period instead of single alerts."""

    name: str
    rule: Rule  # its destination and filters
    schedule: Schedule
    zone: tzinfo


def due_rows(routes: Sequence[DigestRoute], *, now: float) -> list[store_digests.DigestRow]:
    """The digests that should exist by ``now``: each route's last ended period (pure)."""
    moment = datetime.fromtimestamp(now, tz=UTC)
    rows = []
    for route in routes:
        period = previous_period(route.schedule, route.zone, moment)
        rows.append(_row(route, period))
    return rows


def _row(route: DigestRoute, period: Period) -> store_digests.DigestRow:
    return store_digests.DigestRow(
        0,
        period.key(route.name),
        route.name,
        route.rule.destination.key,
        period.start.timestamp(),
        period.end.timestamp(),
        0,
    )


class DigestSender:
    """Queues and posts digests; ``mutes`` (the router's) apply to digests as to single alerts."""

    def __init__(
        self,
        *,
        store: Store,
        routes: Sequence[DigestRoute],
        notifiers: Mapping[str, Notifier],
        clock: Callable[[], float] = time.time,
        mutes: Callable[[], Sequence[Mute]] = lambda: (),
    ) -> None:
        self.store = store
        self.routes = {r.name: r for r in routes}
        self.notifiers = notifiers
        self.clock = clock
        self.mutes = mutes

    def recover(self) -> None:
        keys = self.store.run(store_digests.interrupted)
        if keys:
            log.warning(
                "%d digest(s) were being posted when evradar stopped; each is looked for in its channel and "
                "posted again only if it is not there.",
                len(keys),
            )

    def queue_due(self) -> int:
        """Queue every digest whose period has ended (a no-op for those queued already)."""
        now = self.clock()
        queued = 0
        for row in due_rows(list(self.routes.values()), now=now):
            queued += self.store.run(partial(store_digests.queue, row=row, now=now))
        return queued

    def current(self, route: DigestRoute, *, since: float | None = None) -> Digest:
        """The digest of the period running now (or of the time since ``since``), as it stands."""
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        period = period_at(route.schedule, route.zone, now)
        if since is not None:
            period = Period(datetime.fromtimestamp(since, tz=route.zone), now.astimezone(route.zone))
        return self.build(route, period.key(route.name), period.start.timestamp(), now.timestamp())

    def build(self, route: DigestRoute, key: str, start: float, end: float) -> Digest:
        """The events of a period that the route wants and its channel has not muted."""
        found = self.store.run(lambda c: store_digests.events_between(c, start=start, end=end))
        mutes, now, dest = self.mutes(), self.clock(), route.rule.destination.key
        events = tuple(v for v, f in found if route.rule.wants(f) and not muted(f, dest, mutes, now=now))
        zone = route.zone
        when = datetime.fromtimestamp(start, tz=zone), datetime.fromtimestamp(end, tz=zone)
        return Digest(key, route.name, when[0], when[1], events)

    async def send_now(self, route: DigestRoute, *, since: float) -> Delivered | DeliveryFailed:
        """Post a digest of the time since ``since`` now (`evradar digest send`), through the outbox."""
        now = self.clock()
        row = store_digests.DigestRow(
            0, f"{route.name}|now|{now}", route.name, route.rule.destination.key, since, now, 0
        )
        await asyncio.to_thread(self.store.run, lambda c: store_digests.queue(c, row=row, now=now))
        rows = await asyncio.to_thread(self.store.run, lambda c: store_digests.due(c, now=now))
        mine = next(r for r in rows if r.key == row.key)
        return await self._send(mine, route)

    async def send_due(self) -> int:
        """Queue what is due and post every waiting digest; returns how many were posted."""
        await asyncio.to_thread(self.queue_due)
        rows = await asyncio.to_thread(self.store.run, lambda c: store_digests.due(c, now=self.clock()))
        sent = 0
        for row in rows:
            route = self.routes.get(row.route)
            if route is None:
                continue  # the route is no longer a digest route; its row waits in case it comes back
            sent += isinstance(await self._send(row, route), Delivered)
        return sent

    async def _send(self, row: store_digests.DigestRow, route: DigestRoute) -> Delivered | DeliveryFailed:
        digest = await asyncio.to_thread(self.build, route, row.key, row.period_start, row.period_end)
        if not digest.events and "|now|" not in row.key:
            await asyncio.to_thread(
                self.store.run,
                lambda c: store_digests.mark_sent(c, row.id, now=self.clock(), reference="", empty=True),
            )
            return Delivered()  # nothing happened in the period: the channel is not disturbed
        destination = route.rule.destination
        posted = None if row.claimed_at is None else await self._look(digest, destination, since=row.claimed_at)
        if isinstance(posted, DeliveryFailed) and row.attempts >= READ_WAITS:
            log.warning(
                "Digest %s could not be looked for in %s after %d tries (%s); it is posted again, so the channel "
                "may show it twice.",
                row.key,
                destination.key,
                row.attempts,
                posted.reason,
            )
            posted = None  # a read that stays rate-limited must not hold the digest back for ever
        if isinstance(posted, Posted) and posted.complete:
            log.info(
                "Digest %s was already in %s (its post went through before evradar could record it); it is "
                "recorded as sent and not posted again.",
                row.key,
                destination.key,
            )
            result: Delivered | DeliveryFailed = Delivered(posted.reference)
        elif isinstance(posted, DeliveryFailed):
            result = posted  # the destination could not be read yet: the digest waits and it is read again
        else:
            await asyncio.to_thread(
                self.store.run, lambda c: store_digests.mark_sending(c, row.id, now=self.clock())
            )
            result = await self._post(digest, destination, posted=posted)
        await asyncio.to_thread(self.store.run, lambda c: self._record(c, row, result))
        return result

    async def _look(
        self, digest: Digest, destination: Destination, *, since: float
    ) -> Posted | DeliveryFailed | None:
        """What the destination already shows of a digest whose earlier post was cut off; None when that cannot
        be known (then it is posted again in full, and the log says the channel may see it twice)."""
        find = getattr(self.notifiers.get(destination.platform), "find_digest", None)  # see DigestFinder
        try:
            if find is None:
                found: Posted | Unchecked | DeliveryFailed = Unchecked(
                    f"{destination.platform} destinations cannot be read back"
                )
            else:
                found = await find(digest, destination, since=since)
        except Exception as exc:  # isolation point: a failed look must not lose the digest
            log.exception("Looking for digest %s in %s raised an error.", digest.key, destination.key)
            found = Unchecked(f"reading it back failed ({type(exc).__name__})")
        if isinstance(found, Unchecked):
            log.warning(
                "The post of digest %s to %s was cut off and evradar cannot check whether it arrived (%s); it is "
                "posted again, so the channel may show it twice.",
                digest.key,
                destination.key,
                found.reason,
            )
            return None
        if isinstance(found, Posted) and found.found and not found.complete:
            log.info(
                "Digest %s: %d of its %d parts were already in %s; the others are posted now.",
                digest.key,
                len(found.found),
                found.parts,
                destination.key,
            )
        return found

    async def _post(
        self, digest: Digest, destination: Destination, *, posted: Posted | None = None
    ) -> Delivered | DeliveryFailed:
        notifier = self.notifiers.get(destination.platform)
        post = getattr(notifier, "deliver_digest", None)
        if post is None:
            return DeliveryFailed(
                f"{destination.platform} routes cannot take digests; remove `digest` from the route or point it "
                "at a platform that posts them"
            )
        try:
            result: Delivered | DeliveryFailed = await (
                post(digest, destination, posted=posted) if posted and posted.found else post(digest, destination)
            )
        except Exception as exc:  # isolation point: one route's failure must not stop the others
            log.exception("Posting digest %s to %s raised an error; it is retried.", digest.key, destination.key)
            result = DeliveryFailed(f"unexpected error: {exc}")
        return result

    def _record(self, conn: Connection, row: store_digests.DigestRow, result: Delivered | DeliveryFailed) -> None:
        now = self.clock()
        if isinstance(result, Delivered):
            store_digests.mark_sent(conn, row.id, now=now, reference=result.reference)
            return
        retry = now + backoff(row.attempts, result.retry_after)
        store_digests.mark_failed(conn, row.id, retry_at=retry, error=result.reason)
        log.warning("Posting digest %s failed (%s); it is retried in %.0f s.", row.key, result.reason, retry - now)

    async def run(self, stop: asyncio.Event, *, tick: float = 30.0) -> None:
        """Post digests as their periods end, until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.send_due()
            except Exception:  # isolation point: a bad pass must not end digests
                log.exception("Sending digests failed; evradar will try again in %.0f s.", tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick)
