"""What evradar hands over as files: a company's network picture and the events as CSV, JSON or JSON lines.

Platform-neutral like the lookup: the terminal writes an :class:`Attachment` to disk, a chat platform
uploads or attaches it, the web pages inline it. When there is nothing to hand over, the answer is a
sentence instead, never an empty file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Literal

from ..core.units import parse_duration
from ..store import listing
from .lookup import Lookup

if TYPE_CHECKING:  # the drawing module pulls in networkx; only pictures need it
    from .graph import Link

Picture = Literal["png", "svg"]
Table = Literal["csv", "json", "jsonl"]
TABLES: tuple[Table, ...] = ("csv", "json", "jsonl")
MAX_EXPORT = 100_000  # rows in one export; more is a database job, not a spreadsheet
_CONTENT_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}
_YEARS_WEEKS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([yw])\s*", re.IGNORECASE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula
EXPORT_COLUMNS = (
    "id",
    "partners",
    "kind",
    "stage",
    "first_published",
    "last_published",
    "sources",
    "title",
    "evidence",
    "links",
)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to hand to the user; ``message`` says in one sentence what it is."""

    filename: str
    data: bytes
    content_type: str
    message: str


def parse_since(text: str) -> float:
    """Seconds in "2y", "6w", "30d", "12h" (a year is 365 days); ValueError with a sentence otherwise."""
    match = _YEARS_WEEKS.fullmatch(text)
    if match:
        seconds = float(match.group(1)) * (365 if match.group(2).lower() == "y" else 7) * 86400
        if seconds > 0:
            return seconds
    try:
        return parse_duration(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a period such as 30d, 6w or 2y.") from None


def slug(name: str) -> str:
    """A file-name-safe form of a company name: "Great Wall Motor" → "great-wall-motor"."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "company"


class Files:
    """Pictures and exports read from the store the lookup reads."""

    def __init__(self, lookup: Lookup, *, clock: Callable[[], float] = time.time) -> None:
        self.lookup = lookup
        self.clock = clock

    def links(self, company: str, *, depth: int = 1, since: float | None = None) -> list[Link]:
        """``company``'s partnerships (and, for ``depth`` 2, its partners'), as the drawing takes them."""
        from .graph import Link

        after = None if since is None else self.clock() - since
        rows = self.lookup.store.run(lambda c: listing.links_around(c, company, depth=depth, since=after))
        sectors: dict[str, str] = {}
        for row in rows:
            for name in row.partners:
                known = self.lookup.index.get(name)
                sectors.setdefault(name, known.sector if known else "other")
        return [
            Link(a, b, row.kind, row.stage, row.year, sectors[a], sectors[b])
            for row in rows
            for a, b in combinations(dict.fromkeys(row.partners), 2)
        ]

    def graph(
        self, query: str, *, fmt: Picture = "png", depth: int = 1, since: float | None = None, width_px: int = 1200
    ) -> Attachment | str:
        """The network picture of the company ``query`` names, or a sentence saying why there is none."""
        name, suggestions = self.lookup.resolve(query)
        if not name:
            return unknown_company(query, suggestions)
        links = self.links(name, depth=depth, since=since)
        if not links:
            period = "" if since is None else " in that period"
            return f"evradar has no partnership events of {name}{period} yet, so there is no network to draw."
        from . import graph

        drawn = graph.network(links, center=name, depth=depth)
        data = graph.render(drawn, center=name, fmt=fmt, width_px=width_px, height_px=width_px * 2 // 3)
        partners = drawn.number_of_nodes() - 1
        return Attachment(
            f"{slug(name)}-network.{fmt}",
            data,
            _CONTENT_TYPES[fmt],
            f"{name}'s partnership network: {partners} compan{'y' if partners == 1 else 'ies'} "
            f"from {len(links)} deal link{'' if len(links) == 1 else 's'}.",
        )

    def export(self, *, fmt: Table = "csv", company: str = "", since: float | None = None) -> Attachment | str:
        """Every event (of ``company``, published in the last ``since`` seconds) as one file."""
        names: tuple[str, ...] = ()
        if company:
            name, suggestions = self.lookup.resolve(company)
            if not name:
                return unknown_company(company, suggestions)
            names = (name,)
        wanted = listing.EventFilter(
            companies=names, since=None if since is None else self.clock() - since, limit=MAX_EXPORT
        )
        rows = self.lookup.store.run(lambda c: listing.find_events(c, wanted))
        if not rows:
            return "No stored events match; there is nothing to export yet."
        name = f"evradar-events{'-' + slug(names[0]) if names else ''}.{fmt}"
        return Attachment(name, table(rows, fmt), _CONTENT_TYPES[fmt], f"{len(rows)} events as {fmt.upper()}.")


def unknown_company(query: str, suggestions: Sequence[str]) -> str:
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else " Check the spelling, or try its ticker."
    return f"evradar knows no company called {' '.join(query.split())[:100]!r}.{hint}"


def table(rows: Iterable[listing.EventRow], fmt: Table) -> bytes:
    """Events as CSV (UTF-8 with a byte-order mark, so Excel reads it right), JSON or JSON lines."""
    records = [record(row) for row in rows]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1).encode()
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in records:
        writer.writerow(
            [cell(" | ".join(v) if isinstance(v, list) else str(v)) for v in (r[c] for c in EXPORT_COLUMNS)]
        )
    return out.getvalue().encode("utf-8-sig")


def record(row: listing.EventRow) -> dict[str, object]:
    links = list(dict.fromkeys([row.link, *(s.link for s in row.sources)]))
    return {
        "id": row.id,
        "partners": list(row.partners),
        "kind": row.kind,
        "stage": row.stage,
        "first_published": row.first_published.date().isoformat(),
        "last_published": row.last_published.date().isoformat(),
        "sources": len(row.sources),
        "title": row.title,
        "evidence": row.evidence,
        "links": [link for link in links if link],
    }


def cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ would make it a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text
