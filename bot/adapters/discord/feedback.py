"""Discord's feedback buttons under an alert (message components), and the vote they carry back:
recorded, then shown by editing the alert (UPDATE_MESSAGE), never by posting a new message."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any

import discord

from ...chat.commands import Commands
from ...chat.feedback import Click, Counted
from ...core.feedback import USEFUL, VOTE_LABELS, VOTES, tally_line
from .render import FIELDS, TOTAL

log = logging.getLogger("evradar.discord")

PREFIX = "evradar:vote:"
_CUSTOM_ID = re.compile(rf"{re.escape(PREFIX)}({'|'.join(VOTES)}):([0-9]{{1,17}})")
TALLY_FIELD = "Feedback"
MANAGE_CHANNELS, ADMINISTRATOR = 1 << 4, 1 << 3
GONE = "evradar no longer knows this alert, so the vote was not counted."


def feedback_view(event_id: int) -> discord.ui.View:
    """A row of four buttons whose custom ids carry the vote and the event id (nothing secret).

    The view is stopped before it is sent: discord.py then posts its components without keeping it
    in memory; the clicks are answered by :func:`vote_for` from the interaction, whichever way it came.
    """
    view = discord.ui.View(timeout=None)
    for vote in VOTES:
        style = discord.ButtonStyle.success if vote == USEFUL else discord.ButtonStyle.secondary
        view.add_item(
            discord.ui.Button(label=VOTE_LABELS[vote], custom_id=f"{PREFIX}{vote}:{event_id}", style=style)
        )
    view.stop()
    return view


def parse_custom_id(custom_id: str) -> tuple[str, int] | None:
    """("not_ev", 12) from "evradar:vote:not_ev:12"; None for anything else."""
    found = _CUSTOM_ID.fullmatch(custom_id)
    return (found[1], int(found[2])) if found else None


def may_mute(*, user: str, roles: Iterable[str], permissions: int, role: str, admins: Iterable[str]) -> bool:
    """The set role ([discord] feedback_role), the admins named in [discord] admins, or whoever may manage
    the channel (Manage Channels or Administrator)."""
    if role and role in set(roles):
        return True
    return user in set(admins) or bool(permissions & (MANAGE_CHANNELS | ADMINISTRATOR))


async def vote_for(commands: Commands, click: Click) -> Counted | None:
    return await asyncio.to_thread(commands.feedback.vote, click)


def tally_text(counted: Counted) -> str:
    line = tally_line(counted.tally)
    return line + (" · updates muted in this channel" if counted.muted else "")


def with_tally(embed: Mapping[str, Any], line: str) -> discord.Embed:
    """The alert's embed as posted, with the tally as its last field (left out if it would break a limit)."""
    edited = discord.Embed.from_dict(dict(embed))
    for n in reversed(range(len(edited.fields))):
        if edited.fields[n].name == TALLY_FIELD:
            edited.remove_field(n)
    if line and len(edited.fields) < FIELDS and len(edited) + len(TALLY_FIELD) + len(line) <= TOTAL:
        edited.add_field(name=TALLY_FIELD, value=line[:1024], inline=False)
    return edited


async def answer_gateway_click(
    interaction: discord.Interaction, *, commands: Commands, role: str, admins: Iterable[str]
) -> None:
    """A feedback button clicked while the gateway is connected: the same vote and edit as over HTTP."""
    if interaction.type is not discord.InteractionType.component:
        return
    data: Any = interaction.data or {}  # discord.py types it as the union of every interaction's data
    parsed = parse_custom_id(str(data.get("custom_id", "")))
    message = interaction.message
    if parsed is None or message is None or not message.embeds:
        return
    user = str(interaction.user.id)
    allowed = may_mute(
        user=user,
        roles=[str(r.id) for r in getattr(interaction.user, "roles", [])],
        permissions=interaction.permissions.value,
        role=role,
        admins=admins,
    )
    click = Click("discord", str(interaction.channel_id or ""), user, parsed[1], parsed[0], may_mute=allowed)
    counted = await vote_for(commands, click)
    if counted is None:
        await interaction.response.send_message(GONE, ephemeral=True)
        return
    embed = with_tally(message.embeds[0].to_dict(), tally_text(counted))
    await interaction.response.edit_message(embed=embed)


def gateway_listener(
    commands: Commands, *, role: str, admins: Iterable[str]
) -> Callable[[discord.Interaction], Coroutine[Any, Any, None]]:
    """The gateway client's ``on_interaction``: slash commands go to the CommandTree, button clicks here."""
    chosen = tuple(admins)

    async def on_interaction(interaction: discord.Interaction) -> None:
        try:
            await answer_gateway_click(interaction, commands=commands, role=role, admins=chosen)
        except Exception:  # isolation point: one click must not stop the gateway
            log.exception("Recording a feedback vote from Discord failed; the user can click again.")

    return on_interaction
