"""The learning rule: a channel's threshold moves only on enough recent votes, within bounds, step-limited."""

from __future__ import annotations

from bot.flow.learning import HIGHEST, LOWEST, MAX_STEP, learn
from bot.store.feedback import VotedEvent

NOW = 100 * 86400.0


def voted(n: int, tally: dict[str, int], *, kind: str = "supply", partners: tuple[str, ...] = ("A", "B"), age=0.0):
    return VotedEvent(
        n, "slack", "C1", tally, 0.6, NOW - age, "t", "https://l", "e", partners, kind, "announced", NOW - age
    )


def test_one_vote_never_moves_the_threshold() -> None:
    learned = learn([voted(1, {"not_partnership": 1})], base=0.6, now=NOW)
    assert learned.threshold == 0.6 and not learned.moved
    assert "starts to learn at 10 votes on 5 alerts" in learned.reason


def test_enough_votes_but_too_few_alerts_do_not_move_it() -> None:
    learned = learn([voted(n, {"not_partnership": 5}) for n in range(4)], base=0.6, now=NOW)
    assert not learned.moved


def test_a_channel_that_keeps_saying_no_gets_a_higher_threshold_within_bounds() -> None:
    learned = learn([voted(n, {"not_partnership": 2}) for n in range(5)], base=0.6, now=NOW)
    assert learned.threshold == round(0.6 + MAX_STEP, 2) and learned.precision == 0.0
    assert "raised: 0.60 → 0.70" in learned.reason
    capped = learn([voted(n, {"not_ev": 2}) for n in range(5)], base=0.75, now=NOW)
    assert capped.threshold == HIGHEST


def test_a_happy_channel_gets_a_lower_threshold_but_never_below_the_floor() -> None:
    learned = learn([voted(n, {"useful": 2}) for n in range(5)], base=0.55, now=NOW)
    assert learned.threshold == LOWEST
    kept = learn([voted(n, {"useful": 2}) for n in range(4)] + [voted(9, {"not_ev": 2})], base=0.6, now=NOW)
    assert kept.threshold == 0.6 and not kept.moved  # 80 % useful is the aim


def test_votes_older_than_30_days_do_not_count() -> None:
    learned = learn([voted(n, {"not_partnership": 2}, age=31 * 86400) for n in range(5)], base=0.6, now=NOW)
    assert not learned.moved and learned.votes == 0


def test_kinds_and_companies_voted_down_again_and_again_are_suggested_for_muting() -> None:
    down = [voted(n, {"not_ev": 2}, kind="charging", partners=("Shell", "X")) for n in range(3)]
    liked = [voted(9, {"useful": 2}, kind="supply", partners=("X", "Y"))]
    learned = learn(down + liked, base=0.6, now=NOW)
    assert learned.mute_kinds == ("charging",) and learned.mute_companies == ("Shell",)
