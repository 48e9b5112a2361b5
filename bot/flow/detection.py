"""Loading the company knowledge and the handlers named in configuration, and running them."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from handlers import Handler, HandlerContext
from handlers.company_data import CompanyDataError, load_company_data

from ..core.errors import ConfigError
from ..core.models import Company, Detection, Item
from ..core.settings import DEFAULT_HANDLERS as DEFAULT_HANDLERS

_BUNDLED_CONFIG = Path(__file__).resolve().parents[2] / "config"


def config_file(name: str, configured: str = "") -> Path:
    """A data file or folder from config/: the configured path, else the copy bundled with evradar."""
    if configured:
        path = Path(configured).expanduser()
        if not path.exists():
            raise ConfigError(f"the file {configured} does not exist; fix the path in your configuration")
        return path
    for base in (Path.cwd() / "config", _BUNDLED_CONFIG):
        if (base / name).exists():
            return base / name
    raise ConfigError(f"config/{name} is missing; reinstall evradar or point the configuration at a copy")


def load_companies(path: Path) -> tuple[Company, ...]:
    """Read the company knowledge strictly: a folder of sector files, or one file.

    Any problem in the data is a configuration error that lists every problem as
    ``file:line: message``.
    """
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        raise ConfigError(f"{path} holds no company files (*.toml); point the configuration at config/companies/")
    texts: dict[str, str] = {}
    for file in files:
        try:
            texts[str(file)] = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file} cannot be read ({exc}); check the file and its permissions") from exc
    try:
        return load_company_data(texts)
    except CompanyDataError as exc:
        raise ConfigError(f"{exc}\nFix these lines; `evradar companies check` lists them again.") from exc


def load_handlers(specs: Sequence[str], companies: tuple[Company, ...]) -> list[Handler]:
    """Build each handler named as "module:Class" with the company knowledge."""
    context = HandlerContext(companies=companies)
    handlers: list[Handler] = []
    for spec in specs:
        module_name, _, class_name = spec.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigError(f"handler {spec!r} cannot be loaded ({exc}); name it as module:Class") from exc
        handlers.append(factory(context))
    return handlers


def detect(handlers: Sequence[Handler], item: Item) -> Detection | None:
    """The strongest detection any handler makes for the item."""
    found = [d for h in handlers if (d := h.detect(item)) is not None]
    return max(found, key=lambda d: d.score, default=None)
