"""How kinds and stages read to people, and an alert's one-line headline: shared by every renderer."""

from __future__ import annotations

from datetime import datetime

from .models import Alert

KIND_LABELS = {
    "manufacturing": "contract manufacturing",
    "joint_venture": "joint venture",
    "supply": "supply deal",
    "technology": "technology deal",
    "investment": "investment",
    "charging": "charging deal",
    "other": "partnership",
}
STAGE_LABELS = {"talks": "in talks", "announced": "announced", "ended": "ended"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def headline(alert: Alert) -> str:
    """ "Xiaomi × Great Wall Motor: contract manufacturing, in talks" """
    partners = " × ".join(alert.partners)
    return f"{partners}: {kind_label(alert.kind)}, {stage_label(alert.stage)}"


def date_label(published: datetime | None, first_seen: datetime, *, style: str = "%Y-%m-%d") -> str:
    """The day a story was published, so old news never looks new; when its feed gave no date, the day
    evradar first saw it, saying so."""
    return f"{published:{style}}" if published else f"{first_seen:{style}} (first seen)"
