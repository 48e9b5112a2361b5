"""The console destination: alerts printed in the terminal, the default when nothing else is set up."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from ...core.digest import Digest, chunks
from ...core.labels import date_label, headline, stage_label
from ...core.models import Alert, Delivered, DeliveryFailed, Destination
from ...core.ports import Notifier


class ConsoleNotifier:
    """Prints alerts; never fails."""

    platform = "console"

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        body = Text()
        if alert.is_update:
            moved = f" (was {stage_label(alert.previous_stage)})" if alert.previous_stage else ""
            body.append(
                f"Update: now {stage_label(alert.stage)}{moved}, {len(alert.sources)} sources\n",
                style="bold",
            )
        body.append(f"“{alert.evidence}”\n", style="italic")
        if alert.tickers:
            body.append(f"Tickers: {', '.join(alert.tickers)}\n")
        for source in alert.sources[-3:]:
            label = f"{source.source}: " if source.source else ""
            body.append(f"• {label}{source.title}\n  {source.link}\n", style="dim")
        when = date_label(alert.published, alert.first_seen, style="%Y-%m-%d %H:%M UTC")
        body.append(f"score {alert.score:.2f} · published {when}", style="dim")
        title = ("↻ " if alert.is_update else "⚡ ") + escape(headline(alert))
        self.console.print(Panel(body, title=title, title_align="left", border_style="green"))
        return Delivered(reference=f"console:{alert.event_id}")

    async def deliver_digest(self, digest: Digest, destination: Destination) -> Delivered | DeliveryFailed:
        for text in chunks(digest, limit=4000, heading="{}"):
            self.console.print(Panel(Text(text), title="evradar digest", title_align="left", border_style="blue"))
        return Delivered(reference=f"console:{digest.key}")

    async def close(self) -> None:
        return None


class ConsolePlatform:
    """The console as a platform: it posts by printing and answers no commands."""

    name = "console"

    def __init__(self, console: Console) -> None:
        self.notifier: Notifier = ConsoleNotifier(console)

    async def start(self, *, server: object, commands: object, leases: object = None) -> None:
        return None

    async def stop(self) -> None:
        return None
