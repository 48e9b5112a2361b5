"""The one-shot commands (`evradar lookup`, `feeds`, `destinations`) on the same store, fetcher and
lookup the running bot uses, built from the same settings the same way."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..chat.commands import Answer, Commands, Request
from ..chat.files import Files
from ..chat.lookup import Lookup
from ..core.settings import Settings
from ..ingest.feeds import ParsedFeed, parse_feed
from ..ingest.fetcher import Fetcher
from ..ingest.outcomes import Fetched, FetchResult
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

    def feeds(self) -> list[store_feeds.FeedRow]:
        return self.store.run(store_feeds.all_feeds)

    def add_feed(self, url: str) -> store_feeds.FeedRow:
        now = self.clock()
        return self.store.run(lambda c: store_feeds.add(c, store_feeds.WantedFeed(url), origin="cli", now=now))

    def remove_feed(self, url: str) -> bool:
        return self.store.run(lambda c: store_feeds.remove(c, url))

    async def check_feed(self, url: str) -> FeedCheck:
        """Fetch and parse a feed now with the bot's own fetcher settings; resume it if it was paused."""
        async with Fetcher.from_settings(self.settings.polling) as fetcher:
            result = await fetcher.fetch(url)
        if not isinstance(result, Fetched):
            return FeedCheck(result)
        parsed = await asyncio.to_thread(parse_feed, result.body, url=result.final_url, headers=result.headers)
        if parsed.problem:
            return FeedCheck(result, parsed)
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
