"""The [discord] section of the settings and Discord's secrets."""

from __future__ import annotations

from pydantic import Field

from ...core.settings import ApiUrl, Duration, Section

SECRETS = ("discord_bot_token", "discord_public_key")


class DiscordSettings(Section):
    api_url: ApiUrl = "https://discord.com/api/v10"
    application_id: str = ""
    admins: list[str] = Field(default_factory=list)
    feedback_role: str = ""  # a role id whose "Not …" votes mute an event in the channel
    timeout: Duration = 30
