"""`evradar classify`: JSON lines in, one verdict per line out, same order, no I/O besides; or one plain-text
article in, one verdict out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from itertools import chain
from typing import Any

from handlers import Handler

from ..core.models import Detection, Item
from .detection import detect

MAX_LINE = 4 * 1024 * 1024  # longer input lines are refused, not parsed
MAX_TEXT = 10 * 1024 * 1024  # a longer plain-text article is refused, not read


def classify_input(lines: Iterable[str], handlers: Sequence[Handler], *, name: str) -> Iterator[dict[str, Any]]:
    """JSON lines, or, when the input does not start with a JSON value, one plain-text article (the whole
    input; its first line is the headline when it reads like one) whose verdict carries ``name`` as its id."""
    rest = iter(lines)
    head: list[str] = []
    for line in rest:
        head.append(line)
        if line.strip():
            break
    first = head[-1].lstrip() if head else ""
    if not first or first.startswith(("{", "[")):
        yield from classify_lines(chain(head, rest), handlers)
        return
    pieces, size = [], 0
    for line in chain(head, rest):  # stop reading once the text is too long
        pieces.append(line)
        size += len(line)
        if size > MAX_TEXT:
            yield {"id": name, "error": f"the article is longer than {MAX_TEXT} characters"}
            return
    text = "".join(pieces)
    title, _, body = text.strip().partition("\n")
    if len(title) > 160 or title.rstrip().endswith((".", "!", "?")):  # no headline line: the text is the story
        title, body = "", text
    yield verdict(name, detect(handlers, Item(id=name, title=title.strip(), content=body.strip())))


def item_from_json(data: dict[str, Any]) -> Item:
    """An Item from a classify input object; raises ValueError naming a bad field."""
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    for key in ("title", "summary", "content", "link"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise ValueError(f"field {key!r} must be a string")
    if not (data.get("title") or data.get("summary") or data.get("content")):
        raise ValueError("the object has no title, summary or content")
    return Item(
        id=str(data.get("id", "")),
        title=data.get("title") or "",
        summary=data.get("summary") or "",
        content=data.get("content") or "",
        link=data.get("link") or "",
        published=parse_date(data.get("published")),
    )


def parse_date(value: object) -> datetime | None:
    """ISO 8601 or RFC 822 dates; anything else is treated as unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def verdict(item_id: object, detection: Detection | None) -> dict[str, Any]:
    """The output object for one item."""
    if detection is None:
        return {
            "id": item_id,
            "alert": False,
            "partners": [],
            "kind": "other",
            "stage": "announced",
            "score": 0.0,
            "evidence": "",
            "ev": False,
            "tickers": [],
            "related": [],
            "reasons": ["no company named in the headline or lede"],
        }
    return {
        "id": item_id,
        "alert": detection.alert,
        "partners": list(detection.partners),
        "kind": detection.kind,
        "stage": detection.stage,
        "score": detection.score,
        "evidence": detection.evidence,
        "ev": detection.ev,
        "tickers": list(detection.tickers),
        "related": [
            {"partners": list(r.partners), "kind": r.kind, "stage": r.stage, "evidence": r.evidence}
            for r in detection.related
        ],
        "reasons": list(detection.reasons),
    }


def classify_lines(lines: Iterable[str], handlers: Sequence[Handler]) -> Iterator[dict[str, Any]]:
    """One output object per non-blank input line; bad lines get an ``error`` and the run goes on."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            yield {"id": None, "error": f"line {number} is longer than {MAX_LINE} characters"}
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": None, "error": f"line {number} is not valid JSON: {exc.msg}"}
            continue
        item_id = data.get("id") if isinstance(data, dict) else None
        try:
            item = item_from_json(data)
        except ValueError as exc:
            yield {"id": item_id, "error": f"line {number}: {exc}"}
            continue
        yield verdict(item_id, detect(handlers, item))
