"""What a webhook receives: one JSON object per alert or update, and the signature that proves it is ours."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import TypedDict

from ...core.labels import headline
from ...core.models import Alert

SIGNATURE_HEADER = "X-Evradar-Signature"


class SourceJson(TypedDict):
    title: str
    link: str
    source: str
    published: str | None


class AlertJson(TypedDict):
    event_id: int
    version: int
    update: bool
    headline: str
    partners: list[str]
    kind: str
    stage: str
    previous_stage: str | None
    score: float
    evidence: str
    title: str
    link: str
    tickers: list[str]
    first_seen: str
    sources: list[SourceJson]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def alert_json(alert: Alert) -> AlertJson:
    return {
        "event_id": alert.event_id,
        "version": alert.version,
        "update": alert.is_update,
        "headline": headline(alert),
        "partners": list(alert.partners),
        "kind": alert.kind,
        "stage": alert.stage,
        "previous_stage": alert.previous_stage,
        "score": round(alert.score, 4),
        "evidence": alert.evidence,
        "title": alert.title,
        "link": alert.link,
        "tickers": list(alert.tickers),
        "first_seen": alert.first_seen.isoformat(),
        "sources": [
            {"title": s.title, "link": s.link, "source": s.source, "published": _when(s.published)}
            for s in alert.sources
        ],
    }


def body(alert: Alert) -> bytes:
    return json.dumps(alert_json(alert), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, payload: bytes) -> str:
    """The header value a receiver checks: "sha256=" and the hex HMAC-SHA256 of the exact body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()
