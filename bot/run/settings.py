"""The settings of this evradar: the core sections plus every registered platform's section and secrets.

``Settings`` here is :class:`bot.core.settings.Settings` composed with :data:`bot.adapters.PLATFORMS`;
type hints elsewhere name the core class, which every composed one is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

Settings = core.compose([plugin.schema for plugin in PLATFORMS.values()], fallback=FALLBACK)
RouteSettings: Any = Settings.model_fields["routes"].annotation.__args__[0]  # type: ignore[union-attr]
Secrets: Any = Settings.model_fields["secrets"].annotation


def load_settings(path: str | None = None, *, env: Mapping[str, str]) -> core.Settings:
    """The settings from the file and ``env`` (see :func:`bot.core.loading.load_settings`)."""
    return loading.load_settings(path, env=env, schema=Settings)
