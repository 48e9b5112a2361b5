"""What ``evradar companies check`` and ``evradar companies find TEXT`` answer, as data.

``check_companies`` reads the company files strictly and counts what they hold, per file
and per sector, next to every problem. ``explain`` says which companies a text names and
why each was recognised. Both return frozen dataclasses; the command line formats them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.models import SECTORS

from ._words import Mention, alias_key
from .companies import CompanyIndex
from .company_data import Problem, read_company_data
from .company_units import UnitResolver

__all__ = ["CompanyCheck", "FileCount", "Found", "check_companies", "explain"]


@dataclass(frozen=True, slots=True)
class FileCount:
    """How many companies one file holds, by sector."""

    file: str
    companies: int
    sectors: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class CompanyCheck:
    """The company data at a glance, and everything wrong with it."""

    companies: int
    files: tuple[FileCount, ...]
    sectors: tuple[tuple[str, int], ...]  # every sector of ``bot.models.SECTORS``, zero included
    countries: tuple[tuple[str, int], ...]  # most companies first
    aliases: int
    tickers: int
    local_script_names: int  # names and aliases in Chinese, Japanese or Korean script
    groups: int  # holding groups whose short name can be read as one of their units
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_companies(files: Mapping[str, str]) -> CompanyCheck:
    """Read ``{file name: TOML text}`` strictly and sum it up."""
    data = read_company_data(files)
    per_file: dict[str, Counter[str]] = {name: Counter() for name in sorted(files)}
    for company, origin in zip(data.companies, data.origins, strict=True):
        per_file[origin.file][company.sector] += 1
    sectors = Counter(c.sector for c in data.companies)
    spellings = [s for c in data.companies for s in (c.name, *c.aliases)]
    units = UnitResolver(data.companies)
    return CompanyCheck(
        companies=len(data.companies),
        files=tuple(FileCount(f, sum(c.values()), tuple(sorted(c.items()))) for f, c in per_file.items()),
        sectors=tuple((s, sectors[s]) for s in SECTORS),
        countries=tuple(Counter(c.country or "?" for c in data.companies).most_common()),
        aliases=sum(len(c.aliases) for c in data.companies),
        tickers=sum(len(c.tickers) for c in data.companies),
        local_script_names=sum(1 for s in spellings if not s.isascii() and _local_script(s)),
        groups=sum(1 for c in data.companies if units.is_group(c.name)),
        problems=data.problems,
    )


def _local_script(text: str) -> bool:
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text
    )


@dataclass(frozen=True, slots=True)
class Found:
    """One company a text names: who, the words that name it, and why they count.

    ``how`` is "name", "alias", "ticker", "unit" (a group's short name read as its unit)
    or "unknown" (a firm the data does not list, marked as a company by the text).
    """

    name: str
    surface: str
    start: int
    end: int
    how: str
    reason: str
    known: bool
    sector: str = ""
    country: str = ""


def explain(index: CompanyIndex, text: str) -> tuple[Found, ...]:
    """Every company ``text`` names, in order, each with the reason it was recognised."""
    return tuple(_found(index, text, m) for m in index.find(text))


def _found(index: CompanyIndex, text: str, mention: Mention) -> Found:
    surface = text[mention.start : mention.end]
    company = index.get(mention.name)
    sector, country = (company.sector, company.country) if company else ("", "")
    if not mention.known:
        how, reason = "unknown", f"unknown firm: {mention.cue or 'a capitalised name the text calls a company'}"
    elif mention.ticker:
        how, reason = "ticker", f"ticker {mention.ticker} of {mention.name}"
    elif mention.group:
        how, reason = "unit", f"{_spelling(surface, mention.group)}; {mention.cue}"
    else:
        word = _bare(surface)[: -1 if mention.plural else None]  # "Teslas" is spelled "Tesla"
        how = "name" if alias_key(word) == alias_key(mention.name) else "alias"
        reason = _spelling(word, mention.name)
    if mention.plural:
        reason += "; plural, so it may mean the company's products"
    if mention.weak:
        reason += "; also an everyday word, trusted only where the story confirms it"
    return Found(mention.name, surface, mention.start, mention.end, how, reason, mention.known, sector, country)


def _bare(surface: str) -> str:
    return surface.removesuffix("'s").removesuffix("’s")


def _spelling(surface: str, name: str) -> str:
    word = _bare(surface)
    if alias_key(word) == alias_key(name):
        return f"name of {name}"
    return f"alias '{word}' of {name}"
