"""Files evradar hands over: the network's links from the store, the picture, and the events table."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from bot.chat.commands import Attachment, Commands, Refused, Request
from bot.chat.files import Files, cell, parse_since, slug, table
from bot.chat.lookup import Lookup
from bot.core.models import Company
from bot.store import listing
from handlers.companies import CompanyIndex
from tests.fakes import DEALS, store_with_deals

YEAR = 365 * 86400.0
CHAIN = (
    *DEALS,
    (("Great Wall Motor", "CATL"), "supply", "announced", 2 * YEAR),
    (("BYD", "CATL"), "supply", "ended", 3 * YEAR),
)


@pytest.fixture
def lookup(database_url: str, companies: tuple[Company, ...]) -> Lookup:
    return Lookup(store_with_deals(database_url, CHAIN), CompanyIndex(companies), clock=lambda: 3 * YEAR + 10)


def test_links_one_and_two_hops_with_sectors_and_years(lookup: Lookup) -> None:
    files = Files(lookup, clock=lookup.clock)
    near = files.links("Great Wall Motor")
    assert sorted((link.a, link.b) for link in near) == [
        ("Great Wall Motor", "CATL"),
        ("Xiaomi", "Great Wall Motor"),
    ]
    assert {link.year for link in near} == {1970, 1972}
    assert next(link for link in near if link.b == "CATL").sector_b == "battery"
    far = {(link.a, link.b) for link in files.links("Great Wall Motor", depth=2)}
    assert far >= {("Xiaomi", "BAIC"), ("BYD", "CATL")}
    recent = files.links("Great Wall Motor", since=YEAR + 100)  # only the deal published in the last year or so
    assert [(link.a, link.b) for link in recent] == [("Great Wall Motor", "CATL")]


def test_find_events_filters_and_dates(lookup: Lookup) -> None:
    def find(**wanted: object) -> list[tuple[str, ...]]:
        rows = lookup.store.run(lambda c: listing.find_events(c, listing.EventFilter(**wanted)))  # type: ignore[arg-type]
        return [r.partners for r in rows]

    assert find()[0] == ("BYD", "CATL")
    assert find(companies=("catl",)) == [("BYD", "CATL"), ("Great Wall Motor", "CATL")]
    assert find(kind="supply", stage="ended") == [("BYD", "CATL")]
    assert find(text="wall 100%") == []  # % is a character to look for, not a wildcard
    assert find(text="great wall") == [("Great Wall Motor", "CATL"), ("Xiaomi", "Great Wall Motor")]
    assert find(since=2 * YEAR, until=3 * YEAR) == [("Great Wall Motor", "CATL")]
    assert len(find(limit=2, offset=1)) == 2
    (row,) = lookup.store.run(lambda c: listing.find_events(c, listing.EventFilter(kind="investment")))
    assert row.first_published == datetime.fromtimestamp(300.0, tz=UTC) and row.sources[0].source == "Wire"


def test_picture_and_sentences_instead_of_empty_pictures(lookup: Lookup) -> None:
    files = Files(lookup, clock=lookup.clock)
    picture = files.graph("GWM", fmt="svg", depth=2)
    assert isinstance(picture, Attachment)
    assert picture.filename == "great-wall-motor-network.svg" and picture.content_type == "image/svg+xml"
    assert b"BAIC" in picture.data and "4 companies" in picture.message
    assert files.graph("Leapmotor", since=30 * 86400) == (
        "evradar has no partnership events of Leapmotor in that period yet, so there is no network to draw."
    )
    assert "Did you mean" in str(files.graph("Xiaom Motors Corp"))


def test_chat_commands_answer_with_files_or_words(lookup: Lookup) -> None:
    commands = Commands(lookup)
    answer = commands.answer(Request("graph xiaomi", "test", "C1", "U1"))
    assert isinstance(answer, Attachment) and answer.data.startswith(b"\x89PNG")
    assert commands.answer(Request("graph", "test", "C1", "U1")) == Refused(
        "Name a company to draw, e.g. `/evradar graph xiaomi`."
    )
    assert isinstance(commands.answer(Request("graph Rivian", "test", "C1", "U1")), Refused)
    exported = commands.answer(Request("export catl", "test", "C1", "U1"))
    assert isinstance(exported, Attachment) and exported.filename == "evradar-events-catl.csv"


def test_csv_cells_never_start_a_formula() -> None:
    assert [cell(t) for t in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "Xiaomi", "")] == [
        "'=HYPERLINK(1)",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Xiaomi",
        "",
    ]


def test_csv_quotes_commas_quotes_and_newlines_so_spreadsheets_read_one_row_per_event() -> None:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    source = listing.SourceRow("t", "https://a/1", "Wire", when)
    row = listing.EventRow(
        7, ("Renault", "Nissan"), "other", "ended", 0.9, 'Say "no", then\nleave', "https://a/1",
        "=cmd|' /C calc'!A0", when, when, (source, source),
    )  # fmt: skip
    data = table([row], "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header, parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert dict(zip(header, parsed, strict=True)) == {
        "id": "7",
        "partners": "Renault | Nissan",
        "kind": "other",
        "stage": "ended",
        "first_published": "2024-05-01",
        "last_published": "2024-05-01",
        "sources": "2",
        "title": 'Say "no", then\nleave',
        "evidence": "'=cmd|' /C calc'!A0",
        "links": "https://a/1",
    }


def test_periods_and_file_names() -> None:
    assert parse_since("2y") == 2 * YEAR and parse_since("6w") == 42 * 86400 and parse_since("30d") == 30 * 86400
    with pytest.raises(ValueError, match="not a period such as 30d"):
        parse_since("soon")
    assert slug("Great Wall Motor") == "great-wall-motor" and slug("小米") == "company"


def test_commands_that_draw_nothing_do_not_import_matplotlib() -> None:
    code = "import sys, bot.cli.main, bot.run.app, bot.chat.commands; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
