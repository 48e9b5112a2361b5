"""The partnership-network picture: who deals with whom around one company, drawn to PNG or SVG bytes.

``network`` turns partnership links into a graph of the companies within one or two hops of a
centre company; ``render`` draws that graph. Both are pure: same input, same bytes.
"""

from __future__ import annotations

import io
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from ..core.errors import EvradarError
from ..core.models import KINDS, SECTORS, STAGES
from . import graph_style as look
from .graph_layout import (
    Box,
    Point,
    along,
    beside,
    edge_path,
    fit_ring,
    free_spot,
    label_anchor,
    label_box,
    on_ring,
    ring_angles,
    shorten,
)

if TYPE_CHECKING:  # matplotlib is imported when a picture is drawn: commands that draw none skip its start-up
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

_STAGE_ORDER = {"talks": 0, "announced": 1, "ended": 2}  # later in a deal's life wins a same-year tie

# Matplotlib keeps its settings in one process-wide dict and its font cache is shared, so renders
# take turns.
_RENDER_LOCK = threading.Lock()
_DPI = 100
_LEGEND_W = 250
_TITLE_H = 72


class EmptyGraphError(EvradarError, ValueError):
    """The company has no partnerships to draw; callers say so in words instead of a blank picture."""


@dataclass(frozen=True, slots=True)
class Link:
    """One partnership event between two companies; an event naming three companies is three links."""

    a: str
    b: str
    kind: str
    stage: str
    year: int | None = None
    sector_a: str = "other"
    sector_b: str = "other"


def network(links: Iterable[Link], *, center: str, depth: int = 1, limit: int = 60) -> nx.Graph[str]:
    """The companies within ``depth`` hops of ``center`` and the deals between them.

    Links between the same two companies become one edge: the newest decides its ``kind`` and
    ``stage``, ``label`` spans their years ("2021–2024"). Nodes carry ``sector`` and ``hops``.
    Deals between two companies two hops away are left out. At most ``limit`` companies besides
    the centre are kept, nearest and most recent first; ``graph.graph["omitted"]`` counts the rest.
    The graph is empty when ``center`` has no links.
    """
    if depth not in (1, 2):
        raise ValueError(f"depth must be 1 or 2, not {depth}.")
    full = _merged(links)
    if center not in full:
        graph: nx.Graph[str] = nx.Graph(center=center, depth=depth, omitted=0)
        return graph
    hops: dict[str, int] = nx.single_source_shortest_path_length(full, center, cutoff=depth)
    keep = _nearest(full, hops, limit)
    graph = nx.Graph(full.subgraph(keep))
    graph.graph.update(center=center, depth=depth, omitted=len(hops) - len(keep))
    nx.set_node_attributes(graph, {name: hops[name] for name in keep}, "hops")
    # Deals among the partners' partners say nothing about the centre and would cross the picture.
    graph.remove_edges_from([(u, v) for u, v in full.subgraph(keep).edges if hops[u] == hops[v] == 2])
    return graph


def _merged(links: Iterable[Link]) -> nx.Graph[str]:
    """Every company and one edge per pair of companies that ever made a deal."""
    pairs: dict[tuple[str, str], list[Link]] = defaultdict(list)
    sectors: dict[str, Counter[str]] = defaultdict(Counter)
    for link in links:
        if not link.a or not link.b or link.a == link.b:
            continue
        pairs[(link.a, link.b) if link.a < link.b else (link.b, link.a)].append(link)
        sectors[link.a][link.sector_a if link.sector_a in SECTORS else "other"] += 1
        sectors[link.b][link.sector_b if link.sector_b in SECTORS else "other"] += 1
    full: nx.Graph[str] = nx.Graph()
    for name in sorted(sectors):
        full.add_node(name, sector=_sector(sectors[name]))
    for pair in sorted(pairs):
        full.add_edge(*pair, **_edge(pairs[pair]))
    return full


def _sector(counts: Counter[str]) -> str:
    """The sector most links give a company, "other" only when none says more."""
    named = [(-n, SECTORS.index(s), s) for s, n in counts.items() if s != "other"]
    return min(named)[2] if named else "other"


def _edge(links: Sequence[Link]) -> dict[str, Any]:
    newest = max(links, key=lambda x: (x.year or 0, _STAGE_ORDER.get(x.stage, 1), x.kind))
    years = sorted({x.year for x in links if x.year is not None})
    return {
        "kind": newest.kind if newest.kind in KINDS else "other",
        "stage": newest.stage if newest.stage in STAGES else "announced",
        "years": tuple(years),
        "newest": years[-1] if years else None,
        "label": _span(years),
        "links": len(links),
    }


def _span(years: Sequence[int]) -> str:
    return "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _nearest(full: nx.Graph[str], hops: dict[str, int], limit: int) -> list[str]:
    """The centre and up to ``limit`` others: direct partners first, each ring by newest deal."""
    center = next(name for name, h in hops.items() if h == 0)
    first = sorted((n for n, h in hops.items() if h == 1), key=lambda n: _rank(full, n, {center}))
    kept = set(first[:limit])
    second = [n for n, h in hops.items() if h == 2 and any(p in kept for p in full[n])]
    second.sort(key=lambda n: _rank(full, n, kept))
    return [center, *first[:limit], *second[: max(0, limit - len(kept))]]


def _rank(full: nx.Graph[str], name: str, anchors: set[str]) -> tuple[int, int, str]:
    edges = [full.edges[name, a] for a in full[name] if a in anchors]
    newest = max((e["newest"] or 0 for e in edges), default=0)
    return (-newest, -sum(e["links"] for e in edges), name)


def render(
    graph: nx.Graph[str],
    *,
    center: str,
    fmt: Literal["png", "svg"],
    width_px: int = 1200,
    height_px: int = 800,
) -> bytes:
    """The picture of ``graph`` (as ``network`` returns it) as PNG or SVG bytes, ``width_px`` × ``height_px``.

    Raises EmptyGraphError when ``center`` has no partnership to draw.
    """
    if center not in graph or graph.degree(center) == 0:
        raise EmptyGraphError(f"There are no partnerships of {center} to draw.")
    if fmt not in ("png", "svg"):
        raise ValueError(f'The picture format must be "png" or "svg", not {fmt!r}.')
    if width_px < 600 or height_px < 400:
        raise ValueError(f"A {width_px}×{height_px} picture is too small; use at least 600×400 pixels.")
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Matplotlib's defaults, not whatever matplotlibrc the host has.
    with _RENDER_LOCK, matplotlib.style.context(["default", look.MATPLOTLIB]):
        fig = Figure(figsize=(width_px / _DPI, height_px / _DPI), dpi=_DPI, facecolor="white")
        renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]  # unannotated upstream
        _draw_network(fig, renderer, graph, center)
        _draw_legend(fig, graph)
        _draw_title(fig, graph, center)
        out = io.BytesIO()
        metadata = {"Software": None} if fmt == "png" else {"Date": None}
        fig.savefig(out, format=fmt, dpi=_DPI, metadata=metadata)
    return out.getvalue()


def _pixel_axes(fig: Figure, left: float, bottom: float, width: float, height: float) -> Axes:
    """Bare axes over a rectangle of the figure given in pixels; callers set limits in pixels too."""
    w, h = fig.bbox.width, fig.bbox.height
    ax = fig.add_axes((left / w, bottom / h, width / w, height / h))
    ax.set_axis_off()
    return ax


def _draw_network(fig: Figure, renderer: RendererBase, graph: nx.Graph[str], center: str) -> None:
    from matplotlib.patches import Circle

    width, height = fig.bbox.width - _LEGEND_W, fig.bbox.height - _TITLE_H
    ax = _pixel_axes(fig, 0, 0, width, height)
    ax.set_xlim(-width / 2, width / 2)
    ax.set_ylim(-height / 2, height / 2)
    first, children = _rings(graph)
    angles = ring_angles(first, children)
    inner = set(first) if children else set()
    outer = [n for n in angles if n not in inner]
    dot = 7.0 if len(outer) > 24 else 9.0 if len(outer) > 12 else 10.0
    fonts = {
        ring: look.font(9.5 if n <= 12 else 8.5 if n <= 24 else 7.5)
        for ring, n in ((1, len(inner)), (2, len(outer)))
    }
    font = {n: fonts[1] if n in inner else fonts[2] for n in angles}
    longest = 18 if len(outer) > 24 else 22
    for cut in (longest, 14, 10):  # a small picture gets shorter names rather than a tiny ring
        names = {n: shorten(n, min(cut, 16) if n in inner else cut) for n in angles}
        sizes = {n: _text_size(renderer, names[n], font[n]) for n in angles}
        ring, radial = fit_ring([(angles[n], sizes[n]) for n in outer], width=width, height=height, dot=dot)
        if ring[1] >= min(120.0, height / 3):
            break
    rings = {n: (ring[0] * 0.55, ring[1] * 0.55) if n in inner else ring for n in angles}
    pos = {n: on_ring(angles[n], rings[n]) for n in angles} | {center: (0.0, 0.0)}
    taken = [
        _center_label(ax, renderer, center),
        Box(0.0, 0.0, 18.0, 18.0),
        *(Box(*pos[n], dot, dot) for n in angles),
    ]
    for name in outer + [n for n in angles if n in inner]:  # the outer ring's labels cannot move
        box = label_box(
            angles[name],
            label_anchor(angles[name], rings[name], dot),
            sizes[name],
            radial=radial and name not in inner,
        )
        if name in inner:
            box = free_spot([box, *beside(pos[name], sizes[name], dot)], taken)
        _text(ax, box, names[name], fontproperties=font[name], zorder=4, color="#111111", boxed=name in inner)
        taken.append(box)
    _draw_edges(ax, renderer, graph, pos, center, ring[1], taken)
    for name, (x, y) in pos.items():
        r, line, edge = (17.0, 3.0, "#000000") if name == center else (dot, 0.8, "#333333")
        ax.add_patch(
            Circle((x, y), r, fc=look.SECTOR_COLOURS[graph.nodes[name]["sector"]], ec=edge, lw=line, zorder=3)
        )


def _center_label(ax: Axes, renderer: RendererBase, center: str) -> Box:
    """The centre company's name in bold under its dot; returns the room it takes."""
    name, font = shorten(center, 32), look.font(12, weight="bold")
    w, h = _text_size(renderer, name, font)
    box = Box(0.0, -25 - h / 2, w / 2 + 4, h / 2 + 4)
    _text(ax, box, name, fontproperties=font, zorder=5, color="#000000", boxed=True)
    return box


def _rings(graph: nx.Graph[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Direct partners grouped by sector then name, and the outer companies each one brings.

    An outer company belongs to the first direct partner it deals with.
    """

    def by_sector(name: str) -> tuple[int, str]:
        return SECTORS.index(graph.nodes[name]["sector"]), name.casefold()

    first = sorted((n for n in graph if graph.nodes[n]["hops"] == 1), key=by_sector)
    children: dict[str, list[str]] = {n: [] for n in first}
    for name in sorted((n for n in graph if graph.nodes[n]["hops"] == 2), key=by_sector):
        children[next(p for p in first if graph.has_edge(name, p))].append(name)
    return first, {p: kids for p, kids in children.items() if kids}


def _text_size(renderer: RendererBase, text: str, font: FontProperties) -> Point:
    """The pixel size of one line of text (matplotlib adds its descent below the baseline)."""
    w, h, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
    return w, h


def _text(ax: Axes, box: Box, text: str, *, boxed: bool, **style: Any) -> None:
    """``text`` centred in ``box`` and turned with it, never upside down; ``boxed`` puts white behind it."""
    degrees = math.degrees(box.angle)
    if degrees > 90 or degrees < -90:
        degrees -= 180 if degrees > 0 else -180
    if boxed:
        style["bbox"] = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
    ax.text(
        box.cx,
        box.cy,
        text,
        rotation=degrees,
        rotation_mode="anchor",
        ha="center",
        va="center",
        parse_math=False,
        **style,
    )


def _draw_edges(
    ax: Axes,
    renderer: RendererBase,
    graph: nx.Graph[str],
    pos: dict[str, Point],
    center: str,
    radius: float,
    taken: list[Box],
) -> None:
    """Deals as lines, ended ones underneath; year labels where they do not cover another label.

    The centre's own deals come first and stand out; in a crowded picture the others are fainter
    and go without years.
    """
    font = look.font(6.5 if graph.number_of_edges() > 24 else 7.5)
    edges = sorted(graph.edges(data=True), key=lambda e: (center not in e[:2], e[0], e[1]))
    others = len(edges) - graph.degree(center)
    faint, thin = (0.6, 0.7) if others <= 40 else (0.35, 0.55)
    for u, v, data in edges:
        spoke = center in (u, v)
        a, b = (center, v if u == center else u) if spoke else (u, v)
        points = edge_path(pos[a], pos[b], radius=radius)
        ended = data["stage"] == "ended"
        ax.plot(
            [x for x, _ in points],
            [y for _, y in points],
            zorder=1 if ended else 1.5,
            color=look.ENDED_COLOUR if ended else look.KIND_COLOURS[data["kind"]],
            alpha=1.0 if spoke else faint,
            linestyle=look.STAGE_LINES[data["stage"]],
            linewidth=(1.3 if ended else 2.0) * (1.0 if spoke else thin),
            dash_capstyle="round",
        )
        if data["label"] and (spoke or others <= 40):
            w, h = _text_size(renderer, data["label"], font)
            tries = (0.62, 0.5, 0.74, 0.4, 0.85) if spoke else (0.5, 0.3, 0.7)
            spots = [Box(*at, w / 2 + 1.5, h / 2 + 1, angle) for at, angle in (along(points, t) for t in tries)]
            box = next((s for s in spots if not any(s.overlaps(t) for t in taken)), None)
            if box:
                taken.append(box)
                _text(ax, box, data["label"], fontproperties=font, color="#333333", zorder=2, boxed=True)


def _draw_legend(fig: Figure, graph: nx.Graph[str]) -> None:
    """Sectors present, deal kinds drawn in colour (ended deals are grey) and the three stages."""
    from matplotlib.patches import Circle

    height = fig.bbox.height - _TITLE_H
    ax = _pixel_axes(fig, fig.bbox.width - _LEGEND_W, 0, _LEGEND_W, height)
    ax.set_xlim(0, _LEGEND_W)
    ax.set_ylim(0, height)
    present = {graph.nodes[n]["sector"] for n in graph}
    drawn = {d["kind"] for *_, d in graph.edges(data=True) if d["stage"] != "ended"}
    sections: list[tuple[str, list[tuple[str, str, str | None]]]] = [
        (
            "Company sector",
            [(look.SECTOR_WORDS[s], look.SECTOR_COLOURS[s], None) for s in SECTORS if s in present],
        ),
        ("Deal kind", [(look.KIND_WORDS[k], look.KIND_COLOURS[k], "announced") for k in KINDS if k in drawn]),
        ("Stage", [(look.STAGE_WORDS[s], look.ENDED_COLOUR if s == "ended" else "#333333", s) for s in STAGES]),
    ]
    step = min(19.0, (height - 20) / (sum(len(rows) for _, rows in sections) + 5))
    y = height - 14
    for title, rows in sections:
        if rows:
            ax.text(8, y, title, fontsize=10, fontweight="bold", va="center", color="#111111")
        for word, colour, stage in rows:
            y -= step
            if stage is None:
                ax.add_patch(Circle((22, y), 6, fc=colour, ec="#333333", lw=0.8))
            else:
                ax.plot(
                    [10, 34],
                    [y, y],
                    color=colour,
                    linestyle=look.STAGE_LINES[stage],
                    linewidth=1.3 if stage == "ended" else 2.0,
                )
            ax.text(42, y, word, fontsize=9, va="center", color="#111111")
        y -= step * 1.6 if rows else 0


def _draw_title(fig: Figure, graph: nx.Graph[str], center: str) -> None:
    width, height = fig.bbox.width, fig.bbox.height
    fig.text(
        14 / width,
        1 - 14 / height,
        f"{center}: partnership network",
        fontsize=16,
        fontweight="bold",
        va="top",
        color="#111111",
        parse_math=False,
    )
    hops = Counter(graph.nodes[n]["hops"] for n in graph)
    years = sorted(y for *_, d in graph.edges(data=True) for y in d["years"])
    parts = [f"{hops[1]} direct partner{'s' if hops[1] != 1 else ''}"]
    if hops[2]:
        parts.append(f"{hops[2]} of their partners")
    if years:
        parts.append(f"deals from {years[0]} to {years[-1]}" if years[0] != years[-1] else f"deals in {years[0]}")
    if graph.graph.get("omitted"):
        parts.append(f"{graph.graph['omitted']} more companies not shown")
    fig.text(14 / width, 1 - 46 / height, " · ".join(parts), fontsize=10, va="top", color="#555555")
