"""Reading the settings: the TOML file, EVRADAR_<SECTION>__<KEY> overrides and secrets from the given
environment, every problem reported at once with its key path; and the settings shown with secrets hidden."""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import ErrorDetails

from .bundled import bundled_config
from .errors import ConfigError
from .settings import (
    CONFIG_VARIABLE,
    ENV_PREFIX,
    FROM_ENVIRONMENT_ONLY,
    Secrets,
    Settings,
    environment,
    secret_names,
    secret_route_fields,
)
from .units import mask_password, mask_webhook_url, resolve_file_url


def load_settings(
    path: str | None = None, *, env: Mapping[str, str], schema: type[Settings] = Settings
) -> Settings:
    """Settings from the TOML file (path, else $EVRADAR_CONFIG, else config/evradar.toml, else the bundled
    copy, else embedded defaults) with EVRADAR_<SECTION>__<KEY> variables on top and secrets from env.

    Relative paths in a file (file: feed URLs, detection.companies) are taken from that file's directory.
    Raises ConfigError listing every problem, one per line, each starting with its key path.
    """
    problems: list[str] = []
    config = _find_config(path, env, problems)
    data = _read_toml(config, problems) if config else {}
    for key in FROM_ENVIRONMENT_ONLY:
        if data.pop(key, None) is not None:
            problems.append(_not_from_file(schema, key))
    if config:
        _resolve_relative_paths(data, config.resolve().parent)
    variables, origins = _environment_overrides(schema, env, problems)
    merged = _merge(data, environment(schema, variables)())
    secrets = _secrets_of(schema)
    named = _named_secrets(schema, merged.get("routes"), env, problems)
    merged["secrets"] = secrets(**environment(secrets, env)(), named=named)
    merged["config_path"] = str(config.resolve()) if config else ""
    settings: Settings | None = None
    try:
        settings = schema(**merged)
    except ValidationError as exc:
        problems.extend(_explain(schema, error, origins) for error in exc.errors(include_url=False))
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
    found = (Path("config") / "evradar.toml", bundled_config() / "evradar.toml")
    return next((p for p in found if p.is_file()), None)


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


def _named_secrets(
    schema: type[Settings], routes: object, env: Mapping[str, str], problems: list[str]
) -> dict[str, SecretStr]:
    """The secrets routes name by environment variable (such as ``secret_env``), read from ``env``."""
    found: dict[str, SecretStr] = {}
    for n, route in enumerate(routes if isinstance(routes, list) else []):
        for key, platform in secret_route_fields(schema).items():
            mine = isinstance(route, dict) and route.get("platform") == platform
            name = route.get(key) if mine else None
            if isinstance(name, str) and name:
                if env.get(name):
                    found[name] = SecretStr(env[name])
                else:
                    problems.append(f"routes[{n}].{key}: the environment variable {name} is not set; set it")
    return found


def _secrets_of(schema: type[Settings]) -> type[Secrets]:
    annotation = schema.model_fields["secrets"].annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, Secrets) else Secrets


def _not_from_file(schema: type[Settings], key: str) -> str:
    if key == "secrets":
        names = ", ".join(name.upper() for name in secret_names(schema))
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
    schema: type[Settings], env: Mapping[str, str], problems: list[str]
) -> tuple[dict[str, str], dict[tuple[str | int, ...], str]]:
    """The EVRADAR_<SECTION>__<KEY> variables that name a key and hold valid JSON where JSON is needed
    (lists, whole sections), and the key path each one sets; a problem for each of the others."""
    valid: dict[str, str] = {}
    origins: dict[tuple[str | int, ...], str] = {}
    secrets = set(secret_names(schema))
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name == CONFIG_VARIABLE or name.lower() in secrets:
            continue  # a secret that carries the prefix (it is read as a secret, not as a key)
        path = tuple(name[len(ENV_PREFIX) :].lower().split("__"))
        try:
            _check_json(_annotation_at(schema, path), env[name])
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        valid[name] = env[name]
        origins[path] = name
    return valid, origins


def _annotation_at(schema: type[Settings], path: tuple[str, ...]) -> Any:
    section, *rest = path
    field = schema.model_fields.get(section)
    if section == "secrets":
        names = ", ".join(name.upper() for name in secret_names(schema))
        raise ValueError(f"secrets are read from {names}, without the EVRADAR_ prefix")
    if field is None or section in FROM_ENVIRONMENT_ONLY:
        raise ValueError(f"{section!r} is not a section; the sections are {', '.join(_keys_of(schema))}")
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


def _explain(schema: type[Settings], error: ErrorDetails, origins: Mapping[tuple[str | int, ...], str]) -> str:
    loc = tuple(error["loc"])
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    source = next((origins[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in origins), None)
    if source:
        where += f" (from {source})"
    return f"{where or 'settings'}: {_message(schema, error, loc)}"


def _message(schema: type[Settings], error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "extra_forbidden":
        return f"is not a known key; the keys here are {', '.join(_keys_of(_model_at(schema, loc[:-1])))}"
    if kind == "missing":
        return "is required"
    shown = repr(error["input"])
    return f"{error['msg']} (got {shown if len(shown) <= 60 else shown[:57] + '...'})"


def _model_at(schema: type[Settings], loc: tuple[str | int, ...]) -> type[BaseModel]:
    model: type[BaseModel] = schema
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field else None
        annotation = get_args(annotation)[0] if get_origin(annotation) is list else annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return model


def _keys_of(model: type[BaseModel]) -> list[str]:
    settings = isinstance(model, type) and issubclass(model, Settings)
    return [name for name in model.model_fields if not settings or name not in FROM_ENVIRONMENT_ONLY]


def describe(settings: Settings) -> dict[str, Any]:
    """The resolved settings as plain data for `evradar config check`, with every secret hidden."""
    data = settings.model_dump(mode="json", exclude={"secrets"})
    data["storage"]["url"] = mask_password(settings.storage.url)
    for feed in data["feeds"]:
        feed["url"] = mask_password(feed["url"])
    for route in data["routes"]:
        route["webhook_url"] = mask_webhook_url(route["webhook_url"])
    secrets = {name: value for name, value in settings.secrets if name != "named"}
    secrets.update(settings.secrets.named)
    data["secrets"] = {name: "not set" if value is None else "set (hidden)" for name, value in secrets.items()}
    return data
