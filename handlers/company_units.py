"""Reading a bare group name as the unit the sentence is about ("LG" in a battery story).

News writes "LG", "Samsung", "SK" or "Tata" where it means LG Energy Solution, Samsung
SDI, SK On or Tata's Agratas. When a holding group's short name stands in a sentence
whose topics (batteries, materials, chips, cars…) point to exactly one of its family
units (per topic, the nearest generation that has any match), that unit is meant. Family
units carry the group's word in a name or alias ("Samsung SDI", "Tata Agratas"): a
fund's portfolio companies are not what its name means. Operating companies that also
own units ("Toyota", "GM") stay themselves, and so does the group when the sentence
names the unit as well ("LG and its unit LG Chem").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.models import Company

from ._words import alias_key

__all__ = ["HOLDING_SECTORS", "TOPICS", "Unit", "UnitResolver", "sentence_around"]

# Sectors whose companies are groups rather than operating firms.
HOLDING_SECTORS = frozenset({"other", "investor"})

# What a sentence is about, most specific first: "cathode plant for batteries" is materials.
TOPICS: tuple[tuple[str, frozenset[str], re.Pattern[str]], ...] = tuple(
    (label, frozenset(sectors.split()), re.compile(pattern, re.IGNORECASE))
    for label, sectors, pattern in (
        (
            "battery materials",
            "battery_materials",
            r"\b(?:cathodes?|anodes?|precursors?|electrolytes?|separators?|graphite|lithium hydroxide|"
            r"copper foils?)\b",
        ),
        (
            "chip",
            "semiconductor",
            r"\b(?:chips?|chipsets?|semiconductors?|silicon carbide|SiC|wafers?|power modules?)\b",
        ),
        ("charging", "charging", r"\b(?:charging|chargers?|charge points?)\b"),
        (
            "battery",
            "battery",
            r"\b(?:batter(?:y|ies)|(?<!fuel )(?<!fuel-)cells?|gigafactor(?:y|ies)|energy storage|lithium-ion)\b",
        ),
        ("autonomy", "autonomy", r"\b(?:autonomous|self-driving|driverless|robotaxis?|ADAS)\b"),
        ("two-wheeler", "two_wheeler", r"\b(?:scooters?|motorcycles?|motorbikes?|two-wheelers?)\b"),
        ("commercial vehicle", "commercial_vehicle", r"\b(?:trucks?|buses|bus|vans?|lorries)\b"),
        ("car", "automaker ev_maker", r"\b(?:cars?|vehicles?|EVs?|carmakers?|automakers?|SUVs?|sedans?)\b"),
    )
)
_SENTENCE_END = re.compile(r"[.!?。！？]\s|\n")


@dataclass(frozen=True, slots=True)
class Unit:
    """The unit a group's name is read as, and why."""

    name: str
    group: str
    topic: str

    @property
    def reason(self) -> str:
        return f"unit of {self.group} chosen for {self.topic} context"


class UnitResolver:
    """Knows each holding group's units, generation by generation."""

    def __init__(self, companies: Iterable[Company]) -> None:
        self._sector: dict[str, str] = {}
        self._children: dict[str, list[str]] = defaultdict(list)
        self._words: dict[str, frozenset[str]] = {}  # first words of a company's spellings
        for company in companies:
            self._sector[company.name] = company.sector
            self._words[company.name] = frozenset(
                k[0] for a in (company.name, *company.aliases) if (k := alias_key(a))
            )
            if company.parent:
                self._children[company.parent].append(company.name)
        self._groups = frozenset(
            name for name in self._children if self._sector.get(name, "other") in HOLDING_SECTORS
        )

    def is_group(self, name: str) -> bool:
        return name in self._groups

    def unit(self, group: str, sentence: str, *, word: str = "") -> Unit | None:
        """The one unit of ``group`` whose sector is the sentence's most specific topic, if any.

        ``word`` is the group's word as the text writes it ("LG"); units are those that
        carry it, else the group's own first word.
        """
        if group not in self._groups:
            return None
        family = (alias_key(word) or alias_key(group))[0]
        chosen: Unit | None = None
        for label, sectors, pattern in TOPICS:
            if not pattern.search(sentence):
                continue
            found = self._nearest(group, sectors, family)
            if len(found) > 1 or (chosen and found and found[0] != chosen.name):
                return None  # two units fit: the sentence does not say which
            if found and chosen is None:
                chosen = Unit(found[0], group, label)
        if chosen is None or chosen.name.lower() in sentence.lower():
            return None  # no unit fits, or the sentence names the unit itself
        return chosen

    def _nearest(self, group: str, sectors: frozenset[str], family: str) -> list[str]:
        """Family units in the first generation below ``group`` that has any in ``sectors``."""
        seen = {group}
        layer = self._children.get(group, [])
        while layer:
            found = [n for n in layer if self._sector.get(n) in sectors and family in self._words[n]]
            if found:
                return found
            seen.update(layer)
            layer = [c for n in layer for c in self._children.get(n, []) if c not in seen]
        return []


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) of ``text`` that holds ``text[start:end]``."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    after = _SENTENCE_END.search(text, end)
    return text[left : after.start() + 1 if after else len(text)]
