"""Votes on alerts from chat buttons, platform-neutral: record them, tally them, and say what a channel
has learned from them (its threshold, and what it might mute)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection

from ..core.feedback import MUTING, VOTES
from ..flow.learning import WINDOW, Learned, learn
from ..store import Store
from ..store import feedback as store_feedback

DEFAULT_THRESHOLD = 0.5  # a subscribed channel's min_score, as the router gives it


@dataclass(frozen=True, slots=True)
class Click:
    """A button press: who voted what on which event, where; ``may_mute`` for the channel's owner or role."""

    platform: str
    channel: str
    user: str
    event_id: int
    vote: str
    may_mute: bool = False


@dataclass(frozen=True, slots=True)
class Counted:
    """The event's tally in that channel after the vote, and whether its updates are now muted there."""

    tally: dict[str, int] = field(default_factory=dict)
    muted: bool = False


class Feedback:
    """Records votes (in a worker thread: it writes the database) and learns per channel.

    ``base`` gives a destination key's configured threshold; ``on_change`` runs after each vote so
    routing picks up a moved threshold.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        base: Callable[[str], float] = lambda key: DEFAULT_THRESHOLD,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.base = base
        self.on_change = on_change

    def vote(self, click: Click) -> Counted | None:
        """Record the vote; None when the vote or the event is unknown (a forged or very old button)."""
        if click.vote not in VOTES or not click.user or not click.channel:
            return None
        mutes = click.may_mute and click.vote in MUTING
        ballot = store_feedback.Ballot(
            click.event_id, click.platform, click.channel, click.user, click.vote, mutes=mutes
        )

        def work(conn: Connection) -> Counted | None:
            if not store_feedback.event_exists(conn, click.event_id):
                return None
            tally = store_feedback.record(conn, ballot, now=self.clock())
            muted = ballot.destination in store_feedback.muted_destinations(conn, click.event_id)
            return Counted(tally, muted)

        counted = self.store.run(work)
        if counted is not None:
            self.on_change()
        return counted

    def learned(self, platform: str, channel: str) -> Learned:
        """What the channel's votes of the last 30 days make of its threshold."""
        key = f"{platform}:{channel}"
        return self.thresholds({key: self.base(key)})[key]

    def thresholds(self, bases: dict[str, float]) -> dict[str, Learned]:
        """Each destination key's learned threshold, from its own votes only."""
        now = self.clock()
        voted = self.store.run(lambda c: store_feedback.voted_events(c, since=now - WINDOW))
        return {
            key: learn([v for v in voted if v.destination == key], base=base, now=now)
            for key, base in bases.items()
        }


def status_lines(learned: Learned) -> tuple[str, ...]:
    """What `/evradar status` says about the channel's feedback, as plain sentences."""
    lines = [f"Alert threshold {learned.threshold:.2f} (configured {learned.base:.2f}). {learned.reason}"]
    mutes = [f"`/evradar mute kind={k}`" for k in learned.mute_kinds]
    mutes += [f"`/evradar mute {c}`" for c in learned.mute_companies]
    if mutes:
        lines.append("This channel keeps voting these down; to stop them: " + ", ".join(mutes) + ".")
    return tuple(lines)
