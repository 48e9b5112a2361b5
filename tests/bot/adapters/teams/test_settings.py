"""Teams routes: a Workflows webhook URL of either form is taken, anything else is refused with what to
do, naming the route; [teams] allowed_hosts admits more hosts; the URL never shows in `config check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import EXIT_CONFIG, main
from bot.core.errors import ConfigError
from bot.core.loading import describe
from bot.run.settings import load_settings

SIG = "sig=AbC-123_xyz"
QUERY = f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&{SIG}"
LOGIC = (
    f"https://prod-27.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke{QUERY}"
)
POWER = (
    "https://default9f8e7d6c.09.environment.api.powerplatform.com:443/powerautomate/automations/direct"
    f"/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke{QUERY}"
)
LOCAL = f"http://127.0.0.1:8123/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke{QUERY}"


def _load(*routes: dict[str, object], **env: str) -> object:
    return load_settings(None, env={"EVRADAR_ROUTES": json.dumps(list(routes)), **env})


def _problem(*routes: dict[str, object], **env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        _load(*routes, **env)
    [line] = str(caught.value).splitlines()
    return line.replace(" (from EVRADAR_ROUTES)", "")


@pytest.mark.parametrize("url", [LOGIC, POWER, LOGIC.replace("westeurope", "usgovtexas")])
def test_workflows_urls_of_either_form_are_taken(url: str) -> None:
    settings = _load({"platform": "slack", "channel": "C1"}, {"platform": "teams", "webhook_url": url})
    assert [r.platform for r in settings.routes] == ["slack", "teams"]  # type: ignore[attr-defined]
    shown = json.dumps(describe(settings))  # type: ignore[arg-type]
    assert SIG not in shown and "0a1b2c3d4e5f" not in shown and "api-version" not in shown


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        ({"platform": "teams"}, "routes[0]: a teams route needs a webhook_url"),
        ({"platform": "teams", "webhook_url": LOGIC, "channel": "C1"}, "routes[0]: a teams route has no channel"),
        ({"platform": "teams", "webhook_url": LOGIC.replace("https", "http")}, "routes[0].webhook_url: must be"),
        ({"platform": "teams", "webhook_url": "javascript:alert(1)"}, "routes[0].webhook_url: must be"),
        (
            {"platform": "teams", "webhook_url": LOGIC.split("&sig")[0]},
            "routes[0]: webhook_url has no sig parameter, so the workflow accepts only signed-in users: set its "
            'trigger\'s "Who can trigger the flow" to "Anyone"',
        ),
        (
            {
                "platform": "teams",
                "webhook_url": "https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d",
            },
            "routes[0]: webhook_url is an Office 365 connector webhook, which Microsoft retired",
        ),
        (
            {"platform": "teams", "webhook_url": "https://hooks.slack.com/services/T0/B0/XXXX"},
            "routes[0]: webhook_url is not a Teams Workflows URL (no /workflows/…/paths/invoke path)",
        ),
        (
            {
                "platform": "teams",
                "webhook_url": LOGIC.replace("prod-27.westeurope.logic.azure.com", "logic.azure.com.evil.example"),
            },
            "settings: routes[0]: webhook_url names the host logic.azure.com.evil.example, which is not a Teams "
            "Workflows host (under logic.azure.com or api.powerplatform.com); copy the URL from the trigger of "
            "the workflow (docs/teams.md), or add the host to teams.allowed_hosts",
        ),
        ({"platform": "teams", "webhook_url": LOCAL}, "settings: routes[0]: webhook_url names the host 127.0.0.1"),
    ],
)
def test_anything_else_is_refused_naming_the_route_and_what_to_do(route: dict[str, object], problem: str) -> None:
    line = _problem(route)
    assert line.startswith(problem), line
    assert SIG not in line


def test_allowed_hosts_admits_a_local_receiver_or_another_cloud() -> None:
    settings = _load({"platform": "teams", "webhook_url": LOCAL}, EVRADAR_TEAMS__ALLOWED_HOSTS='["127.0.0.1"]')
    assert settings.teams.allowed_hosts == ["127.0.0.1"]  # type: ignore[attr-defined]
    gov = LOGIC.replace("prod-27.westeurope.logic.azure.com", "prod-01.usgovvirginia.logic.azure.us")
    assert _load(
        {"platform": "teams", "webhook_url": gov},
        EVRADAR_TEAMS__ALLOWED_HOSTS='["Prod-01.UsGovVirginia.Logic.Azure.US."]',
    )
    assert _problem(
        {"platform": "teams", "webhook_url": LOGIC}, EVRADAR_TEAMS__ALLOWED_HOSTS='["https://127.0.0.1/x"]'
    ).startswith(
        "teams.allowed_hosts (from EVRADAR_TEAMS__ALLOWED_HOSTS): 'https://127.0.0.1/x' is not a host name"
    )


def test_the_teams_section_has_its_defaults_and_the_route_key_is_only_for_routes() -> None:
    settings = _load({"platform": "console"})
    assert settings.teams.timeout == 15 and settings.teams.allowed_hosts == []  # type: ignore[attr-defined]
    assert _problem({"platform": "console"}, EVRADAR_TEAMS__TIMEOUT="soon").startswith("teams.timeout")


def test_config_check_prints_the_problem_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "evradar.toml"
    evil = LOGIC.replace("prod-27.westeurope.logic.azure.com", "evil.example")
    config.write_text(f'[[routes]]\nplatform = "teams"\nwebhook_url = "{evil}"\n', encoding="utf-8")
    assert main(["config", "check", "--config", str(config)]) == EXIT_CONFIG
    printed = " ".join(capsys.readouterr().err.split())
    assert "names the host evil.example" in printed and "add the host to teams.allowed_hosts" in printed
    assert SIG not in printed
