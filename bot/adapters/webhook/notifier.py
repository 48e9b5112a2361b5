"""Posting alerts to webhooks: one signed JSON POST each; what the receiver answers decides retry or pause."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus

import aiohttp

from ...core.digest import Digest
from ...core.models import Alert, Delivered, DeliveryFailed, Destination
from ...ingest.http_hints import parse_retry_after
from ..http_session import HttpSession
from .digest import digest_bodies
from .payload import SIGNATURE_HEADER, body, signature

log = logging.getLogger("evradar.webhook")

USER_AGENT = "evradar/0.1 (+https://github.com/evradar/evradar)"
_GONE = frozenset({404, 410})
_REFUSED = frozenset({401, 403})


class WebhookNotifier:
    """POSTs each alert as JSON, signed when a secret is known for the destination."""

    platform = "webhook"

    def __init__(self, *, secrets: Mapping[str, str], default_secret: str | None, timeout: float) -> None:
        self.secrets = dict(secrets)  # webhook URL -> the secret its route names (secret_env)
        self.default_secret = default_secret
        self.timeout = timeout
        self.http = HttpSession(timeout=timeout)

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        payload = body(alert)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        secret = self.secrets.get(destination.webhook_url) or self.default_secret
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, payload)
        try:
            async with self.http.client().post(destination.webhook_url, data=payload, headers=headers) as response:
                return _outcome(response.status, response.headers, destination, alert)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            reason = f"the webhook of {destination.key} could not be reached ({type(exc).__name__})"
            return DeliveryFailed(reason)

    async def deliver_digest(self, digest: Digest, destination: Destination) -> Delivered | DeliveryFailed:
        """The digest as signed JSON: one POST, or several (``part`` of ``parts``) for a very long one."""
        secret = self.secrets.get(destination.webhook_url) or self.default_secret
        try:
            for payload in digest_bodies(digest):
                headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
                if secret:
                    headers[SIGNATURE_HEADER] = signature(secret, payload)
                async with self.http.client().post(
                    destination.webhook_url, data=payload, headers=headers
                ) as response:
                    result = _outcome(response.status, response.headers, destination, None)
                if isinstance(result, DeliveryFailed):
                    return result
            return Delivered(reference=f"webhook:{digest.key}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return DeliveryFailed(f"the webhook of {destination.key} could not be reached ({type(exc).__name__})")

    async def close(self) -> None:
        await self.http.close()


def _outcome(
    status: int, headers: Mapping[str, str], destination: Destination, alert: Alert | None
) -> Delivered | DeliveryFailed:
    if 200 <= status < 300:
        return Delivered(reference=f"webhook:{alert.event_id}" if alert else "")
    said = f"HTTP {status} {_phrase(status)}".strip()
    where = f"the webhook of {destination.key}"
    if status in _GONE:
        return DeliveryFailed(f"{where} answered {said}: it no longer exists; fix webhook_url", permanent=True)
    if status in _REFUSED:
        reason = f"{where} answered {said}: check the secret it verifies (EVRADAR_WEBHOOK_SECRET or secret_env)"
        return DeliveryFailed(reason, permanent=True)
    retry_after = headers.get("Retry-After")
    wait = parse_retry_after(retry_after, datetime.now(UTC)) if retry_after else None
    if status == 429 or status >= 500:
        return DeliveryFailed(f"{where} answered {said}", retry_after=wait)
    return DeliveryFailed(
        f"{where} answered {said}: it refuses evradar's alerts; fix the receiver", permanent=True
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
