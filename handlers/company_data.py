"""Reading the company knowledge strictly: TOML texts in, companies or every problem out.

The data is one TOML file per sector of ``[[company]]`` tables. Nothing here reads files:
callers pass ``{file name: text}``, so the same checks serve loading, ``evradar companies
check`` and tests. tomllib gives no line numbers, so each table's line is found by scanning
the text, and each problem is reported as ``file:line: message``.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.models import SECTORS, Company

from ._words import alias_key, is_strict

__all__ = [
    "KEYS",
    "CompanyData",
    "CompanyDataError",
    "Problem",
    "Source",
    "load_company_data",
    "read_company_data",
]

KEYS = ("name", "aliases", "tickers", "sector", "country", "parent", "exclude")
_LISTS = ("aliases", "tickers", "exclude")
_TABLE = re.compile(r"^[ \t]*\[\[[ \t]*company[ \t]*\]\]", re.MULTILINE)
_DECODE_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_COUNTRY = re.compile(r"[A-Z]{2}")
_TICKER = re.compile(r"[A-Z0-9][A-Z0-9&\-]*(?:\.[A-Z]{1,2})?")
# Exchange suffixes as Reuters writes them; one letter is a US share class ("BRK.B").
SUFFIXES = frozenset(
    "HK SS SZ T KS KQ NS BO DE F PA L TO V AX SI BK JK MI MC SW TW TWO VN HM ST AS BR IS SA SR NZ OL HE CO LS VI "
    "WA PR KL MX TA QA AD DU JO CA".split()
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the data, where it is written."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a company's table starts."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class CompanyData:
    """The companies that could be read, where each is written, and every problem found."""

    companies: tuple[Company, ...]
    origins: tuple[Source, ...] = ()  # where each company is written, in the same order
    problems: tuple[Problem, ...] = ()


class CompanyDataError(ValueError):
    """The company data has problems; ``problems`` lists all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"the company data has {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([head + ":", *(str(p) for p in self.problems)]))


def load_company_data(files: Mapping[str, str]) -> tuple[Company, ...]:
    """The companies in ``{file name: TOML text}``; raise CompanyDataError listing every problem."""
    data = read_company_data(files)
    if data.problems:
        raise CompanyDataError(data.problems)
    return data.companies


def read_company_data(files: Mapping[str, str]) -> CompanyData:
    """Read every file, keep what is well-formed, and collect every problem in file order."""
    problems: list[Problem] = []
    entries: list[_Entry] = []
    for file in sorted(files):
        entries += _read_file(file, files[file], problems)
    _check_across(entries, problems)
    read = [e for e in entries if e.company is not None]
    origins = tuple(Source(e.file, e.line) for e in read)
    problems.sort(key=lambda p: (p.file, p.line))
    return CompanyData(tuple(_of(e) for e in read), origins, tuple(problems))


@dataclass(slots=True)
class _Entry:
    """One ``[[company]]`` table, the lines it spans, and the company it makes (if well-formed)."""

    file: str
    line: int
    lines: list[str]
    company: Company | None = None

    def key_line(self, key: str) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((self.line + i for i, text in enumerate(self.lines) if pattern.match(text)), self.line)

    def value_line(self, key: str, value: str) -> int:
        """The line where ``value`` is written as a string, else the key's line."""
        start = self.key_line(key) - self.line
        quoted = (f'"{value}"', f"'{value}'")
        for i, text in enumerate(self.lines[start:], start=start):
            if any(q in text for q in quoted):
                return self.line + i
        return self.key_line(key)

    def problem(self, line: int, message: str) -> Problem:
        return Problem(self.file, line, message)


def _read_file(file: str, text: str, problems: list[Problem]) -> list[_Entry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _DECODE_LINE.search(message)
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))  # "at end of document"
        problems.append(Problem(file, line, f"this is not valid TOML: {_DECODE_LINE.sub('', message)}"))
        return []
    lines = text.splitlines()
    for key in data:
        if key != "company":
            at = next((i + 1 for i, t in enumerate(lines) if re.match(rf"^\s*\[*\s*{re.escape(key)}\b", t)), 1)
            problems.append(
                Problem(file, at, f"unknown top-level key {key!r}; write each company as a [[company]] table")
            )
    tables = data.get("company", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.append(Problem(file, 1, "'company' must be a list of [[company]] tables"))
        return []
    starts = [text.count("\n", 0, m.start()) + 1 for m in _TABLE.finditer(text)]
    if len(starts) != len(tables):
        starts = [1] * len(tables)  # an inline array of tables: no line per company
    ends = [*starts[1:], len(lines) + 1]
    entries = []
    for table, start, end in zip(tables, starts, ends, strict=True):
        entry = _Entry(file, start, lines[start - 1 : end - 1])
        entry.company = _company(table, entry, problems)
        entries.append(entry)
    return entries


def _company(table: dict[str, Any], entry: _Entry, problems: list[Problem]) -> Company | None:
    """The company a table describes, or None when its name or a value has the wrong shape."""
    name = table.get("name")
    label = f"company {name!r}" if isinstance(name, str) and name.strip() else "this company"
    ok = True
    for key in table:
        if key not in KEYS:
            hint = f"the keys are {', '.join(KEYS)}"
            problems.append(entry.problem(entry.key_line(key), f"unknown key {key!r} in {label}; {hint}"))
    if name is None:
        problems.append(entry.problem(entry.line, 'this company has no name; add name = "…"'))
        ok = False
    elif not isinstance(name, str) or not name.strip():
        what = "an empty name" if isinstance(name, str) else f"a name that is a {type(name).__name__}, not text"
        problems.append(entry.problem(entry.key_line("name"), f"this company has {what}"))
        ok = False
    elif not alias_key(name):
        problems.append(entry.problem(entry.key_line("name"), f"the name {name!r} has no letters or digits"))
        ok = False
    values: dict[str, Any] = {}
    for key in _LISTS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(entry.problem(entry.key_line(key), f"{key} of {label} must be a list of strings"))
            ok, values[key] = False, ()
            continue
        for item in value:
            if not alias_key(item):
                problems.append(
                    entry.problem(entry.value_line(key, item), f"{key} of {label} has {item!r}, which is empty")
                )
        values[key] = tuple(v.strip() for v in value if alias_key(v))
    for key in ("sector", "country", "parent"):
        value = table.get(key, "")
        if not isinstance(value, str):
            problems.append(entry.problem(entry.key_line(key), f"{key} of {label} must be a string"))
            ok = False
        values[key] = value.strip() if isinstance(value, str) else ""
    problems += _value_problems(values, entry, label)
    if not ok or not isinstance(name, str):
        return None
    return Company(name=name.strip(), **values)


def _value_problems(values: Mapping[str, Any], entry: _Entry, label: str) -> list[Problem]:
    out = []
    sector = values["sector"]
    if not sector:
        out.append(entry.problem(entry.line, f"{label} has no sector; use one of {', '.join(SECTORS)}"))
    elif sector not in SECTORS:
        out.append(
            entry.problem(
                entry.key_line("sector"), f"{label} has unknown sector {sector!r}; use one of {', '.join(SECTORS)}"
            )
        )
    country = values["country"]
    if country and not _COUNTRY.fullmatch(country):
        message = f'country {country!r} of {label} is not an ISO 3166 alpha-2 code such as "CN"'
        out.append(entry.problem(entry.key_line("country"), message))
    for ticker in values["tickers"]:
        suffix = ticker.partition(".")[2]
        if not _TICKER.fullmatch(ticker) or (len(suffix) > 1 and suffix not in SUFFIXES):
            message = f'ticker {ticker!r} of {label} is not in a form news uses ("TSLA", "2333.HK", "005930.KS")'
            out.append(entry.problem(entry.value_line("tickers", ticker), message))
    return out


@dataclass(frozen=True, slots=True)
class _Claim:
    entry: _Entry
    spelling: str
    line: int
    exact: bool
    is_name: bool


def _check_across(entries: list[_Entry], problems: list[Problem]) -> None:
    """Problems between companies: shared names, aliases and tickers, missing parents."""
    good = [e for e in entries if e.company is not None]
    names: dict[str, _Entry] = {}
    claims: dict[tuple[str, ...], list[_Claim]] = defaultdict(list)
    for entry in good:
        company = _of(entry)
        first = names.setdefault(company.name, entry)
        if first is not entry:
            where = f"{first.file}:{first.line}"
            problems.append(
                entry.problem(
                    entry.line, f"company {company.name!r} is written twice (also at {where}); merge the entries"
                )
            )
            continue
        for spelling in dict.fromkeys((company.name, *company.aliases)):
            line = entry.key_line("name") if spelling == company.name else entry.value_line("aliases", spelling)
            exact = is_strict(spelling)
            claims[alias_key(spelling)].append(_Claim(entry, spelling, line, exact, spelling == company.name))
    _check_claims(claims, problems)
    _check_excludes(good, claims, problems)
    _check_tickers(good, problems)
    _check_parents(good, names, claims, problems)


def _of(entry: _Entry) -> Company:
    assert entry.company is not None
    return entry.company


def _check_claims(claims: Mapping[tuple[str, ...], list[_Claim]], problems: list[Problem]) -> None:
    """A spelling belongs to one company; a short capitalised alias ("GM") claims only its own case."""
    for group in claims.values():
        for strict in (True, False):
            first: _Claim | None = None
            for claim in (c for c in group if c.exact == strict):
                if first is None:
                    first = claim
                elif claim.entry is not first.entry:
                    kind = "name" if claim.is_name else "alias"
                    other = "the name" if first.is_name else "an alias"
                    message = (
                        f"the {kind} {claim.spelling!r} of {_of(claim.entry).name} is also {other} of "
                        f"{_of(first.entry).name} ({first.entry.file}:{first.line}); give it to one company"
                    )
                    problems.append(claim.entry.problem(claim.line, message))


def _check_excludes(
    good: list[_Entry], claims: Mapping[tuple[str, ...], list[_Claim]], problems: list[Problem]
) -> None:
    """An exclude phrase that is another company's name would hide that company everywhere."""
    for entry in good:
        company = _of(entry)
        for phrase in company.exclude:
            owners = {_of(c.entry).name for c in claims.get(alias_key(phrase), ()) if not c.exact}
            if owners:
                owner = sorted(owners)[0]
                whose = "its own alias" if owner == company.name else f"a spelling of {owner}"
                message = f"exclude phrase {phrase!r} of {company.name} is {whose}; drop it from exclude"
                problems.append(entry.problem(entry.value_line("exclude", phrase), message))


def ticker_key(ticker: str) -> str:
    """A ticker as the index compares it: upper case, Hong Kong codes without leading zeros."""
    base, _, suffix = ticker.upper().partition(".")
    return f"{base.lstrip('0')}.HK" if suffix == "HK" else ticker.upper()


def _check_tickers(good: list[_Entry], problems: list[Problem]) -> None:
    owners: dict[str, tuple[str, _Entry]] = {}
    for entry in good:
        company = _of(entry)
        for ticker in company.tickers:
            name, first = owners.setdefault(ticker_key(ticker), (company.name, entry))
            if name != company.name:
                where = f"{first.file}:{first.line}"
                message = f"ticker {ticker!r} of {company.name} is also {name}'s ({where}); keep it on one company"
                problems.append(entry.problem(entry.value_line("tickers", ticker), message))


def _check_parents(
    good: list[_Entry],
    names: Mapping[str, _Entry],
    claims: Mapping[tuple[str, ...], list[_Claim]],
    problems: list[Problem],
) -> None:
    parents = {_of(e).name: _of(e).parent for e in good}
    for entry in good:
        company = _of(entry)
        parent, line = company.parent, entry.key_line("parent")
        if not parent:
            continue
        if parent == company.name:
            problems.append(entry.problem(line, f'{company.name} names itself as parent; set parent = ""'))
        elif parent not in names:
            known = sorted({_of(c.entry).name for c in claims.get(alias_key(parent), ())})
            hint = f"write its canonical name {known[0]!r}" if known else 'add that company or set parent = ""'
            problems.append(
                entry.problem(line, f"parent {parent!r} of {company.name} is not a company in the data; {hint}")
            )
        elif _cycles(company.name, parents):
            problems.append(
                entry.problem(
                    line, f"parent {parent!r} of {company.name} leads back to {company.name}; break the loop"
                )
            )


def _cycles(name: str, parents: Mapping[str, str]) -> bool:
    seen = {name}
    current = parents.get(name, "")
    while current:
        if current in seen:
            return current == name
        seen.add(current)
        current = parents.get(current, "")
    return False
