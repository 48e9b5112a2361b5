"""Posting alerts to Teams Workflows webhooks: one card per POST; what the workflow answers decides retry or pause.

A Workflows trigger answers 202 Accepted when it has taken the message (the card is posted by the
workflow run that follows), 429 with Retry-After when it throttles, and 400/401/403/404 for a message
or a URL it will never take. The URL carries its signature (``sig``), so it never shows in a log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus

import aiohttp

from ...core.digest import Digest
from ...core.models import Alert, Delivered, DeliveryFailed, Destination
from ...ingest.http_hints import parse_retry_after
from ..http_session import HttpSession
from .card import body
from .digest import digest_bodies

USER_AGENT = "evradar/0.1 (+https://github.com/evradar/evradar)"
_FIX = {
    400: "it refused the card as malformed; check that the workflow is the Teams template "
    '"Post to a channel when a webhook request is received" and has not been edited',
    401: 'it wants a signed-in caller; set the trigger\'s "Who can trigger the flow" to "Anyone" and '
    "copy the new URL to webhook_url",
    403: "it refuses the URL's signature; copy the URL again from the workflow's trigger into webhook_url",
    404: "the workflow was deleted or turned off; turn it on, or create it again and copy its URL to webhook_url",
    410: "the workflow was deleted; create it again and copy its URL to webhook_url",
    413: "the card was too large for Teams; report this evradar bug, and resume to send the next alerts",
}


class TeamsNotifier:
    """POSTs each alert as a message carrying one Adaptive Card."""

    platform = "teams"

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self.http = HttpSession(timeout=timeout)

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
        try:
            async with self.http.client().post(
                destination.webhook_url, data=body(alert), headers=headers
            ) as response:
                return outcome(response.status, response.headers, destination, alert)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            # The exception's text may quote the URL, and with it the signature: name its type only.
            return DeliveryFailed(
                f"the Teams workflow of {destination.key} was not reached ({type(exc).__name__})"
            )

    async def deliver_digest(self, digest: Digest, destination: Destination) -> Delivered | DeliveryFailed:
        """The digest as one card, or several in a row when it passes Teams' size limit."""
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
        try:
            for payload in digest_bodies(digest):
                async with self.http.client().post(
                    destination.webhook_url, data=payload, headers=headers
                ) as response:
                    result = outcome(response.status, response.headers, destination, None)
                if isinstance(result, DeliveryFailed):
                    return result
            return Delivered(reference=f"teams:{digest.key}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return DeliveryFailed(
                f"the Teams workflow of {destination.key} was not reached ({type(exc).__name__})"
            )

    async def close(self) -> None:
        await self.http.close()


def outcome(
    status: int, headers: Mapping[str, str], destination: Destination, alert: Alert | None
) -> Delivered | DeliveryFailed:
    """Delivered on 2xx; retried on 408, 429 and 5xx (after Retry-After when given); else the destination
    pauses with what to fix."""
    if 200 <= status < 300:
        return Delivered(reference=f"teams:{alert.event_id}" if alert else "")
    said = f"HTTP {status} {_phrase(status)}".strip()
    where = f"the Teams workflow of {destination.key} answered {said}"
    if status in (408, 429) or status >= 500:
        retry_after = headers.get("Retry-After")
        wait = parse_retry_after(retry_after, datetime.now(UTC)) if retry_after else None
        return DeliveryFailed(where, retry_after=wait)
    fix = _FIX.get(status, "it refuses evradar's cards; check the workflow in Teams (docs/teams.md)")
    return DeliveryFailed(f"{where}: {fix}", permanent=True)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
