"""Stories that look like a deal and are something else: each look-alike is a check with its
multiplier (in ``_weights``) and the reason a reader sees.

A check reads the headline, the first lede sentences and the sentence that states the deal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import _kind
from . import _lexicon as lx
from ._passage import Role
from ._sentence import Sentence
from ._weights import HEADLINE_DEAL_WORDS, PENALTY

_VENTURE = re.compile(r"\b(?:joint venture|venture|jv|partnership|alliance)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Story:
    """What the checks read: the headline (if any), the first sentences, the deal sentence."""

    title: Sentence | None
    head: Sequence[Sentence]
    deal: Sentence | None


def _digest(s: Story) -> bool:
    if any(x.has("digest") for x in s.head[:2]):
        return True
    starts_as_digest = s.title is not None and any(m.start() == 0 for m in s.title.hits.get("digest_start", ()))
    return starts_as_digest or bool(s.title and _many_stories(s.title.text))


def _shopping(s: Story) -> bool:
    return bool(s.title and s.title.has("consumer_deals"))


def _marketing(s: Story) -> bool:
    return s.deal is not None and s.deal.has("marketing")


def _aside(s: Story) -> bool:
    t = s.title
    if s.deal is None or t is None or not t.has("other_news") or _broken(s):
        return False
    # "Huawei-designed Luxeed sedan from Chery opens orders": a brand form alone names an existing tie-up
    brand_only = bool(t.links) and all(link.cue.name == "brand of another" for link in t.links)
    return brand_only or not headline_deal(t)


def _acquisition(s: Story) -> bool:
    head = s.head[:2]
    if any(x.has("ended") for x in head) and any(_VENTURE.search(x.text) for x in head):
        return False  # a venture ended and its assets split: one side taking over a part is the exit
    return any(
        x.has("acquisition")
        and not (x.has("part_ownership") or "%" in x.text)
        and "manufacturing" not in _kind.decisive_kinds(x)  # a contract builder taking a stake
        for x in s.head
    )


def _no_partner(s: Story) -> bool:
    return any(x.has("no_partner") for x in s.head)


def _broken(s: Story) -> bool:
    """ "Sued Foxconn, accusing it of failing to honour an investment deal": the end of a partnership."""
    return any(x.has("broken deal") for x in s.head[:2])


def _dispute(s: Story) -> bool:
    if _broken(s):
        return False
    if s.title is not None and s.title.has("dispute"):
        return True  # a quarrel about a deal is news about the quarrel
    stated = s.title is not None and s.title.strength >= HEADLINE_DEAL_WORDS
    return not stated and any(x.has("dispute") for x in s.head)


def _in_passing(s: Story) -> bool:
    t, deal = s.title, s.deal
    if t is None or deal is None or deal is t:
        return False
    return t.strength == 0 and len(t.parties) < 2 and not headline_deal(t) and deal.strength < HEADLINE_DEAL_WORDS


def _existing_venture(s: Story) -> bool:
    return any(x.has("existing_venture") for x in s.head[:2])


def _venture_news(s: Story) -> bool:
    # "Leapmotor T03 production starts at Stellantis plant": a new arrangement at a partner's plant is news
    at_partner = s.title is not None and any(link.cue.name == "at plant of" for link in s.title.links)
    return not at_partner and any(x.has("venture_news") for x in s.head[:2])


CHECKS: tuple[tuple[Callable[[Story], bool], float, str], ...] = (
    (_digest, PENALTY.digest, "reads like a digest of several stories"),
    (_shopping, PENALTY.shopping, "reads like a shopping post"),
    (_marketing, PENALTY.marketing, "reads like a marketing tie-up"),
    (_aside, PENALTY.aside, "the headline is about other news; the deal is an aside"),
    (_acquisition, PENALTY.acquisition, "reads like an outright acquisition, not a partnership"),
    (_no_partner, PENALTY.no_partner, "a partner is sought, not named"),
    (_dispute, PENALTY.dispute, "reads like a dispute or settlement"),
    (_in_passing, PENALTY.in_passing, "the headline names no deal; the lede mentions one only in passing"),
    (
        _existing_venture,
        PENALTY.existing_venture,
        "a loan to or expansion of an existing joint venture, not a new partnership",
    ),
    (_venture_news, PENALTY.venture_news, "news of a venture that already exists, not a new deal"),
)


def penalties(sents: Sequence[Sentence], deal: Sentence | None) -> tuple[float, list[str]]:
    """The product of the multipliers of every look-alike the story matches, and their reasons."""
    title = sents[0] if sents and sents[0].role is Role.TITLE else None
    story = Story(title, sents[:3], deal)
    factor, reasons = 1.0, []
    for check, multiplier, reason in CHECKS:
        if check(story):
            factor *= multiplier
            reasons.append(reason)
    return factor, reasons


def headline_deal(sent: Sentence) -> bool:
    """Deal or stage wording, even without two named parties ("rescue talks collapse")."""
    if sent.strength >= HEADLINE_DEAL_WORDS or sent.has("talks"):
        return True
    return any(name in sent.hits for name in _DEAL_WORD_CUES)


# Unbound cues strong enough to state a deal in a headline, picked once rather than on every call.
_DEAL_WORD_CUES = tuple(c.name for c in lx.CUES.values() if not c.bound and c.strength >= HEADLINE_DEAL_WORDS)


def _many_stories(title: str) -> bool:
    """ "Tesla grows fleet, Einride gets a partner, and China goes big": three headlines in one."""
    segments = [s for s in title.replace(", and ", ", ").split(", ") if len(s.split()) >= 3]
    return len(segments) >= 3
