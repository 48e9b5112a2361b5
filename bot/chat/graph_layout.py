"""Where things go in the partnership-network picture: rings, label boxes that stay apart, bent lines.

Plain geometry in pixels with the centre company at (0, 0); bot/graph.py does the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

Point = tuple[float, float]

NODE_GAP = 4.0  # pixels between a dot and its label
EDGE = 6.0  # pixels kept free along the picture's edges


class Box(NamedTuple):
    """A rectangle turned by ``angle`` radians about its centre (cx, cy); hw and hh are half sizes."""

    cx: float
    cy: float
    hw: float
    hh: float
    angle: float = 0.0

    def corners(self) -> list[Point]:
        c, s = math.cos(self.angle), math.sin(self.angle)
        return [
            (self.cx + dx * c - dy * s, self.cy + dx * s + dy * c)
            for dx, dy in ((-self.hw, -self.hh), (self.hw, -self.hh), (self.hw, self.hh), (-self.hw, self.hh))
        ]

    def overlaps(self, other: Box, margin: float = 1.0) -> bool:
        """Whether the two rectangles, each grown by ``margin``, share any point (separating axes)."""
        if (
            math.hypot(self.cx - other.cx, self.cy - other.cy)
            > math.hypot(self.hw, self.hh) + math.hypot(other.hw, other.hh) + 2 * margin
        ):
            return False
        mine, theirs = self.corners(), other.corners()
        for angle in (self.angle, self.angle + math.pi / 2, other.angle, other.angle + math.pi / 2):
            ax, ay = math.cos(angle), math.sin(angle)
            a = [x * ax + y * ay for x, y in mine]
            b = [x * ax + y * ay for x, y in theirs]
            if max(a) + margin < min(b) - margin or max(b) + margin < min(a) - margin:
                return False
        return True


def ring_angles(first: Sequence[str], children: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Each company's angle around the centre, clockwise from the top.

    ``first`` are the direct partners in drawing order, ``children`` the companies of the outer ring
    each of them brings. Every outer company gets an equal slot and sits in its parent's wedge, so
    lines stay short; a direct partner with no one behind it still takes one slot.
    """
    slots = [max(1, len(children.get(name, ()))) for name in first]
    if len(first) == 1 and not children.get(first[0]):
        return {first[0]: 0.0}
    step = 2 * math.pi / sum(slots)
    angles: dict[str, float] = {}
    start = math.pi / 2
    for name, width in zip(first, slots, strict=True):
        angles[name] = start - step * width / 2
        angles.update({kid: start - step * (i + 0.5) for i, kid in enumerate(children.get(name, ()))})
        start -= step * width
    return angles


def on_ring(angle: float, ring: Point) -> Point:
    """The point at ``angle`` on the ellipse with half width and half height ``ring``."""
    return ring[0] * math.cos(angle), ring[1] * math.sin(angle)


def label_box(angle: float, anchor: Point, size: Point, *, radial: bool) -> Box:
    """Where a company's label goes: beside its dot on the far side from the centre.

    Across labels lean away from the centre; radial ones run outwards along ``angle``.
    """
    c, s = math.cos(angle), math.sin(angle)
    (x, y), (w, h) = anchor, size
    if radial:
        return Box(x + c * w / 2, y + s * w / 2, w / 2, h / 2, angle)
    dx = w / 2 if c > 0.3 else -w / 2 if c < -0.3 else 0.0
    dy = h / 2 if s > 0.3 else -h / 2 if s < -0.3 else 0.0
    return Box(x + dx, y + dy, w / 2, h / 2)


def beside(point: Point, size: Point, dot: float) -> list[Box]:
    """Label places around a dot, sides first, for when its usual place is taken."""
    (x, y), (w, h) = point, size
    gap = dot + NODE_GAP
    return [
        Box(x + sx * (gap + w / 2) if sy == 0 else x + sx * w / 2, y + sy * (gap + h / 2), w / 2, h / 2)
        for sx, sy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
    ]


def free_spot(candidates: Sequence[Box], taken: Sequence[Box]) -> Box:
    """The first candidate that covers the fewest boxes already taken."""
    return min(candidates, key=lambda c: sum(c.overlaps(t) for t in taken))


def fit_ring(
    labels: Sequence[tuple[float, Point]], *, width: float, height: float, dot: float
) -> tuple[Point, bool]:
    """The outer ring's half width and half height, and whether its labels must run outwards.

    ``labels`` are (angle, text size) for the outer ring. The ring grows until its labels touch the
    edges of the width × height area, sideways and upwards separately, so a wide picture gets a wide
    ring. Labels read across when none overlap; otherwise they run along the radius, which keeps
    neighbours apart however many there are.
    """
    ring = (60.0, 60.0)
    for radial in (False, True):
        rx, ry = _grow(labels, width, 0, dot, radial), _grow(labels, height, 1, dot, radial)
        ring = (min(rx, 1.5 * ry), min(ry, rx))
        boxes = _ring_boxes(labels, ring, dot, radial)
        if not any(a.overlaps(b, 1.5) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
            return ring, radial
    return ring, True


def _grow(labels: Sequence[tuple[float, Point]], span: float, axis: int, dot: float, radial: bool) -> float:
    """The largest half size (40 pixels to half of ``span``) of the ring along ``axis`` (0 sideways, 1
    upwards) that keeps every label within ``span``; bisection, as a label's reach grows with the ring."""
    low, high = 40.0, span / 2
    for _ in range(20):
        mid = (low + high) / 2
        ring = (mid, 1.0) if axis == 0 else (1.0, mid)
        fits = all(_within(b, span, axis) for b in _ring_boxes(labels, ring, dot, radial))
        low, high = (mid, high) if fits else (low, mid)
    return low


def _within(box: Box, span: float, axis: int) -> bool:
    return all(abs(corner[axis]) <= span / 2 - EDGE for corner in box.corners())


def _ring_boxes(labels: Sequence[tuple[float, Point]], ring: Point, dot: float, radial: bool) -> list[Box]:
    return [label_box(a, label_anchor(a, ring, dot), size, radial=radial) for a, size in labels]


def label_anchor(angle: float, ring: Point, dot: float) -> Point:
    """Where the label of the company at ``angle`` on the ring starts: just beyond its dot."""
    x, y = on_ring(angle, ring)
    gap = dot + NODE_GAP
    return x + gap * math.cos(angle), y + gap * math.sin(angle)


def edge_path(p: Point, q: Point, *, radius: float) -> list[Point]:
    """The line of one deal from p to q; one between two partners that would cross the centre bends away.

    ``radius`` is the ring's half height: lines passing closer than half of it to the centre bend.
    """
    (px, py), (qx, qy) = p, q
    mx, my = (px + qx) / 2, (py + qy) / 2
    middle = math.hypot(mx, my)
    if (px, py) == (0.0, 0.0) or (qx, qy) == (0.0, 0.0) or middle > 0.5 * radius:
        return [p, q]
    dx, dy = (mx, my) if middle > 1e-6 else (-(qy - py), qx - px)
    norm = math.hypot(dx, dy)
    reach = 0.85 * max(math.hypot(px, py), math.hypot(qx, qy))
    cx, cy = dx / norm * reach, dy / norm * reach
    return [
        (
            (1 - t) ** 2 * px + 2 * t * (1 - t) * cx + t * t * qx,
            (1 - t) ** 2 * py + 2 * t * (1 - t) * cy + t * t * qy,
        )
        for t in (i / 32 for i in range(33))
    ]


def along(points: Sequence[Point], t: float) -> tuple[Point, float]:
    """The point a fraction ``t`` along a path, and the path's direction there (radians, kept readable)."""
    if len(points) == 2:
        (px, py), (qx, qy) = points
        at, direction = (px + t * (qx - px), py + t * (qy - py)), math.atan2(qy - py, qx - px)
    else:
        i = min(len(points) - 2, int(t * (len(points) - 1)))
        (px, py), (qx, qy) = points[i], points[i + 1]
        at, direction = points[i], math.atan2(qy - py, qx - px)
    if direction > math.pi / 2:
        direction -= math.pi
    elif direction <= -math.pi / 2:
        direction += math.pi
    return at, direction


def shorten(name: str, limit: int) -> str:
    """A name cut to ``limit`` characters with an ellipsis, so crowded labels stay on their ring."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"
