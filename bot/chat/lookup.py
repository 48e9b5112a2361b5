"""What the slash command and `evradar lookup` answer: a company's deals, recent ones, bot status.

Platform-neutral: answers are plain dataclasses that each adapter renders its own way.
Everything here reads (or, for subscriptions, writes) the store synchronously.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection

from handlers.companies import CompanyIndex, alias_key

from ..core.models import KINDS, STAGES, EventView, PollOutcome
from ..core.mutes import Mute
from ..store import Store, outbox
from ..store import feeds as store_feeds
from ..store import lookup as store_lookup
from ..store import mutes as store_mutes
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
    mutes: tuple[
        tuple[str, str, float | None], ...
    ] = ()  # (destination, what: "Xiaomi" or "kind=charging", until)
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
        """A company's events, with those of its groups (where the group is the party) and of its units,
        each of these marked with how it concerns the company."""
        name, suggestions = self.resolve(query)
        if not name:
            return CompanyAnswer(query[:MAX_QUERY], name, (), suggestions)
        groups, units = self._groups(name), self._units(name)
        found = self.store.run(lambda c: store_lookup.events_for(c, name, limit=limit, related=groups + units))
        if not found:
            suggestions = self._also_seen(name)
        marked = tuple(_marked(event, name, groups, units) for event in found)
        return CompanyAnswer(query[:MAX_QUERY], name, marked, suggestions)

    def _groups(self, name: str) -> list[str]:
        """The groups a company belongs to, nearest first (Kia: Hyundai Motor Group)."""
        found: list[str] = []
        company = self.index.companies.get(name)
        while company is not None and company.parent and company.parent not in found and company.parent != name:
            found.append(company.parent)
            company = self.index.companies.get(company.parent)
        return found

    def _units(self, name: str) -> list[str]:
        """The companies a group owns, directly or through its units."""
        found: list[str] = []
        owners = [name]
        while owners:
            owner = owners.pop(0)
            for company in self.index.companies.values():
                if company.parent == owner and company.name != name and company.name not in found:
                    found.append(company.name)
                    owners.append(company.name)
        return found

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
                mutes=tuple(
                    (m.destination_key, m.label, m.until) for m in store_mutes.active_mutes(conn, now=now)
                ),
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

    def mute_target(self, text: str) -> str | None:
        """ "company:<canonical name>" or "kind:<kind>" for "xiaomi", "TSLA" or "kind=charging"; None: unknown."""
        key, _, value = text.strip().partition("=")
        if value and key.lower() in ("kind", "kinds"):
            return f"kind:{value.lower()}" if value.lower() in KINDS else None
        name, _ = self.resolve(text) if text.strip() else ("", ())
        return f"company:{name}" if name else None

    def mute(self, platform: str, channel: str, target: str, *, seconds: float | None, user: str) -> float | None:
        """Mute ``target`` in a channel for ``seconds`` (None: until unmuted); returns when it ends."""
        now = self.clock()
        until = None if seconds is None else now + seconds
        wanted = Mute(platform, channel, target, until, user)
        self.store.run(lambda c: store_mutes.mute(c, wanted, now=now))
        return until

    def unmute(self, platform: str, channel: str, target: str) -> bool:
        return self.store.run(lambda c: store_mutes.unmute(c, platform, channel, target))

    def mutes(self) -> list[Mute]:
        """Every channel's mutes in force now (the router's copy)."""
        return self.store.run(lambda c: store_mutes.active_mutes(c, now=self.clock()))


def _marked(event: EventView, name: str, groups: Sequence[str], units: Sequence[str]) -> EventView:
    """The event as a lookup of ``name`` shows it: marked when the company is in it only through its group
    or one of its units."""
    partners = {p.lower() for p in event.partners}
    if name.lower() in partners:
        return event
    group = next((g for g in groups if g.lower() in partners), None)
    if group is not None:
        return replace(event, via=f"as part of {group}")
    unit = next((u for u in units if u.lower() in partners), "")
    return replace(event, via=f"through {unit}" if unit else "")
