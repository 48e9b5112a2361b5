"""The fetcher against a real aiohttp server on 127.0.0.1: polite headers, 304s, redirects, caps and failures."""

from __future__ import annotations

import asyncio
import gzip
import socket
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.ingest.fetcher import ACCEPT, Fetched, Fetcher, FetchFailed, NotModified

UA = "evradar-test/0.1 (+https://github.com/evradar/evradar)"
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>EV news</title>
<item><title>Xiaomi in talks with Great Wall</title><guid>x-1</guid></item></channel></rss>"""
ETAG = '"abc-123"'
LAST_MODIFIED = "Fri, 26 Mar 2021 09:30:00 GMT"
MB = 1024 * 1024


def _gzip_bomb(size: int) -> bytes:
    """A gzip stream of `size` zero bytes, built a megabyte at a time so the test never holds it inflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    parts = [packer.compress(zeros) for _ in range(size // MB)]
    return b"".join([*parts, packer.flush()])


BOMB = _gzip_bomb(50 * MB)


@dataclass
class Site:
    """What the fake feed server saw, and the knobs the tests turn."""

    base: str = ""
    seen: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    active: int = 0
    max_active: int = 0
    wait_for: int = 1

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def headers(self, path: str, index: int = -1) -> dict[str, str]:
        return self.seen[path][index]


def _app(site: Site) -> web.Application:
    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        site.seen.setdefault(request.path, []).append(dict(request.headers))
        response: web.StreamResponse = await handler(request)
        return response

    def redirect(status: int, location: str) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.Response:
            return web.Response(status=status, headers={"Location": location})

        return handle

    async def feed(request: web.Request) -> web.Response:
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED, "Cache-Control": "public, max-age=600"}
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers=headers)
        return web.Response(body=RSS, content_type="application/rss+xml", headers=headers)

    async def cookie(request: web.Request) -> web.Response:
        response = web.Response(body=RSS)
        response.set_cookie("session", "s3cr3t")
        return response

    async def gzipped(request: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(RSS), headers={"Content-Encoding": "gzip"})

    async def bomb(request: web.Request) -> web.Response:
        return web.Response(body=BOMB, headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"})

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = 50 * MB
        await response.prepare(request)
        await site.release.wait()  # never sends the body; a client that tried to read it would time out
        return response

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = 100
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"<")
            try:
                await asyncio.wait_for(site.release.wait(), timeout=2.0)
                break
            except TimeoutError:
                continue
        return response

    async def cut(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_length = 1000
        await response.prepare(request)
        await response.write(b"<rss>")
        assert request.transport is not None
        request.transport.close()
        return response

    async def status(request: web.Request) -> web.Response:
        code = int(request.match_info["code"])
        headers = {"Retry-After": "120"} if code == 429 else {}
        if code == 503:
            now = datetime.now(UTC).replace(microsecond=0)
            later = now + timedelta(seconds=90)
            headers = {
                "Date": format_datetime(now, usegmt=True),
                "Retry-After": format_datetime(later, usegmt=True),
            }
        return web.Response(status=code, headers=headers, text="nope")

    async def chain(request: web.Request) -> web.Response:
        step = int(request.match_info["n"]) + 1
        return web.Response(status=302, headers={"Location": f"/chain/{step}"})

    async def hold(request: web.Request) -> web.Response:
        await site.release.wait()
        return web.Response(body=RSS)

    async def empty(request: web.Request) -> web.Response:
        return web.Response(body=b"")

    async def no_location(request: web.Request) -> web.Response:
        return web.Response(status=302)

    async def count(request: web.Request) -> web.Response:
        site.active += 1
        site.max_active = max(site.max_active, site.active)
        for _ in range(2000):  # let the other allowed requests arrive; yields to the loop, no wall-clock sleep
            if site.active >= site.wait_for:
                break
            await asyncio.sleep(0)
        await asyncio.sleep(0)
        site.active -= 1
        return web.Response(body=RSS)

    app = web.Application(middlewares=[record])
    app.router.add_get("/feed", feed)
    app.router.add_get("/cookie", cookie)
    app.router.add_get("/gzip", gzipped)
    app.router.add_get("/bomb", bomb)
    app.router.add_get("/huge", huge)
    app.router.add_get("/drip", drip)
    app.router.add_get("/cut", cut)
    app.router.add_get("/empty", empty)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/count", count)
    app.router.add_get("/hold", hold)
    app.router.add_get("/moved", redirect(301, "/moved-again"))
    app.router.add_get("/moved-again", redirect(308, "/feed"))
    app.router.add_get("/temporary", redirect(301, "/temporary-again"))
    app.router.add_get("/temporary-again", redirect(302, "/feed"))
    app.router.add_get("/loop-a", redirect(302, "/loop-b"))
    app.router.add_get("/loop-b", redirect(301, "/loop-a"))
    app.router.add_get("/dir/sub/relative", redirect(302, "../../feed"))
    app.router.add_get("/to-ftp", redirect(302, "ftp://example.com/feed.xml"))
    app.router.add_get("/to-bad-port", redirect(302, "http://127.0.0.1:99999/feed"))
    app.router.add_get("/to-bad-ipv6", redirect(302, "http://[::1/feed"))
    app.router.add_get("/no-location", no_location)
    return app


@pytest_asyncio.fixture
async def site() -> AsyncIterator[Site]:
    state = Site()
    server = TestServer(_app(state), host="127.0.0.1", port=0)
    await server.start_server(shutdown_timeout=0.5)
    state.base = str(server.make_url("")).rstrip("/")
    try:
        yield state
    finally:
        state.release.set()
        await server.close()


@pytest_asyncio.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(user_agent=UA, total_timeout=5.0) as instance:
        yield instance


class StepClock:
    """A clock that moves a quarter second each time it is read."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 0.25
        return self.now


# --- the session and the polite request ------------------------------------------------------------------


def test_session_is_created_lazily_outside_a_loop() -> None:
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    fetcher = Fetcher(user_agent=UA)
    assert fetcher._session is None


async def test_one_session_is_shared_and_closed(site: Site) -> None:
    fetcher = Fetcher(user_agent=UA)
    async with fetcher:
        await fetcher.fetch(site.url("/feed"))
        session = fetcher._session
        await fetcher.fetch(site.url("/gzip"))
        assert session is not None and fetcher._session is session and not session.closed
    assert session.closed


async def test_fetch_sends_polite_headers_and_returns_the_feed(site: Site) -> None:
    async with Fetcher(user_agent=UA, clock=StepClock()) as fetcher:
        result = await fetcher.fetch(site.url("/feed"))
    assert isinstance(result, Fetched)
    assert (result.url, result.final_url, result.status, result.body) == (
        site.url("/feed"),
        site.url("/feed"),
        200,
        RSS,
    )
    assert (result.etag, result.last_modified, result.moved_to) == (ETAG, LAST_MODIFIED, "")
    assert result.max_age == 600.0
    assert result.elapsed == 0.25
    assert result.headers["etag"] == ETAG and "ETag" not in result.headers
    sent = site.headers("/feed")
    assert sent["User-Agent"] == UA
    assert sent["Accept"] == ACCEPT
    assert sent["Accept-Encoding"].startswith("gzip, deflate")
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent


async def test_conditional_request_gives_not_modified(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/feed"), etag=ETAG, last_modified=LAST_MODIFIED)
    assert isinstance(result, NotModified)
    assert (result.url, result.max_age) == (site.url("/feed"), 600.0)
    sent = site.headers("/feed")
    assert sent["If-None-Match"] == ETAG
    assert sent["If-Modified-Since"] == LAST_MODIFIED


async def test_no_cookies_are_kept_between_requests(site: Site, fetcher: Fetcher) -> None:
    url = site.url("/cookie").replace("127.0.0.1", "localhost")  # aiohttp's normal jar ignores IP hosts
    first = await fetcher.fetch(url)
    assert isinstance(first, Fetched) and "session=s3cr3t" in first.headers["set-cookie"]
    await fetcher.fetch(url)
    assert "Cookie" not in site.headers("/cookie", 1)


async def test_gzip_body_is_decompressed(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/gzip"))
    assert isinstance(result, Fetched) and result.body == RSS
    assert "gzip" in site.headers("/gzip")["Accept-Encoding"]


async def test_empty_body_is_still_fetched(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/empty"))
    assert isinstance(result, Fetched) and (result.status, result.body) == (200, b"")


# --- size caps -------------------------------------------------------------------------------------------


async def test_gzip_bomb_stops_at_max_bytes_with_little_memory(site: Site) -> None:
    assert len(BOMB) < MB  # small on the wire, so only counting decompressed bytes can catch it
    async with Fetcher(user_agent=UA, max_bytes=MB) as fetcher:
        tracemalloc.start()
        try:
            result = await fetcher.fetch(site.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(result, FetchFailed)
    assert result.reason.startswith("the response was larger than 1 MB")
    assert peak < 20 * MB


async def test_huge_content_length_is_refused_without_reading(site: Site) -> None:
    async with Fetcher(user_agent=UA, max_bytes=10 * MB, total_timeout=3.0) as fetcher:
        result = await fetcher.fetch(site.url("/huge"))
    assert isinstance(result, FetchFailed)
    assert result.reason == (
        "the response was larger than 10 MB and was not read; the feed is too big or not a feed."
    )
    assert result.status == 200 and not result.permanent


# --- timeouts --------------------------------------------------------------------------------------------


async def test_slow_drip_ends_at_the_total_timeout(site: Site) -> None:
    loop = asyncio.get_running_loop()
    async with Fetcher(user_agent=UA, total_timeout=1.5) as fetcher:
        started = loop.time()
        result = await fetcher.fetch(site.url("/drip"))
        took = loop.time() - started
    assert isinstance(result, FetchFailed)
    assert result.reason == "no complete response from 127.0.0.1 within 1.5 seconds (total timeout)."
    assert 1.4 <= took < 2.5


async def test_stalled_read_ends_at_the_read_timeout(site: Site) -> None:
    async with Fetcher(user_agent=UA, read_timeout=0.3, total_timeout=5.0) as fetcher:
        result = await fetcher.fetch(site.url("/drip"))
    assert isinstance(result, FetchFailed)
    assert result.reason == "127.0.0.1 sent nothing for 0.3 seconds (read timeout); the server is stalled."


# --- HTTP errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "permanent", "advice"),
    [
        (404, True, "Not Found; check the URL."),
        (410, True, "Gone; the site says the feed is gone for good, so remove it."),
        (500, False, "Internal Server Error; the site has a server problem, so try again later."),
    ],
)
async def test_http_errors_are_failures(
    site: Site, fetcher: Fetcher, code: int, permanent: bool, advice: str
) -> None:
    url = site.url(f"/status/{code}")
    result = await fetcher.fetch(url)
    assert isinstance(result, FetchFailed)
    assert result.reason == f"{url} returned HTTP {code} {advice}"
    assert (result.status, result.permanent, result.retry_after) == (code, permanent, None)


async def test_429_carries_retry_after_seconds(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/status/429"))
    assert isinstance(result, FetchFailed)
    assert (result.status, result.retry_after, result.permanent) == (429, 120.0, False)


async def test_503_carries_retry_after_http_date(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/status/503"))
    assert isinstance(result, FetchFailed)
    assert (result.status, result.retry_after) == (503, 90.0)  # relative to the response's Date


# --- redirects -------------------------------------------------------------------------------------------


async def test_permanent_redirect_chain_sets_moved_to(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/moved"))
    assert isinstance(result, Fetched) and result.body == RSS
    assert (result.url, result.final_url, result.moved_to) == (
        site.url("/moved"),
        site.url("/feed"),
        site.url("/feed"),
    )
    assert site.headers("/feed")["User-Agent"] == UA


async def test_a_temporary_hop_leaves_moved_to_empty(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/temporary"))
    assert isinstance(result, Fetched)
    assert (result.final_url, result.moved_to) == (site.url("/feed"), "")


async def test_relative_location_is_resolved_against_the_current_url(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/dir/sub/relative"))
    assert isinstance(result, Fetched) and result.final_url == site.url("/feed")


async def test_conditional_headers_follow_redirects(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/moved"), etag=ETAG)
    assert isinstance(result, NotModified) and result.url == site.url("/moved")


async def test_redirect_loop_fails(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/loop-a"))
    assert isinstance(result, FetchFailed)
    assert result.reason.startswith("the URL redirects in a loop (")
    assert result.reason.endswith(f"-> {site.url('/loop-a')}); open it in a browser to find the feed's real URL.")
    assert len(site.seen["/loop-a"]) == 1


async def test_too_many_redirects_fail(site: Site) -> None:
    async with Fetcher(user_agent=UA, max_redirects=3) as fetcher:
        result = await fetcher.fetch(site.url("/chain/0"))
    assert isinstance(result, FetchFailed)
    assert result.reason.startswith("too many redirects (more than 3); ")
    assert sorted(site.seen) == ["/chain/0", "/chain/1", "/chain/2", "/chain/3"]


async def test_redirect_to_another_scheme_fails(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/to-ftp"))
    assert isinstance(result, FetchFailed)
    assert "redirected to ftp://example.com/feed.xml, which is not an http or https URL" in result.reason


@pytest.mark.parametrize("path", ["/to-bad-port", "/to-bad-ipv6"])
async def test_redirect_to_an_invalid_url_fails(site: Site, fetcher: Fetcher, path: str) -> None:
    result = await fetcher.fetch(site.url(path))
    assert isinstance(result, FetchFailed)
    assert result.reason.endswith("which is not a valid URL; fix the feed URL.")
    assert result.status == 302


async def test_redirect_without_location_fails(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/no-location"))
    assert isinstance(result, FetchFailed)
    assert result.status == 302
    assert result.reason.endswith(
        "returned HTTP 302 Found; the redirect has no Location header, so find the feed's new URL in a browser."
    )


# --- network failures ------------------------------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_connection_refused(fetcher: Fetcher, closed_port: int) -> None:
    result = await fetcher.fetch(f"http://127.0.0.1:{closed_port}/feed")
    assert isinstance(result, FetchFailed)
    assert result.reason == "could not connect to 127.0.0.1: connection refused."
    assert result.status is None and not result.permanent


async def test_dns_failure_names_the_host(fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "feeds.example.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    result = await fetcher.fetch("https://feeds.example.test/rss")
    assert isinstance(result, FetchFailed)
    assert result.reason.startswith("could not find the host feeds.example.test (")


async def test_tls_failure_names_the_host(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/feed").replace("http://", "https://"))
    assert isinstance(result, FetchFailed)
    assert result.reason.startswith("the TLS handshake with 127.0.0.1 failed: ")


async def test_body_cut_off_is_a_failure(site: Site, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(site.url("/cut"))
    assert isinstance(result, FetchFailed)
    assert result.reason == "the response from 127.0.0.1 was cut off or could not be decoded; try again later."


# --- concurrency caps ------------------------------------------------------------------------------------


async def test_per_host_cap(site: Site) -> None:
    site.wait_for = 2
    async with Fetcher(user_agent=UA, per_host=2, concurrency=20) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(site.url("/count")) for _ in range(8)))
    assert all(isinstance(result, Fetched) for result in results)
    assert site.max_active == 2


async def test_global_cap_spans_hosts(site: Site) -> None:
    site.wait_for = 3
    other = site.url("/count").replace("127.0.0.1", "localhost")
    urls = [site.url("/count"), other] * 4
    async with Fetcher(user_agent=UA, per_host=4, concurrency=3) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert all(isinstance(result, Fetched) for result in results)
    assert site.max_active == 3


async def test_a_busy_host_does_not_starve_other_hosts(site: Site) -> None:
    async with Fetcher(user_agent=UA, per_host=1, concurrency=2, total_timeout=3.0) as fetcher:
        held = [asyncio.create_task(fetcher.fetch(site.url("/hold"))) for _ in range(3)]
        for _ in range(10_000):
            if "/hold" in site.seen:
                break
            await asyncio.sleep(0)
        other = await fetcher.fetch(site.url("/feed").replace("127.0.0.1", "localhost"))
        assert isinstance(other, Fetched)
        assert len(site.seen["/hold"]) == 1  # the other two still wait for the host, holding no global slot
        site.release.set()
        assert all(isinstance(result, Fetched) for result in await asyncio.gather(*held))


# --- file: URLs and bad URLs -----------------------------------------------------------------------------


async def test_file_url_is_read_from_disk(tmp_path: Path, fetcher: Fetcher) -> None:
    path = tmp_path / "sample feed.xml"
    path.write_bytes(RSS)
    result = await fetcher.fetch(path.as_uri())
    assert isinstance(result, Fetched)
    assert (result.status, result.body, result.etag, result.final_url) == (200, RSS, "", path.as_uri())


async def test_file_url_obeys_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * 2048)
    async with Fetcher(user_agent=UA, max_bytes=1024) as fetcher:
        result = await fetcher.fetch(path.as_uri())
    assert isinstance(result, FetchFailed) and result.reason.startswith("the response was larger than 1 KB")


async def test_missing_file_is_a_permanent_failure(tmp_path: Path, fetcher: Fetcher) -> None:
    path = tmp_path / "nowhere.xml"
    result = await fetcher.fetch(path.as_uri())
    assert result == FetchFailed(
        path.as_uri(), reason=f"the file {path} does not exist.", permanent=True, elapsed=result.elapsed
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.com/feed.xml", 'the URL ftp://example.com/feed.xml uses "ftp:", which cannot be fetched'),
        ("gopher://example.com/", 'uses "gopher:"'),
        ("example.com/feed.xml", "should start with https://, http:// or file://"),
        ("http://[::1/feed", "is not a valid URL (Invalid IPv6 URL)"),
        ("http://example.com:99999/feed", "is not a valid URL"),
        ("https:///feed", "it has no host name"),
    ],
)
async def test_bad_urls_fail_without_raising(fetcher: Fetcher, url: str, expected: str) -> None:
    result = await fetcher.fetch(url)
    assert isinstance(result, FetchFailed) and expected in result.reason
    assert fetcher._session is None  # rejected before any network use


async def test_cancellation_still_propagates(site: Site, fetcher: Fetcher) -> None:
    task = asyncio.create_task(fetcher.fetch(site.url("/drip")))
    for _ in range(10_000):
        if "/drip" in site.seen:
            break
        await asyncio.sleep(0)
    assert "/drip" in site.seen
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
