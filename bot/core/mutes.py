"""Channel mutes: a company or a kind a channel does not want to hear about, for a while or for good.

Whether an event is muted for a channel is a pure function of the event, the channel's mutes and the time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .models import Destination, EventFacts


@dataclass(frozen=True, slots=True)
class Mute:
    """``target`` is "company:<canonical name>" or "kind:<kind>"; ``until`` None = until unmuted."""

    platform: str
    channel: str
    target: str
    until: float | None = None
    created_by: str = ""

    @property
    def destination_key(self) -> str:
        return Destination(self.platform, self.channel).key

    @property
    def label(self) -> str:
        """How the target reads in chat: "Xiaomi" or "kind=charging"."""
        what, _, value = self.target.partition(":")
        return f"kind={value}" if what == "kind" else value

    def active(self, now: float) -> bool:
        return self.until is None or now < self.until

    def covers(self, facts: EventFacts) -> bool:
        what, _, value = self.target.partition(":")
        if what == "kind":
            return facts.kind == value
        return value.lower() in {p.lower() for p in facts.partners}


def muted(facts: EventFacts, destination: str, mutes: Iterable[Mute], *, now: float) -> bool:
    """Whether ``destination`` (a Destination.key) has muted this event at ``now``."""
    return any(m.destination_key == destination and m.active(now) and m.covers(facts) for m in mutes)


def until_text(until: float | None) -> str:
    """How long a mute lasts, for status lists."""
    return f"until {datetime.fromtimestamp(until, tz=UTC):%Y-%m-%d %H:%M} UTC" if until else "until unmuted"
