"""What fetching a feed can come to, as values: read, not modified, or failed with a reason to act on."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from types import MappingProxyType
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import aiohttp

from .http_hints import http_date, parse_retry_after

REDIRECTS = frozenset({301, 302, 303, 307, 308})
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


def size(count: int) -> str:
    mib, kib = 1024 * 1024, 1024
    if count >= mib:
        return f"{count / mib:g} MB" if count % mib == 0 else f"{count / mib:.1f} MB"
    return f"{count / kib:g} KB" if count >= kib else f"{count} bytes"


def too_big(url: str, *, max_bytes: int, status: int | None, how: str = "was not read") -> FetchFailed:
    reason = f"the response was larger than {size(max_bytes)} and {how}; the feed is too big or not a feed."
    return FetchFailed(url, reason=reason, status=status)


def http_advice(status: int) -> str:
    if status == 410:
        return "the site says the feed is gone for good, so remove it."
    if status in (401, 403):
        return "the site refuses access; check the URL or whether the feed needs a login."
    if status == 429:
        return "the site is rate-limiting requests, so poll it less often."
    if status >= 500:
        return "the site has a server problem, so try again later."
    if status in REDIRECTS:
        return "the redirect has no Location header, so find the feed's new URL in a browser."
    return "check the URL."


def os_cause(error: BaseException) -> str:
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


def http_failure(
    asked: str, current: str, response: aiohttp.ClientResponse, headers: Mapping[str, str], now: datetime
) -> FetchFailed:
    status = response.status
    phrase = response.reason or _PHRASES.get(status, "")
    said = f"HTTP {status} {phrase}" if phrase else f"HTTP {status}"
    retry_after = headers.get("retry-after")
    base = http_date(headers.get("date", "")) or now
    return FetchFailed(
        asked,
        reason=f"{current} returned {said}; {http_advice(status)}",
        status=status,
        retry_after=None if retry_after is None else parse_retry_after(retry_after, base),
        permanent=status in _GONE,
    )


def url_problem(url: str) -> str | None:
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


def redirect_target(current: str, location: str, seen: list[str]) -> tuple[str, str | None]:
    """The absolute URL a Location header points at, and why it cannot be followed (or None)."""
    try:
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return location, f'{current} redirected to "{location}", which is not a valid URL; fix the feed URL.'
    return target, redirect_problem(current, target, scheme=scheme, seen=seen)


def redirect_problem(current: str, target: str, *, scheme: str, seen: list[str]) -> str | None:
    if scheme not in _WEB_SCHEMES:
        return f"{current} redirected to {target}, which is not an http or https URL; fix the feed URL."
    if url_problem(target) is not None:
        return f'{current} redirected to "{target}", which is not a valid URL; fix the feed URL.'
    if target in seen:
        chain = " -> ".join([*seen, target])
        return f"the URL redirects in a loop ({chain}); open it in a browser to find the feed's real URL."
    return None


def read_file(url: str, *, max_bytes: int) -> FetchResult:
    """Read a file: URL from disk (blocking, so callers run it in a thread), obeying max_bytes."""
    parts = urlsplit(url)
    path = url2pathname(parts.path)
    if parts.netloc not in ("", "localhost") or not os.path.isabs(path):
        return FetchFailed(url, reason=f"{url} is not a local file URL; write it as file:///absolute/path.xml.")
    try:
        if os.stat(path).st_size > max_bytes:
            return too_big(url, max_bytes=max_bytes, status=None)
        with open(path, "rb") as handle:
            body = handle.read(max_bytes + 1)  # +1 notices a file that grew after the stat
    except FileNotFoundError:
        return FetchFailed(url, reason=f"the file {path} does not exist.", permanent=True)
    except IsADirectoryError:
        return FetchFailed(url, reason=f"{path} is a directory, not a feed file.", permanent=True)
    except OSError as error:
        return FetchFailed(url, reason=f"the file {path} could not be read: {os_cause(error)}.")
    if len(body) > max_bytes:
        return too_big(url, max_bytes=max_bytes, status=None, how="was not read past that point")
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
