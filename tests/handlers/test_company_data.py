"""The strict company-data loader: every problem named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.flow.detection import config_file, load_companies
from bot.core.errors import ConfigError
from handlers.company_data import CompanyDataError, load_company_data, read_company_data
from handlers.company_report import check_companies

GOOD = """\
# carmakers
[[company]]
name = "Great Wall Motor"
aliases = ["GWM", "长城汽车"]
tickers = ["2333.HK"]
sector = "automaker"
country = "CN"
parent = ""
exclude = []

[[company]]
name = "Haval"
aliases = []
tickers = []
sector = "automaker"
country = "CN"
parent = "Great Wall Motor"
exclude = []
"""


def _problems(files: dict[str, str]) -> list[str]:
    with pytest.raises(CompanyDataError) as raised:
        load_company_data(files)
    return [str(p) for p in raised.value.problems]


def _entry(line: str, *, name: str = "Acme", sector: str = "supplier") -> str:
    return f'\n[[company]]\nname = "{name}"\nsector = "{sector}"\n{line}\n'


def test_good_data_loads_with_every_field() -> None:
    companies = load_company_data({"automakers.toml": GOOD})
    assert [c.name for c in companies] == ["Great Wall Motor", "Haval"]
    assert companies[0].aliases == ("GWM", "长城汽车")
    assert companies[0].tickers == ("2333.HK",)
    assert companies[1].parent == "Great Wall Motor"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[company]]\nname = "Acme"\nsector = "supplier"\nalias = ["A"]\n', "a.toml:4: unknown key 'alias'"),
        ('[[company]]\nsector = "supplier"\n', "a.toml:1: this company has no name"),
        ('[[company]]\nname = "  "\nsector = "supplier"\n', "a.toml:2: this company has an empty name"),
        ('[[company]]\nname = 7\nsector = "supplier"\n', "a.toml:2: this company has a name that is a int"),
        (
            '[[company]]\nname = "Acme"\nsector = "bakery"\n',
            "a.toml:3: company 'Acme' has unknown sector 'bakery'",
        ),
        ('[[company]]\nname = "Acme"\n', "a.toml:1: company 'Acme' has no sector"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\naliases = "Acme Co"\n', "a.toml:4: aliases of"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\ntickers = [1]\n', "a.toml:4: tickers of"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\ncountry = 1\n', "a.toml:4: country of"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\ncountry = "China"\n', "a.toml:4: country 'China'"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\ntickers = ["ACME.XX"]\n', "a.toml:4: ticker 'ACME.XX'"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\naliases = ["--"]\n', "a.toml:4: aliases of"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\nparent = "Nobody"\n', "a.toml:4: parent 'Nobody'"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\nparent = "Acme"\n', "a.toml:4: Acme names itself"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\n[owner]\nname = "x"\n', "a.toml:4: unknown top-level"),
        ('[[company]]\nname = "Acme"\nsector = "supplier"\naliases = [\n', "a.toml:4: this is not valid TOML"),
    ],
)
def test_each_problem_names_file_and_line(text: str, expected: str) -> None:
    problems = _problems({"a.toml": text})
    assert any(p.startswith(expected) for p in problems), problems


def test_problems_between_companies_name_both_places() -> None:
    first = GOOD
    second = (
        '[[company]]\nname = "Great Wall Motor"\nsector = "automaker"\n'  # 1-3: the same name again
        '\n[[company]]\nname = "Wey"\naliases = [\n  "Wey Motor",\n  "great-wall motor",\n]\n'  # 5-10
        'tickers = ["02333.HK"]\nsector = "automaker"\n'  # 11-12: GWM's ticker, with a leading zero
        '\n[[company]]\nname = "Ora"\nsector = "automaker"\nexclude = ["Haval"]\n'  # 14-17
    )
    problems = _problems({"automakers.toml": first, "brands.toml": second})
    assert problems == [
        "brands.toml:1: company 'Great Wall Motor' is written twice (also at automakers.toml:2); "
        "merge the entries",
        "brands.toml:9: the alias 'great-wall motor' of Wey is also the name of Great Wall Motor "
        "(automakers.toml:3); give it to one company",
        "brands.toml:11: ticker '02333.HK' of Wey is also Great Wall Motor's (automakers.toml:2); "
        "keep it on one company",
        "brands.toml:17: exclude phrase 'Haval' of Ora is a spelling of Haval; drop it from exclude",
    ]


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = _entry('country = "China"') + _entry('parent = "Nobody"', name="Bolt Co") + _entry("", name="")
    problems = _problems({"a.toml": text})
    assert len(problems) == 3
    assert [p.split(":")[1] for p in problems] == ["5", "10", "13"]


def test_short_capitalised_aliases_claim_only_their_own_spelling() -> None:
    text = (
        '[[company]]\nname = "General Motors"\naliases = ["GM"]\nsector = "automaker"\n'
        '[[company]]\nname = "Gm Holdings"\naliases = ["Gm"]\nsector = "other"\n'
        '[[company]]\nname = "Gamma"\naliases = ["GM"]\nsector = "other"\n'
    )
    problems = _problems({"a.toml": text})
    assert problems == [
        "a.toml:11: the alias 'GM' of Gamma is also an alias of General Motors (a.toml:3); give it to one company"
    ]


def test_a_parent_written_as_an_alias_is_named_by_its_canonical_name() -> None:
    text = GOOD + _entry('parent = "GWM"', name="Ora", sector="ev_maker")
    assert any("write its canonical name 'Great Wall Motor'" in p for p in _problems({"a.toml": text}))


def test_a_parent_loop_is_a_problem() -> None:
    text = _entry('parent = "Beta"', name="Alpha") + _entry('parent = "Alpha"', name="Beta")
    assert sum("leads back" in p for p in _problems({"a.toml": text})) == 2


def test_what_can_be_read_is_kept_next_to_the_problems() -> None:
    data = read_company_data({"a.toml": GOOD + _entry('country = "China"')})
    assert [c.name for c in data.companies] == ["Great Wall Motor", "Haval", "Acme"]
    assert [o.line for o in data.origins] == [2, 11, 20]
    assert len(data.problems) == 1


def test_load_companies_turns_problems_into_one_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "automakers.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('[[company]]\nname = "Acme"\nsector = "bakery"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_companies(tmp_path)
    assert f"{tmp_path / 'broken.toml'}:3: company 'Acme' has unknown sector 'bakery'" in str(raised.value)
    (tmp_path / "broken.toml").unlink()
    assert len(load_companies(tmp_path)) == 2


def test_check_counts_files_sectors_and_names() -> None:
    report = check_companies({"automakers.toml": GOOD, "b.toml": _entry('country = "DE"')})
    assert report.ok
    assert report.companies == 3
    assert [(f.file, f.companies) for f in report.files] == [("automakers.toml", 2), ("b.toml", 1)]
    assert dict(report.sectors)["automaker"] == 2
    assert dict(report.sectors)["battery"] == 0
    assert report.countries[0] == ("CN", 2)
    assert (report.aliases, report.tickers, report.local_script_names) == (2, 1, 1)


def test_check_lists_problems_instead_of_raising() -> None:
    report = check_companies({"a.toml": _entry('country = "China"')})
    assert not report.ok
    assert str(report.problems[0]).startswith("a.toml:5: country 'China'")


def test_bundled_company_data_passes_the_strict_loader() -> None:
    folder = config_file("companies")
    report = check_companies({str(f): f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.toml"))})
    assert report.problems == (), "\n".join(str(p) for p in report.problems)
    assert report.companies >= 800
