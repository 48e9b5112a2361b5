"""The webhook platform: generic JSON webhooks, signed with HMAC-SHA256; it answers no commands."""

from __future__ import annotations

from ...core.ports import Notifier
from ...core.settings import Settings
from .notifier import WebhookNotifier
from .settings import SECRET, WebhookSettings


class WebhookPlatform:
    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        routes = [r for r in settings.routes if r.platform == self.name]
        secrets = {
            r.webhook_url: value
            for r in routes
            if (name := getattr(r, "secret_env", "")) and (value := settings.secrets.named.get(name))
        }
        self.notifier: Notifier = WebhookNotifier(
            secrets={url: secret.get_secret_value() for url, secret in secrets.items()},
            default_secret=settings.secret(SECRET),
            timeout=settings.section(self.name, WebhookSettings).timeout,
        )

    async def start(self, *, server: object, commands: object, leases: object = None) -> None:
        return None

    async def stop(self) -> None:
        await self.notifier.close()


def build(settings: Settings) -> WebhookPlatform | None:
    """The webhook platform when a route posts to a webhook; None otherwise."""
    return WebhookPlatform(settings) if any(r.platform == "webhook" for r in settings.routes) else None
