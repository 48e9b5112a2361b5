"""`evradar graph`, `evradar export`, and `evradar run` refusing open pages: subprocesses, real exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import clean_environment, store_with_deals


def _evradar(cwd: Path, db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = clean_environment() | {"EVRADAR_STORAGE__URL": f"sqlite:///{db}", "COLUMNS": "200"} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "deals.db"
    store_with_deals(f"sqlite:///{path}").close()
    return path


def test_graph_writes_the_picture_next_to_the_user_by_default(tmp_path: Path, db: Path) -> None:
    result = _evradar(tmp_path, db, "graph", "Great", "Wall", "Motor")
    assert result.returncode == 0, result.stderr
    written = tmp_path / "great-wall-motor-network.png"
    assert written.read_bytes().startswith(b"\x89PNG")
    assert f"Written to {written}" in " ".join(result.stdout.split())


def test_graph_to_svg_with_depth_two(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "gwm.svg"
    result = _evradar(tmp_path, db, "graph", "GWM", "--depth", "2", "--out", str(out), "--since", "100y")
    assert result.returncode == 0, result.stderr
    svg = out.read_text()
    assert all(name in svg for name in ("Great Wall Motor", "Xiaomi", "BAIC"))  # BAIC is two hops away


def test_graph_without_events_says_so_and_writes_nothing(tmp_path: Path, db: Path) -> None:
    for args in (("BYD",), ("Nobody", "Motors"), ("xiaomi", "--since", "30d")):
        result = _evradar(tmp_path, db, "graph", *args)
        assert result.returncode == 1
        assert "no partnership events of" in result.stdout or "knows no company" in result.stdout
    assert list(tmp_path.glob("*.png")) == []
    bad = _evradar(tmp_path, db, "graph", "xiaomi", "--out", str(tmp_path / "x.gif"))
    assert bad.returncode == 1 and ".png or .svg" in bad.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_formats(tmp_path: Path, db: Path, fmt: str) -> None:
    out = tmp_path / f"events.{fmt}"
    result = _evradar(tmp_path, db, "export", "--format", fmt, "--company", "xiaomi", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_bytes().decode("utf-8-sig")
    if fmt == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf") and len(text.splitlines()) == 3
        return
    rows = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    assert [r["partners"] for r in rows] == [["Xiaomi", "BAIC"], ["Xiaomi", "Great Wall Motor"]]
    assert set(rows[0]) >= {"kind", "stage", "first_published", "last_published", "sources", "evidence", "links"}


def test_export_to_standard_output_and_nothing_to_export(tmp_path: Path, db: Path) -> None:
    result = _evradar(tmp_path, db, "export", "--format", "jsonl")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 3
    empty = _evradar(tmp_path, db, "export", "--since", "1d")  # the deals are from 1970
    assert empty.returncode == 1 and "nothing to export" in empty.stderr


def test_run_refuses_open_pages_off_loopback_before_writing_anything(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    result = _evradar(tmp_path, db, "run", EVRADAR_SERVER__HOST="0.0.0.0")
    assert result.returncode == 2
    assert "EVRADAR_WEB_TOKEN is not set" in " ".join(result.stderr.split())
    assert not db.exists()
