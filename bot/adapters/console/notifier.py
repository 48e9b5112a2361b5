"""The console destination: alerts printed in the terminal, the default when nothing else is set up."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from ...core.models import Alert, Delivered, DeliveryFailed, Destination

KIND_LABELS = {
    "manufacturing": "contract manufacturing",
    "joint_venture": "joint venture",
    "supply": "supply deal",
    "technology": "technology deal",
    "investment": "investment",
    "charging": "charging deal",
    "other": "partnership",
}
STAGE_LABELS = {"talks": "in talks", "announced": "announced", "ended": "ended"}


def headline(alert: Alert) -> str:
    """ "Xiaomi × Great Wall Motor: contract manufacturing, in talks" """
    partners = " × ".join(alert.partners)
    return f"{partners}: {KIND_LABELS.get(alert.kind, alert.kind)}, {STAGE_LABELS.get(alert.stage, alert.stage)}"


class ConsoleNotifier:
    """Prints alerts; never fails."""

    platform = "console"

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()

    async def deliver(self, alert: Alert, destination: Destination) -> Delivered | DeliveryFailed:
        body = Text()
        if alert.is_update:
            moved = f" (was {STAGE_LABELS[alert.previous_stage]})" if alert.previous_stage else ""
            body.append(
                f"Update: now {STAGE_LABELS.get(alert.stage, alert.stage)}{moved}, {len(alert.sources)} sources\n",
                style="bold",
            )
        body.append(f"“{alert.evidence}”\n", style="italic")
        if alert.tickers:
            body.append(f"Tickers: {', '.join(alert.tickers)}\n")
        for source in alert.sources[-3:]:
            label = f"{source.source}: " if source.source else ""
            body.append(f"• {label}{source.title}\n  {source.link}\n", style="dim")
        body.append(f"score {alert.score:.2f} · first seen {alert.first_seen:%Y-%m-%d %H:%M} UTC", style="dim")
        title = ("↻ " if alert.is_update else "⚡ ") + escape(headline(alert))
        self.console.print(Panel(body, title=title, title_align="left", border_style="green"))
        return Delivered(reference=f"console:{alert.event_id}")

    async def close(self) -> None:
        return None
