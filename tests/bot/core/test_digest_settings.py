"""Digest keys in the configuration: checked when it is read, with errors that name the route."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.run.app import digest_routes
from bot.run.settings import load_settings
from handlers.companies import CompanyIndex


def _load(tmp_path: Path, route: str, polling: str = "") -> object:
    path = tmp_path / "evradar.toml"
    path.write_text(f'[polling]\n{polling}\n[[routes]]\nplatform = "console"\n{route}\n', encoding="utf-8")
    return load_settings(str(path), env={})


def test_a_bad_schedule_is_refused_naming_the_route(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, 'name = "morning"\ndigest = "dialy 8am"')
    said = str(caught.value)
    assert "route 'morning'" in said and "daily 08:00" in said and "weekly mon 08:00" in said


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="IANA"):
        _load(tmp_path, 'digest = "daily 08:00"\ntimezone = "Mars/Olympus"')
    with pytest.raises(ConfigError, match=r"polling\.timezone"):
        _load(tmp_path, 'digest = "daily 08:00"', polling='timezone = "Nowhere"')


def test_a_route_takes_its_own_time_zone_else_the_pollings(tmp_path: Path) -> None:
    settings = _load(tmp_path, 'name = "m"\ndigest = "weekly mon 07:30"', polling='timezone = "Asia/Shanghai"')
    [route] = digest_routes(settings, CompanyIndex(()))  # type: ignore[arg-type]
    assert (route.name, str(route.zone), route.schedule.weekly, route.schedule.hour) == (
        "m",
        "Asia/Shanghai",
        True,
        7,
    )
    settings = _load(tmp_path, 'digest = "daily 08:00"\ntimezone = "Europe/Berlin"')
    [route] = digest_routes(settings, CompanyIndex(()))  # type: ignore[arg-type]
    assert (route.name, str(route.zone)) == ("console-1", "Europe/Berlin")
