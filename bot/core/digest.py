"""A digest: one message per period listing a route's events grouped by kind, and its plain-text form cut to a
platform's size limits (pure functions; each adapter decides how the pieces are posted)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from .labels import kind_label, stage_label
from .models import KINDS, Delivered, DeliveryFailed, Destination, EventView


@dataclass(frozen=True, slots=True)
class Digest:
    """The events of one period for one route; ``key`` identifies it (one per route per period)."""

    key: str
    route: str
    start: datetime  # aware, in the route's time zone
    end: datetime
    events: tuple[EventView, ...]

    @property
    def title(self) -> str:
        span = f"{self.start:%a %d %b %H:%M} – {self.end:%a %d %b %H:%M} {self.start.tzname() or ''}".strip()
        count = f"{len(self.events)} partnership{'s' if len(self.events) != 1 else ''}"
        return f"evradar digest: {count}, {span}"

    def groups(self) -> list[tuple[str, tuple[EventView, ...]]]:
        """Events by kind, in the usual order of kinds; kinds with no events are left out."""
        found = [(k, tuple(e for e in self.events if e.kind == k)) for k in KINDS]
        return [(k, events) for k, events in found if events]


@dataclass(frozen=True, slots=True)
class Posted:
    """What a destination already shows of a digest: the platform's reference of each part found there (by part
    number, from 0), out of ``parts``. A post cut off by a crash may have reached the channel all the same."""

    found: Mapping[int, str] = field(default_factory=dict)
    parts: int = 1

    @property
    def complete(self) -> bool:
        return all(n in self.found for n in range(self.parts))

    @property
    def reference(self) -> str:
        """The first part's reference (where the digest is), or "" when the first part is not there."""
        return self.found.get(0, "")


@dataclass(frozen=True, slots=True)
class Unchecked:
    """The destination could not be searched for a digest (a webhook cannot read its channel; the read failed),
    so whether an interrupted post reached it is unknown."""

    reason: str


class DigestNotifier(Protocol):
    """A notifier that can post digests too (every built-in platform's can)."""

    async def deliver_digest(self, digest: Digest, destination: Destination) -> Delivered | DeliveryFailed: ...


class DigestFinder(Protocol):
    """A digest notifier that can also read a destination back, to see whether an interrupted digest reached it,
    and then post only the parts it does not show yet. A rate limit on the read comes back as DeliveryFailed:
    the digest waits and the destination is read again."""

    async def find_digest(
        self, digest: Digest, destination: Destination, *, since: float
    ) -> Posted | Unchecked | DeliveryFailed: ...

    async def deliver_digest(
        self, digest: Digest, destination: Destination, *, posted: Posted | None = None
    ) -> Delivered | DeliveryFailed: ...


def heading(kind: str) -> str:
    """A kind as a digest's section heading: "Contract manufacturing"."""
    label = kind_label(kind)
    return label[:1].upper() + label[1:]


def line(event: EventView) -> str:
    """One event on one line: its partners, stage and link."""
    return f"• {' + '.join(event.partners)} ({stage_label(event.stage)}): {event.link}"


def sections(digest: Digest) -> list[tuple[str, list[str]]]:
    """(heading, lines) per kind, or one section saying nothing was seen."""
    if not digest.events:
        return [("No partnerships", ["No new partnerships were seen in this period."])]
    return [(heading(kind), [line(e) for e in events]) for kind, events in digest.groups()]


def chunks(digest: Digest, *, limit: int, heading: str = "*{}*") -> list[str]:
    """The digest as texts of at most ``limit`` characters each, cut between lines (a line longer than the limit
    is shortened); the first starts with the title, the others continue it."""
    out: list[str] = []
    current = digest.title
    for name, lines in sections(digest):
        for text in [heading.format(name), *lines]:
            text = text if len(text) <= limit else text[: limit - 1] + "…"
            if len(current) + 1 + len(text) > limit:
                out.append(current)
                current = text
            else:
                current = f"{current}\n{text}" if current else text
    out.append(current)
    return out
