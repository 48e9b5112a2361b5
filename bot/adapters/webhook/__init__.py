"""Generic JSON webhooks: each alert and update POSTed as JSON, signed with HMAC-SHA256 in
``X-Evradar-Signature: sha256=…`` when EVRADAR_WEBHOOK_SECRET (or the route's ``secret_env``) is set."""

from __future__ import annotations

from rich.console import Console

from ...core.settings import PlatformSchema, RouteField, Settings
from ..plugin import Platform, Plugin
from .platform import build
from .settings import SECRET, WebhookSettings, check_route


def _build(settings: Settings, console: Console) -> Platform | None:
    return build(settings)


PLUGIN = Plugin(
    schema=PlatformSchema(
        "webhook",
        WebhookSettings,
        secrets=(SECRET,),
        check_route=check_route,
        route_fields=(RouteField("secret_env", names_secret=True),),
    ),
    build=_build,
    pace=0.0,  # a receiver of our own sets its own limits and says so with 429 and Retry-After
)
