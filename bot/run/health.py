"""What /healthz says: ok, or degraded with a sentence per reason (every feed failing, a destination
paused, deliveries waiting longer than ``[server] stuck_after``); a pure function of what the store holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.models import PollOutcome
from ..core.settings import format_duration
from ..store.feeds import FeedRow
from ..store.outbox import Waiting


@dataclass(frozen=True, slots=True)
class Verdict:
    reasons: tuple[str, ...]

    @property
    def status(self) -> str:
        return "degraded" if self.reasons else "ok"


def assess(feeds: Sequence[FeedRow], waiting: Sequence[Waiting], *, now: float, stuck_after: float) -> Verdict:
    reasons = [*_feeds(feeds)]
    for item in waiting:
        if item.paused:
            reasons.append(
                f"destination {item.destination} is paused with {item.count} alert(s) waiting: {item.reason}; "
                "fix the route in the configuration and restart evradar, or `evradar destinations resume "
                f"{item.destination}` after a fix made outside evradar"
            )
        elif now - item.oldest > stuck_after:
            reasons.append(
                f"{item.count} alert(s) for {item.destination} have waited more than "
                f"{format_duration(stuck_after)} (the oldest {format_duration(round(now - item.oldest))}); "
                f"the last try got: {item.last_error or 'nothing yet'}"
            )
    return Verdict(tuple(reasons))


def _feeds(feeds: Sequence[FeedRow]) -> list[str]:
    """One reason when every feed that has been polled failed its last poll or is paused."""
    tried = [f for f in feeds if f.paused or f.last_status != "new"]
    if not tried or any(not f.paused and f.last_status != PollOutcome.FAILED for f in tried):
        return []
    return [f"all {len(tried)} polled feed(s) are failing or paused; `evradar feeds list` shows why"]


def oldest_age(waiting: Sequence[Waiting], *, now: float) -> float:
    """Seconds the oldest waiting delivery has waited (0 when none waits), for /metrics."""
    return max((now - w.oldest for w in waiting), default=0.0)
