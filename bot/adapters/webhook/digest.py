"""A digest as webhook JSON: its period, route and events (grouped by kind), cut into parts of at most
:data:`PART_EVENTS` events so no receiver gets an unbounded body."""

from __future__ import annotations

import json
from typing import Any

from ...core.digest import Digest
from ...core.models import EventView

PART_EVENTS = 200


def digest_bodies(digest: Digest) -> list[bytes]:
    """The exact bytes of each POST: ``{"type": "digest", "part": n, "parts": m, "events": [...]}``."""
    events = [_event(e) for _, group in digest.groups() for e in group]
    parts = [events[n : n + PART_EVENTS] for n in range(0, len(events), PART_EVENTS)] or [[]]
    return [
        json.dumps(
            {
                "type": "digest",
                "key": digest.key,
                "route": digest.route,
                "start": digest.start.isoformat(),
                "end": digest.end.isoformat(),
                "part": n + 1,
                "parts": len(parts),
                "events": part,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        for n, part in enumerate(parts)
    ]


def _event(event: EventView) -> dict[str, Any]:
    return {
        "id": event.id,
        "partners": list(event.partners),
        "kind": event.kind,
        "stage": event.stage,
        "title": event.title,
        "link": event.link,
    }
