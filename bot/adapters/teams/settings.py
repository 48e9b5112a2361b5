"""The [teams] section of the settings, and what a teams route's webhook_url must look like.

A Teams channel receives evradar's cards through a Workflows webhook: the "Post to a channel when a
webhook request is received" workflow (Power Automate) gives a URL such as
``https://prod-12.westeurope.logic.azure.com:443/workflows/<id>/triggers/manual/paths/invoke?…&sig=…``
or, in newer environments,
``https://<env>.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/<id>/triggers/manual/paths/invoke?…&sig=…``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, field_validator

from ...core.settings import Duration, RouteSettings, Section, Settings

# Where Workflows trigger URLs live (Azure Logic Apps for Power Automate, and the Power Platform API).
TEAMS_HOSTS = ("logic.azure.com", "api.powerplatform.com")
# Office 365 connector webhooks, which Microsoft retired in favour of Workflows; they take no such cards.
_CONNECTOR_HOSTS = ("webhook.office.com", "outlook.office.com", "outlook.office365.com")
_TRIGGER_PATH = re.compile(r"(?:/[^/]+)*/workflows/[^/]+/triggers/[^/]+/paths/invoke/?")
_HOST = re.compile(r"[a-z0-9.:\[\]-]+")
WHERE = "copy the URL from the trigger of the workflow (docs/teams.md)"


class TeamsSettings(Section):
    timeout: Duration = 15  # one post; a slower one counts as failed and is retried from the outbox
    # More hosts a teams route's webhook_url may name, besides logic.azure.com and api.powerplatform.com
    # and their subdomains: a government cloud, a relay of your own, or 127.0.0.1 for a local test receiver.
    allowed_hosts: list[str] = Field(default_factory=list)

    @field_validator("allowed_hosts")
    @classmethod
    def _check_hosts(cls, hosts: list[str]) -> list[str]:
        cleaned = [host.strip().lower().rstrip(".") for host in hosts]
        for host in cleaned:
            if not host or not _HOST.fullmatch(host) or "://" in host:
                raise ValueError(f"{host!r} is not a host name such as logic.azure.us or 127.0.0.1 (no scheme)")
        return cleaned


def check_route(route: RouteSettings) -> None:
    """The shape of a Workflows trigger URL: https (core checks that), the trigger path and its signature."""
    if route.channel:
        raise ValueError("a teams route has no channel; give only its webhook_url (the workflow's URL)")
    if not route.webhook_url:
        raise ValueError(f"a teams route needs a webhook_url, the URL of a Teams Workflows webhook; {WHERE}")
    parts = urlsplit(route.webhook_url)
    host = (parts.hostname or "").lower()
    if _under(host, _CONNECTOR_HOSTS):
        raise ValueError(
            "webhook_url is an Office 365 connector webhook, which Microsoft retired; create a Workflows "
            f"webhook for the channel instead and {WHERE}"
        )
    if not _TRIGGER_PATH.fullmatch(parts.path):
        raise ValueError(f"webhook_url is not a Teams Workflows URL (no /workflows/…/paths/invoke path); {WHERE}")
    if not parse_qs(parts.query).get("sig"):
        raise ValueError(
            "webhook_url has no sig parameter, so the workflow accepts only signed-in users: set its trigger's "
            f'"Who can trigger the flow" to "Anyone", save, and {WHERE}'
        )


def check_host(route: RouteSettings, settings: Settings) -> None:
    """The host of a teams route is Microsoft's, or one listed in [teams] allowed_hosts."""
    if route.platform != "teams" or not route.webhook_url:
        return
    host = (urlsplit(route.webhook_url).hostname or "").lower().rstrip(".")
    allowed = settings.section("teams", TeamsSettings).allowed_hosts
    if _under(host, TEAMS_HOSTS) or host in allowed:
        return
    raise ValueError(
        f"webhook_url names the host {host}, which is not a Teams Workflows host "
        f"(under {' or '.join(TEAMS_HOSTS)}); {WHERE}, or add the host to teams.allowed_hosts if you trust it"
    )


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)
