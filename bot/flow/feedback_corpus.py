"""Votes taken away as labels: each voted story as a line in the corpus schema (tests/data/corpus/README.md),
and the precision a file of such lines measures."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core.feedback import NOT_EV, NOT_PARTNERSHIP, USEFUL, WRONG_COMPANIES, majority
from ..store.feedback import VotedEvent

_NOTES = {
    NOT_PARTNERSHIP: "voted 'Not a partnership' in chat",
    NOT_EV: "voted 'Not EV' in chat: a partnership outside electric vehicles",
    WRONG_COMPANIES: "voted 'Wrong companies' in chat: the partners evradar named were wrong; fill them in",
}


def corpus_line(voted: VotedEvent) -> dict[str, Any] | None:
    """The story labelled by the channel's majority vote; None when nobody's vote is left."""
    verdict = majority(voted.tally)
    if verdict is None:
        return None
    partnership = verdict != NOT_PARTNERSHIP
    line: dict[str, Any] = {
        "id": f"fb-{voted.event_id}-{hashlib.sha256(voted.destination.encode()).hexdigest()[:8]}",
        "date": f"{datetime.fromtimestamp(voted.first_seen, UTC):%Y-%m-%d}",
        "url": voted.link,
        "title": voted.title,
        "summary": voted.evidence,
        "label": "partnership" if partnership else "none",
        "ev": verdict != NOT_EV,
        "partners": list(voted.partners) if verdict in (USEFUL, NOT_EV) else [],
        "kind": voted.kind if partnership else "",
        "stage": voted.stage if partnership else "",
        "category": _category(verdict),
        "votes": dict(sorted(voted.tally.items())),
        "channel": voted.destination,
    }
    if verdict in _NOTES:
        line["note"] = _NOTES[verdict]
    return line


def _category(verdict: str) -> str:
    if verdict == NOT_EV:
        return "partnership_not_ev"
    return "hard" if verdict == NOT_PARTNERSHIP else "positive"


@dataclass(frozen=True, slots=True)
class VotedPrecision:
    """How many voted alerts the channels found right: each one was an alert, so this is precision."""

    alerts: int
    right: int
    votes: int
    channels: int

    @property
    def precision(self) -> float:
        return self.right / self.alerts if self.alerts else 0.0


def voted_precision(lines: Iterable[str]) -> VotedPrecision:
    """Precision from a feedback export: an alert was right when its story is an EV partnership and its
    partners were not voted wrong."""
    alerts = right = votes = 0
    channels: set[str] = set()
    for text in lines:
        if not text.strip():
            continue
        data = json.loads(text)
        alerts += 1
        votes += sum(int(n) for n in (data.get("votes") or {}).values())
        channels.add(str(data.get("channel", "")))
        if data.get("label") == "partnership" and data.get("ev") and data.get("partners"):
            right += 1
    return VotedPrecision(alerts, right, votes, len(channels))
