"""Finding companies in text: the knowledge-base index, tickers and unknown firms.

The index matches names and aliases token by token (a dictionary lookup per word, so
a thousand companies cost no more than ten), recognises tickers in the forms news
uses ("(NYSE: NIO)", "9866.HK", "<300750.SZ>", "TSLA.O"), and marks capitalised names
that the text itself calls companies ("Marcopolo S.A.", "start-up Motovis").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from bot.models import SECTORS, Company

_TOKEN = re.compile(r"[^\W_]+(?:[.'&][^\W_]+)*|&", re.UNICODE)

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
_SUFFIX_TICKER = re.compile(r"(?<![\w.])([A-Z0-9]{1,10}(?:-[A-Z])?)\.([A-Z]{1,2})\b")
_BARE_TICKER = re.compile(r"\(\s*([A-Z]{1,5})\s*\)")

# Words after a capitalised name that make it a company ("Marcopolo S.A.", "Acme Motors").
_LEGAL_FORMS = frozenset(
    (
        "inc corp corporation co company ltd limited llc plc ag se sa s.a nv n.v gmbh spa s.p.a "
        "bv ab asa oyj kk pte pty bhd jsc pjsc tbk"
    ).split()
)
_COMPANY_WORDS = _LEGAL_FORMS | frozenset(
    (
        "holdings holding group motor motors automobile automotive technologies industries "
        "mobility materials lithium batteries chemical robotics"
    ).split()
)
# Capitalised words and dotted forms ("S.A."), checked against the company words in Python.
_CAPITAL_WORD = re.compile(r"(?<= )[A-Z][A-Za-z]*(?:\.[A-Za-z]+)*")
_SUFFIXES = frozenset(
    {w.capitalize() for w in _COMPANY_WORDS}
    | {w.upper() for w in _LEGAL_FORMS}
    | {"GmbH", "SpA", "S.p.A", "S.A", "N.V", "plc", "Tbk"}
)
# Nouns that introduce a company name: "battery start-up Verkor", "EV maker Canoo".
_INTRODUCERS = re.compile(
    r"(?:company|firm|makers?|start-?up|startup|supplier|giant|operator|developer|"
    r"carmaker|automaker|manufacturer|recycler|producer|provider|chipmaker|miner|utility|"
    r"insurer|retailer|builder|coachbuilder|specialist|rival|partner|subsidiary|affiliate|"
    r"outfit|conglomerate|refiner|unit|arm|(?<=-)based) (?=[A-Z0-9])",
)
# "Forseven, a company controlled by CYVN": the name before the description is a company.
_APPOSITIVE = re.compile(
    r"(?<![\w.])([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}), (?:a|an|the) (?:[\w-]+ ){0,4}?"
    r"(?:company|firm|maker|start-?up|startup|subsidiary|unit|joint venture|venture|developer|"
    r"manufacturer|supplier|operator|carmaker|automaker|chipmaker|recycler|producer|provider)\b"
)
# Capitalised words that are never company names on their own.
_NOT_NAMES = frozenset(
    (
        "the a an and of in on at for to by with from as its their his her our this that these "
        "those it is was u.s us uk eu china chinese japan japanese korea korean india indian "
        "germany german european europe america american state national federal department "
        "ministry government reuters bloomberg nikkei said says according ceo chief president "
        "first new electric battery ev evs january february march april may june july august "
        "september october november december monday tuesday wednesday thursday friday saturday "
        "sunday"
    ).split()
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A company named in text: canonical name (or surface form) and where it stands.

    ``weak`` marks a match on a name that is also an everyday word ("Smart", "Grab"),
    which callers trust only where the text corroborates it.
    """

    name: str
    start: int
    end: int
    known: bool
    possessive: bool = False
    ticker: str = ""
    weak: bool = False
    plural: bool = False  # "rent Teslas": the company's products, not the company


@dataclass(frozen=True, slots=True)
class _Alias:
    key: tuple[str, ...]
    name: str  # "" for an excluded phrase such as "Nikola Tesla"
    exact: str = ""  # short upper-case aliases ("GM", "BP") must match this spelling
    lowercase: bool = False  # the alias itself is lower case ("onsemi")
    weak: bool = False


class _Token(NamedTuple):
    key: str
    start: int
    end: int
    possessive: bool
    lower: bool


def _fold(word: str) -> str:
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _tokens(text: str, start: int = 0, end: int | None = None, limit: int = 0) -> list[_Token]:
    """Word tokens of ``text[start:end]`` (at most ``limit`` of them when given)."""
    out: list[_Token] = []
    size = len(text)
    for match in _TOKEN.finditer(text, start, size if end is None else end):
        if limit and len(out) == limit:
            break
        word = match.group()
        start, end = match.span()
        possessive = False
        if len(word) > 2 and word[-2] == "'" and word[-1] in "sS":
            word, possessive = word[:-2], True
        elif end < size and text[end] == "'" and word[-1] in "sS":
            possessive = True  # plural possessive: "Volkswagens'"
        key = word.lower() if word.isascii() else _fold(word)
        out.append(_Token(key, start, end, possessive, key == word))
    return out


@lru_cache(maxsize=65536)
def alias_key(name: str) -> tuple[str, ...]:
    """The token sequence a name matches: case, accents, hyphens and dots folded."""
    return tuple(t.key for t in _tokens(name))


class CompanyIndex:
    """Looks companies up by name, alias or ticker, and finds them in text."""

    def __init__(self, companies: Iterable[Company], *, common_words: frozenset[str] = frozenset()) -> None:
        self.companies: dict[str, Company] = {}
        self._first: dict[str, list[_Alias]] = {}
        self._tickers: dict[str, str] = {}
        self._spellings: set[tuple[str, ...]] = set()
        self._by_key: dict[tuple[str, ...], _Alias] = {}
        self._common = common_words
        for company in companies:
            self._add(company)
        for candidates in self._first.values():
            candidates.sort(key=lambda c: -len(c.key))
        self._longest = max((len(a.key) for c in self._first.values() for a in c), default=1)
        self._names = _name_regex(self._spellings)

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
        raw = tuple(t.lower() for t in _TOKEN.findall(alias))
        if raw != key and len(raw) == len(key):
            self._spellings.add(raw)  # "koç" as well as "koc"
        if len(key) == 1 and len(key[0]) >= 4:
            self._spellings.add((key[0] + "s",))  # "Teslas"
        exact = alias if len(alias) <= 3 and alias.isupper() else ""
        weak = len(key) == 1 and key[0] in self._common
        entry = _Alias(key, name, exact, alias.islower(), weak)
        self._first.setdefault(key[0], []).append(entry)
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
        key = alias_key(text)
        for alias in self._first.get(key[0], []) if key else []:
            if alias.key == key and alias.name:
                return alias.name
        return self.ticker(text.strip())

    def find(self, text: str, *, unknown: bool = True) -> list[Mention]:
        """Every company named in ``text``, in order of appearance, without overlaps."""
        mentions = self._known(text)
        mentions += self._tickered(text, mentions)
        if unknown:
            mentions += self._unknown(text, mentions)
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _known(self, text: str) -> list[Mention]:
        """Knowledge-base names: one regex pass over the lower-cased text, then the case rules."""
        found: list[Mention] = []
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        for match in self._names.finditer(low):
            start, end = match.span()
            key = alias_key(text[start:end])
            alias = self._by_key.get(key)
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
            found.append(Mention(alias.name, start, end, True, possessive, weak=alias.weak, plural=plural))
        return found

    @staticmethod
    def _fits(text: str, start: int, end: int, alias: _Alias) -> bool:
        surface = text[start:end]
        if alias.exact and surface != alias.exact:
            return False  # "GM", "BP" only in capitals
        if not alias.lowercase and surface.islower():
            return False  # "grab", "shell", "arrival": ordinary words, not the companies
        # "Form Energy-Storage Venture": the words run on, so this is not the name.
        return not (len(alias.key) > 1 and alias.key[-1] in _RUN_ON and text.startswith("-", end))

    def _match_at(self, text: str, tokens: list[_Token], i: int) -> _Alias | None:
        found = self._match_key(text, tokens, i, tokens[i].key)
        key = tokens[i].key
        if found is None and len(key) > 4 and key.endswith("s") and not tokens[i].possessive:
            singular = self._match_key(text, tokens, i, key[:-1])  # "Teslas"
            if singular is not None and len(singular.key) == 1 and not singular.weak:
                return singular
        return found

    def _match_key(self, text: str, tokens: list[_Token], i: int, first: str) -> _Alias | None:
        for alias in self._first.get(first, ()):
            length = len(alias.key)
            if i + length > len(tokens):
                continue
            span = tokens[i : i + length]
            if any(
                span[j].key != alias.key[j] or (j < length - 1 and span[j].possessive) for j in range(1, length)
            ):
                continue
            if (
                length > 1
                and span[-1].key in _COMPANY_WORDS | {"energy", "power"}
                and text[span[-1].end : span[-1].end + 1] == "-"
            ):
                continue  # "Form Energy-Storage Venture": the words run on, not a name
            if not alias.name:
                return alias  # an excluded phrase such as "Nikola Tesla"
            if alias.exact and text[span[0].start : span[-1].end] != alias.exact:
                continue
            if not alias.lowercase and all(t.lower for t in span):
                continue  # "grab", "shell", "arrival": ordinary words, not the companies
            return alias
        return None

    def _tickered(self, text: str, known: list[Mention]) -> list[Mention]:
        found: list[Mention] = []
        for match in _BRACKET_TICKERS.finditer(text):
            for exchange, symbol in _PAIR.findall(match.group(1)):
                name = self.ticker(symbol, exchange.strip())
                tag = f"{exchange.strip()}: {symbol}"
                if name:
                    found.append(Mention(name, match.start(), match.end(), True, ticker=tag))
                else:
                    found += self._named_before(text, known, match.start(), tag)
                break
        for match in _SUFFIX_TICKER.finditer(text):
            name = self.ticker(match.group())
            if name:
                found.append(Mention(name, match.start(), match.end(), True, ticker=match.group()))
        for match in _BARE_TICKER.finditer(text):
            name = self.ticker(match.group(1))
            if name:
                found.append(Mention(name, match.start(), match.end(), True, ticker=match.group(1)))
        return found

    def _named_before(self, text: str, known: list[Mention], pos: int, tag: str) -> list[Mention]:
        """An unknown ticker marks the capitalised name just before it as a company."""
        span = _capitalised_tail(text, _tokens(text, max(0, pos - 60), pos), pos)
        if not span or any(m.start < span[-1].end and span[0].start < m.end for m in known):
            return []  # nothing named there, or a known company already is
        name = _trim_legal(text, span)
        return [Mention(name, span[0].start, span[-1].end, False, span[-1].possessive, tag)] if name else []

    def _unknown(self, text: str, known: list[Mention]) -> list[Mention]:
        taken = [(m.start, m.end) for m in known]
        found: list[Mention] = []
        for match in _CAPITAL_WORD.finditer(text):
            word = match.group().rstrip(".")
            pos = match.start()
            if word not in _SUFFIXES or any(s <= pos <= e + 3 for s, e in taken):
                continue  # not a company word, or part of a name found already ("Marcopolo S.A.")
            span = _capitalised_tail(text, _tokens(text, max(0, pos - 60), pos), pos)
            if span:
                self._keep(text, [*span, *_tokens(text, pos, match.end())], taken, found)
        for match in _APPOSITIVE.finditer(text):
            start = match.start(1)
            span = _capitalised_head(text, _tokens(text, start, match.end(1), limit=4), start)
            if span:
                self._keep(text, span, taken, found)
        for match in _INTRODUCERS.finditer(text):
            span = _capitalised_head(text, _tokens(text, match.end(), match.end() + 60, limit=3), match.end())
            if span:
                self._keep(text, span, taken, found)
        return found

    @staticmethod
    def _keep(text: str, span: list[_Token], taken: list[tuple[int, int]], found: list[Mention]) -> None:
        start, end = span[0].start, span[-1].end
        if any(s < end and start < e for s, e in taken):
            return
        name = _trim_legal(text, span)
        if name:
            taken.append((start, end))
            found.append(Mention(name, start, end, False, span[-1].possessive))


_STEP = "\x02"  # between two words of a name
_RUN_ON = _COMPANY_WORDS | {"energy", "power"}


def _name_regex(spellings: set[tuple[str, ...]]) -> re.Pattern[str]:
    """One regex for every name, built as a trie so each character follows one branch.

    Words of a name may be separated by anything that is not a letter or digit
    ("Mercedes-Benz", "Mercedes Benz", "Hon Hai Precision Industry Co., Ltd"); a name
    ends where a word ends, and the longest name at a position wins.
    """
    root: dict[str, Any] = {}
    for words in spellings:
        node = root
        for char in _STEP.join(words):
            node = node.setdefault(char, {})
        node[""] = True

    def branch(node: dict[str, Any]) -> str:
        options = []
        for char, child in sorted(node.items(), key=lambda kv: kv[0] == ""):
            if char == "":
                options.append(r"(?![^\W_])")
            elif char == _STEP:
                options.append(r"[\W_]+" + branch(child))
            else:
                options.append(re.escape(char) + branch(child))
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return re.compile(r"(?<![^\W_])" + branch(root))


def _is_name_word(text: str, token: _Token) -> bool:
    first = text[token.start]
    return (first.isupper() or first.isdigit()) and token.key not in _NOT_NAMES


def _capitalised_tail(text: str, tokens: list[_Token], pos: int) -> list[_Token]:
    """The run of up to four capitalised words that ends right before ``pos``."""
    span: list[_Token] = []
    limit = pos
    for token in reversed(tokens):
        gap = text[token.end : limit]
        if gap.strip(" ,") or len(span) == 4 or not (_is_name_word(text, token) or token.key == "&"):
            break
        if "," in gap and span:
            break
        span.insert(0, token)
        limit = token.start
    while span and span[0].key == "&":
        span.pop(0)
    return span


def _capitalised_head(text: str, tokens: list[_Token], pos: int) -> list[_Token]:
    """The run of up to three capitalised words that starts right at ``pos``."""
    span: list[_Token] = []
    limit = pos
    for token in tokens:
        if text[limit : token.start].strip() or len(span) == 3 or not _is_name_word(text, token):
            break
        span.append(token)
        limit = token.end
        if token.possessive:
            break
    return span


def _trim_legal(text: str, span: list[_Token]) -> str:
    """The name without abbreviated legal forms ("Marcopolo S.A." -> "Marcopolo").

    Spelled-out "Company" and "Corporation" stay, as in "Saudi Electricity Company".
    """
    words = list(span)
    while words and words[-1].key in _LEGAL_FORMS and words[-1].key not in {"company", "corporation"}:
        words.pop()
    while words and words[0].key in _NOT_NAMES:
        words.pop(0)
    if not words or all(w.key in _COMPANY_WORDS for w in words):
        return ""  # "Automobile" alone is a word, not a name
    return text[words[0].start : words[-1].end]


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
