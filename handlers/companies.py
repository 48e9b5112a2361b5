"""Finding companies in text: the knowledge-base index, tickers and unknown firms.

The index finds every name and alias with one regex pass (built as a trie, so a thousand
companies cost little more than ten), recognises tickers in the forms news uses
("(NYSE: NIO)", "9866.HK", "<300750.SZ>", "TSLA.O"), and adds capitalised names that the
text itself calls companies (see ``_firms``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.core.models import SECTORS, Company

from ._firms import COMPANY_WORDS, named_before, unknown_firms
from ._words import EVERYDAY_WORDS, TOKEN, Mention, alias_key, is_strict
from .company_units import UnitResolver, sentence_around

__all__ = ["CompanyIndex", "Mention", "alias_key", "companies_from_toml"]

# Exchange names as news writes them, mapped to the ticker suffix the knowledge base uses.
_EXCHANGES = {
    **dict.fromkeys(
        ("nyse nasdaq nasdaqgs nasdaqgm amex nyseamerican nysearca otc otcpk otcqx otcqb otcmkts pink us").split(),
        "",
    ),
    **dict.fromkeys(["hkg", "hkex", "hk", "sehk", "hkse"], "HK"),
    **dict.fromkeys(["sz", "szse", "shenzhen"], "SZ"),
    **dict.fromkeys(["sha", "sh", "sse", "ss", "shanghai"], "SS"),
    **dict.fromkeys(["tyo", "tse", "t", "tokyo"], "T"),
    **dict.fromkeys(["krx", "kospi", "ks", "kse"], "KS"),
    **dict.fromkeys(["kosdaq", "kq"], "KQ"),
    **dict.fromkeys(["nse", "ns"], "NS"),
    **dict.fromkeys(["bse", "bo"], "BO"),
    **dict.fromkeys(["etr", "xetra", "fwb", "fra", "de", "xetr"], "DE"),
    **dict.fromkeys(["epa", "pa"], "PA"),
    **dict.fromkeys(["lse", "lon", "l"], "L"),
    **dict.fromkeys(["tsx", "to"], "TO"),
    **dict.fromkeys(["asx", "ax"], "AX"),
    **dict.fromkeys(["sgx", "si"], "SI"),
    **dict.fromkeys(["set", "bk"], "BK"),
    **dict.fromkeys(["idx", "jk"], "JK"),
    **dict.fromkeys(["bit", "mi"], "MI"),
    **dict.fromkeys(["bme", "mc"], "MC"),
    **dict.fromkeys(["six", "sw"], "SW"),
    **dict.fromkeys(["twse", "tpe", "tw"], "TW"),
    **dict.fromkeys(["hose", "vn"], "VN"),
    **dict.fromkeys(["sto", "st"], "ST"),
    "euronext": "PA",
    "ebr": "BR",
    "ams": "AS",
    "bist": "IS",
    "tadawul": "SR",
    "b3": "SA",
}
_US_RIC = {"O", "N", "OQ", "K", "A", "P"}

_BRACKET_TICKERS = re.compile(
    r"[(<\[]\s*((?:[A-Za-z][A-Za-z0-9 ]{0,14}:\s*[A-Z0-9.\-]{1,12}\s*[;,/]?\s*){1,4})[)>\]]"
)
_PAIR = re.compile(r"([A-Za-z][A-Za-z0-9 ]{0,14}):\s*([A-Z0-9.\-]{1,12})")
# The look back follows the first character, so the engine skips to capitals and digits first.
_SUFFIX_TICKER = re.compile(r"([A-Z0-9](?<![\w.].)[A-Z0-9]{0,9}(?:-[A-Z])?)\.([A-Z]{1,2})\b")
_BARE_TICKER = re.compile(r"\(\s*([A-Z]{1,5})\s*\)")
# A suffixed ticker needs a dot before a capital; most text has none, and this is found far faster.
_DOT_CAPITAL = re.compile(r"\.[A-Z]")


@dataclass(frozen=True, slots=True)
class _Alias:
    key: tuple[str, ...]
    name: str  # "" for an excluded phrase such as "Nikola Tesla"
    exact: str = ""  # short upper-case aliases ("GM", "BP") must match this spelling
    lowercase: bool = False  # the alias itself is lower case ("onsemi")
    weak: bool = False
    acronym: bool = False  # a longer all-capitals alias ("NEVS"): "NEVs" is another acronym's plural


class CompanyIndex:
    """Looks companies up by name, alias or ticker, and finds them in text."""

    def __init__(self, companies: Iterable[Company], *, common_words: frozenset[str] = frozenset()) -> None:
        self.companies: dict[str, Company] = {}
        self._tickers: dict[str, str] = {}
        self._spellings: set[tuple[str, ...]] = set()
        self._by_key: dict[tuple[str, ...], _Alias] = {}
        self._exact: dict[str, _Alias] = {}  # "GM" where another company owns the looser "Gm"
        self._common = common_words | EVERYDAY_WORDS
        companies = tuple(companies)
        for company in companies:
            self._add(company)
        self._names, self._local_names = _name_regex(self._spellings)
        self.units = UnitResolver(companies)

    def _add(self, company: Company) -> None:
        self.companies[company.name] = company
        for alias in (company.name, *company.aliases):
            self._index(alias, company.name)
        for phrase in company.exclude:
            self._index(phrase, "")
        for ticker in company.tickers:
            self._tickers.setdefault(ticker.upper(), company.name)
            base, _, suffix = ticker.upper().partition(".")
            if suffix == "HK":
                self._tickers.setdefault(f"{base.lstrip('0')}.HK", company.name)

    def _index(self, alias: str, name: str) -> None:
        key = alias_key(alias)
        if not key:
            return
        self._spellings.add(key)
        raw = tuple(t.lower() for t in TOKEN.findall(alias))
        if raw != key and len(raw) == len(key):
            self._spellings.add(raw)  # "koç" as well as "koc"
        if len(key) == 1 and len(key[0]) >= 4 and key[0].isascii():
            self._spellings.add((key[0] + "s",))  # "Teslas"
        exact = alias if is_strict(alias) else ""
        weak = len(key) == 1 and key[0] in self._common
        acronym = len(key) == 1 and alias.isupper() and alias.isalpha()
        entry = _Alias(key, name, exact, alias.islower(), weak, acronym)
        if exact and name:
            self._exact.setdefault(exact, entry)
        current = self._by_key.get(key)
        if current is None or (current.name and not name) or (current.exact and not exact):
            self._by_key[key] = entry  # exclusions win; a looser spelling beats a strict one

    def get(self, name: str) -> Company | None:
        return self.companies.get(name)

    def ticker(self, symbol: str, exchange: str = "") -> str | None:
        """Canonical name for a ticker, given as "9866.HK", "TSLA.O" or ("9863", "HKG")."""
        symbol = symbol.upper().strip()
        if exchange:
            suffix = _EXCHANGES.get(exchange.lower().replace(" ", ""))
            if suffix is None:
                return None
            if suffix == "HK":
                symbol = symbol.lstrip("0")
            return self._tickers.get(f"{symbol}.{suffix}" if suffix else symbol)
        base, _, suffix = symbol.partition(".")
        if suffix in _US_RIC:
            return self._tickers.get(base)
        if suffix == "HK":
            return self._tickers.get(f"{base.lstrip('0')}.HK")
        return self._tickers.get(symbol)

    def resolve(self, text: str) -> str | None:
        """The company a whole string names exactly (name, alias or ticker), if any."""
        alias = self._exact.get(text.strip()) or self._by_key.get(alias_key(text))
        if alias is not None:
            return alias.name or None
        return self.ticker(text.strip())

    def find(self, text: str, *, unknown: bool = True) -> list[Mention]:
        """Every company named in ``text``, in order of appearance, without overlaps."""
        mentions = [self._unit(text, m) for m in self._known(text)]
        mentions += self._tickered(text, mentions)
        if unknown:
            mentions += unknown_firms(text, mentions)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _known(self, text: str) -> list[Mention]:
        """Knowledge-base names: one regex pass over the lower-cased text, then the case rules."""
        found: list[Mention] = []
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        spans = [m.span() for m in self._names.finditer(low)]
        if self._local_names is not None and not text.isascii():
            spans = _merge(spans, [m.span() for m in self._local_names.finditer(low)])
        for start, end in spans:
            surface = text[start:end]
            key = alias_key(surface)
            alias = self._exact.get(surface) or self._by_key.get(key)
            plural = False
            if alias is None and len(key) == 1:
                alias, plural = self._by_key.get((key[0][:-1],)), True  # "Teslas"
                if alias is not None and (alias.weak or len(alias.key[0]) < 4):
                    continue
            if alias is None or not alias.name or not self._fits(text, start, end, alias):
                continue
            possessive = False
            if text.startswith(("'s", "’s"), end) and not text[end + 2 : end + 3].isalnum():
                possessive, end = True, end + 2
            elif text.startswith(("'", "’"), end) and text[end - 1] in "sS":
                possessive, end = True, end + 1  # "Volkswagens'"
            if not possessive and _PLACE_BEFORE.search(text, max(0, start - 12), start):
                continue  # "a battery venture near Lordstown": a town the company is named after
            found.append(Mention(alias.name, start, end, True, possessive, "", alias.weak, plural))
        return found

    def _unit(self, text: str, mention: Mention) -> Mention:
        """A holding group's short name in a sentence about one of its units' trades is that unit."""
        if not self.units.is_group(mention.name):
            return mention
        surface = text[mention.start : mention.end].removesuffix("'s").removesuffix("’s")
        if alias_key(surface) == alias_key(mention.name):
            return mention  # "LG Corp" spelled out is the holding itself
        sentence = sentence_around(text, mention.start, mention.end)
        unit = self.units.unit(mention.name, sentence, word=surface)
        if unit is None:
            return mention
        return replace(mention, name=unit.name, cue=unit.reason, group=mention.name)

    @staticmethod
    def _fits(text: str, start: int, end: int, alias: _Alias) -> bool:
        surface = text[start:end]
        if alias.exact and surface != alias.exact:
            return False  # "GM", "BP" only in capitals
        if not alias.lowercase and surface.islower():
            return False  # "grab", "shell", "arrival": ordinary words, not the companies
        if alias.acronym and surface[-1] == "s" and surface[:-1].isupper():
            return False  # "NEVs": the plural of another acronym, not NEVS
        if (
            start > 1
            and text[start - 1] == "."
            and text[start - 2].isalpha()
            and not text[start - 3 : start - 2].isalnum()
        ):
            return False  # "U.S. oil" is not S-Oil: the name would start inside an abbreviation
        # "Form Energy-Storage Venture": the words run on, so this is not the name.
        return not (len(alias.key) > 1 and alias.key[-1] in _RUN_ON and text.startswith("-", end))

    def _tickered(self, text: str, known: list[Mention]) -> list[Mention]:
        found: list[Mention] = []
        for match in _BRACKET_TICKERS.finditer(text) if ":" in text else ():  # every form has a colon
            for exchange, symbol in _PAIR.findall(match.group(1)):
                name = self.ticker(symbol, exchange.strip())
                tag = f"{exchange.strip()}: {symbol}"
                if name:
                    found.append(Mention(name, match.start(), match.end(), True, ticker=tag))
                else:
                    found += named_before(text, known, match.start(), tag)
                break
        for match in _SUFFIX_TICKER.finditer(text) if _DOT_CAPITAL.search(text) else ():
            name = self.ticker(match.group())
            if name:
                found.append(Mention(name, match.start(), match.end(), True, ticker=match.group()))
        for match in _BARE_TICKER.finditer(text):
            name = self.ticker(match.group(1))
            if name:
                found.append(Mention(name, match.start(), match.end(), True, ticker=match.group(1)))
        return found


_PLACE_BEFORE = re.compile(r"\b(?:[Nn]ear|[Oo]utside|[Cc]lose to)\s+$")
_STEP = "\x02"  # between two words of a name
_RUN_ON = COMPANY_WORDS | {"energy", "power"}
# Scripts written without spaces between words: a name in them matches inside running text.
_UNSPACED = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_IS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_NOT_AFTER_WORD = f"(?<![^\\W_{_UNSPACED}])"  # not right after a letter or digit of a spaced script
_NOT_BEFORE_WORD = f"(?![^\\W_{_UNSPACED}])"


def _name_regex(spellings: set[tuple[str, ...]]) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """Regexes for every name, built as tries so each character follows one branch.

    Words of a name may be separated by anything that is not a letter or digit
    ("Mercedes-Benz", "Mercedes Benz", "Hon Hai Precision Industry Co., Ltd"); a name
    ends where a word ends, and the longest name at a position wins. Where a name starts
    or ends in Chinese, Japanese or Korean script it needs no word boundary on that side
    (小米 in "小米汽车与长城汽车"); Latin names keep theirs, even next to such script. The
    first regex holds names written in Latin script only; the second, names with a local
    script at either end, which only text that is not plain ASCII can contain.
    """
    # One trie per script at each end, so each boundary test is written once (a character
    # class of these scripts is slow to compile thousands of times).
    tries: dict[tuple[bool, bool], dict[str, Any]] = {}
    for words in spellings:
        shape = (bool(_IS_UNSPACED.match(words[0])), bool(_IS_UNSPACED.match(words[-1][-1])))
        node = tries.setdefault(shape, {})
        for char in _STEP.join(words):
            node = node.setdefault(char, {})
        node[""] = True

    def branch(node: dict[str, Any]) -> str:
        options = []
        for char, child in sorted(node.items(), key=lambda kv: kv[0] == ""):
            if char == "":
                options.append("")
            elif char == _STEP:
                options.append(r"[\W_]+" + branch(child))
            else:
                options.append(re.escape(char) + branch(child))
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def part(shape: tuple[bool, bool]) -> str:
        before = f"(?=[{_UNSPACED}])" if shape[0] else _NOT_AFTER_WORD  # cheap rejection first
        after = "" if shape[1] else _NOT_BEFORE_WORD
        return f"{before}(?:{branch(tries[shape])}){after}"

    latin = re.compile(part((False, False)) if (False, False) in tries else "(?!)")
    local = [part(shape) for shape in ((False, True), (True, True), (True, False)) if shape in tries]
    return latin, re.compile("|".join(local)) if local else None


def _merge(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Both regexes' matches in text order; where two overlap, the earlier, then longer, stands."""
    out: list[tuple[int, int]] = []
    for start, end in sorted([*first, *second], key=lambda span: (span[0], -span[1])):
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def companies_from_toml(data: Mapping[str, Any]) -> tuple[Company, ...]:
    """Build the company list from parsed companies.toml; raise ValueError with every problem."""
    entries = data.get("company", [])
    problems: list[str] = []
    out: list[Company] = []
    for number, entry in enumerate(entries, start=1):
        name = str(entry.get("name", "")).strip()
        sector = str(entry.get("sector", "other"))
        if not name:
            problems.append(f"company #{number} has no name")
            continue
        if sector not in SECTORS:
            problems.append(f"company {name!r} has unknown sector {sector!r}")
        out.append(
            Company(
                name=name,
                aliases=tuple(str(a) for a in entry.get("aliases", ()) if str(a).strip()),
                tickers=tuple(str(t) for t in entry.get("tickers", ()) if str(t).strip()),
                sector=sector,
                country=str(entry.get("country", "")),
                parent=str(entry.get("parent", "")),
                exclude=tuple(str(e) for e in entry.get("exclude", ()) if str(e).strip()),
            )
        )
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(out)
