"""The composition root: builds the store, fetcher, handlers, router, adapters and runners from settings,
wires them together, and runs them in one event loop."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from rich.console import Console
from sqlalchemy import Connection

from handlers.companies import CompanyIndex

from .. import adapters
from ..chat.commands import Commands
from ..chat.feedback import DEFAULT_THRESHOLD, Feedback
from ..chat.lookup import Lookup
from ..core.digest import chunks
from ..core.models import Destination
from ..core.ports import Leases, Notifier, Runner
from ..core.schedule import parse_schedule, parse_zone
from ..core.settings import RouteSettings, Settings
from ..flow.delivery import Deliverer
from ..flow.detection import config_file, load_companies, load_handlers
from ..flow.digest import DigestRoute, DigestSender
from ..flow.pipeline import Pipeline
from ..flow.router import Router, Rule, canonical_companies
from ..ingest.fetcher import Fetcher
from ..store import Store, outbox
from ..store import feeds as store_feeds
from ..store import routes as store_routes
from ..store import subscriptions as store_subscriptions
from . import health
from .access import required_token
from .cluster import Cluster, NoLeases
from .cluster import Leases as AdvisoryLeases
from .metrics import Metrics
from .scheduler import FeedScheduler, LocalRunner
from .server import Server
from .web import Pages
from .workers import Workers, worker_count

log = logging.getLogger("evradar")
DB_THREADS = 16  # matches the database connection pool (bot.store.database)
STOP_GRACE = 8.0  # seconds in-flight work gets after SIGTERM before it is abandoned (safely: nothing is lost)


def open_store(settings: Settings) -> Store:
    """The configured database, migrated to the current schema."""
    store = Store(settings.storage.url)
    store.migrate()
    return store


def company_index(settings: Settings) -> CompanyIndex:
    """The company knowledge the configuration names (else the bundled copy), indexed for lookups."""
    return CompanyIndex(load_companies(config_file("companies", settings.detection.companies)))


class App:
    """Everything evradar runs, built once from settings.

    ``notifiers`` replaces platforms' notifiers by name (tests record posts this way); when it is
    given, only the fallback platform is built. ``listening`` is the server's socket when it was bound
    before anything else (``bot.run.server.bind``), so that a busy port stops evradar before it writes.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        console: Console | None = None,
        clock: Callable[[], float] = time.time,
        notifiers: dict[str, Notifier] | None = None,
        listening: socket.socket | None = None,
    ) -> None:
        self.settings = settings
        self.listening = listening
        self.clock = clock
        self.console = console or Console()
        companies_path = config_file("companies", settings.detection.companies)
        companies = load_companies(companies_path)
        self.index = CompanyIndex(companies)
        self.handlers = load_handlers(settings.detection.handlers, companies)
        self.store = Store(settings.storage.url)
        self.router = Router([], decode=adapters.decode, clock=clock)
        self.metrics = Metrics()
        self.lookup = Lookup(self.store, self.index, clock=clock)
        self.fetcher = Fetcher.from_settings(settings.polling)
        only = None if notifiers is None else (adapters.FALLBACK,)
        self.platforms = adapters.build_platforms(settings, self.console, only=only)
        self.notifiers: dict[str, Notifier] = {p.name: p.notifier for p in self.platforms} | (notifiers or {})
        self.digests = DigestSender(
            store=self.store,
            routes=digest_routes(settings, self.index),
            notifiers=self.notifiers,
            clock=clock,
            mutes=lambda: self.router.mutes,
        )
        self._bases: dict[str, float] = {}  # each channel's configured threshold, before feedback moves it
        self.feedback = Feedback(
            self.store,
            clock=clock,
            base=lambda key: self._bases.get(key, DEFAULT_THRESHOLD),
            on_change=self.refresh_routes,
        )
        self.commands = Commands(
            self.lookup,
            on_subscriptions_changed=self.refresh_routes,
            digest=self.digest_texts,
            feedback=self.feedback,
        )
        self.deliverer = Deliverer(
            store=self.store,
            router=self.router,
            notifiers=self.notifiers,
            clock=clock,
            pace=adapters.pacing(),
            on_result=lambda platform, ok, seconds: self.metrics.record_delivery(platform, ok=ok, seconds=seconds),
        )
        self.leases: Leases = AdvisoryLeases(settings.storage.url) if settings.cluster.enabled else NoLeases()
        self.workers = Workers(
            count=worker_count(settings.polling.workers, len(settings.feeds)),
            handlers=self.handlers,
            specs=settings.detection.handlers,
            companies=companies_path,
        )
        self.pipeline = Pipeline(
            store=self.store,
            fetcher=self.fetcher,
            workers=self.workers,
            router=self.router,
            polling=settings.polling,
            clock=clock,
        )
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
            self.digests.recover()
        self.follow_routes()
        self.refresh_routes()
        return rows

    def follow_routes(self) -> list[store_routes.Moved]:
        """Alerts waiting for a route whose channel id or webhook URL was fixed in the configuration go to
        the fixed one (a route is known by its ``name``, else by "<platform>-<n>")."""
        current = {n.identity: route_destination(n.route).key for n in self.settings.named_routes()}
        subscribed = {
            Destination(s.platform, s.channel).key for s in self.store.run(store_subscriptions.all_subscriptions)
        }
        in_use = set(current.values()) | subscribed
        moved = self.store.run(lambda c: store_routes.follow(c, current, in_use=in_use, now=self.clock()))
        for m in moved:
            log.warning(
                "Route %s now posts to %s instead of %s; the %d alert(s) that waited for it go there.",
                m.route,
                m.new,
                m.old,
                m.alerts,
            )
        return moved

    def refresh_routes(self) -> None:
        """Rebuild routing from the configuration and the channel subscriptions in the database."""
        rules = [
            Rule(
                route_destination(r),
                canonical_companies(r.companies, self.index),
                frozenset(r.kinds),
                frozenset(r.stages),
                r.min_score,
            )
            for r in self.settings.routes
            if not r.digest.strip()  # a digest route gets no single alerts
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
        self.router.rules = tuple(self._learned(rules))
        self.router.mutes = tuple(self.lookup.mutes())

    def _learned(self, rules: list[Rule]) -> list[Rule]:
        """Rules of channels whose votes moved their threshold get the learned one (see bot.flow.learning)."""
        self._bases = {}
        for rule in rules:
            if rule.destination.channel and not rule.destination.webhook_url:
                self._bases.setdefault(rule.destination.key, rule.min_score)
        learned = self.feedback.thresholds(self._bases)
        return [
            replace(rule, min_score=learned[rule.destination.key].threshold)
            if rule.destination.key in learned and learned[rule.destination.key].moved
            else rule
            for rule in rules
        ]

    def digest_texts(self, platform: str, channel: str) -> tuple[str, ...] | None:
        """The current period's digest of the digest route posting to this channel, as text; None: none does."""
        key = Destination(platform, channel).key
        for route in self.digests.routes.values():
            if route.rule.destination.key == key:
                return tuple(chunks(self.digests.current(route), limit=3000))
        return None

    # -- running for good -----------------------------------------------------------------------

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Serve, poll and deliver until ``stop`` is set (SIGTERM, SIGINT)."""
        clustered = self.settings.cluster.enabled
        # Database work runs in threads: enough of them for every pooled connection to be busy at once.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(DB_THREADS, "evradar-db"))
        rows = await asyncio.to_thread(self.prepare, recover=not clustered)
        if self.settings.server.enabled:
            self.server = Server(health=self.health, metrics=self.render_metrics)
            Pages(self.settings, self.lookup, token=required_token(self.settings)).mount(self.server.app)
        for platform in self.platforms:
            await platform.start(server=self.server, commands=self.commands, leases=self.leases)
        if self.server is not None:
            server = self.settings.server
            await self.server.start(server.host, server.port, sock=self.listening)
        async with asyncio.TaskGroup() as group:
            group.create_task(self._post_digests(stop, clustered=clustered))
            await self._runner(rows).run(stop)

    async def _post_digests(self, stop: asyncio.Event, *, clustered: bool) -> None:
        """Post digests as their periods end; in a cluster, only the instance holding the digests lease does."""
        if not self.digests.routes:
            return
        if clustered:
            holding = asyncio.ensure_future(self.leases.acquire("evradar-digests"))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({holding, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for task in (holding, stopping):
                task.cancel()
            if stop.is_set():
                return
            await asyncio.to_thread(self.digests.recover)
        await self.digests.run(stop)

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
                grace=STOP_GRACE,
                on_report=self.metrics.record_poll,
            )
        scheduler = FeedScheduler(
            pipeline=self.pipeline,
            interval=self.settings.polling.interval,
            jitter=self.settings.polling.jitter,
            clock=self.clock,
            on_report=self.metrics.record_poll,
            on_queued=self.deliverer.wake,
        )
        return LocalRunner(scheduler, self.deliverer, rows, grace=STOP_GRACE)

    async def health(self) -> dict[str, object]:
        status = await asyncio.to_thread(self.lookup.status)
        feeds, waiting = await asyncio.to_thread(self.store.run, _feeds_and_waiting)
        verdict = health.assess(feeds, waiting, now=self.clock(), stuck_after=self.settings.server.stuck_after)
        return {
            "status": verdict.status,
            "reasons": list(verdict.reasons),
            "feeds": status.feeds,
            "paused_feeds": len(status.paused_feeds),
            "last_poll": status.last_poll.isoformat() if status.last_poll else None,
            "pending_deliveries": status.pending,
        }

    async def render_metrics(self) -> bytes:
        feeds, waiting = await asyncio.to_thread(self.store.run, _feeds_and_waiting)
        self.metrics.feeds_paused.set(sum(f.paused for f in feeds))
        self.metrics.outbox.set(sum(w.count for w in waiting))
        self.metrics.destinations_paused.set(sum(w.paused for w in waiting))
        self.metrics.oldest_waiting.set(health.oldest_age(waiting, now=self.clock()))
        return self.metrics.render()

    async def close(self) -> None:
        for platform in self.platforms:
            await platform.stop()
        await self.leases.close()
        if self.server is not None:
            await self.server.stop()
        if self.listening is not None:
            self.listening.close()  # served and closed by the server already, or never served
        await self.fetcher.close()
        await asyncio.to_thread(self.workers.close)
        for notifier in self.notifiers.values():
            await notifier.close()
        self.store.close()


def route_destination(route: RouteSettings) -> Destination:
    """Where a configured route posts."""
    return Destination(route.platform, route.channel, route.webhook_url)


def digest_routes(settings: Settings, index: CompanyIndex) -> list[DigestRoute]:
    """The routes that get one digest per period, with their filters, schedule and time zone."""
    out = []
    for named in settings.named_routes():
        r = named.route
        if r.digest.strip():
            rule = Rule(
                route_destination(r),
                canonical_companies(r.companies, index),
                frozenset(r.kinds),
                frozenset(r.stages),
                r.min_score,
            )
            zone = parse_zone(r.timezone or settings.polling.timezone)
            out.append(DigestRoute(named.identity, rule, parse_schedule(r.digest), zone))
    return out


def _feeds_and_waiting(conn: Connection) -> tuple[list[store_feeds.FeedRow], list[outbox.Waiting]]:
    return store_feeds.all_feeds(conn), outbox.waiting(conn)
