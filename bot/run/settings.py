"""The settings of this evradar: the core sections plus every registered platform's section and secrets.

``Settings`` here is :class:`bot.core.settings.Settings` composed with :data:`bot.adapters.PLATFORMS`;
type hints elsewhere name the core class, which every composed one is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.companies import CompanyIndex

from ..adapters import FALLBACK, PLATFORMS
from ..core import loading
from ..core import settings as core
from ..core.loading import describe as describe
from ..core.settings import ClusterSettings as ClusterSettings
from ..core.settings import DetectionSettings as DetectionSettings
from ..core.settings import FeedSettings as FeedSettings
from ..core.settings import PollingSettings as PollingSettings
from ..core.settings import ServerSettings as ServerSettings
from ..core.settings import StorageSettings as StorageSettings
from ..flow.detection import config_file, load_companies

Settings = core.compose([plugin.schema for plugin in PLATFORMS.values()], fallback=FALLBACK)
RouteSettings: Any = Settings.model_fields["routes"].annotation.__args__[0]  # type: ignore[union-attr]
Secrets: Any = Settings.model_fields["secrets"].annotation


def load_settings(path: str | None = None, *, env: Mapping[str, str]) -> core.Settings:
    """The settings from the file and ``env`` (see :func:`bot.core.loading.load_settings`)."""
    return loading.load_settings(path, env=env, schema=Settings)


def check_settings(settings: core.Settings) -> list[str]:
    """What the settings cannot work with beyond their own types: each platform's checks of its routes
    (webhook shapes, tokens a route needs) and route company filters naming no known company.
    One sentence per problem, each starting with its key path."""
    problems = [problem for plugin in PLATFORMS.values() for problem in plugin.check(settings)]
    return problems + _unknown_companies(settings)


def _unknown_companies(settings: core.Settings) -> list[str]:
    filtered = [(n, r) for n, r in enumerate(settings.routes) if r.companies]
    if not filtered:
        return []
    path = config_file("companies", settings.detection.companies)
    index = CompanyIndex(load_companies(path))
    return [
        f"routes[{n}].companies[{i}]: no company called {name!r} is known (by name, alias or ticker in {path}); "
        "fix the spelling or add the company there"
        for n, route in filtered
        for i, name in enumerate(route.companies)
        if name.strip() and not index.resolve(name)
    ]
