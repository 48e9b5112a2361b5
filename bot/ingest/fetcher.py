"""Fetching one feed URL politely and safely, with expected failures returned as values."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from types import MappingProxyType, TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import aiohttp
from aiohttp.compression_utils import HAS_BROTLI
from multidict import CIMultiDictProxy

from .http_hints import http_date
from .http_hints import parse_max_age as parse_max_age
from .http_hints import parse_retry_after as parse_retry_after

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# Only advertise brotli when aiohttp can decode it here; otherwise a br body would fail to decode.
ACCEPT_ENCODING = "gzip, deflate, br" if HAS_BROTLI else "gzip, deflate"
_CHUNK = 65536
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
_GONE = frozenset({404, 410})
_WEB_SCHEMES = ("http", "https")
_EMPTY: Mapping[str, str] = MappingProxyType({})
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A feed document that was read, with the validators and cache hints to store."""

    url: str
    final_url: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    etag: str
    last_modified: str
    moved_to: str
    max_age: float | None
    elapsed: float


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304: the stored copy is still current."""

    url: str
    max_age: float | None
    elapsed: float


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """The feed could not be read; `reason` is one sentence a user can act on."""

    url: str
    reason: str
    status: int | None = None
    retry_after: float | None = None
    permanent: bool = False
    elapsed: float = 0.0


FetchResult = Fetched | NotModified | FetchFailed


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: str


def _size(count: int) -> str:
    mib, kib = 1024 * 1024, 1024
    if count >= mib:
        return f"{count / mib:g} MB" if count % mib == 0 else f"{count / mib:.1f} MB"
    return f"{count / kib:g} KB" if count >= kib else f"{count} bytes"


def _too_big(url: str, *, max_bytes: int, status: int | None, how: str = "was not read") -> FetchFailed:
    reason = f"the response was larger than {_size(max_bytes)} and {how}; the feed is too big or not a feed."
    return FetchFailed(url, reason=reason, status=status)


def _http_advice(status: int) -> str:
    if status == 410:
        return "the site says the feed is gone for good, so remove it."
    if status in (401, 403):
        return "the site refuses access; check the URL or whether the feed needs a login."
    if status == 429:
        return "the site is rate-limiting requests, so poll it less often."
    if status >= 500:
        return "the site has a server problem, so try again later."
    if status in _REDIRECTS:
        return "the redirect has no Location header, so find the feed's new URL in a browser."
    return "check the URL."


def _os_cause(error: BaseException) -> str:
    named = (
        (ConnectionRefusedError, "connection refused"),
        (ConnectionResetError, "connection reset by the server"),
        (ConnectionAbortedError, "connection aborted"),
    )
    for kind, text in named:
        if isinstance(error, kind):
            return text
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", text).strip().rstrip(".")
    return text or type(error).__name__


class Fetcher:
    """Fetches feed URLs through one shared session, with global and per-host caps, timeouts and size caps."""

    def __init__(
        self,
        *,
        user_agent: str,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        total_timeout: float = 30.0,
        max_bytes: int = 10 * 1024 * 1024,
        per_host: int = 2,
        concurrency: int = 20,
        max_redirects: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._user_agent = user_agent
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self._per_host = per_host
        self._concurrency = concurrency
        self._max_redirects = max_redirects
        self._clock = clock
        self._limit = asyncio.Semaphore(concurrency)
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the shared session; a later fetch opens a new one."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """Fetch `url` conditionally; never raises except for cancellation."""
        start = self._clock()
        try:
            result = await self._fetch(url, etag=etag, last_modified=last_modified)
        except Exception as error:  # the contract is "failures are values"; this only catches our own bugs
            reason = f"fetching {url} failed unexpectedly ({type(error).__name__}: {error}); please report this."
            result = FetchFailed(url, reason=reason)
        return dataclasses.replace(result, elapsed=self._clock() - start)

    async def _fetch(self, url: str, *, etag: str, last_modified: str) -> FetchResult:
        problem = _url_problem(url)
        if problem is not None:
            return FetchFailed(url, reason=problem)
        if urlsplit(url).scheme.lower() == "file":
            return await asyncio.to_thread(_read_file, url, max_bytes=self._max_bytes)
        headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        return await self._follow(url, {name: value for name, value in headers.items() if value})

    async def _follow(self, url: str, headers: Mapping[str, str]) -> FetchResult:
        current, seen, permanent = url, [url], True
        budget = self._total_timeout  # one total budget for the whole redirect chain
        for _ in range(self._max_redirects + 1):
            outcome, spent = await self._hop(url, current, headers, budget=budget)
            budget -= spent
            if isinstance(outcome, Fetched):
                moved = permanent and current != url
                return dataclasses.replace(outcome, moved_to=current if moved else "")
            if not isinstance(outcome, _Redirect):
                return outcome
            target, problem = _redirect_target(current, outcome.location, seen)
            if problem is not None:
                return FetchFailed(url, reason=problem, status=outcome.status)
            permanent = permanent and outcome.status in _PERMANENT_REDIRECTS
            seen.append(target)
            current = target
        reason = (
            f"too many redirects (more than {self._max_redirects}); the URL redirects in a loop "
            "or through too many hops, so use the final feed URL instead."
        )
        return FetchFailed(url, reason=reason)

    async def _hop(
        self, asked: str, current: str, headers: Mapping[str, str], *, budget: float
    ) -> tuple[FetchResult | _Redirect, float]:
        host = urlsplit(current).hostname or ""
        # Host slot first, then a global one, so requests queued behind a busy host hold no global slot.
        async with self._host_limit(host), self._limit:
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                outcome = await self._request(asked, current, headers, budget=budget)
            except (aiohttp.ClientError, OSError, ValueError) as error:
                outcome = FetchFailed(asked, reason=self._describe(error, host=host))
            return outcome, loop.time() - started

    async def _request(
        self, asked: str, current: str, headers: Mapping[str, str], *, budget: float
    ) -> FetchResult | _Redirect:
        timeout = aiohttp.ClientTimeout(
            total=max(budget, 0.001), connect=self._connect_timeout, sock_read=self._read_timeout
        )
        session = self._client()
        async with session.get(current, headers=headers, allow_redirects=False, timeout=timeout) as response:
            return await self._read_response(asked, current, response)

    async def _read_response(
        self, asked: str, current: str, response: aiohttp.ClientResponse
    ) -> FetchResult | _Redirect:
        headers = _lower_headers(response.headers)
        now = datetime.now(UTC)
        status = response.status
        if status == 304:
            return NotModified(asked, max_age=parse_max_age(headers, now), elapsed=0.0)
        if status in _REDIRECTS and headers.get("location"):
            return _Redirect(status, headers["location"])
        if not 200 <= status < 300:
            return _http_failure(asked, current, response, headers, now)
        if response.content_length is not None and response.content_length > self._max_bytes:
            response.close()  # drop the connection rather than drain a body we will not use
            return _too_big(asked, max_bytes=self._max_bytes, status=status)
        body = await self._read_body(response)
        if body is None:
            response.close()
            return _too_big(
                asked, max_bytes=self._max_bytes, status=status, how="reading stopped there (after decompression)"
            )
        return Fetched(
            url=asked,
            final_url=current,
            status=status,
            body=body,
            headers=MappingProxyType(headers),
            etag=headers.get("etag", ""),
            last_modified=headers.get("last-modified", ""),
            moved_to="",
            max_age=parse_max_age(headers, now),
            elapsed=0.0,
        )

    async def _read_body(self, response: aiohttp.ClientResponse) -> bytes | None:
        """The decompressed body, or None once it passes max_bytes (which is what stops a gzip bomb)."""
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.content.iter_chunked(_CHUNK):
            total += len(chunk)
            if total > self._max_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._concurrency, limit_per_host=self._per_host, ttl_dns_cache=300
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self._user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
                timeout=aiohttp.ClientTimeout(
                    total=self._total_timeout, connect=self._connect_timeout, sock_read=self._read_timeout
                ),
            )
        return self._session

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        key = host.lower()
        if key not in self._host_limits:
            self._host_limits[key] = asyncio.Semaphore(self._per_host)
        return self._host_limits[key]

    def _describe(self, error: BaseException, *, host: str) -> str:
        """One sentence naming the host and the cause of a network failure."""
        seconds = {"connect": self._connect_timeout, "read": self._read_timeout, "total": self._total_timeout}
        for kind, template in _NETWORK_REASONS:
            if isinstance(error, kind):
                cause = _os_cause(getattr(error, "os_error", None) or error)
                values = {name: f"{value:g}" for name, value in seconds.items()}
                return template.format(host=host, cause=cause, **values)
        return f"the request to {host} failed: {_os_cause(error)}."


# Most specific first: many aiohttp errors are also OSError or TimeoutError.
_NETWORK_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (aiohttp.ConnectionTimeoutError, "could not connect to {host} within {connect} seconds (connect timeout)."),
    (aiohttp.SocketTimeoutError, "{host} sent nothing for {read} seconds (read timeout); the server is stalled."),
    (TimeoutError, "no complete response from {host} within {total} seconds (total timeout)."),
    (aiohttp.ClientConnectorDNSError, "could not find the host {host} ({cause}); check the host name in the URL."),
    (aiohttp.ClientConnectorCertificateError, "the TLS certificate of {host} is not valid: {cause}."),
    (aiohttp.ClientSSLError, "the TLS handshake with {host} failed: {cause}; check that the site serves https."),
    (ssl.SSLError, "the TLS connection to {host} failed: {cause}."),
    (aiohttp.ClientConnectorError, "could not connect to {host}: {cause}."),
    (aiohttp.ServerDisconnectedError, "{host} closed the connection before the response was complete."),
    (aiohttp.ClientPayloadError, "the response from {host} was cut off or could not be decoded; try again later."),
    (aiohttp.ClientResponseError, "{host} sent a malformed HTTP response: {cause}."),
    (aiohttp.InvalidURL, "the URL for {host} is not valid: {cause}; check it for typos."),
    (aiohttp.ClientOSError, "the connection to {host} failed: {cause}."),
    (ValueError, "the request to {host} could not be made: {cause}."),
)


def _lower_headers(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    """Lower-case names; repeated headers are joined with ", " as HTTP allows for list-valued fields."""
    lower: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        lower[key] = f"{lower[key]}, {value}" if key in lower else value
    return lower


def _http_failure(
    asked: str, current: str, response: aiohttp.ClientResponse, headers: Mapping[str, str], now: datetime
) -> FetchFailed:
    status = response.status
    phrase = response.reason or _PHRASES.get(status, "")
    said = f"HTTP {status} {phrase}" if phrase else f"HTTP {status}"
    retry_after = headers.get("retry-after")
    base = http_date(headers.get("date", "")) or now
    return FetchFailed(
        asked,
        reason=f"{current} returned {said}; {_http_advice(status)}",
        status=status,
        retry_after=None if retry_after is None else parse_retry_after(retry_after, base),
        permanent=status in _GONE,
    )


def _url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched at all, or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as error:
        return f'"{url}" is not a valid URL ({error}); check it for typos.'
    scheme = parts.scheme.lower()
    if not scheme:
        return f'"{url}" is not a valid feed URL; it should start with https://, http:// or file://.'
    if scheme == "file":
        return None
    if scheme not in _WEB_SCHEMES:
        return f'the URL {url} uses "{scheme}:", which cannot be fetched; use an http, https or file URL.'
    if not parts.hostname:
        return f'"{url}" is not a valid URL: it has no host name; check it for typos.'
    return None


def _redirect_target(current: str, location: str, seen: list[str]) -> tuple[str, str | None]:
    """The absolute URL a Location header points at, and why it cannot be followed (or None)."""
    try:
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return location, f'{current} redirected to "{location}", which is not a valid URL; fix the feed URL.'
    return target, _redirect_problem(current, target, scheme=scheme, seen=seen)


def _redirect_problem(current: str, target: str, *, scheme: str, seen: list[str]) -> str | None:
    if scheme not in _WEB_SCHEMES:
        return f"{current} redirected to {target}, which is not an http or https URL; fix the feed URL."
    if _url_problem(target) is not None:
        return f'{current} redirected to "{target}", which is not a valid URL; fix the feed URL.'
    if target in seen:
        chain = " -> ".join([*seen, target])
        return f"the URL redirects in a loop ({chain}); open it in a browser to find the feed's real URL."
    return None


def _read_file(url: str, *, max_bytes: int) -> FetchResult:
    """Read a file: URL from disk (blocking, so callers run it in a thread), obeying max_bytes."""
    parts = urlsplit(url)
    path = url2pathname(parts.path)
    if parts.netloc not in ("", "localhost") or not os.path.isabs(path):
        return FetchFailed(url, reason=f"{url} is not a local file URL; write it as file:///absolute/path.xml.")
    try:
        if os.stat(path).st_size > max_bytes:
            return _too_big(url, max_bytes=max_bytes, status=None)
        with open(path, "rb") as handle:
            body = handle.read(max_bytes + 1)  # +1 notices a file that grew after the stat
    except FileNotFoundError:
        return FetchFailed(url, reason=f"the file {path} does not exist.", permanent=True)
    except IsADirectoryError:
        return FetchFailed(url, reason=f"{path} is a directory, not a feed file.", permanent=True)
    except OSError as error:
        return FetchFailed(url, reason=f"the file {path} could not be read: {_os_cause(error)}.")
    if len(body) > max_bytes:
        return _too_big(url, max_bytes=max_bytes, status=None, how="was not read past that point")
    return Fetched(
        url=url,
        final_url=url,
        status=200,
        body=body,
        headers=_EMPTY,
        etag="",
        last_modified="",
        moved_to="",
        max_age=None,
        elapsed=0.0,
    )
