"""Parsing and printing the values a configuration holds: durations, sizes, URLs with secrets masked."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_PART = r"(?:(?P<{0}>\d+(?:\.\d+)?)\s*{0})?\s*"
_DURATION = re.compile("".join(_PART.format(unit) for unit in "dhms"), re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
_DATABASE_SCHEMES = ("sqlite", "postgresql+psycopg")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_PUBLIC_WEBHOOK_SEGMENTS = re.compile(r"services|api|webhooks|hooks|v\d+", re.IGNORECASE)


def parse_duration(value: object) -> float:
    """Seconds in "90s", "10m", "24h", "1h30m", "2d" or a plain number of seconds; more than zero."""
    seconds = _duration_seconds(value)
    if seconds <= 0:
        raise ValueError(f"{value!r} must be more than 0 seconds")
    return seconds


def _duration_or_zero(value: object) -> float:
    seconds = _duration_seconds(value)
    if seconds < 0:
        raise ValueError(f"{value!r} must not be negative")
    return seconds


def _duration_seconds(value: object) -> float:
    problem = f"{value!r} is not a duration such as 90s, 10m, 24h"
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        match = _DURATION.fullmatch(value.strip())
        if match is None or not any(match.groupdict().values()):
            raise ValueError(problem)
        return sum(float(n) * _UNIT_SECONDS[unit.lower()] for unit, n in match.groupdict().items() if n)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(problem)
    seconds = float(value)
    if not math.isfinite(seconds):
        raise ValueError(problem)
    return seconds


def format_duration(seconds: float) -> str:
    """The compact form of a duration: 600 -> "10m", 5400 -> "1h30m"."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    rest, parts = int(seconds), []
    for unit, size in _UNIT_SECONDS.items():
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def parse_size(value: object) -> int:
    """Bytes in "512KB", "10MB", "1GiB" (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024) or an int."""
    size: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and (match := _SIZE.fullmatch(value.strip())):
        size = int(float(match[1]) * _SIZE_UNITS[(match[2] or "b").lower()])
    if size is None:
        raise ValueError(f"{value!r} is not a size such as 512KB, 10MB or 1GiB")
    if size < 1:
        raise ValueError(f"{value!r} must be at least 1 byte")
    return size


_AS_TEXT = PlainSerializer(format_duration, return_type=str, when_used="json")  # describe() shows "10m"
Duration = Annotated[float, BeforeValidator(parse_duration), _AS_TEXT]
DurationOrZero = Annotated[float, BeforeValidator(_duration_or_zero), _AS_TEXT]
Size = Annotated[int, BeforeValidator(parse_size)]


def resolve_file_url(url: str, base: Path) -> str:
    """The absolute file:/// form of a file: URL; a relative path (file:samples/x.xml) is taken from base."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or not parts.path:
        raise ValueError(f"{url!r} is not a file URL such as file:samples/feed.xml or file:///srv/feed.xml")
    path = Path(unquote(parts.path))
    return (path if path.is_absolute() else base / path).resolve().as_uri()


def mask_password(url: str) -> str:
    """The URL with the password of its user part replaced by ***."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def mask_webhook_url(url: str) -> str:
    """Scheme, host and the public path words of a webhook URL; the id and token segments become ***."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    segments = [s for s in parts.path.split("/") if s]
    kept = list(itertools.takewhile(_PUBLIC_WEBHOOK_SEGMENTS.fullmatch, segments))
    return f"{parts.scheme}://{host}/" + "/".join(kept + ["***"] * (len(segments) - len(kept)))


def _is_http_url(value: str, *, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in schemes and bool(parts.hostname) and not any(c.isspace() for c in value)
    except ValueError:
        return False


def _checked_api_url(value: str) -> str:
    if not _is_http_url(value):
        raise ValueError(f"{value!r} is not an http or https URL")
    return value


def _checked_storage_url(value: str) -> str:
    scheme, separator, rest = value.strip().partition("://")
    scheme = scheme.lower()
    if scheme == "postgresql":  # SQLAlchemy's default PostgreSQL driver is psycopg2, which evradar lacks
        scheme = "postgresql+psycopg"
    if not separator or scheme not in _DATABASE_SCHEMES:
        raise ValueError(f"{mask_password(value)!r} is not a sqlite:/// or postgresql+psycopg:// URL")
    return f"{scheme}://{rest}"


def _checked_feed_url(value: str) -> str:
    value = value.strip()
    if _is_http_url(value):
        return value
    if value.lower().startswith("file:"):
        # A relative file: URL from the config file was already resolved against that file's directory
        # (see load_settings); one given any other way is taken from the working directory.
        try:
            return resolve_file_url(value, Path.cwd())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not an http, https or file URL")


def checked_feed_url(value: str) -> str:
    """A feed URL as the settings accept it (http, https with a host, or file:), else ValueError."""
    return _checked_feed_url(value)


def _checked_webhook_url(value: str) -> str:
    value = value.strip()
    if not value or _is_http_url(value, schemes=("https",)):
        return value
    # Plain http only reaches the fake chat servers tests run on this machine.
    if _is_http_url(value, schemes=("http",)) and urlsplit(value).hostname in _LOCAL_HOSTS:
        return value
    raise ValueError("must be an https URL (plain http is allowed only for 127.0.0.1 and localhost)")


ApiUrl = Annotated[str, AfterValidator(_checked_api_url)]
StorageUrl = Annotated[str, AfterValidator(_checked_storage_url)]  # postgresql:// becomes postgresql+psycopg://
FeedUrl = Annotated[str, AfterValidator(_checked_feed_url)]  # file: URLs become absolute file:/// ones
WebhookUrl = Annotated[str, AfterValidator(_checked_webhook_url)]  # "" means none
