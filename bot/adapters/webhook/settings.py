"""The [webhook] section of the settings, the webhook secret, and what a webhook route needs."""

from __future__ import annotations

from ...core.settings import Duration, RouteSettings, Section

SECRET = "evradar_webhook_secret"  # EVRADAR_WEBHOOK_SECRET signs every webhook without a secret_env of its own


class WebhookSettings(Section):
    timeout: Duration = 15  # one post; a slower one counts as failed and is retried from the outbox


def check_route(route: RouteSettings) -> None:
    if not route.webhook_url:
        raise ValueError("a webhook route needs a webhook_url (the https URL evradar POSTs each alert to)")
    if route.channel:
        raise ValueError("a webhook route has no channel; give only its webhook_url")
