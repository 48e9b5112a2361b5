"""Which destinations get which events: configured routes and chat subscriptions, with filters."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from handlers.companies import CompanyIndex

from ..core.models import Destination, EventFacts
from ..core.mutes import Mute, muted


@dataclass(frozen=True, slots=True)
class Rule:
    """A destination and the events it wants (empty filter = everything)."""

    destination: Destination
    companies: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    min_score: float = 0.5

    def wants(self, facts: EventFacts) -> bool:
        if facts.score < self.min_score:
            return False
        if self.kinds and facts.kind not in self.kinds:
            return False
        if self.stages and facts.stage not in self.stages:
            return False
        return not self.companies or bool(self.companies & set(facts.partners))


def canonical_companies(names: Iterable[str], index: CompanyIndex) -> frozenset[str]:
    """Company filters as canonical names, so "GWM" and "Great Wall Motor" mean the same."""
    return frozenset(index.resolve(name) or name for name in names if name.strip())


class Router:
    """Picks destinations for an event; rules can be replaced while the bot runs.

    ``decode`` reads a stored destination key that no rule has (any more) back into a destination,
    as the key's platform understands it (``bot.adapters.decode``); None drops its deliveries.
    ``mutes`` are the channels' mutes: a muted event is not routed to that channel.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        decode: Callable[[str], Destination | None] = lambda key: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rules = tuple(rules)
        self.decode = decode
        self.mutes: tuple[Mute, ...] = ()
        self.clock = clock

    def __call__(self, facts: EventFacts) -> list[Destination]:
        now = self.clock() if self.mutes else 0.0
        chosen: dict[str, Destination] = {}
        for rule in self.rules:
            key = rule.destination.key
            if rule.wants(facts) and not (self.mutes and muted(facts, key, self.mutes, now=now)):
                chosen.setdefault(key, rule.destination)
        return list(chosen.values())

    def destination(self, key: str) -> Destination | None:
        """The destination a queued delivery names, if the configuration still has it."""
        for rule in self.rules:
            if rule.destination.key == key:
                return rule.destination
        return self.decode(key)  # e.g. a subscribed channel that has since been removed
