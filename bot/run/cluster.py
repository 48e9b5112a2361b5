"""Cluster mode: several identical instances on one PostgreSQL share the work as procrastinate jobs.

- A periodic task (deferred once per tick, whichever instance gets there first) turns every feed
  that is due into a poll job and every destination with alerts due into a delivery job.
- A poll job has a queueing lock and a lock per feed, so a feed is never queued or polled twice at
  once; it runs the same Pipeline.poll as single-process mode.
- A delivery job has a lock per destination, so one instance at a time posts to a channel: in
  order, and paced from the time of the last post any instance made there.
- When an instance dies, its workers stop sending heartbeats; the next tick puts their jobs back
  in the queue, and the alerts they were posting are sent again (and reported).
- A platform connection only one instance may hold (a chat gateway) is held under a PostgreSQL
  advisory lock, taken over when that instance's connection goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import socket
from collections.abc import Callable, Mapping
from typing import Any

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from sqlalchemy.engine import make_url

from ..core.settings import ClusterSettings
from ..flow.delivery import Deliverer
from ..flow.pipeline import Pipeline, PollReport
from ..store import Store, jobs, outbox
from ..store import feeds as store_feeds

log = logging.getLogger("evradar.cluster")

POLL, DELIVER, TICK = "evradar.poll", "evradar.deliver", "evradar.tick"
HEARTBEAT = 2.0  # seconds between a worker's heartbeats
DEAD_AFTER = 10.0  # seconds without a heartbeat before an instance's jobs are handed to others
BATCH = 500  # jobs deferred in one statement


def libpq_url(storage_url: str) -> str:
    """postgresql+psycopg://… (SQLAlchemy) as the plain postgresql://… libpq takes."""
    return make_url(storage_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Cluster:
    """Runs this instance's share of polls and deliveries until told to stop."""

    def __init__(
        self,
        *,
        settings: ClusterSettings,
        storage_url: str,
        store: Store,
        pipeline: Pipeline,
        deliverer: Deliverer,
        clock: Callable[[], float],
        grace: float,
        on_report: Callable[[PollReport], None] = lambda r: None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.pipeline = pipeline
        self.deliverer = deliverer
        self.clock = clock
        self.on_report = on_report
        self.grace = grace
        self.name = f"{socket.gethostname()}-{id(self):x}"
        connector = procrastinate.PsycopgConnector(
            conninfo=libpq_url(storage_url), min_size=1, max_size=max(4, min(settings.concurrency + 4, 40))
        )
        self.app = procrastinate.App(connector=connector)
        self._kicks: set[asyncio.Task[None]] = set()
        self._register()

    def _register(self) -> None:
        @self.app.task(name=POLL, queue="polls")
        async def poll(feed_id: int) -> None:
            report = await self.pipeline.poll(feed_id, only_if_due=True)
            self.on_report(report)
            if report.queued:  # hand out their deliveries now rather than at the next tick
                self.kick()

        @self.app.task(name=DELIVER, queue="deliveries")
        async def deliver(destination: str) -> None:
            await self.deliverer.deliver_to(destination)

        @self.app.periodic(cron=f"* * * * * */{int(self.settings.tick)}")
        @self.app.task(name=TICK, queue="ticks", queueing_lock=TICK)
        async def tick(timestamp: int) -> None:
            await self.hand_out()

        self._poll, self._deliver = poll, deliver

    # -- handing out work -------------------------------------------------------------------------

    async def hand_out(self) -> None:
        """Queue a poll for every feed that is due and a delivery for every destination with alerts due."""
        await self.recover_stalled()
        now = self.clock()
        feeds = await asyncio.to_thread(self.store.run, lambda c: store_feeds.due_ids(c, now=now))
        await self._defer_each(self._poll, "feed_id", {str(f): f for f in feeds}, "poll")
        await self.hand_out_deliveries()

    async def hand_out_deliveries(self) -> None:
        now = self.clock()
        keys = await asyncio.to_thread(self.store.run, lambda c: outbox.due_destinations(c, now=now))
        await self._defer_each(self._deliver, "destination", {k: k for k in keys}, "deliver")

    def kick(self) -> None:
        """New alerts were queued by a poll on this instance: hand out their deliveries now, not at the tick."""
        task = asyncio.get_running_loop().create_task(self.hand_out_deliveries())
        self._kicks.add(task)
        task.add_done_callback(self._kicks.discard)

    async def _defer_each(self, task: Any, arg: str, values: Mapping[str, int | str], prefix: str) -> None:
        """One job per value not queued yet (``values`` by their text, as the queue stores them), each
        with its own lock and queueing lock, in batches."""
        waiting = await asyncio.to_thread(self.store.run, lambda c: jobs.waiting(c, task.name, arg))
        todo = [values[text] for text in sorted(values.keys() - waiting)]
        for start in range(0, len(todo), BATCH):
            batch = [
                task.configure(lock=f"{prefix}:{v}", queueing_lock=f"{prefix}:{v}").make_new_job(**{arg: v})
                for v in todo[start : start + BATCH]
            ]
            try:
                await self.app.job_manager.batch_defer_jobs_async(batch)
            except AlreadyEnqueued:  # another instance queued some a moment ago: the rest one by one
                for job in batch:
                    with contextlib.suppress(AlreadyEnqueued):
                        await self.app.job_manager.defer_job_async(job)

    async def recover_stalled(self) -> None:
        """Jobs of instances that stopped sending heartbeats go back in the queue."""
        stalled = await self.app.job_manager.get_stalled_jobs(seconds_since_heartbeat=DEAD_AFTER)
        for job in stalled:
            if job.task_name == DELIVER:
                # The job's lock kept every other instance off this destination: only the dead one
                # could have been posting, so what it marked as in flight may show twice.
                destination = str(job.task_kwargs["destination"])
                await asyncio.to_thread(self.deliverer.recover, destination)
            try:
                await self.app.job_manager.retry_job(job)
            except UniqueViolation:  # the same work is queued already: end the dead job, which frees its lock
                await self.app.job_manager.finish_job(job, status=Status.ABORTED, delete_job=True)
            log.warning("An instance stopped while running %s; the work is queued again.", job.call_string)

    # -- running ------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.to_thread(self.store.run, jobs.create_job_tables(self.app.schema_manager.get_schema()))
        async with self.app.open_async():
            worker = asyncio.create_task(
                self.app.run_worker_async(
                    name=self.name,
                    concurrency=self.settings.concurrency,
                    install_signal_handlers=False,
                    update_heartbeat_interval=HEARTBEAT,
                    stalled_worker_timeout=DEAD_AFTER,
                    shutdown_graceful_timeout=self.grace,
                    fetch_job_polling_interval=1.0,
                    delete_jobs="successful",
                )
            )
            log.info("Cluster mode: instance %s is taking polls and deliveries from the shared queue.", self.name)
            await self.hand_out()  # no need to wait for the first tick
            waiting = asyncio.ensure_future(stop.wait())
            await asyncio.wait([worker, waiting], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if worker.done():
                worker.result()  # the worker ended on its own: say why
            worker.cancel()  # graceful: running jobs get `grace` seconds, then are abandoned safely
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            for task in list(self._kicks):
                task.cancel()


class Leases:
    """Named PostgreSQL advisory locks, each held on its own connection for as long as this process lives.

    ``acquire`` returns once this instance holds the lock; when the holder dies its connection
    closes, PostgreSQL lets the lock go, and a waiting instance takes it over within ``every`` seconds.
    """

    def __init__(self, storage_url: str, *, every: float = 5.0) -> None:
        self.conninfo = libpq_url(storage_url)
        self.every = every
        self._held: list[psycopg.AsyncConnection[Any]] = []

    async def acquire(self, name: str) -> None:
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
            except psycopg.Error as exc:
                log.warning("Could not reach PostgreSQL for the %s lock (%s); trying again.", name, exc)
                await asyncio.sleep(self.every)
                continue
            taken = await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (key,))).fetchone()
            if taken and taken[0]:
                self._held.append(conn)
                log.info("This instance now holds %s.", name)
                return
            await conn.close()
            await asyncio.sleep(self.every)

    async def close(self) -> None:
        for conn in self._held:
            await conn.close()
        self._held.clear()


class NoLeases:
    """Single-process mode: there is nobody to share with, so every lock is ours at once."""

    async def acquire(self, name: str) -> None:
        return None

    async def close(self) -> None:
        return None
