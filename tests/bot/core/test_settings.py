"""Settings: the TOML file, EVRADAR_* overrides, secrets only from the environment, every problem at once."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from bot.core import loading as settings_module
from bot.core.errors import ConfigError
from bot.run.settings import PollingSettings, RouteSettings, Settings, describe, load_settings

ROOT = Path(__file__).resolve().parents[3]
BUNDLED = ROOT / "config" / "evradar.toml"
DEMO = ROOT / "config" / "demo.toml"
SAMPLE = ROOT / "config" / "samples" / "ev-news.xml"


def write(directory: Path, text: str, name: str = "evradar.toml") -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def problems(path: str | None = None, *, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env or {})
    return str(caught.value).splitlines()


def test_embedded_defaults_when_there_is_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings_module, "bundled_config", lambda: tmp_path / "missing")
    settings = load_settings(env={})
    assert settings.config_path == ""
    assert settings.storage.url == "sqlite:///evradar.db"
    assert settings.polling.interval == 600
    assert settings.polling.backfill_seconds == 86400
    assert settings.polling.max_body == 10_000_000
    assert settings.feeds == []
    assert [route.platform for route in settings.routes] == ["console"]
    assert settings.server.port == 8080 and settings.server.enabled
    assert settings.detection.handlers == ["handlers.ev_partnership:EvPartnershipHandler"]
    assert settings == Settings()


def test_the_bundled_file_loads_with_real_feeds() -> None:
    settings = load_settings(str(BUNDLED), env={})
    assert settings.config_path == str(BUNDLED)
    assert len(settings.feeds) >= 18
    for feed in settings.feeds:
        assert urlsplit(feed.url).scheme in ("http", "https") and urlsplit(feed.url).hostname
        assert feed.name and feed.interval in (15 * 60, 30 * 60)
    assert [route.platform for route in settings.routes] == ["console"]
    assert settings.secrets.slack_bot_token is None


def test_without_a_path_the_working_directory_copy_then_the_bundled_copy_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={}).config_path == str(BUNDLED)
    write(tmp_path / "config", "[server]\nport = 9000\n")
    settings = load_settings(env={})
    assert settings.config_path == str(tmp_path / "config" / "evradar.toml")
    assert settings.server.port == 9000


def test_explicit_path_beats_evradar_config(tmp_path: Path) -> None:
    chosen = write(tmp_path, "[server]\nport = 1\n", "chosen.toml")
    other = write(tmp_path, "[server]\nport = 2\n", "other.toml")
    assert load_settings(env={"EVRADAR_CONFIG": other}).server.port == 2
    assert load_settings(chosen, env={"EVRADAR_CONFIG": other}).server.port == 1


@pytest.mark.parametrize("variable", [False, True])
def test_a_named_file_that_does_not_exist_is_an_error(tmp_path: Path, variable: bool) -> None:
    missing = str(tmp_path / "nope.toml")
    lines = problems(env={"EVRADAR_CONFIG": missing}) if variable else problems(missing)
    assert len(lines) == 1 and lines[0].startswith(f"{missing}: the configuration file does not exist")


def test_environment_overrides_nested_keys_and_json_lists(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[polling]\ninterval = "10m"\njitter = "5s"\n[[feeds]]\nurl = "https://a.example/feed"\n'
    )
    env = {
        "EVRADAR_POLLING__INTERVAL": "5m",
        "EVRADAR_STORAGE__URL": "postgresql+psycopg://evradar@db/evradar",
        "EVRADAR_SERVER__PORT": "0",
        "EVRADAR_SERVER__ENABLED": "false",
        "EVRADAR_SLACK__ADMINS": '["U1", "U2"]',
        "EVRADAR_FEEDS": '[{"url": "https://b.example/rss", "interval": "2m"}]',
        "EVRADAR_ROUTES": '[{"platform": "slack", "channel": "C1", "kinds": ["supply"], "min_score": "0.7"}]',
    }
    settings = load_settings(path, env=env)
    assert settings.polling.interval == 300
    assert settings.polling.jitter == 5  # keys the environment does not name keep the file's value
    assert settings.storage.url == "postgresql+psycopg://evradar@db/evradar"
    assert settings.server.port == 0 and settings.server.enabled is False
    assert settings.slack.admins == ["U1", "U2"]
    assert [(f.url, f.interval) for f in settings.feeds] == [("https://b.example/rss", 120)]
    assert settings.routes == [RouteSettings(platform="slack", channel="C1", kinds=["supply"], min_score=0.7)]


def test_a_whole_section_can_be_given_as_json() -> None:
    settings = load_settings(None, env={"EVRADAR_SERVER": '{"host": "0.0.0.0", "port": 81}'})
    assert (settings.server.host, settings.server.port) == ("0.0.0.0", 81)


def test_a_section_as_json_and_one_of_its_keys_combine() -> None:
    env = {"EVRADAR_SLACK": '{"timeout": "5s", "admins": ["U1"]}', "EVRADAR_SLACK__ADMINS": '["U2"]'}
    settings = load_settings(None, env=env)
    assert (settings.slack.timeout, settings.slack.admins) == (5, ["U2"])


def test_only_the_given_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVRADAR_POLLING__INTERVAL", "1m")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-process")
    assert Settings().polling.interval == 600 and Settings().secrets.slack_bot_token is None
    settings = load_settings(None, env={"SLACK_BOT_TOKEN": ""})  # empty means unset
    assert settings.polling.interval == 600 and settings.secrets.slack_bot_token is None


def test_every_problem_is_reported_at_once_with_its_key_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[polling]
interval = "10 minutes"
intervall = "5m"

[[feeds]]
url = "https://ok.example/feed"

[[feeds]]
url = "ftp://x"

[[routes]]
platform = "console"

[[routes]]
platform = "discord"
webhook_url = "http://discord.com/api/webhooks/1/abc"
""",
    )
    env = {"EVRADAR_POLING__INTERVAL": "5m", "EVRADAR_SLACK__ADMINS": "U1,U2", "EVRADAR_SERVER__PORT": "70000"}
    lines = problems(path, env=env)
    expected = [
        "polling.interval: '10 minutes' is not a duration such as 90s, 10m, 24h",
        "polling.intervall: is not a known key",
        "feeds[1].url: 'ftp://x' is not an http, https or file URL",
        "routes[1].webhook_url: must be an https URL",
        "EVRADAR_POLING__INTERVAL: 'poling' is not a section",
        "EVRADAR_SLACK__ADMINS: is not valid JSON",
        "server.port (from EVRADAR_SERVER__PORT): Input should be less than or equal to 65535",
    ]
    assert len(lines) == len(expected)
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[polling]\ninterval = "10m"\nbackfill = \n')
    [line] = problems(path)
    assert line.startswith(f"{path} line 3: invalid TOML (")


def test_unknown_sections_and_keys_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, '[bogus]\nx = 1\n[server]\nhots = "x"\n')
    lines = problems(path, env={"EVRADAR_SERVER__HOTS": "y", "EVRADAR_FEEDS__0__URL": "https://x"})
    assert lines[0].startswith("EVRADAR_FEEDS__0__URL: feeds is a list; give all of it as JSON in EVRADAR_FEEDS")
    assert lines[1].startswith("EVRADAR_SERVER__HOTS: [server] has no key 'hots'; its keys are host, port")
    assert lines[2].startswith("server.hots: is not a known key; the keys here are host, port, enabled")
    assert lines[3].startswith("bogus: is not a known key; the keys here are storage, polling, feeds")
    assert len(lines) == 4


def test_secrets_come_only_from_the_environment_and_never_show(tmp_path: Path) -> None:
    token = "xoxb-1234-very-secret-token"
    hook = "https://hooks.slack.com/services/T0001/B0002/HookSecretPart42"
    path = write(
        tmp_path,
        f'[storage]\nurl = "postgresql://evradar:dbpass99@db/evradar"\n'
        f'[[routes]]\nplatform = "slack"\nwebhook_url = "{hook}"\n',
    )
    settings = load_settings(path, env={"SLACK_BOT_TOKEN": token, "DISCORD_PUBLIC_KEY": ""})
    assert settings.secrets.slack_bot_token is not None
    assert settings.secrets.slack_bot_token.get_secret_value() == token
    assert settings.secrets.discord_public_key is None
    shown = describe(settings)
    printed = json.dumps(shown) + repr(settings) + str(settings)
    for secret in (token, "HookSecretPart42", "T0001", "dbpass99"):
        assert secret not in printed
    assert shown["secrets"]["slack_bot_token"] == "set (hidden)"
    assert shown["secrets"]["slack_signing_secret"] == "not set"
    assert shown["routes"][0]["webhook_url"] == "https://hooks.slack.com/services/***/***/***"
    assert shown["storage"]["url"] == "postgresql+psycopg://evradar:***@db/evradar"
    assert shown["polling"]["interval"] == "10m"


def test_secrets_in_the_file_or_under_the_evradar_prefix_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, '[secrets]\nslack_bot_token = "xoxb-in-the-file"\n')
    lines = problems(path, env={"EVRADAR_SECRETS__SLACK_BOT_TOKEN": "xoxb-prefixed"})
    assert lines[0].startswith("secrets: secrets are read only from the environment (SLACK_BOT_TOKEN,")
    assert lines[1].startswith("EVRADAR_SECRETS__SLACK_BOT_TOKEN: secrets are read from SLACK_BOT_TOKEN")
    assert "xoxb" not in "\n".join(lines)


def test_a_relative_file_url_is_taken_from_the_config_files_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = '[[feeds]]\nurl = "file:samples/ev news.xml"\n[detection]\ncompanies = "c.toml"\n'
    path = write(tmp_path / "conf", text)
    settings = load_settings(path, env={})
    assert settings.feeds[0].url == (tmp_path / "conf" / "samples" / "ev news.xml").as_uri()
    assert settings.detection.companies == str(tmp_path / "conf" / "c.toml")
    from_env = load_settings(path, env={"EVRADAR_FEEDS": '[{"url": "file:local.xml"}]'})
    assert from_env.feeds[0].url == (tmp_path / "local.xml").resolve().as_uri()


def test_the_demo_config_reads_the_bundled_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(str(DEMO), env={})
    [feed] = settings.feeds
    assert Path(url2pathname(urlsplit(feed.url).path)) == SAMPLE
    assert settings.polling.backfill_seconds is None
    assert settings.server.enabled is False
    assert settings.storage.url == "sqlite://"  # a throwaway database: every demo starts afresh
    assert [route.platform for route in settings.routes] == ["console"]


def test_the_sample_feed_is_rss_with_eighteen_complete_items() -> None:
    channel = ET.parse(SAMPLE).getroot().find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == 18
    for item in items:
        assert all(item.findtext(tag) for tag in ("title", "link", "guid", "description"))
        assert 2023 <= parsedate_to_datetime(item.findtext("pubDate") or "").year <= 2025
    assert len({item.findtext("guid") for item in items}) == 18


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        ({"platform": "slack"}, "routes[0]: a slack route needs a channel or a webhook_url"),
        ({"platform": "discord", "webhook_url": "http://discord.com/api/webhooks/1/x"}, "routes[0].webhook_url:"),
        ({"platform": "slack", "webhook_url": "hooks.slack.com/services/x"}, "routes[0].webhook_url: must be"),
        (
            {"platform": "matrix", "channel": "x"},
            "routes[0].platform: Input should be 'slack', 'discord', 'console', 'webhook' or 'teams'",
        ),
        ({"platform": "slack", "channel": "C1", "min_score": 1.5}, "routes[0].min_score: Input should be less"),
        ({"platform": "slack", "channel": "C1", "kinds": ["merger"]}, "routes[0].kinds[0]: Input should be"),
        ({"platform": "slack", "channel": "C1", "stages": ["rumour"]}, "routes[0].stages[0]: Input should be"),
    ],
)
def test_bad_routes(route: dict[str, object], problem: str) -> None:
    [line] = problems(env={"EVRADAR_ROUTES": json.dumps([route])})
    assert line.replace(" (from EVRADAR_ROUTES)", "").startswith(problem)


@pytest.mark.parametrize(
    "route",
    [
        {"platform": "console"},
        {"platform": "slack", "channel": "C0123456"},
        {"platform": "discord", "channel": 112233445566778899},
        {"platform": "slack", "webhook_url": "https://hooks.slack.com/services/T/B/x"},
        {"platform": "discord", "webhook_url": "http://127.0.0.1:8765/api/webhooks/1/x"},
        {"platform": "slack", "webhook_url": "http://localhost:8765/hook"},
    ],
)
def test_good_routes(route: dict[str, object]) -> None:
    assert load_settings(None, env={"EVRADAR_ROUTES": json.dumps([route])}).routes[0].platform == route["platform"]


@pytest.mark.parametrize(("backfill", "seconds"), [("all", None), ("none", 0.0), ("24h", 86400), ("ALL", None)])
def test_backfill(backfill: str, seconds: float | None) -> None:
    assert PollingSettings(backfill=backfill).backfill_seconds == seconds


def test_polling_bounds_and_zero_jitter() -> None:
    assert load_settings(None, env={"EVRADAR_POLLING__JITTER": "0"}).polling.jitter == 0
    [line] = problems(env={"EVRADAR_POLLING__MIN_INTERVAL": "2d"})
    assert line == "polling.max_interval: must not be less than polling.min_interval (2d)"
    [line] = problems(env={"EVRADAR_POLLING__BACKFILL": "forever"})
    assert line.startswith("polling.backfill (from EVRADAR_POLLING__BACKFILL): 'forever' is not a duration")


@pytest.mark.parametrize(
    ("storage", "expected"),
    [
        ("sqlite:///evradar.db", "sqlite:///evradar.db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_storage_urls(storage: str, expected: str) -> None:
    assert load_settings(None, env={"EVRADAR_STORAGE__URL": storage}).storage.url == expected


def test_bad_storage_url_hides_the_password() -> None:
    [line] = problems(env={"EVRADAR_STORAGE__URL": "mysql://u:hunter2@h/db"})
    assert line.startswith("storage.url (from EVRADAR_STORAGE__URL): 'mysql://u:***@h/db' is not a sqlite")


def test_duplicate_feeds_and_bad_handlers_are_errors() -> None:
    feeds = json.dumps([{"url": "https://a.example/f"}, {"url": "https://a.example/f"}])
    lines = problems(env={"EVRADAR_FEEDS": feeds, "EVRADAR_DETECTION__HANDLERS": '["nope"]'})
    assert lines == [
        "feeds (from EVRADAR_FEEDS): https://a.example/f is listed more than once; keep one entry",
        "detection.handlers (from EVRADAR_DETECTION__HANDLERS): 'nope' is not a handler named as module:Class",
    ]


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.server.port = 1
    assert settings.model_copy(update={"config_path": "x"}).config_path == "x"
