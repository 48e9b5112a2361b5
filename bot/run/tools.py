"""The one-shot commands (`evradar lookup`, `feeds`, `destinations`) on the same store, fetcher and
lookup the running bot uses, built from the same settings the same way."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..chat.commands import Answer, Commands, Request
from ..chat.lookup import Lookup
from ..core.errors import EvradarError
from ..core.links import normalise_link
from ..core.settings import Settings
from ..core.units import checked_feed_url
from ..ingest.feeds import ParsedFeed, parse_feed
from ..ingest.fetcher import Fetcher
from ..ingest.outcomes import Fetched, FetchFailed, FetchResult
from ..store import feeds as store_feeds
from ..store import outbox
from .app import company_index, open_store

TERMINAL = "terminal"  # the "platform" of requests typed in a terminal


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

    def answer(self, text: str) -> Answer:
        """What `/evradar <text>` answers, asked from the terminal (it may read, never subscribe)."""
        commands = Commands(Lookup(self.store, company_index(self.settings), clock=self.clock))
        return commands.answer(Request(text, TERMINAL, channel="", user=""))

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

    def resume_destination(self, key: str) -> None:
        self.store.run(lambda c: outbox.resume_destination(c, key))

    def close(self) -> None:
        self.store.close()


def _problem(check: FeedCheck) -> str:
    """Why a feed that was just read is not usable, or "" when it is."""
    if isinstance(check.result, FetchFailed):
        return f"it could not be read ({check.result.reason})"
    if check.parsed is not None and check.parsed.problem:
        return f"it is not a usable feed ({check.parsed.problem})"
    return ""
