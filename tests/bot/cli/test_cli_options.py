"""Options as users type them: `--config` before or after the command, messages with brackets intact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fakes import clean_environment


def _evradar(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = clean_environment()
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=False,
    )


def test_config_before_or_after_the_command_is_the_file_in_use() -> None:
    for args in (
        ("--config", "config/demo.toml", "config", "check"),
        ("config", "check", "--config", "config/demo.toml"),
    ):
        result = _evradar(*args)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["storage"]["url"] == "sqlite://", args  # the demo's throwaway database


def test_a_configuration_problem_keeps_its_brackets(tmp_path: Path) -> None:
    config = tmp_path / "evradar.toml"
    config.write_text('[polling]\ninterval = "[soon]"\n', encoding="utf-8")
    result = _evradar("config", "check", "--config", str(config), COLUMNS="200")
    assert result.returncode == 2
    assert "[soon]" in result.stderr
