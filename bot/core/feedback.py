"""What a channel can say about an alert: the four votes, how they read, and which one wins."""

from __future__ import annotations

from collections.abc import Mapping

USEFUL, NOT_PARTNERSHIP, WRONG_COMPANIES, NOT_EV = "useful", "not_partnership", "wrong_companies", "not_ev"
VOTES = (USEFUL, NOT_PARTNERSHIP, WRONG_COMPANIES, NOT_EV)
VOTE_LABELS = {
    USEFUL: "Useful",
    NOT_PARTNERSHIP: "Not a partnership",
    WRONG_COMPANIES: "Wrong companies",
    NOT_EV: "Not EV",
}
# Votes that say the alert was wrong; from a channel's owner (or its set role) they also mute the event there.
MUTING = frozenset({NOT_PARTNERSHIP, NOT_EV})
# A tie goes to the vote that says the alert was most wrong, so a split channel never counts as agreement.
_TIE_ORDER = (NOT_PARTNERSHIP, NOT_EV, WRONG_COMPANIES, USEFUL)


def majority(tally: Mapping[str, int]) -> str | None:
    """The vote most people gave (ties broken towards "wrong"); None when nobody voted."""
    counted = [(count, -_TIE_ORDER.index(vote), vote) for vote, count in tally.items() if count > 0]
    return max(counted)[2] if counted else None


def tally_line(tally: Mapping[str, int]) -> str:
    """ "Feedback: Useful 2 · Not EV 1", in the buttons' order; empty when nobody voted."""
    parts = [f"{VOTE_LABELS[v]} {tally[v]}" for v in VOTES if tally.get(v)]
    return "Feedback: " + " · ".join(parts) if parts else ""


def parse_value(value: str) -> int | None:
    """The event id a button carries ("123"); None for anything else."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 18 else None
