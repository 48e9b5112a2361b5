"""The partnership-network picture: which companies and deals it shows, and the PNG and SVG it draws."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

import matplotlib
import networkx as nx
import pytest

from bot.chat.graph import EmptyGraphError, Link, network, render

XIAOMI = [
    Link("Xiaomi", "Great Wall Motor", "manufacturing", "talks", 2021, "tech", "automaker"),
    Link("Xiaomi", "BAIC", "manufacturing", "announced", 2021, "tech", "automaker"),
    Link("Xiaomi", "CATL", "supply", "announced", 2022, "tech", "battery"),
    Link("CATL", "Xiaomi", "supply", "announced", 2024, "battery", "tech"),
    Link("Xiaomi", "Nvidia", "technology", "announced", 2023, "tech", "semiconductor"),
    Link("Xiaomi", "DeepMotion", "investment", "announced", 2019, "tech", "autonomy"),
    Link("Xiaomi", "DeepMotion", "investment", "ended", 2021, "tech", "autonomy"),
    Link("CATL", "Ford", "supply", "announced", 2023, "battery", "automaker"),
    Link("Ford", "SK On", "joint_venture", "ended", 2025, "automaker", "battery"),
    Link("Nvidia", "BAIC", "technology", "announced", 2020, "semiconductor", "automaker"),
]
SECTORS = ("automaker", "battery", "semiconductor", "charging", "supplier", "investor", "energy", "mobility")
KINDS = ("manufacturing", "joint_venture", "supply", "technology", "investment", "charging", "other")
STAGES = ("announced", "announced", "talks", "ended")
HUB = [
    Link(
        "Hub Motors",
        f"Partner {i:02d} Holdings",
        KINDS[i % 7],
        STAGES[i % 4],
        2010 + i % 15,
        "ev_maker",
        SECTORS[i % 8],
    )
    for i in range(40)
]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.fixture(scope="module")
def xiaomi() -> nx.Graph[str]:
    return network(XIAOMI, center="Xiaomi")


@pytest.fixture(scope="module")
def xiaomi_svg(xiaomi: nx.Graph[str]) -> str:
    return render(xiaomi, center="Xiaomi", fmt="svg").decode()


@pytest.fixture(scope="module")
def hub_png() -> bytes:
    return render(network(HUB, center="Hub Motors"), center="Hub Motors", fmt="png")


def test_depth_one_keeps_the_direct_partners(xiaomi: nx.Graph[str]) -> None:
    assert sorted(xiaomi) == ["BAIC", "CATL", "DeepMotion", "Great Wall Motor", "Nvidia", "Xiaomi"]
    assert xiaomi.has_edge("Nvidia", "BAIC"), "deals between two partners stay in the picture"
    assert xiaomi.nodes["CATL"] == {"sector": "battery", "hops": 1}


def test_depth_two_adds_the_partners_partners_only() -> None:
    graph = network(XIAOMI, center="Xiaomi", depth=2)
    assert set(graph) - set(network(XIAOMI, center="Xiaomi")) == {"Ford"}
    assert graph.nodes["Ford"]["hops"] == 2
    assert "SK On" not in graph, "three steps away is too far"


def test_parallel_links_merge_and_the_newest_decides(xiaomi: nx.Graph[str]) -> None:
    catl = xiaomi.edges["Xiaomi", "CATL"]
    assert (catl["kind"], catl["stage"], catl["label"], catl["links"]) == ("supply", "announced", "2022–2024", 2)
    deep = xiaomi.edges["Xiaomi", "DeepMotion"]
    assert (deep["stage"], deep["label"]) == ("ended", "2019–2021")
    assert xiaomi.edges["Xiaomi", "Great Wall Motor"]["stage"] == "talks"
    assert xiaomi.edges["Xiaomi", "BAIC"]["label"] == "2021"


def test_merging_does_not_depend_on_the_order_of_links() -> None:
    forward = network(XIAOMI, center="Xiaomi", depth=2)
    backward = network(reversed(XIAOMI), center="Xiaomi", depth=2)
    assert nx.utils.graphs_equal(forward, backward)


def test_unknown_kinds_stages_and_sectors_fall_back() -> None:
    graph = network([Link("A", "B", "barter", "rumour", None, "spaceship", "")], center="A")
    assert graph.edges["A", "B"] | {} == {
        "kind": "other",
        "stage": "announced",
        "years": (),
        "newest": None,
        "label": "",
        "links": 1,
    }
    assert graph.nodes["B"]["sector"] == "other"


def test_a_crowded_network_keeps_the_newest_partners_and_counts_the_rest() -> None:
    graph = network(HUB, center="Hub Motors", limit=10)
    assert len(graph) == 11 and graph.graph["omitted"] == 30
    assert min(d["newest"] for *_, d in graph.edges(data=True)) >= 2020


def test_png_is_1200_by_800(hub_png: bytes) -> None:
    assert png_size(hub_png) == (1200, 800)


def test_png_takes_other_sizes(xiaomi: nx.Graph[str]) -> None:
    assert png_size(render(xiaomi, center="Xiaomi", fmt="png", width_px=600, height_px=400)) == (600, 400)
    assert png_size(render(xiaomi, center="Xiaomi", fmt="png", width_px=1600, height_px=1000)) == (1600, 1000)


def test_svg_names_the_companies_the_years_and_the_legend(xiaomi_svg: str) -> None:
    assert xiaomi_svg.lstrip().startswith("<?xml")
    for name in ("Xiaomi", "Great Wall Motor", "BAIC", "CATL", "Nvidia", "DeepMotion"):
        assert f">{name}<" in xiaomi_svg
    for year in ("2021", "2022–2024", "2019–2021", "2023"):
        assert f">{year}<" in xiaomi_svg
    for word in (
        "Company sector",
        "Automaker",
        "Batteries",
        "Deal kind",
        "Manufacturing",
        "Supply",
        "Stage",
        "Announced",
        "In talks",
        "Ended",
        "Xiaomi: partnership network",
    ):
        assert f">{word}<" in xiaomi_svg
    assert ">Joint venture<" not in xiaomi_svg, "the legend lists only the kinds drawn"


def test_same_input_same_bytes(xiaomi: nx.Graph[str], xiaomi_svg: str, hub_png: bytes) -> None:
    assert render(xiaomi, center="Xiaomi", fmt="svg").decode() == xiaomi_svg
    assert render(network(HUB, center="Hub Motors"), center="Hub Motors", fmt="png") == hub_png


def test_names_are_text_not_math() -> None:
    graph = network([Link("A$B", "C$D", "supply", "announced", 2024)], center="A$B")
    assert ">C$D<" in render(graph, center="A$B", fmt="svg").decode()


def test_long_names_are_shortened() -> None:
    graph = network(
        [Link("Xiaomi", "Rivian and Volkswagen Group Technologies", "joint_venture", "talks", 2024)],
        center="Xiaomi",
    )
    svg = render(graph, center="Xiaomi", fmt="svg").decode()
    assert ">Rivian and Volkswagen…<" in svg


@pytest.mark.parametrize("links", [[], XIAOMI], ids=["no links", "company without links"])
def test_nothing_to_draw_is_refused(links: list[Link]) -> None:
    graph = network(links, center="Rivian")
    assert len(graph) == 0
    with pytest.raises(EmptyGraphError, match="no partnerships of Rivian"):
        render(graph, center="Rivian", fmt="png")


def test_wrong_depth_or_format_is_refused(xiaomi: nx.Graph[str]) -> None:
    with pytest.raises(ValueError, match="depth must be 1 or 2"):
        network(XIAOMI, center="Xiaomi", depth=3)
    with pytest.raises(ValueError, match="png"):
        render(xiaomi, center="Xiaomi", fmt="gif")  # type: ignore[arg-type]


def test_renders_in_threads_agree(xiaomi: nx.Graph[str], xiaomi_svg: str) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        pictures = list(pool.map(lambda _: render(xiaomi, center="Xiaomi", fmt="svg").decode(), range(3)))
    assert pictures == [xiaomi_svg] * 3


def test_the_hosts_matplotlib_settings_do_not_change_the_picture(xiaomi: nx.Graph[str], xiaomi_svg: str) -> None:
    with matplotlib.rc_context({"font.style": "italic", "font.weight": "bold", "svg.hashsalt": None}):
        assert render(xiaomi, center="Xiaomi", fmt="svg").decode() == xiaomi_svg
