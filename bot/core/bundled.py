"""Where the data shipped with evradar is: the ``evradar_config`` package of an installed wheel (config/
mapped by setup.py), else the config/ folder next to the code in a clone."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

PACKAGE = "evradar_config"
_CLONE = Path(__file__).resolve().parents[2] / "config"


def bundled_config() -> Path:
    """The folder holding the bundled evradar.toml, demo.toml, companies/ and samples/."""
    try:
        found = importlib.resources.files(PACKAGE) / "evradar.toml"
    except (ModuleNotFoundError, NotADirectoryError):
        # A clone run without installing, or an editable install, whose finder serves config/ from
        # the clone itself but gives importlib.resources no folder to read.
        return _CLONE
    # Installed packages are plain folders on disk (wheels are unpacked), so the path is a real one.
    folder = Path(str(found)).parent
    return folder if (folder / "evradar.toml").is_file() else _CLONE
