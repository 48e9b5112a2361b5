"""The one typed Settings object, built once from the TOML file plus EVRADAR_* environment overrides.

The sections every evradar has are declared here; each chat platform adds its own section, secrets
and route checks through :func:`compose` (``bot.run.settings`` composes the registered platforms).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from .models import Kind, Stage
from .schedule import check_digest, zone_name
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

DEFAULT_HANDLERS = ("handlers.ev_partnership:EvPartnershipHandler",)
ENV_PREFIX = "EVRADAR_"
CONFIG_VARIABLE = "EVRADAR_CONFIG"

_HANDLER = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
FROM_ENVIRONMENT_ONLY = ("secrets", "config_path")
WEB_TOKEN = "evradar_web_token"  # the web pages' token when they are served off loopback

Positive = Annotated[int, Field(ge=1)]
S = TypeVar("S", bound=BaseModel)


class Section(BaseModel):
    # Unknown keys are errors (a typo must not silently fall back to a default); TOML users may write
    # chat channel ids unquoted, so numbers are accepted where text is expected.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class StorageSettings(Section):
    url: StorageUrl = Field(default="sqlite:///evradar.db", repr=False)  # may hold a password; describe() masks it


class PollingSettings(Section):
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
    timezone: Annotated[str, AfterValidator(zone_name)] = "UTC"  # IANA name digest schedules are read in

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


class FeedSettings(Section):
    url: FeedUrl
    interval: Duration | None = None
    name: str = ""


class ServerSettings(Section):
    host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080  # 0 picks a free port
    enabled: bool = True
    stuck_after: Duration = 1800  # /healthz is degraded when a delivery has waited longer than this


class RouteSettings(Section):
    """One configured destination; which platforms exist and what each needs is checked by :func:`compose`."""

    name: str = ""  # a stable identity; "" = "<platform>-<n>", the route's position among its platform's
    platform: str
    channel: str = ""
    webhook_url: WebhookUrl = Field(default="", repr=False)  # the URL is the credential; describe() masks it
    companies: list[str] = Field(default_factory=list)
    kinds: list[Kind] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    min_score: Annotated[float, Field(ge=0, le=1)] = 0.5
    digest: str = ""  # "" = single alerts; "daily 08:00" or "weekly mon 08:00" = one message per period
    timezone: str = ""  # IANA name the digest schedule is read in; "" = [polling] timezone

    @model_validator(mode="after")
    def _check_digest(self) -> RouteSettings:
        check_digest(self.name or f"this {self.platform} route", self.digest, self.timezone)
        return self


@dataclass(frozen=True, slots=True)
class NamedRoute:
    """A route and the identity its waiting alerts are kept under, whatever its channel or URL."""

    identity: str
    route: RouteSettings


def name_routes(routes: Sequence[RouteSettings]) -> list[NamedRoute]:
    """Routes with their identities: the ``name`` given, else "<platform>-<n>" for the n-th route of that
    platform in the file (1-based), which stays the same when its channel id or webhook URL is fixed."""
    counts: dict[str, int] = {}
    named = []
    for route in routes:
        counts[route.platform] = counts.get(route.platform, 0) + 1
        named.append(NamedRoute(route.name.strip() or f"{route.platform}-{counts[route.platform]}", route))
    return named


class ClusterSettings(Section):
    """Several identical instances on one PostgreSQL, sharing the work as procrastinate jobs."""

    enabled: bool = False
    concurrency: Annotated[int, Field(ge=1, le=500)] = 20  # polls and deliveries one instance runs at once
    tick: Annotated[Duration, Field(ge=1, le=30)] = 2  # how often due feeds and deliveries become jobs


class DetectionSettings(Section):
    handlers: list[str] = Field(default_factory=lambda: list(DEFAULT_HANDLERS))
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
    """Tokens, read only from the environment (each platform names its own), never from the file.

    ``named`` holds the variables the configuration names itself (a route's ``secret_env``).
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True, env_ignore_empty=True)

    named: dict[str, SecretStr] = Field(default_factory=dict, exclude=True)


class Settings(_Explicit):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True, coerce_numbers_to_str=True
    )

    storage: StorageSettings = Field(default_factory=StorageSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    feeds: list[FeedSettings] = Field(default_factory=list)
    server: ServerSettings = Field(default_factory=ServerSettings)
    routes: list[RouteSettings] = Field(default_factory=list)
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

    @model_validator(mode="after")
    def _check_route_names(self) -> Settings:
        seen: set[str] = set()
        for named in name_routes(self.routes):
            if named.identity in seen:
                raise ValueError(
                    f"two routes are called {named.identity!r} (a route without a name is called "
                    "<platform>-<n>); give each route its own name"
                )
            seen.add(named.identity)
        return self

    def named_routes(self) -> list[NamedRoute]:
        """Every route with its identity: its ``name``, else "<platform>-<n>" (see :func:`name_routes`)."""
        return name_routes(self.routes)

    def section(self, name: str, model: type[S]) -> S:
        """A platform's own section (``[<platform>]``), or its defaults when the platform is not composed in."""
        found = getattr(self, name, None)
        return found if isinstance(found, model) else model()

    def secret(self, name: str) -> str | None:
        """The value of a secret a platform names (``<platform>_bot_token``); None when unset or empty."""
        value = getattr(self.secrets, name, None)
        return value.get_secret_value() or None if isinstance(value, SecretStr) else None


@dataclass(frozen=True, slots=True)
class RouteField:
    """A key a platform adds to its routes (text, "" when not given); ``names_secret``: its value is
    the name of an environment variable holding a secret, read when the settings are loaded."""

    name: str
    names_secret: bool = False


@dataclass(frozen=True, slots=True)
class PlatformSchema:
    """What a chat platform adds to the settings: its section, its secrets, and what its routes need."""

    name: str
    section: type[Section] | None = None  # the [name] section, when the platform has one
    secrets: tuple[str, ...] = ()  # environment variables, lower case, e.g. "<platform>_bot_token"
    check_route: Callable[[RouteSettings], None] | None = None  # raises ValueError saying what is wrong
    route_fields: tuple[RouteField, ...] = ()  # keys only this platform's routes take
    # A route checked against the rest of the settings (such as the platform's own section); raises
    # ValueError saying what is wrong. Runs once every section is valid.
    check_route_in: Callable[[RouteSettings, Settings], None] | None = None


def compose(platforms: Sequence[PlatformSchema], *, fallback: str) -> type[Settings]:
    """The Settings class with every platform's section and secrets, whose routes name only these
    platforms; with no routes configured, alerts go to the ``fallback`` platform."""
    known = {p.name: p for p in platforms}
    route = _route_model(known)
    names = [*(n for p in platforms for n in p.secrets), WEB_TOKEN]
    secrets: Any = create_model(  # type: ignore[call-overload]
        "Secrets", __base__=Secrets, **{n: (SecretStr | None, None) for n in names}
    )
    sections: dict[str, Any] = {
        p.name: (p.section, Field(default_factory=p.section)) for p in platforms if p.section is not None
    }
    composed: type[Settings] = create_model(
        "Settings",
        __base__=Settings,
        __validators__={"_check_routes_in": model_validator(mode="after")(_routes_checker(known))},  # type: ignore[dict-item]
        routes=(list[route], Field(default_factory=lambda: [route(platform=fallback)])),  # type: ignore[valid-type]
        secrets=(secrets, Field(default_factory=secrets)),
        **sections,
    )
    return composed


def _routes_checker(known: Mapping[str, PlatformSchema]) -> Callable[[Settings], Settings]:
    """The whole-settings check of every route whose platform has a ``check_route_in``."""

    def check(settings: Settings) -> Settings:
        problems: list[str] = []
        for n, route in enumerate(settings.routes):
            platform = known.get(route.platform)
            if platform is not None and platform.check_route_in is not None:
                try:
                    platform.check_route_in(route, settings)
                except ValueError as exc:
                    problems.append(f"routes[{n}]: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return settings

    return check


def secret_route_fields(schema: type[Settings]) -> dict[str, str]:
    """The route keys whose values name environment variables holding secrets, and their platforms."""
    route = schema.model_fields["routes"].annotation
    model = get_args(route)[0] if get_args(route) else None
    return dict(getattr(model, "secret_fields", {}))


def secret_names(schema: type[Settings]) -> list[str]:
    """The secrets read from the environment by their own names (each platform names its own)."""
    annotation = schema.model_fields["secrets"].annotation
    model = annotation if isinstance(annotation, type) and issubclass(annotation, Secrets) else Secrets
    return [name for name in model.model_fields if name != "named"]


def _route_model(known: Mapping[str, PlatformSchema]) -> type[RouteSettings]:
    choices = [repr(name) for name in known]
    expected = " or ".join([", ".join(choices[:-1]), choices[-1]] if len(choices) > 1 else choices)
    owners = {f.name: p.name for p in known.values() for f in p.route_fields}
    extra: dict[str, Any] = {name: (str, "") for name in owners}
    base: Any = create_model("RouteSettings", __base__=RouteSettings, **extra)

    class Route(base):  # type: ignore[misc]
        secret_fields: ClassVar[dict[str, str]] = {
            f.name: p.name for p in known.values() for f in p.route_fields if f.names_secret
        }

        @field_validator("platform")
        @classmethod
        def _known(cls, value: str) -> str:
            if value not in known:
                raise ValueError(f"Input should be {expected}")
            return value

        @model_validator(mode="after")
        def _complete(self) -> Route:
            for name in sorted(self.model_fields_set & owners.keys()):
                if owners[name] != self.platform and getattr(self, name):
                    raise ValueError(f"{name} is only for {owners[name]} routes; remove it from this one")
            check = known[self.platform].check_route
            if check is not None:
                check(self)
            return self

    Route.__name__ = Route.__qualname__ = "RouteSettings"
    return Route


def environment(settings_cls: type[BaseSettings], env: Mapping[str, str]) -> _Environment:
    """The variables of ``env`` that ``settings_cls`` reads, parsed as pydantic-settings parses them."""
    return _Environment(settings_cls, env)
