"""Who may read the web pages: anyone on loopback; off loopback, whoever shows EVRADAR_WEB_TOKEN.

The token comes as a bearer header (scripts, Prometheus) or as a cookie set by the form at /login
(browsers). The cookie holds an HMAC of the token, not the token. Health stays open for load
balancers, and so does every request that is not a GET: the pages are read-only, and the only other
POST endpoints are the chat platforms', which cannot log in and check their own signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from ..core.errors import ConfigError
from ..core.settings import WEB_TOKEN, Settings

OPEN_PATHS = frozenset({"/healthz", "/login"})
READ = frozenset({"GET", "HEAD"})
COOKIE = "evradar_web"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def required_token(settings: Settings) -> str | None:
    """The token pages need (None on loopback); ConfigError when off loopback and there is none."""
    if not settings.server.enabled or is_loopback(settings.server.host):
        return None
    token = settings.secret(WEB_TOKEN)
    if not token:
        raise ConfigError(
            f"[server] host is {settings.server.host}, which other machines can reach, and "
            "EVRADAR_WEB_TOKEN is not set, so evradar's web pages would be open to anyone. Set "
            'EVRADAR_WEB_TOKEN to a long random secret (e.g. `python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"`), or set [server] host = "127.0.0.1".'
        )
    return token


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"evradar web pages", hashlib.sha256).hexdigest()


def same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())


def allowed(request: web.Request, token: str) -> bool:
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].strip().encode(), token.encode()):
        return True
    return hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), cookie_value(token).encode())


def guard(token: str, *, refused: Callable[[web.Request], web.StreamResponse]) -> Middleware:
    """An aiohttp middleware letting through open paths, signed posts and requests that show the token."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in READ or request.path in OPEN_PATHS or allowed(request, token):
            return await handler(request)
        return refused(request)

    return check


def safe_next(target: str) -> str:
    """Where to go after logging in: a path on this server only (never //elsewhere or a full URL)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
