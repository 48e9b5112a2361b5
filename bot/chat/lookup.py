"""What the slash command and `evradar lookup` answer: a company's deals, recent ones, bot status.

Platform-neutral: answers are plain dataclasses that each adapter renders its own way.
Everything here reads (or, for subscriptions, writes) the store synchronously.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection

from handlers.companies import CompanyIndex, alias_key

from ..core.models import KINDS, STAGES, EventView, PollOutcome
from ..store import Store, outbox
from ..store import feeds as store_feeds
from ..store import lookup as store_lookup
from ..store import subscriptions as store_subscriptions

MAX_QUERY = 100  # characters of a query read; the rest is ignored


@dataclass(frozen=True, slots=True)
class CompanyAnswer:
    query: str
    company: str  # canonical name, "" when nothing matched
    events: tuple[EventView, ...]
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StatusView:
    feeds: int
    paused_feeds: tuple[tuple[str, str], ...]  # (url, reason)
    failing_feeds: int
    last_poll: datetime | None
    alerts_today: int
    pending: int
    paused_destinations: tuple[tuple[str, str], ...]  # (destination, reason)
    feedback: tuple[str, ...] = ()  # the asking channel's threshold and what its votes taught it


@dataclass(frozen=True, slots=True)
class Filters:
    """A subscription's filters, parsed from chat text."""

    companies: tuple[str, ...]
    kinds: tuple[str, ...]
    stages: tuple[str, ...]
    unknown: tuple[str, ...]  # words that matched no company, kind or stage


class Lookup:
    def __init__(self, store: Store, index: CompanyIndex, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.index = index
        self.clock = clock
        names = {n: n for n in index.companies}
        for company in index.companies.values():
            for alias in company.aliases:
                names.setdefault(alias, company.name)
        self._names = names
        self._folded = {" ".join(alias_key(n)): c for n, c in names.items()}

    def resolve(self, query: str) -> tuple[str, tuple[str, ...]]:
        """The company a query names (name, alias, ticker, or close spelling), and close matches."""
        query = " ".join(query.split())[:MAX_QUERY]
        exact = self.index.resolve(query) if query else None
        if exact:
            return exact, ()
        folded = " ".join(alias_key(query))
        close = difflib.get_close_matches(folded, list(self._folded), n=5, cutoff=0.75)
        if close and difflib.SequenceMatcher(None, folded, close[0]).ratio() >= 0.88:
            return self._folded[close[0]], ()
        starting = [n for n in self._folded if len(folded) >= 3 and n.startswith(folded)][:5]
        return "", tuple(dict.fromkeys(self._folded[c] for c in [*starting, *close]))[:5]

    def company(self, query: str, *, limit: int = 10) -> CompanyAnswer:
        name, suggestions = self.resolve(query)
        found = self.store.run(lambda c: store_lookup.events_for(c, name, limit=limit)) if name else ()
        if name and not found:
            suggestions = self._also_seen(name)
        return CompanyAnswer(query[:MAX_QUERY], name, tuple(found), suggestions)

    def _also_seen(self, name: str) -> tuple[str, ...]:
        """Companies with events whose names resemble ``name``, for a "nothing yet" answer."""
        seen = self.store.run(store_lookup.companies_with_events)
        return tuple(difflib.get_close_matches(name, seen, n=5, cutoff=0.5))

    def recent(self, *, limit: int = 10) -> tuple[EventView, ...]:
        return tuple(self.store.run(lambda c: store_lookup.events_for(c, "", limit=limit)))

    def status(self) -> StatusView:
        now = self.clock()
        midnight = datetime.fromtimestamp(now, tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)

        def read(conn: Connection) -> StatusView:
            rows = store_feeds.all_feeds(conn)
            polled = [r.last_polled_at for r in rows if r.last_polled_at]
            sent = outbox.counts(conn, since=midnight.timestamp())
            return StatusView(
                feeds=len(rows),
                paused_feeds=tuple((r.url, r.paused_reason) for r in rows if r.paused),
                failing_feeds=sum(1 for r in rows if r.last_status == PollOutcome.FAILED and not r.paused),
                last_poll=datetime.fromtimestamp(max(polled), tz=UTC) if polled else None,
                alerts_today=sent.sent,
                pending=sent.pending,
                paused_destinations=tuple((p.key, p.reason) for p in outbox.paused_destinations(conn)),
            )

        return self.store.run(read)

    def parse_filters(self, words: Sequence[str]) -> Filters:
        """ "xiaomi byd kinds=supply,investment stages=talks" -> companies, kinds, stages."""
        companies: list[str] = []
        kinds: list[str] = []
        stages: list[str] = []
        unknown: list[str] = []
        for word in (w[:MAX_QUERY] for w in list(words)[:20]):
            key, _, value = word.partition("=")
            if value and key.lower() in ("kind", "kinds"):
                kinds += [k for k in value.lower().split(",") if k in KINDS] or [word]
            elif value and key.lower() in ("stage", "stages"):
                stages += [s for s in value.lower().split(",") if s in STAGES] or [word]
            else:
                for part in word.split(","):
                    name, _ = self.resolve(part)
                    (companies if name else unknown).append(name or part)
        return Filters(
            tuple(dict.fromkeys(companies)),
            tuple(dict.fromkeys(kinds)),
            tuple(dict.fromkeys(stages)),
            tuple(u for u in unknown if u),
        )

    def subscribe(self, platform: str, channel: str, filters: Filters, *, user: str) -> None:
        sub = store_subscriptions.Subscription(
            platform, channel, filters.companies, filters.kinds, filters.stages, user
        )
        self.store.run(lambda c: store_subscriptions.subscribe(c, sub, now=self.clock()))

    def unsubscribe(self, platform: str, channel: str) -> bool:
        return self.store.run(lambda c: store_subscriptions.unsubscribe(c, platform, channel))
