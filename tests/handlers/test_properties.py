"""Properties that hold for any text: no crash, bounded score, partners named in the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.models import KINDS, STAGES, Item
from handlers.companies import alias_key
from handlers.ev_partnership import EvPartnershipHandler

_WORDS = st.sampled_from(
    [
        "Tesla",
        "BYD",
        "partners",
        "with",
        "joint venture",
        "Xiaomi",
        "Great Wall",
        "(NYSE: NIO)",
        "stake",
        "in",
        "electric",
        "vehicles",
        "battery",
        "talks",
        "ends",
        "Inc.",
        "Ltd",
        "the",
        "'s",
        ",",
        ".",
        "⟦0⟧",
        "Read Next:",
        "See Also:",
        "\n",
        "Hon Hai",
        "GM",
        "gm",
        "LG",
        "to supply",
        "cells",
        "Smart-Car",
        "%",
    ]
)
_TEXT = st.one_of(st.text(max_size=400), st.lists(_WORDS, max_size=60).map(" ".join))


def _named_in(partner: str, text: str, handler: EvPartnershipHandler) -> bool:
    """The partner, one of its aliases, a unit or group it stands for, or its tickers appear."""
    company = handler.index.get(partner)
    family = {partner}
    if company:
        family |= {c.name for c in handler.index.companies.values() if c.parent == partner}
    while company and company.parent and company.parent not in family:  # "LG" names LG Energy Solution
        family.add(company.parent)
        company = handler.index.get(company.parent)
    folded = " ".join(alias_key(text))
    for name in family:
        entry = handler.index.get(name)
        spellings = [name, *(entry.aliases if entry else ()), *(entry.tickers if entry else ())]
        if any(" ".join(alias_key(s)) in folded for s in spellings if alias_key(s)):
            return True
        if any(t.split(".")[0] in text for t in (entry.tickers if entry else ())):
            return True
    return partner in text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, summary=_TEXT, content=_TEXT)
def test_any_text_gives_a_valid_verdict_naming_only_companies_in_it(
    handler: EvPartnershipHandler, title: str, summary: str, content: str
) -> None:
    detection = handler.detect(Item(id="x", title=title, summary=summary, content=content))
    if detection is None:
        return
    assert 0.0 <= detection.score <= 1.0
    assert detection.alert == (detection.score >= 0.5)
    assert detection.kind in KINDS and detection.stage in STAGES
    text = f"{title}\n{summary}\n{content}"
    for partner in detection.partners:
        assert _named_in(partner, text, handler), (partner, text)
    for relation in detection.related:
        assert relation.kind in KINDS and relation.stage in STAGES


def test_one_megabyte_article_is_read_to_the_end(handler: EvPartnershipHandler) -> None:
    """A huge article neither crashes nor drowns the headline (bench/classify.py times it)."""
    paragraph = (
        "Tesla and BYD signed an agreement to cooperate on battery cells, Reuters reported. "
        "Shares of Nio (NYSE: NIO) rose 3%. "
    ) * 4
    background = "\n\n".join([paragraph] * (1_000_000 // len(paragraph)))
    detection = handler.detect(
        Item(id="big", title="Rivian opens service centre", content=f"Rivian opened a new centre.\n\n{background}")
    )
    assert detection is not None and not detection.alert
    assert detection.related == ()  # the background of a story that is no partnership is not read
    lede = (
        "Xiaomi is in talks with Great Wall Motor to make its electric cars at a Great Wall plant. "
        "The talks are at an early stage. Neither company commented. Xiaomi said in March it would make EVs."
    )
    title = "Xiaomi in talks to build EVs in Great Wall Motor plant"
    detection = handler.detect(Item(id="big-deal", title=title, content=f"{lede}\n\n{background}"))
    assert detection is not None and detection.alert
    assert set(detection.partners) == {"Xiaomi", "Great Wall Motor"}
    assert {"BYD", "Tesla"} in [set(r.partners) for r in detection.related]
