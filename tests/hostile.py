"""Hostile feed servers: each case is an aiohttp handler and the failure it must produce.

Shared by tests/bot/test_hostile_feeds.py and bench/faults.py.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from aiohttp import web

from tests.fakes import Story

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><description>&lol9;</description><guid>laughs</guid></item>
</channel></rss>"""

CHALLENGE_PAGE = b"""<!DOCTYPE html><html><head><title>Just a moment...</title></head>
<body><h1>Checking your browser before accessing the site.</h1>
<p>Enable JavaScript and cookies.</p></body></html>"""


@dataclass(frozen=True)
class Case:
    """A hostile feed: its path, the handler serving it, and words its failure must mention."""

    path: str
    handler: Handler
    expect: tuple[str, ...]  # lower-case words one of which the failure reason contains
    description: str


def _bytes(
    body: bytes,
    *,
    content_type: str = "application/rss+xml",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Handler:
    async def handle(_: web.Request) -> web.Response:
        return web.Response(body=body, status=status, content_type=content_type, headers=headers)

    return handle


async def _huge(request: web.Request) -> web.StreamResponse:
    """60 MB, streamed without a Content-Length so only counting can stop it."""
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    chunk = b"<item><title>x</title></item>" * 2000
    try:
        for _ in range(60 * 1024 * 1024 // len(chunk)):
            await response.write(chunk)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return response


async def _drip(request: web.Request) -> web.StreamResponse:
    """One byte every two seconds, for ever."""
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    try:
        while True:
            await response.write(b"<")
            await asyncio.sleep(2)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return response


@lru_cache(maxsize=1)
def gzip_bomb_body(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """About 1 MB of gzip that inflates to ``inflated`` bytes of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(inflated // len(block))]
    return b"".join(parts) + compressor.flush()


def _gzip_bomb() -> Handler:
    body = gzip_bomb_body()

    async def handle(_: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})

    return handle


async def _redirect_loop(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/loop.xml"})


def cases() -> list[Case]:
    invalid_utf8 = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Caf\xe9 \xff\xfe partners</title><guid>u1</guid></item></channel></rss>"
    )
    wrong_encoding = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Škoda and Renault sign a battery deal</title><guid>e1</guid></item></channel></rss>"
    )
    return [
        Case("huge.xml", _huge, ("larger than",), "a 60 MB body"),
        Case("drip.xml", _drip, ("within", "timeout", "no response"), "one byte every two seconds"),
        Case("bomb.xml", _gzip_bomb(), ("larger than",), "gzip bomb, 1 GB inflated"),
        Case(
            "challenge.xml",
            _bytes(CHALLENGE_PAGE, content_type="text/html"),
            ("not a readable feed", "not an rss"),
            "an HTML 'checking your browser' page",
        ),
        Case("loop.xml", _redirect_loop, ("redirect",), "a redirect loop"),
        Case(
            "laughs.xml",
            _bytes(BILLION_LAUGHS),
            ("not a readable feed", "entit", "not an rss"),
            "XML entity expansion (billion laughs)",
        ),
        Case(
            "json.xml",
            _bytes(json.dumps({"not": "a feed"}).encode(), content_type="application/json"),
            ("not a readable feed", "not an rss"),
            "JSON instead of a feed",
        ),
        Case(
            "binary.xml",
            _bytes(gzip.compress(bytes(range(256)) * 400), content_type="application/octet-stream"),
            ("not a readable feed", "not an rss"),
            "binary instead of a feed",
        ),
        Case("empty.xml", _bytes(b""), ("not a readable feed", "not an rss", "empty"), "an empty body"),
        Case("gone.xml", _bytes(b"gone", status=410, content_type="text/plain"), ("410",), "HTTP 410 Gone"),
        Case("missing.xml", _bytes(b"nope", status=404, content_type="text/plain"), ("404",), "HTTP 404"),
        Case(
            "busy.xml",
            _bytes(b"slow down", status=429, content_type="text/plain", headers={"Retry-After": "3600"}),
            ("429",),
            "HTTP 429 with Retry-After: 3600",
        ),
        Case(
            "down.xml",
            _bytes(b"down", status=503, content_type="text/plain", headers={"Retry-After": "7200"}),
            ("503",),
            "HTTP 503 with Retry-After: 7200",
        ),
        Case("badutf8.xml", _bytes(invalid_utf8), (), "invalid UTF-8 bytes (must still be read)"),
        Case(
            "latin1.xml",
            _bytes(wrong_encoding.encode("latin-1", "replace")),
            (),
            "declared UTF-8 but encoded Latin-1 (must still be read)",
        ),
    ]


def good_stories(now: datetime) -> list[Story]:
    """Two partnership stories an hour old, served next to the hostile feeds: their alerts must arrive."""
    return [
        Story(
            "Stellantis takes 21% stake in Leapmotor",
            "Stellantis will buy about 21% of Chinese EV maker Leapmotor.",
            "https://news.example/a",
            now - timedelta(hours=1),
        ),
        Story(
            "Toyota and CATL agree to co-develop EV battery cells",
            "Toyota and CATL signed a memorandum to jointly develop battery cells for electric vehicles.",
            "https://news.example/b",
            now - timedelta(hours=1),
        ),
    ]
