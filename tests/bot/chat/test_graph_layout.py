"""Where the network picture puts companies and labels: rings, wedges and labels that stay apart."""

from __future__ import annotations

import math

import pytest

from bot.chat.graph_layout import Box, along, edge_path, fit_ring, label_anchor, label_box, ring_angles

WIDTH, HEIGHT = 950.0, 728.0  # the network's share of a 1200 × 800 picture


def placed(labels: list[tuple[float, tuple[float, float]]], ring: tuple[float, float], radial: bool) -> list[Box]:
    return [label_box(a, label_anchor(a, ring, 7.0), size, radial=radial) for a, size in labels]


def test_turned_boxes_overlap_only_when_they_touch() -> None:
    across = Box(0, 0, 50, 5)
    assert across.overlaps(Box(0, 0, 50, 5, math.pi / 2))
    assert not across.overlaps(Box(0, 20, 50, 5))
    assert not Box(0, 0, 40, 4, math.pi / 4).overlaps(Box(20, -20, 40, 4, math.pi / 4)), "parallel diagonals"


def test_direct_partners_share_the_circle_evenly_from_the_top() -> None:
    angles = ring_angles(["A", "B", "C", "D"], {})
    assert [round(math.degrees(a)) for a in angles.values()] == [45, -45, -135, -225]
    assert ring_angles(["A"], {}) == {"A": 0.0}


def test_outer_companies_sit_in_their_parents_wedge() -> None:
    angles = ring_angles(["A", "B"], {"A": ["A1", "A2", "A3"]})
    assert angles["A1"] > angles["A"] > angles["A3"] > angles["B"]
    assert math.isclose(angles["A2"], angles["A"])


@pytest.mark.parametrize(("count", "radial"), [(6, False), (40, True)])
def test_labels_fit_and_stay_apart(count: int, radial: bool) -> None:
    labels = [(math.pi / 2 - 2 * math.pi * (i + 0.5) / count, (95.0, 11.0)) for i in range(count)]
    ring, turned = fit_ring(labels, width=WIDTH, height=HEIGHT, dot=7.0)
    assert turned is radial
    assert ring[0] >= ring[1] >= 150, "the ring uses the picture's width"
    boxes = placed(labels, ring, turned)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert all(abs(x) < WIDTH / 2 and abs(y) < HEIGHT / 2 for b in boxes for x, y in b.corners())


def test_a_line_through_the_centre_bends_and_its_label_reads_left_to_right() -> None:
    straight = edge_path((0.0, 0.0), (100.0, -100.0), radius=200)
    assert straight == [(0.0, 0.0), (100.0, -100.0)]
    bent = edge_path((-200.0, 0.0), (200.0, 1.0), radius=200)
    assert len(bent) > 2 and min(math.hypot(x, y) for x, y in bent) > 60
    (x, y), direction = along([(100.0, 0.0), (0.0, 0.0)], 0.25)
    assert (x, y, direction) == (75.0, 0.0, 0.0)
