"""The composition root: builds the store, fetcher, handlers, router, adapters and scheduler from
settings, wires them together, and runs them in one event loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from handlers.companies import CompanyIndex

from ..adapters import build_platforms
from ..adapters.console import notifier as console_adapter
from ..chat.commands import Commands
from ..chat.lookup import Lookup
from ..core.errors import StoreError
from ..core.models import Destination
from ..core.ports import Leases, Notifier, Runner
from ..core.settings import Settings
from ..flow.delivery import Deliverer, DeliveryReport
from ..flow.detection import config_file, load_companies, load_handlers
from ..flow.pipeline import Pipeline, PollReport
from ..flow.router import Router, Rule, canonical_companies
from ..ingest.fetcher import Fetcher
from ..store import Store, outbox
from ..store import feeds as store_feeds
from ..store import subscriptions as store_subscriptions
from .cluster import Cluster, NoLeases
from .cluster import Leases as AdvisoryLeases
from .metrics import Metrics
from .scheduler import FeedScheduler, LocalRunner
from .server import Server
from .workers import Workers, worker_count

log = logging.getLogger("evradar")
DB_THREADS = 16  # matches the database connection pool (bot.store.database)
STOP_GRACE = 8.0  # seconds in-flight work gets after SIGTERM before it is abandoned (safely: nothing is lost)


@dataclass(slots=True)
class Summary:
    """What one `run --once` cycle did."""

    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    alerts: int = 0
    updates: int = 0
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    store_failed: bool = False  # the database refused a write: the run did not do all it should
    left_to_cluster: bool = False  # cluster mode: alerts were queued for the running instances to post

    def add(self, report: PollReport) -> None:
        self.polled += report.outcome != "skipped"
        self.not_modified += report.outcome == "not_modified"
        self.failed += report.outcome == "failed"
        self.new_items += report.new_items
        self.alerts += report.alerts
        self.updates += report.updates
        if report.outcome == "failed":
            self.failures.append(f"{report.feed}: {report.error}")


class App:
    """Everything evradar runs, built once from settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        console: Console | None = None,
        clock: Callable[[], float] = time.time,
        notifiers: dict[str, Notifier] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.console = console or Console()
        companies = load_companies(config_file("companies", settings.detection.companies))
        self.index = CompanyIndex(companies)
        self.handlers = load_handlers(settings.detection.handlers, companies)
        self.store = Store(settings.storage.url)
        self.router = Router([])
        self.metrics = Metrics()
        self.lookup = Lookup(self.store, self.index, clock=clock)
        p = settings.polling
        self.fetcher = Fetcher(
            user_agent=p.user_agent,
            connect_timeout=p.connect_timeout,
            read_timeout=p.read_timeout,
            total_timeout=p.total_timeout,
            max_bytes=p.max_body,
            per_host=p.per_host,
            concurrency=p.concurrency,
        )
        self.platforms = build_platforms(settings) if notifiers is None else []
        self.notifiers: dict[str, Notifier] = {"console": console_adapter.ConsoleNotifier(self.console)}
        self.notifiers.update({p.name: p.notifier for p in self.platforms})
        self.notifiers.update(notifiers or {})
        self.commands = Commands(self.lookup, on_subscriptions_changed=self.refresh_routes)
        self.deliverer = Deliverer(
            store=self.store,
            router=self.router,
            notifiers=self.notifiers,
            clock=clock,
            on_result=lambda platform, ok, seconds: self.metrics.record_delivery(platform, ok=ok, seconds=seconds),
        )
        self.leases: Leases = AdvisoryLeases(settings.storage.url) if settings.cluster.enabled else NoLeases()
        companies_path = config_file("companies", settings.detection.companies)
        self.workers = Workers(
            count=worker_count(p.workers, len(settings.feeds)),
            handlers=self.handlers,
            specs=settings.detection.handlers,
            companies=companies_path,
        )
        self.pipeline = Pipeline(
            store=self.store,
            fetcher=self.fetcher,
            workers=self.workers,
            router=self.router,
            polling=p,
            clock=clock,
            on_queued=self.deliverer.wake,
        )
        self.scheduler: FeedScheduler | None = None
        self.server: Server | None = None

    # -- set-up ---------------------------------------------------------------------------------

    def prepare(self, *, recover: bool = True) -> list[store_feeds.FeedRow]:
        """Migrate the database, make the configured feeds exist, load the routing rules; ``recover``
        reports posts the last run left in flight (a cluster does that per destination instead)."""
        self.store.migrate()
        wanted = [store_feeds.WantedFeed(f.url, f.name, f.interval) for f in self.settings.feeds]
        rows = self.store.run(lambda c: store_feeds.sync(c, wanted, now=self.clock()))
        if recover:
            self.deliverer.recover()
        self.refresh_routes()
        return rows

    def refresh_routes(self) -> None:
        """Rebuild routing from the configuration and the channel subscriptions in the database."""
        rules = [
            Rule(
                Destination(r.platform, r.channel, r.webhook_url),
                canonical_companies(r.companies, self.index),
                frozenset(r.kinds),
                frozenset(r.stages),
                r.min_score,
            )
            for r in self.settings.routes
        ]
        for sub in self.store.run(store_subscriptions.all_subscriptions):
            rules.append(
                Rule(
                    Destination(sub.platform, sub.channel),
                    frozenset(sub.companies),
                    frozenset(sub.kinds),
                    frozenset(sub.stages),
                )
            )
        self.router.rules = tuple(rules)

    # -- one cycle --------------------------------------------------------------------------------

    async def run_once(self, *, progress: bool = False) -> Summary:
        """Poll every feed once, deliver everything due, and report."""
        rows = await asyncio.to_thread(self.prepare)
        active = [r for r in rows if not r.paused]
        summary = Summary()
        with self._progress(progress, len(active)) as advance:
            async with asyncio.TaskGroup() as group:
                for row in active:
                    group.create_task(self._poll_into(row.id, row.url, summary, advance))
        if self.settings.cluster.enabled:  # posting is the instances' job: their locks keep channels in order
            summary.left_to_cluster = True
            return summary
        report: DeliveryReport = await self.deliverer.deliver_due()
        summary.sent = report.sent
        return summary

    async def _poll_into(self, feed_id: int, url: str, summary: Summary, advance: Callable[[], None]) -> None:
        try:
            report = await self.pipeline.poll(feed_id)
        except StoreError as exc:  # the database said no (full, locked): nothing of this poll was kept
            log.error("%s was not polled: %s", url, exc)
            report = PollReport(url, "failed", error=str(exc))
            summary.store_failed = True
        except Exception:  # isolation point: one feed's surprise must not end the cycle
            log.exception("Polling %s failed unexpectedly.", url)
            report = PollReport(url, "failed", error="unexpected error (see the log above)")
        self.metrics.record_poll(report)
        summary.add(report)
        advance()

    def _progress(self, enabled: bool, total: int) -> _ProgressContext:
        return _ProgressContext(self.console, enabled and self.console.is_terminal, total)

    # -- running for good -----------------------------------------------------------------------

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Serve, poll and deliver until ``stop`` is set (SIGTERM, SIGINT)."""
        clustered = self.settings.cluster.enabled
        # Database work runs in threads: enough of them for every pooled connection to be busy at once.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(DB_THREADS, "evradar-db"))
        rows = await asyncio.to_thread(self.prepare, recover=not clustered)
        if self.settings.server.enabled:
            self.server = Server(health=self.health, metrics=self.render_metrics)
        for platform in self.platforms:
            await platform.start(server=self.server, commands=self.commands, leases=self.leases)
        if self.server is not None:
            await self.server.start(self.settings.server.host, self.settings.server.port)
        await self._runner(rows).run(stop)

    def _runner(self, rows: list[store_feeds.FeedRow]) -> Runner:
        """Cluster mode shares the work through procrastinate; otherwise APScheduler runs it here."""
        if self.settings.cluster.enabled:
            return Cluster(
                settings=self.settings.cluster,
                storage_url=self.settings.storage.url,
                store=self.store,
                pipeline=self.pipeline,
                deliverer=self.deliverer,
                clock=self.clock,
                on_report=self.metrics.record_poll,
                grace=STOP_GRACE,
            )
        self.scheduler = FeedScheduler(
            pipeline=self.pipeline,
            interval=self.settings.polling.interval,
            jitter=self.settings.polling.jitter,
            clock=self.clock,
            on_report=self.metrics.record_poll,
        )
        return LocalRunner(self.scheduler, self.deliverer, rows, grace=STOP_GRACE)

    async def health(self) -> dict[str, object]:
        status = await asyncio.to_thread(self.lookup.status)
        return {
            "status": "ok",
            "feeds": status.feeds,
            "paused_feeds": len(status.paused_feeds),
            "last_poll": status.last_poll.isoformat() if status.last_poll else None,
            "pending_deliveries": status.pending,
        }

    async def render_metrics(self) -> bytes:
        def read(conn: object) -> tuple[int, int]:
            rows = store_feeds.all_feeds(conn)  # type: ignore[arg-type]
            return sum(r.paused for r in rows), outbox.counts(conn, since=0)["pending"]  # type: ignore[arg-type]

        paused, pending = await asyncio.to_thread(self.store.run, read)
        self.metrics.feeds_paused.set(paused)
        self.metrics.outbox.set(pending)
        return self.metrics.render()

    async def close(self) -> None:
        for platform in self.platforms:
            await platform.stop()
        await self.leases.close()
        if self.server is not None:
            await self.server.stop()
        await self.fetcher.close()
        await asyncio.to_thread(self.workers.close)
        for notifier in self.notifiers.values():
            await notifier.close()
        self.store.close()


class _ProgressContext:
    """A progress bar over feeds on a terminal; nothing otherwise."""

    def __init__(self, console: Console, enabled: bool, total: int) -> None:
        self.progress = (
            Progress(
                TextColumn("polling feeds"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            if enabled
            else None
        )
        self.total = total

    def __enter__(self) -> Callable[[], None]:
        if self.progress is None:
            return lambda: None
        self.progress.start()
        task = self.progress.add_task("poll", total=self.total)
        return lambda: self.progress.advance(task) if self.progress else None

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
