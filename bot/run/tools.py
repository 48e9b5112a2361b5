"""The one-shot commands (`evradar lookup`, `feeds`, `destinations`) on the same store, fetcher and
lookup the running bot uses, built from the same settings the same way."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from .. import adapters
from ..chat.commands import Answer, Commands, Request
from ..chat.files import Files
from ..chat.lookup import Lookup
from ..core.errors import EvradarError
from ..core.links import normalise_link
from ..core.models import Delivered, DeliveryFailed, Destination
from ..core.settings import Settings
from ..core.units import checked_feed_url
from ..flow.feedback_corpus import corpus_line
from ..ingest.feeds import ParsedFeed, parse_feed
from ..ingest.fetcher import Fetcher
from ..ingest.outcomes import Fetched, FetchFailed, FetchResult
from ..store import feedback as store_feedback
from ..store import feeds as store_feeds
from ..store import outbox
from ..store import subscriptions as store_subscriptions
from .app import company_index, open_store, route_destination

TERMINAL = "terminal"  # the "platform" of requests typed in a terminal


@dataclass(frozen=True, slots=True)
class DestinationState:
    """A destination as `destinations list` shows it: the route it belongs to, if any, and what waits."""

    key: str
    route: str  # the route's identity; "" for a subscribed channel or a destination no route has now
    paused: bool = False
    reason: str = ""
    waiting: int = 0
    last_error: str = ""  # what the last try of the first waiting alert got


def _state(key: str, route: str, paused: dict[str, str], waiting: outbox.Waiting | None) -> DestinationState:
    count, error = (waiting.count, waiting.last_error) if waiting else (0, "")
    return DestinationState(key, route, key in paused, paused.get(key, ""), count, error)


@dataclass(frozen=True, slots=True)
class PostedTest:
    """What the platform answered to `destinations test`."""

    key: str
    route: str
    platform: str
    result: Delivered | DeliveryFailed | None  # None: the platform is not set up (no token, no route)
    paused: bool


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """What `feeds check` found: the fetch, the parse when there was a body, and whether it was resumed."""

    result: FetchResult
    parsed: ParsedFeed | None = None
    resumed: bool = False


class Tools:
    """The store opened and migrated once, and what the terminal commands do with it."""

    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.store = open_store(settings)
        self._lookup: Lookup | None = None

    @property
    def lookup(self) -> Lookup:
        """The lookup on this store, built on first use (reading the company knowledge takes a moment)."""
        if self._lookup is None:
            self._lookup = Lookup(self.store, company_index(self.settings), clock=self.clock)
        return self._lookup

    @property
    def files(self) -> Files:
        return Files(self.lookup, clock=self.clock)

    def answer(self, text: str) -> Answer:
        """What `/evradar <text>` answers, asked from the terminal (it may read, never subscribe)."""
        commands = Commands(self.lookup)
        return commands.answer(Request(text, TERMINAL, channel="", user=""))

    def feedback_lines(self, *, since: float | None = None) -> list[dict[str, Any]]:
        """Every story a channel voted on (votes cast since ``since``), labelled by its majority vote."""
        voted = self.store.run(lambda c: store_feedback.voted_events(c, since=since))
        return [line for line in map(corpus_line, voted) if line is not None]

    def feeds(self) -> list[store_feeds.FeedRow]:
        return self.store.run(store_feeds.all_feeds)

    async def add_feed(self, url: str, *, check: bool = True) -> store_feeds.FeedRow:
        """Store a feed typed by hand, once it is a valid URL, new, and (with ``check``) a readable feed.

        Raises EvradarError with a sentence saying why a feed is refused; nothing is written then.
        """
        try:
            url = checked_feed_url(url)
        except ValueError as exc:
            example = "https://example.com/feed.xml"
            raise EvradarError(f"{exc}; give the feed's full address, such as {example}") from None
        same = self._stored(url)
        if same is not None:
            raise EvradarError(f"{url} is already stored as {same.url}; `evradar feeds list` shows every feed")
        if normalise_link(url) in {normalise_link(f.url) for f in self.settings.feeds}:
            raise EvradarError(f"{url} is already listed in the configuration file {self._config_name()}")
        if check:
            problem = _problem(await self._read(url))
            if problem:
                raise EvradarError(f"{url} was not added: {problem} (`--no-check` adds it without reading it)")
        now = self.clock()
        return self.store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed(url), origin="cli", now=now))

    def remove_feed(self, url: str) -> bool:
        """Remove a feed added by hand; one the configuration lists is refused (the next run adds it back)."""
        row = self._stored(url)
        configured = {normalise_link(f.url) for f in self.settings.feeds}
        if row is not None and row.origin == "config" and normalise_link(row.url) in configured:
            raise EvradarError(
                f"{row.url} comes from the configuration file {self._config_name()}; remove its [[feeds]] "
                "entry there, or `evradar run` adds it back"
            )
        return row is not None and self.store.run(lambda c: store_feeds.remove(c, row.url))

    def _stored(self, url: str) -> store_feeds.FeedRow | None:
        """The stored feed at this URL, compared without tracking tags, trailing slash or host case."""
        wanted = normalise_link(url)
        return next((row for row in self.feeds() if normalise_link(row.url) == wanted), None)

    def _config_name(self) -> str:
        if self.settings.config_path:
            return self.settings.config_path
        return "in use (none was found: the feeds come from EVRADAR_FEEDS or the embedded defaults)"

    async def _read(self, url: str) -> FeedCheck:
        """Fetch and parse a feed now with the bot's own fetcher settings; nothing is written."""
        async with Fetcher.from_settings(self.settings.polling) as fetcher:
            result = await fetcher.fetch(url)
        if not isinstance(result, Fetched):
            return FeedCheck(result)
        parsed = await asyncio.to_thread(parse_feed, result.body, url=result.final_url, headers=result.headers)
        return FeedCheck(result, parsed)

    async def check_feed(self, url: str) -> FeedCheck:
        """Fetch and parse a feed now with the bot's own fetcher settings; resume it if it was paused."""
        read = await self._read(url)
        result, parsed = read.result, read.parsed
        if parsed is None or parsed.problem:
            return read
        row = self.store.run(lambda c: store_feeds.by_url(c, url))
        if row is not None and row.paused:
            self.store.run(lambda c: store_feeds.resume(c, row.id))
        return FeedCheck(result, parsed, resumed=row is not None and row.paused)

    def paused_destinations(self) -> list[outbox.PausedDestination]:
        return self.store.run(outbox.paused_destinations)

    def destinations(self) -> list[DestinationState]:
        """Every configured route, subscribed channel, paused destination and destination with alerts
        waiting, by key (routes first, in the file's order)."""
        paused = {p.key: p.reason for p in self.store.run(outbox.paused_destinations)}
        waiting = {w.destination: w for w in self.store.run(outbox.waiting)}
        routes = {route_destination(n.route).key: n.identity for n in self.settings.named_routes()}
        subscribed = [
            Destination(s.platform, s.channel).key for s in self.store.run(store_subscriptions.all_subscriptions)
        ]
        keys = dict.fromkeys([*routes, *subscribed, *sorted(paused), *sorted(waiting)])
        return [_state(k, routes.get(k, ""), paused, waiting.get(k)) for k in keys]

    def find_destination(self, name: str) -> DestinationState | None:
        """A destination by route identity or destination key; None when evradar knows neither."""
        states = self.destinations()
        return next((d for d in states if name in (d.route, d.key)), None)

    def resume_destination(self, state: DestinationState) -> None:
        self.store.run(lambda c: outbox.resume_destination(c, state.key))

    async def test_destination(self, state: DestinationState) -> PostedTest:
        """One test message through the platform's real notifier; nothing is queued or stored."""
        routes = {route_destination(n.route).key: route_destination(n.route) for n in self.settings.named_routes()}
        destination = routes.get(state.key) or adapters.decode(state.key)
        if destination is None:
            raise EvradarError(f"{state.key} is no longer configured, so there is nothing to post to")
        built = adapters.build_platforms(self.settings, Console(stderr=True), only=(destination.platform,))
        try:
            result = None
            if built:
                plugin = adapters.PLATFORMS[destination.platform]
                result = await plugin.send_test(built[0].notifier, destination)
        finally:
            for platform in built:
                await platform.stop()
        return PostedTest(state.key, state.route, destination.platform, result, state.paused)

    def close(self) -> None:
        self.store.close()


def _problem(check: FeedCheck) -> str:
    """Why a feed that was just read is not usable, or "" when it is."""
    if isinstance(check.result, FetchFailed):
        return f"it could not be read ({check.result.reason})"
    if check.parsed is not None and check.parsed.problem:
        return f"it is not a usable feed ({check.parsed.problem})"
    return ""
