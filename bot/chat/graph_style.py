"""How the partnership-network picture looks: colours, line styles and words for sectors, kinds and stages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

# Okabe-Ito colours: told apart with every common colour-vision deficiency.
KIND_COLOURS: dict[str, str] = {
    "manufacturing": "#D55E00",
    "joint_venture": "#CC79A7",
    "supply": "#E69F00",
    "technology": "#0072B2",
    "investment": "#009E73",
    "charging": "#56B4E9",
    "other": "#000000",
}
ENDED_COLOUR = "#A0A0A0"
STAGE_LINES: dict[str, Any] = {"announced": "-", "talks": (0, (5, 3)), "ended": (0, (1, 2))}

# One hue family per group of sectors, lighter shades for its smaller members: vehicle makers blue,
# batteries green, chips and software purple, manufacturing and parts orange, energy yellow,
# services and money red, the rest grey. Hues differ in lightness too, so they survive greyscale.
SECTOR_COLOURS: dict[str, str] = {
    "automaker": "#1F4E99",
    "ev_maker": "#3C8DD9",
    "commercial_vehicle": "#86BCEB",
    "two_wheeler": "#C6E0F7",
    "battery": "#117A65",
    "battery_materials": "#73C6A8",
    "semiconductor": "#5E3C99",
    "autonomy": "#9A77CF",
    "tech": "#D2C1EE",
    "contract_manufacturer": "#B35806",
    "supplier": "#F4A74B",
    "charging": "#C9A400",
    "energy": "#F2E27A",
    "mobility": "#E58FA0",
    "investor": "#8E2043",
    "other": "#BBBBBB",
}
SECTOR_WORDS: dict[str, str] = {
    "automaker": "Automaker",
    "ev_maker": "EV maker",
    "commercial_vehicle": "Commercial vehicles",
    "two_wheeler": "Two-wheelers",
    "battery": "Batteries",
    "battery_materials": "Battery materials",
    "semiconductor": "Semiconductors",
    "autonomy": "Autonomous driving",
    "tech": "Tech",
    "contract_manufacturer": "Contract manufacturer",
    "supplier": "Supplier",
    "charging": "Charging",
    "energy": "Energy",
    "mobility": "Mobility",
    "investor": "Investor",
    "other": "Other",
}
KIND_WORDS: dict[str, str] = {
    "manufacturing": "Manufacturing",
    "joint_venture": "Joint venture",
    "supply": "Supply",
    "technology": "Technology",
    "investment": "Investment",
    "charging": "Charging",
    "other": "Other deal",
}
STAGE_WORDS: dict[str, str] = {"announced": "Announced", "talks": "In talks", "ended": "Ended"}

# Settings over matplotlib's defaults: text stays text in SVG (searchable, small), a fixed salt gives the
# same element ids every time, and DejaVu Sans (shipped with matplotlib) falls back to the browser's sans-serif.
MATPLOTLIB: dict[str, Any] = {
    "svg.hashsalt": "evradar",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
}


def font(size: float, weight: str = "normal") -> FontProperties:
    """The one family every label uses, at a size and weight (matplotlib is imported only here, on use)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(family="sans-serif", size=size, weight=weight)
