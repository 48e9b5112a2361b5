"""How a channel's votes move its alert threshold: a pure rule, the same every time for the same votes.

The rule (also in the README):

- Only votes from the last 30 days count, and only once the channel has cast at least 10 votes on at
  least 5 different alerts; before that the threshold is the configured one.
- Each voted alert counts once, by its majority vote. The share judged "Useful" is the channel's
  precision.
- The threshold moves by half the gap between that precision and 80 %, at most 0.10 either way from the
  configured threshold, and always stays within 0.50..0.80. A channel happy with its alerts gets a
  lower one (more alerts), a channel that keeps saying "not a partnership" a higher one (fewer).
- A kind or company voted down on at least 3 alerts and never found useful is suggested for muting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.feedback import USEFUL, majority
from ..store.feedback import VotedEvent

WINDOW = 30 * 86400.0
MIN_VOTES, MIN_EVENTS = 10, 5
TARGET_PRECISION = 0.8
GAIN, MAX_STEP = 0.5, 0.10
LOWEST, HIGHEST = 0.5, 0.8
MUTE_AFTER = 3


@dataclass(frozen=True, slots=True)
class Learned:
    """A channel's threshold and why: ``moved`` is False until there are enough votes."""

    threshold: float
    base: float
    votes: int
    events: int
    precision: float | None
    reason: str
    mute_kinds: tuple[str, ...] = ()
    mute_companies: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        return abs(self.threshold - self.base) > 1e-9


def learn(voted: Sequence[VotedEvent], *, base: float, now: float) -> Learned:
    """The channel's threshold from its own votes (``voted`` must be that channel's alone)."""
    recent = [v for v in voted if v.tally and v.voted_at >= now - WINDOW]
    votes = sum(sum(v.tally.values()) for v in recent)
    verdicts = [(v, majority(v.tally)) for v in recent]
    kinds, companies = _voted_down(verdicts)
    if votes < MIN_VOTES or len(recent) < MIN_EVENTS:
        reason = (
            f"{votes} vote(s) on {len(recent)} alert(s) in the last 30 days; the threshold starts to learn "
            f"at {MIN_VOTES} votes on {MIN_EVENTS} alerts."
        )
        return Learned(base, base, votes, len(recent), None, reason, kinds, companies)
    precision = sum(1 for _, verdict in verdicts if verdict == USEFUL) / len(recent)
    step = max(-MAX_STEP, min(MAX_STEP, (TARGET_PRECISION - precision) * GAIN))
    threshold = round(max(LOWEST, min(HIGHEST, base + step)), 2)
    direction = "raised" if threshold > base else "lowered" if threshold < base else "kept"
    reason = (
        f"{precision:.0%} of {len(recent)} voted alerts were useful ({votes} votes in the last 30 days; "
        f"the aim is {TARGET_PRECISION:.0%}), so the threshold is {direction}: {base:.2f} → {threshold:.2f}."
    )
    return Learned(threshold, base, votes, len(recent), precision, reason, kinds, companies)


def _voted_down(verdicts: Sequence[tuple[VotedEvent, str | None]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    down_kinds: Counter[str] = Counter()
    down_companies: Counter[str] = Counter()
    liked_kinds: set[str] = set()
    liked_companies: set[str] = set()
    for voted, verdict in verdicts:
        if verdict == USEFUL:
            liked_kinds.add(voted.kind)
            liked_companies.update(voted.partners)
        elif verdict is not None:
            down_kinds[voted.kind] += 1
            down_companies.update(voted.partners)
    kinds = tuple(sorted(k for k, n in down_kinds.items() if n >= MUTE_AFTER and k not in liked_kinds))
    companies = tuple(sorted(c for c, n in down_companies.items() if n >= MUTE_AFTER and c not in liked_companies))
    return kinds, companies
