"""`evradar digest send`: a digest of the time asked for, posted now to the digest routes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.fakes import clean_environment, store_with_deals


@pytest.fixture(autouse=True)
def _no_evradar_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` reads this process's environment: only the file given may configure it here."""
    for name in set(os.environ) - set(clean_environment()):
        monkeypatch.delenv(name)


def _config(tmp_path: Path, database: str) -> str:
    path = tmp_path / "evradar.toml"
    path.write_text(
        f'[storage]\nurl = "{database}"\n[server]\nenabled = false\n'
        '[[routes]]\nname = "morning"\nplatform = "console"\ndigest = "daily 08:00"\ntimezone = "Europe/Berlin"\n',
        encoding="utf-8",
    )
    return str(path)


def test_digest_send_posts_the_last_day_to_the_console(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = f"sqlite:///{tmp_path / 'evradar.db'}"
    now = time.time()
    deals = (
        (("Xiaomi", "Great Wall Motor"), "manufacturing", "talks", now - 3600),
        (("Tesla", "Panasonic"), "supply", "announced", now - 3 * 86400),  # older than the day asked for
    )
    store_with_deals(database, deals).close()
    config = _config(tmp_path, database)
    assert main(["digest", "send", "--config", config, "--since", "24h"]) == 0
    out = capsys.readouterr().out
    assert "evradar digest: 1 partnership" in out and "Xiaomi + Great Wall Motor (in talks)" in out
    assert "Panasonic" not in out and "Digest for morning: sent." in out


def test_digest_send_names_an_unknown_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, f"sqlite:///{tmp_path / 'evradar.db'}")
    assert main(["digest", "send", "--config", config, "--route", "evening"]) != 0
    assert "No digest route named evening" in capsys.readouterr().err
