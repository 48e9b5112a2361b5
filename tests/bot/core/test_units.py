"""Units: durations and sizes as people write them, and webhook URLs with their secret parts masked."""

from __future__ import annotations

import pytest

from bot.core import settings, units
from bot.core.units import format_duration, mask_webhook_url, parse_duration, parse_size


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/***/***/***"),
        ("https://discord.com/api/webhooks/123/tok-en", "https://discord.com/api/webhooks/***/***"),
        ("https://discord.com/api/v10/webhooks/1/t?wait=true", "https://discord.com/api/v10/webhooks/***/***"),
        ("http://127.0.0.1:8123/hook/abc", "http://127.0.0.1:8123/***/***"),
        ("", ""),
    ],
)
def test_webhook_urls_are_masked(url: str, masked: str) -> None:
    assert mask_webhook_url(url) == masked


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("10m", 600),
        ("24h", 86400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("2d", 172800),
        ("1.5h", 5400),
        (" 5M ", 300),
        ("120", 120),
        (45, 45),
        (0.25, 0.25),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["10 minutes", "", "h", "1h30", "30m1h", "10ms", "0", "0s", -5, 0, True, None, "inf", float("nan")]
)
def test_not_durations(text: object) -> None:
    with pytest.raises(ValueError, match=r"is not a duration|must be more than 0"):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "text"), [(600, "10m"), (5400, "1h30m"), (86400, "1d"), (90061, "1d1h1m1s")])
def test_durations_are_shown_compactly(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "size"),
    [("10MB", 10_000_000), ("512KB", 512_000), ("1GiB", 2**30), ("1 kib", 1024), ("300", 300), (4096, 4096)],
)
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["10M", "ten", "1.5XB", "", 0, -1, True, 1.5, "0KB"])
def test_not_sizes(text: object) -> None:
    with pytest.raises(ValueError, match=r"is not a size|at least 1 byte"):
        parse_size(text)


def test_settings_still_exposes_them() -> None:
    names = ["Duration", "DurationOrZero", "Size", "ApiUrl", "parse_duration", "format_duration", "parse_size"]
    names += ["resolve_file_url", "mask_password", "mask_webhook_url"]
    assert all(getattr(settings, name) is getattr(units, name) for name in names)
