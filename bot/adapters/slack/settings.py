"""The [slack] section of the settings and Slack's secrets."""

from __future__ import annotations

from pydantic import Field

from ...core.settings import ApiUrl, Duration, Section

SECRETS = ("slack_bot_token", "slack_signing_secret", "slack_app_token")


class SlackSettings(Section):
    api_url: ApiUrl = "https://slack.com/api/"
    admins: list[str] = Field(default_factory=list)
    feedback_admins: list[str] = Field(default_factory=list)  # whose "Not …" vote mutes an event (else admins)
    timeout: Duration = 15  # one post; a slower one counts as failed and is retried from the outbox
