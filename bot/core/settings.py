"""The one typed Settings object, built once from the TOML file plus EVRADAR_* environment overrides."""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from .errors import ConfigError
from .models import Kind, Stage
from .units import ApiUrl as ApiUrl
from .units import Duration as Duration
from .units import DurationOrZero as DurationOrZero
from .units import FeedUrl, StorageUrl, WebhookUrl
from .units import Size as Size
from .units import format_duration as format_duration
from .units import mask_password as mask_password
from .units import mask_webhook_url as mask_webhook_url
from .units import parse_duration as parse_duration
from .units import parse_size as parse_size
from .units import resolve_file_url as resolve_file_url

BUNDLED_CONFIG = Path(__file__).resolve().parents[2] / "config" / "evradar.toml"
ENV_PREFIX = "EVRADAR_"
CONFIG_VARIABLE = "EVRADAR_CONFIG"

_HANDLER = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
_FROM_ENVIRONMENT_ONLY = ("secrets", "config_path")

Positive = Annotated[int, Field(ge=1)]


class _Section(BaseModel):
    # Unknown keys are errors (a typo must not silently fall back to a default); TOML users may write
    # Discord ids unquoted, so numbers are accepted where text is expected.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class StorageSettings(_Section):
    url: StorageUrl = Field(default="sqlite:///evradar.db", repr=False)  # may hold a password; describe() masks it


class PollingSettings(_Section):
    interval: Duration = 600
    backfill: str = "24h"
    jitter: DurationOrZero = 30
    max_failures: Positive = 10
    min_interval: Duration = 60
    max_interval: Annotated[Duration, Field(validate_default=True)] = 86400  # checked against min_interval
    connect_timeout: Duration = 10
    read_timeout: Duration = 20
    total_timeout: Duration = 30
    max_body: Size = 10_000_000
    per_host: Positive = 2
    concurrency: Positive = 20
    user_agent: Annotated[str, Field(min_length=1)] = "evradar/0.1 (+https://github.com/evradar/evradar)"
    workers: Annotated[int, Field(ge=0, le=32)] = (
        0  # processes parsing and classifying; 0 = one per core for 50+ feeds
    )

    @field_validator("backfill")
    @classmethod
    def _check_backfill(cls, value: str) -> str:
        text = value.strip().lower()
        if text in ("all", "none"):
            return text
        try:
            parse_duration(text)
        except ValueError:
            raise ValueError(f'{value!r} is not a duration such as 90s, 10m, 24h, nor "all" or "none"') from None
        return text

    @field_validator("max_interval")
    @classmethod
    def _check_bounds(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min_interval")
        if low is not None and value < low:
            raise ValueError(f"must not be less than polling.min_interval ({format_duration(low)})")
        return value

    @property
    def backfill_seconds(self) -> float | None:
        """How young an item must be to alert on a feed's first poll: None for all, 0 for none."""
        if self.backfill == "all":
            return None
        return 0.0 if self.backfill == "none" else parse_duration(self.backfill)


class FeedSettings(_Section):
    url: FeedUrl
    interval: Duration | None = None
    name: str = ""


class SlackSettings(_Section):
    api_url: ApiUrl = "https://slack.com/api/"
    admins: list[str] = Field(default_factory=list)
    timeout: Duration = 15  # one post; a slower one counts as failed and is retried from the outbox


class DiscordSettings(_Section):
    api_url: ApiUrl = "https://discord.com/api/v10"
    application_id: str = ""
    admins: list[str] = Field(default_factory=list)
    timeout: Duration = 30


class ServerSettings(_Section):
    host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080  # 0 picks a free port
    enabled: bool = True


class RouteSettings(_Section):
    platform: Literal["slack", "discord", "console"]
    channel: str = ""
    webhook_url: WebhookUrl = Field(default="", repr=False)  # the URL is the credential; describe() masks it
    companies: list[str] = Field(default_factory=list)
    kinds: list[Kind] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    min_score: Annotated[float, Field(ge=0, le=1)] = 0.5

    @model_validator(mode="after")
    def _check_destination(self) -> RouteSettings:
        if self.platform != "console" and not (self.channel or self.webhook_url):
            raise ValueError(f"a {self.platform} route needs a channel or a webhook_url")
        return self


class ClusterSettings(_Section):
    """Several identical instances on one PostgreSQL, sharing the work as procrastinate jobs."""

    enabled: bool = False
    concurrency: Annotated[int, Field(ge=1, le=500)] = 20  # polls and deliveries one instance runs at once
    tick: Annotated[Duration, Field(ge=1, le=30)] = 2  # how often due feeds and deliveries become jobs


class DetectionSettings(_Section):
    handlers: list[str] = Field(default_factory=lambda: ["handlers.ev_partnership:EvPartnershipHandler"])
    companies: str = ""  # folder of company files (or one file); "" = the bundled copy

    @field_validator("handlers")
    @classmethod
    def _check_handlers(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("needs at least one handler, such as handlers.ev_partnership:EvPartnershipHandler")
        for spec in value:
            if not _HANDLER.fullmatch(spec):
                raise ValueError(f"{spec!r} is not a handler named as module:Class")
        return value


class _Explicit(BaseSettings):
    """pydantic-settings models that take their values only from load_settings, which reads the file and
    the given environment (a mapping, so that tests and tools need not touch os.environ); constructing
    one directly never reads the process environment."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source (prefix, "__" nesting, JSON for lists and sections) over a
    given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._given = env
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k.lower(): v for k, v in self._given.items() if not (self.env_ignore_empty and v == "")}


class Secrets(_Explicit):
    """Tokens, read only from SLACK_BOT_TOKEN and the like, never from the file."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, env_ignore_empty=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    discord_bot_token: SecretStr | None = None
    discord_public_key: SecretStr | None = None


class Settings(_Explicit):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True, coerce_numbers_to_str=True
    )

    storage: StorageSettings = Field(default_factory=StorageSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    feeds: list[FeedSettings] = Field(default_factory=list)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    routes: list[RouteSettings] = Field(default_factory=lambda: [RouteSettings(platform="console")])
    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)
    secrets: Secrets = Field(default_factory=Secrets)
    config_path: str = ""  # which file was read; "" = embedded defaults

    @model_validator(mode="after")
    def _check_cluster_store(self) -> Settings:
        if self.cluster.enabled and not self.storage.url.startswith("postgresql"):
            raise ValueError(
                "cluster.enabled needs PostgreSQL: set storage.url to postgresql+psycopg://user@host/db "
                "(every instance the same), or turn cluster mode off"
            )
        return self

    @field_validator("feeds")
    @classmethod
    def _check_unique(cls, feeds: list[FeedSettings]) -> list[FeedSettings]:
        seen: set[str] = set()
        for feed in feeds:
            if feed.url in seen:
                raise ValueError(f"{feed.url} is listed more than once; keep one entry")
            seen.add(feed.url)
        return feeds


def load_settings(path: str | None = None, *, env: Mapping[str, str]) -> Settings:
    """Settings from the TOML file (path, else $EVRADAR_CONFIG, else config/evradar.toml, else the bundled
    copy, else embedded defaults) with EVRADAR_<SECTION>__<KEY> variables on top and secrets from env.

    Relative paths in a file (file: feed URLs, detection.companies) are taken from that file's directory.
    Raises ConfigError listing every problem, one per line, each starting with its key path.
    """
    problems: list[str] = []
    config = _find_config(path, env, problems)
    data = _read_toml(config, problems) if config else {}
    for key in _FROM_ENVIRONMENT_ONLY:
        if data.pop(key, None) is not None:
            problems.append(_not_from_file(key))
    if config:
        _resolve_relative_paths(data, config.resolve().parent)
    variables, origins = _environment_overrides(env, problems)
    merged = _merge(data, _Environment(Settings, variables)())
    merged["secrets"] = Secrets(**_Environment(Secrets, env)())
    merged["config_path"] = str(config.resolve()) if config else ""
    settings: Settings | None = None
    try:
        settings = Settings(**merged)
    except ValidationError as exc:
        problems.extend(_explain(error, origins) for error in exc.errors(include_url=False))
    if problems or settings is None:
        raise ConfigError("\n".join(problems))
    return settings


def _find_config(path: str | None, env: Mapping[str, str], problems: list[str]) -> Path | None:
    named = [
        (path, "check the path given with --config"),
        (env.get(CONFIG_VARIABLE), "fix or unset EVRADAR_CONFIG"),
    ]
    for given, advice in named:
        if given:
            if Path(given).expanduser().is_file():
                return Path(given).expanduser()
            problems.append(f"{given}: the configuration file does not exist; {advice}")
            return None
    return next((p for p in (Path("config") / "evradar.toml", BUNDLED_CONFIG) if p.is_file()), None)


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot be read ({exc})")
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if where:
            problems.append(
                f"{path} line {where[1]}: invalid TOML ({message[: where.start()]}, column {where[2]})"
            )
        else:
            problems.append(f"{path}: invalid TOML ({message})")
    return {}


def _not_from_file(key: str) -> str:
    if key == "secrets":
        names = ", ".join(name.upper() for name in Secrets.model_fields)
        return f"secrets: secrets are read only from the environment ({names}); remove them from the file"
    return f"{key}: is set by evradar itself; remove it from the file"


def _resolve_relative_paths(data: dict[str, Any], base: Path) -> None:
    feeds = data.get("feeds")
    for feed in feeds if isinstance(feeds, list) else []:
        url = feed.get("url") if isinstance(feed, dict) else None
        if isinstance(url, str) and url.strip().lower().startswith("file:"):
            with contextlib.suppress(ValueError):  # FeedSettings reports a bad one with its key path
                feed["url"] = resolve_file_url(url.strip(), base)
    detection = data.get("detection")
    if isinstance(detection, dict):
        companies = detection.get("companies")
        if isinstance(companies, str) and companies and not Path(companies).expanduser().is_absolute():
            detection["companies"] = str(base / companies)


def _environment_overrides(
    env: Mapping[str, str], problems: list[str]
) -> tuple[dict[str, str], dict[tuple[str | int, ...], str]]:
    """The EVRADAR_<SECTION>__<KEY> variables that name a key and hold valid JSON where JSON is needed
    (lists, whole sections), and the key path each one sets; a problem for each of the others."""
    valid: dict[str, str] = {}
    origins: dict[tuple[str | int, ...], str] = {}
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name == CONFIG_VARIABLE:
            continue
        path = tuple(name[len(ENV_PREFIX) :].lower().split("__"))
        try:
            _check_json(_annotation_at(path), env[name])
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        valid[name] = env[name]
        origins[path] = name
    return valid, origins


def _annotation_at(path: tuple[str, ...]) -> Any:
    section, *rest = path
    field = Settings.model_fields.get(section)
    if section == "secrets":
        names = ", ".join(name.upper() for name in Secrets.model_fields)
        raise ValueError(f"secrets are read from {names}, without the EVRADAR_ prefix")
    if field is None or section in _FROM_ENVIRONMENT_ONLY:
        raise ValueError(f"{section!r} is not a section; the sections are {', '.join(_keys_of(Settings))}")
    if not rest:
        return field.annotation
    model = field.annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ValueError(f"{section} is a list; give all of it as JSON in {ENV_PREFIX}{section.upper()}")
    if len(rest) != 1 or rest[0] not in model.model_fields:
        raise ValueError(f"[{section}] has no key {'__'.join(rest)!r}; its keys are {', '.join(_keys_of(model))}")
    return model.model_fields[rest[0]].annotation


def _check_json(annotation: Any, raw: str) -> None:
    is_list = get_origin(annotation) is list
    if not is_list and not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return  # plain text: pydantic converts "0", "true", "5m" like the same text in the file
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        example = '["a", "b"]' if is_list else '{"key": "value"}'
        raise ValueError(f"is not valid JSON ({exc}); write it as {example}") from None


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _explain(error: ErrorDetails, origins: Mapping[tuple[str | int, ...], str]) -> str:
    loc = tuple(error["loc"])
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    source = next((origins[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in origins), None)
    if source:
        where += f" (from {source})"
    return f"{where or 'settings'}: {_message(error, loc)}"


def _message(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "extra_forbidden":
        return f"is not a known key; the keys here are {', '.join(_keys_of(_model_at(loc[:-1])))}"
    if kind == "missing":
        return "is required"
    shown = repr(error["input"])
    return f"{error['msg']} (got {shown if len(shown) <= 60 else shown[:57] + '...'})"


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel]:
    model: type[BaseModel] = Settings
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field else None
        annotation = get_args(annotation)[0] if get_origin(annotation) is list else annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return model


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if model is not Settings or name not in _FROM_ENVIRONMENT_ONLY]


def describe(settings: Settings) -> dict[str, Any]:
    """The resolved settings as plain data for `evradar config check`, with every secret hidden."""
    data = settings.model_dump(mode="json", exclude={"secrets"})
    data["storage"]["url"] = mask_password(settings.storage.url)
    for feed in data["feeds"]:
        feed["url"] = mask_password(feed["url"])
    for route in data["routes"]:
        route["webhook_url"] = mask_webhook_url(route["webhook_url"])
    data["secrets"] = {name: "not set" if value is None else "set (hidden)" for name, value in settings.secrets}
    return data
