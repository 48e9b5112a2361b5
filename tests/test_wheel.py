"""evradar installed from its wheel (not editable, not cloned) works from any folder: the bundled
configuration, company knowledge and samples travel inside the wheel."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakes import clean_environment

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]  # one worker builds the wheel once
SOURCES = ("bot", "handlers", "config", "pyproject.toml", "setup.py", "README.md")


def _run(*args: str | Path, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = clean_environment()
    env.pop("PYTHONPATH", None)
    command = [str(a) for a in args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `evradar` script of a fresh venv with the wheel installed; its dependencies come from this venv."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SOURCES:  # a copy, so the build leaves no build/ folder in the clone
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, source / name)
    pip = (sys.executable, "-m", "pip")
    built = _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", work, ".", cwd=source)
    assert built.returncode == 0, built.stderr
    fresh = work / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work).stdout.strip()
    # The dependencies, not evradar itself: an editable install's finder is a .pth that is not read from here.
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(work.glob("evradar-*.whl"))
    done = _run(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=work)
    assert done.returncode == 0, done.stderr
    return fresh / "bin" / "evradar"


def test_classify_from_another_folder_gives_a_real_verdict(installed: Path, tmp_path: Path) -> None:
    story = {
        "id": "s1",
        "title": "Stellantis takes 21% stake in Leapmotor",
        "summary": "Stellantis will buy about 21% of Chinese EV maker Leapmotor for 1.5 billion euros.",
    }
    result = _run(installed, "classify", cwd=tmp_path, stdin=json.dumps(story) + "\n")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["alert"] is True and {"Stellantis", "Leapmotor"} <= set(verdict["partners"])


def test_the_bundled_configuration_and_demo_are_found(installed: Path, tmp_path: Path) -> None:
    shown = _run(installed, "config", "check", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    config_path = json.loads(shown.stdout)["config_path"]
    assert "site-packages" in config_path and config_path.endswith("evradar_config/evradar.toml")
    demo = Path(config_path).with_name("demo.toml")
    ran = _run(installed, "run", "--once", "--config", demo, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert "Stellantis × Leapmotor" in ran.stdout


def test_the_web_pages_templates_company_files_and_model_are_in_the_installed_package(installed: Path) -> None:
    python = installed.with_name("python")
    script = (
        "import importlib.resources as r; "
        "print(r.files('bot.run').joinpath('templates/base.html').is_file(), "
        "len(list(r.files('evradar_config').joinpath('companies').iterdir())), "
        "r.files('handlers').joinpath('second_opinion.json').is_file())"
    )
    shown = _run(python, "-c", script, cwd=installed.parent)
    assert shown.returncode == 0, shown.stderr
    has_templates, company_files, has_model = shown.stdout.split()
    assert has_templates == "True"
    assert int(company_files) >= 14
    assert has_model == "True"
