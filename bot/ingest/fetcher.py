"""Fetching one feed URL politely and safely, with expected failures returned as values."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType, TracebackType
from typing import Self
from urllib.parse import urlsplit

import aiohttp
from aiohttp.compression_utils import HAS_BROTLI
from multidict import CIMultiDictProxy

from ..core.settings import PollingSettings
from .http_hints import parse_max_age as parse_max_age
from .http_hints import parse_retry_after as parse_retry_after
from .outcomes import (
    REDIRECTS,
    Fetched,
    FetchFailed,
    FetchResult,
    NotModified,
    http_failure,
    os_cause,
    read_file,
    redirect_target,
    too_big,
    url_problem,
)

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# Only advertise brotli when aiohttp can decode it here; otherwise a br body would fail to decode.
ACCEPT_ENCODING = "gzip, deflate, br" if HAS_BROTLI else "gzip, deflate"
_CHUNK = 65536
_DEFAULTS = PollingSettings()  # the defaults live in the settings, written once
_PERMANENT_REDIRECTS = frozenset({301, 308})


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: str


class Fetcher:
    """Fetches feed URLs through one shared session, with global and per-host caps, timeouts and size caps."""

    def __init__(
        self,
        *,
        user_agent: str = _DEFAULTS.user_agent,
        connect_timeout: float = _DEFAULTS.connect_timeout,
        read_timeout: float = _DEFAULTS.read_timeout,
        total_timeout: float = _DEFAULTS.total_timeout,
        max_bytes: int = _DEFAULTS.max_body,
        per_host: int = _DEFAULTS.per_host,
        concurrency: int = _DEFAULTS.concurrency,
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

    @classmethod
    def from_settings(cls, polling: PollingSettings) -> Fetcher:
        """The fetcher `evradar run` polls with; `feeds check` uses the same one, so both see the same limits."""
        return cls(
            user_agent=polling.user_agent,
            connect_timeout=polling.connect_timeout,
            read_timeout=polling.read_timeout,
            total_timeout=polling.total_timeout,
            max_bytes=polling.max_body,
            per_host=polling.per_host,
            concurrency=polling.concurrency,
        )

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
        problem = url_problem(url)
        if problem is not None:
            return FetchFailed(url, reason=problem)
        if urlsplit(url).scheme.lower() == "file":
            return await asyncio.to_thread(read_file, url, max_bytes=self._max_bytes)
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
            target, problem = redirect_target(current, outcome.location, seen)
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
        if status in REDIRECTS and headers.get("location"):
            return _Redirect(status, headers["location"])
        if not 200 <= status < 300:
            return http_failure(asked, current, response, headers, now)
        if response.content_length is not None and response.content_length > self._max_bytes:
            response.close()  # drop the connection rather than drain a body we will not use
            return too_big(asked, max_bytes=self._max_bytes, status=status)
        body = await self._read_body(response)
        if body is None:
            response.close()
            return too_big(
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
                cause = os_cause(getattr(error, "os_error", None) or error)
                values = {name: f"{value:g}" for name, value in seconds.items()}
                return template.format(host=host, cause=cause, **values)
        return f"the request to {host} failed: {os_cause(error)}."


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
