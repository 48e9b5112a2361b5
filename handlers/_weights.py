"""Every number the EV-partnership handler weighs evidence with, named and kept in one place.

Scores run from 0 to 1. A story alerts at ``THRESHOLD``. The score is the geometric mean of
how strongly the text states a deal and how clearly it is about EVs, times the penalties of
whatever false alarm it resembles.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._passage import Role

THRESHOLD = 0.5
ONE_PARTY_CAP = 0.45  # a deal needs two sides: one company is news, not an alert


@dataclass(frozen=True, slots=True)
class CueStrength:
    """How much a deal cue proves on its own."""

    proof: float = 1.0  # "invests in X", "joint venture", "signed a deal"
    strong: float = 0.9  # "supplies X", "partnership", "tie-up"
    mutual: float = 0.85  # "X and Y plan …": acting together
    good: float = 0.8  # "licence", "co-develop", "courts X"
    fair: float = 0.7  # "launches … with X", "secures X"
    weak: float = 0.6  # "backs X", "supply deal"
    hint: float = 0.5  # "delivers to X", a bare "deal"


CUE = CueStrength()


@dataclass(frozen=True, slots=True)
class KindLean:
    """How far a non-decisive kind word leans the kind its way."""

    heavy: float = 2.0
    strong: float = 1.5
    plain: float = 1.0
    light: float = 0.5


KIND_LEAN = KindLean()

# How much a passage can prove, by role; lede sentences weigh less the later they come.
ROLE_WEIGHT: dict[Role, float] = {Role.TITLE: 1.0, Role.LEDE: 0.8, Role.BACKGROUND: 0.6}
LEDE_WEIGHTS = (0.95, 0.8, 0.7, 0.6)
ASIDE_FACTOR = 0.5  # a lede sentence that tells background ("had earlier signed") proves half as much
RELATED_MIN_STRENGTH = CUE.fair  # a background deal is reported only when stated this firmly
HEADLINE_DEAL_WORDS = CUE.good  # "rescue talks collapse": deal wording strong enough to lead a headline


@dataclass(frozen=True, slots=True)
class EvWeights:
    """How the EV judgement adds up: who the partners are, then the words used."""

    per_headline_word: float = 0.4  # up to two EV words in the headline
    per_word: float = 0.25  # up to four EV words anywhere in headline and lede
    against: float = 0.15  # per not-EV word, when EV words outnumber them
    against_dominant: float = 0.3  # per not-EV word, when they do not
    ev_sector: float = 0.5  # a sector prior from here up makes a named company an EV company
    named_ev_company: float = 0.35  # "rent Teslas to drivers": an EV company named, not a partner
    off_domain_cap: float = 0.2  # grid storage, fuel cells … named with no vehicle wording
    ev: float = 0.25  # the judgement says EV from here up (and an alert needs it)


EV = EvWeights()

# What a partner's sector says about EV relevance before any word is read.
EV_PRIOR: dict[str, float] = {
    "ev_maker": 0.55,
    "battery": 0.55,
    "battery_materials": 0.45,
    "charging": 0.55,
    "autonomy": 0.45,
    "two_wheeler": 0.15,
    "automaker": 0.15,
    "commercial_vehicle": 0.15,
    "supplier": 0.15,
    "semiconductor": 0.1,
}


@dataclass(frozen=True, slots=True)
class Penalties:
    """Multipliers for stories that look like a deal but are something else."""

    digest: float = 0.2
    shopping: float = 0.3
    marketing: float = 0.5
    aside: float = 0.45  # the headline is other news; the deal is an aside
    acquisition: float = 0.3
    no_partner: float = 0.3
    dispute: float = 0.5
    existing_venture: float = 0.4
    in_passing: float = 0.6  # no deal in the headline and only a faint one in the lede
    venture_news: float = 0.4  # a standing venture slows, opens or hits a target: no new deal


PENALTY = Penalties()
