"""`evradar companies check|find` as users run them: real files, real exit statuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fakes import clean_environment


def _evradar(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = clean_environment()
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_check_passes_on_the_bundled_data_and_counts_every_sector_file() -> None:
    result = _evradar("companies", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found." in result.stdout
    for name in ("automakers.toml", "batteries.toml", "battery_materials.toml", "charging.toml", "mobility.toml"):
        assert name in result.stdout
    total = int(result.stdout.split(" companies, ")[0].split()[-1])
    assert total >= 2000


def test_check_names_file_and_line_of_each_problem(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        '[[company]]\nname = "Acme Motors"\naliases = ["Acme"]\nsector = "automaker"\n\n'
        '[[company]]\nname = "Acme Cells"\naliases = ["Acme"]\nsector = "battery"\n'
        'parent = "Nobody"\ncolour = "red"\n',
        encoding="utf-8",
    )
    result = _evradar("companies", "check", "--companies", str(tmp_path))
    assert result.returncode == 2
    out = " ".join(result.stdout.split())
    assert "a.toml:" in out
    assert "Nobody" in out and "colour" in out and "Acme" in out
    assert "No problems found." not in out


def test_find_says_which_companies_a_text_names_and_why() -> None:
    result = _evradar("companies", "find", "LG will build a battery plant with Honda; 小米汽车 talks with GWM")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "LG Energy Solution" in out and "battery context" in out
    assert "Honda" in out and "Great Wall Motor" in out and "Xiaomi" in out


def test_find_reads_standard_input_and_refuses_an_empty_text() -> None:
    assert "Stellantis" in _evradar("companies", "find", stdin="Stellantis buys into Leapmotor").stdout
    empty = _evradar("companies", "find", stdin="  ")
    assert empty.returncode == 1
    assert "give a text to read" in empty.stderr
