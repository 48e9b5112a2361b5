"""The `/evradar` command on Discord: request building shared by gateway and HTTP, the CommandTree, and sync."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import discord
import discord.http
from discord import app_commands

from handlers.companies import CompanyIndex

from ...chat.commands import SUBCOMMANDS, Answer, Attachment, Commands, Request, split
from ...core.errors import ConfigError, EvradarError
from ...core.settings import Settings
from .render import NO_MENTIONS, render_answer, render_failure
from .settings import DiscordSettings

log = logging.getLogger("evradar.discord")

MANAGE_CHANNELS = 1 << 4
ADMINISTRATOR = 1 << 3  # implies every other permission
PATIENCE = 2.0  # seconds an answer may take before it is deferred: Discord drops interactions unanswered in 3 s
MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
FILE_COMMANDS = ("graph", "export")
T = TypeVar("T")


def use_api_url(api_url: str) -> None:
    """Send every discord.py REST call, webhooks and interaction responses included, to ``api_url``.

    ``discord.http.Route.BASE`` is discord.py's internal hook, not a public API: a class variable read when
    each Route is built. It is process-wide, which suits evradar's one Discord application per process.
    """
    discord.http.Route.BASE = api_url.rstrip("/")


def new_client(**options: Any) -> discord.Client:
    """A discord.Client that never pings anyone, with the one intent app commands want (guilds, not privileged)."""
    discord.VoiceClient.warn_dave = False  # evradar has no voice; keep discord.py's voice warning out of the log
    return discord.Client(intents=discord.Intents(guilds=True), allowed_mentions=NO_MENTIONS, **options)


# -- one invocation, whichever way it arrived ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invocation:
    """One use of an `/evradar` subcommand, from the gateway or the HTTP endpoint alike."""

    name: str
    options: Mapping[str, str] = field(default_factory=dict)
    channel: str = ""
    user: str = ""
    permissions: int = 0  # the member's permissions in the channel, as Discord's bitfield


@dataclass(frozen=True, slots=True)
class Reply:
    """What answers one command: an embed, and the file it describes when there is one (posted for all to see)."""

    embed: discord.Embed
    file: Attachment | None = None

    def discord_file(self) -> discord.File | None:
        return None if self.file is None else discord.File(io.BytesIO(self.file.data), filename=self.file.filename)


class CommandRunner:
    """Turns an invocation into a platform-neutral Request, asks Commands in a worker thread, renders."""

    def __init__(self, commands: Commands, *, admins: Iterable[str]) -> None:
        self.commands = commands
        self.admins = frozenset(admins)

    def request(self, invocation: Invocation) -> Request:
        may_manage = (
            bool(invocation.permissions & (MANAGE_CHANNELS | ADMINISTRATOR)) or invocation.user in self.admins
        )
        return Request(self._text(invocation), "discord", invocation.channel, invocation.user, may_manage)

    def _text(self, invocation: Invocation) -> str:
        options = invocation.options
        if invocation.name == "lookup":
            return options.get("company", "")
        if invocation.name in FILE_COMMANDS:
            return f"{invocation.name} {options.get('company', '')}".strip()
        if invocation.name in ("mute", "unmute"):
            return f"{invocation.name} {options.get('target', '')} {options.get('duration', '')}".strip()
        if invocation.name != "subscribe":
            return invocation.name if invocation.name in SUBCOMMANDS else "help"
        words = ["subscribe", *(self._one_word(c) for c in re.split(r"[,;\n]", options.get("companies", "")))]
        for key in ("kinds", "stages"):
            values = [v for v in re.split(r"[\s,;]+", options.get(key, "")) if v]
            if values:
                words.append(f"{key}={','.join(values)}")
        return " ".join(w for w in words if w)

    def _one_word(self, name: str) -> str:
        """A company as one word: the subscribe text is split on spaces, so "Great Wall Motor" becomes GWM."""
        name = " ".join(name.split())
        if " " not in name:
            return name
        canonical, _ = self.commands.lookup.resolve(name)
        company = self.commands.lookup.index.get(canonical)
        spellings = (*company.tickers, *company.aliases) if company else ()
        single = [s for s in spellings if " " not in s and self.commands.lookup.resolve(s)[0] == canonical]
        return single[0] if single else name

    def answer_now(self, invocation: Invocation) -> Answer:
        """The platform-neutral answer; blocking (it reads the database), so it runs in a worker thread."""
        request = self.request(invocation)
        if invocation.name == "lookup" and request.text and split(request.text)[0] != "lookup":
            return self.commands.lookup.company(request.text)  # a company named like a subcommand ("status")
        return self.commands.answer(request)

    async def answer(self, invocation: Invocation) -> Reply:
        try:
            answer = await asyncio.to_thread(self.answer_now, invocation)
            return Reply(render_answer(answer), answer if isinstance(answer, Attachment) else None)
        except Exception:  # isolation point: one failed answer must not break the command for everyone
            log.exception(
                "Answering /evradar %s in Discord channel %s failed; the user was asked to try again.",
                invocation.name,
                invocation.channel,
            )
            return Reply(render_failure())

    def complete(self, typed: str) -> list[str]:
        return company_choices(self.commands.lookup.index, typed)


def company_choices(index: CompanyIndex, typed: str, *, limit: int = MAX_CHOICES) -> list[str]:
    """Companies whose name, then alias or ticker, starts with what was typed; then those merely containing it."""
    typed = " ".join(typed.split()).casefold()[:100]
    ranked: list[tuple[int, str]] = []
    for company in index.companies.values():
        others = [s.casefold() for s in (*company.aliases, *company.tickers)]
        name = company.name.casefold()
        if name.startswith(typed):
            ranked.append((0, company.name))
        elif any(s.startswith(typed) for s in others):
            ranked.append((1, company.name))
        elif typed in name or any(typed in s for s in others):
            ranked.append((2, company.name))
    return [name[:100] for _, name in sorted(ranked, key=lambda r: (r[0], r[1].casefold()))[:limit]]


async def respond_in_time(
    work: Awaitable[T],
    *,
    reply: Callable[[T], Awaitable[None]],
    defer: Callable[[], Awaitable[None]],
    follow_up: Callable[[T], Awaitable[None]],
    patience: float = PATIENCE,
) -> None:
    """Answer directly when the work is done within ``patience`` seconds; else defer, then follow up."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=patience)
        if task in done:
            await reply(task.result())
            return
        await defer()
        await follow_up(await task)
    finally:
        task.cancel()  # a no-op once it is done; otherwise nobody would wait for it


# -- the gateway ----------------------------------------------------------------------------------------


def build_tree(
    client: discord.Client, runner: CommandRunner | None, *, patience: float = PATIENCE
) -> app_commands.CommandTree[discord.Client]:
    """The CommandTree holding `/evradar`; ``runner`` is None when the tree is only built to be synced."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    tree.add_command(_group(runner, patience))
    return tree


def _group(runner: CommandRunner | None, patience: float) -> app_commands.Group:
    group = app_commands.Group(
        name="evradar",
        description="Electric-vehicle partnerships: look companies up, see recent deals, subscribe.",
    )

    async def run(interaction: discord.Interaction, name: str, **options: str | None) -> None:
        given = {key: value for key, value in options.items() if value}
        invocation = Invocation(
            name, given, str(interaction.channel_id or ""), str(interaction.user.id), interaction.permissions.value
        )
        await _gateway_reply(interaction, runner, invocation, patience)

    @group.command(name="lookup", description="A company's partnership events, newest first.")
    @app_commands.describe(company="A company name, alias or ticker, such as Xiaomi, GWM or TSLA.")
    async def lookup(interaction: discord.Interaction, company: str) -> None:
        await run(interaction, "lookup", company=company)

    async def complete_company(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in (runner.complete(current) if runner else [])]

    lookup.autocomplete("company")(complete_company)

    @group.command(name="recent", description="The latest partnerships evradar has seen.")
    async def recent(interaction: discord.Interaction) -> None:
        await run(interaction, "recent")

    @group.command(name="status", description="Feeds, paused feeds, last poll, alerts today, paused destinations.")
    async def status(interaction: discord.Interaction) -> None:
        await run(interaction, "status")

    @group.command(name="help", description="What /evradar can do.")
    async def help_(interaction: discord.Interaction) -> None:
        await run(interaction, "help")

    @group.command(name="subscribe", description="Send this channel alerts for companies, kinds or stages.")
    @app_commands.describe(
        companies="Companies, comma-separated, such as Xiaomi, BYD (needs Manage Channels).",
        kinds="manufacturing, joint_venture, supply, technology, investment, charging or other; comma-separated.",
        stages="announced, talks or ended; comma-separated.",
    )
    async def subscribe(
        interaction: discord.Interaction,
        companies: str | None = None,
        kinds: str | None = None,
        stages: str | None = None,
    ) -> None:
        await run(interaction, "subscribe", companies=companies, kinds=kinds, stages=stages)

    @group.command(name="graph", description="A picture of a company's partnership network, posted here.")
    @app_commands.describe(company="A company name, alias or ticker, such as Xiaomi, GWM or TSLA.")
    async def graph(interaction: discord.Interaction, company: str) -> None:
        await run(interaction, "graph", company=company)

    graph.autocomplete("company")(complete_company)

    @group.command(name="export", description="The stored partnership events as a CSV file.")
    @app_commands.describe(company="Only this company's events (optional).")
    async def export(interaction: discord.Interaction, company: str | None = None) -> None:
        await run(interaction, "export", company=company)

    @group.command(name="unsubscribe", description="Stop this channel's subscription (needs Manage Channels).")
    async def unsubscribe(interaction: discord.Interaction) -> None:
        await run(interaction, "unsubscribe")

    @group.command(
        name="mute", description="No alerts about a company or kind here, for a while or until unmuted."
    )
    @app_commands.describe(
        target="A company (name, alias or ticker), or kind=charging and the like.",
        duration="For how long, such as 12h, 7d or 30d (optional: until unmuted).",
    )
    async def mute(interaction: discord.Interaction, target: str, duration: str | None = None) -> None:
        await run(interaction, "mute", target=target, duration=duration)

    @group.command(name="unmute", description="Alerts about a muted company or kind come here again.")
    @app_commands.describe(target="The company or kind=… that was muted.")
    async def unmute(interaction: discord.Interaction, target: str) -> None:
        await run(interaction, "unmute", target=target)

    @group.command(name="digest", description="This period's digest so far, for a channel that gets digests.")
    async def digest(interaction: discord.Interaction) -> None:
        await run(interaction, "digest")

    return group


async def _gateway_reply(
    interaction: discord.Interaction, runner: CommandRunner | None, invocation: Invocation, patience: float
) -> None:
    async def reply(answer: Reply) -> None:
        file = answer.discord_file()
        files: dict[str, Any] = {"file": file} if file else {}
        await interaction.response.send_message(
            embed=answer.embed, ephemeral=file is None, allowed_mentions=NO_MENTIONS, **files
        )

    async def defer() -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)

    async def follow_up(answer: Reply) -> None:
        file = answer.discord_file()
        files: dict[str, Any] = {"attachments": [file]} if file else {}
        await interaction.edit_original_response(embed=answer.embed, allowed_mentions=NO_MENTIONS, **files)

    work = runner.answer(invocation) if runner else _failure()
    await respond_in_time(work, reply=reply, defer=defer, follow_up=follow_up, patience=patience)


async def _failure() -> Reply:
    return Reply(render_failure())


# -- registering the command -------------------------------------------------------------------------


async def sync_commands(settings: Settings, *, guild_id: int | None) -> str:
    """Register `/evradar` with Discord, globally or in one guild; a sentence says what went where."""
    token, application_id = _credentials(settings)
    use_api_url(settings.section("discord", DiscordSettings).api_url)
    client = new_client(application_id=int(application_id))
    guild = discord.Object(id=guild_id) if guild_id else None
    try:
        await client.login(token)
        _check_application(client, application_id)
        tree = build_tree(client, None)
        if guild is not None:
            tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
    except discord.LoginFailure:
        raise ConfigError(
            "Discord refused DISCORD_BOT_TOKEN (401); reset the token in the Developer Portal "
            "(Bot → Reset Token), set DISCORD_BOT_TOKEN and run the sync again."
        ) from None
    except discord.Forbidden as exc:
        raise EvradarError(
            f"Discord refused to register the commands (403 {exc.text}); invite the bot with the "
            "applications.commands scope (docs/discord.md has the link) and run the sync again."
        ) from None
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
        raise EvradarError(
            f"Registering the commands failed ({_problem(exc)}); check the network and "
            "[discord] api_url, then run `evradar discord sync` again."
        ) from None
    finally:
        await client.close()
    names = ", ".join(sub.name for cmd in synced for sub in getattr(cmd, "options", []))
    where = f"in guild {guild_id}, where it is available now" if guild_id else _GLOBALLY
    return f"Registered /evradar ({names}) for application {application_id} {where}."


_GLOBALLY = "globally, for every server the bot is in (Discord may take a few minutes to show it)"


def _credentials(settings: Settings) -> tuple[str, str]:
    """The bot token and application id that registering needs, or a ConfigError saying which is missing."""
    token = (settings.secret("discord_bot_token") or "").strip()
    if not token:
        raise ConfigError(
            "DISCORD_BOT_TOKEN is not set; copy the bot token from the Developer Portal (Bot → Reset "
            "Token) into the environment and run `evradar discord sync` again."
        )
    application_id = settings.section("discord", DiscordSettings).application_id.strip()
    if not (application_id.isascii() and application_id.isdigit()):
        raise ConfigError(
            "[discord] application_id is not set; copy the Application ID from the Developer "
            f"Portal's General Information page into {settings.config_path or 'the configuration file'} (or "
            "EVRADAR_DISCORD__APPLICATION_ID) and run `evradar discord sync` again."
        )
    return token, application_id


def _check_application(client: discord.Client, application_id: str) -> None:
    application = client.application
    if application is not None and str(application.id) != application_id:
        raise ConfigError(
            f"DISCORD_BOT_TOKEN belongs to application {application.id}, but [discord] "
            f"application_id is {application_id}; make them match and run the sync "
            "again."
        )


def _problem(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"HTTP {exc.status} {exc.text[:200]}".strip()
    return type(exc).__name__
