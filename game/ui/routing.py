"""Orthogonal routing of a link round the cards, and the checks that a drawn link hides nowhere.

Pure geometry on plain tuples (no pygame), so the board, the tests and the debrief report share it. A box is
`(left, top, right, bottom)`; a path is a list of `(x, y)` points.

`orthogonal_route(start, end, obstacles, bounds)` finds the shortest path made of horizontal and vertical
runs from `start` (leaving rightwards) to `end` (arriving rightwards) that enters no obstacle and stays
inside `bounds`, with few bends. It searches a Hanan grid: the lines through every obstacle's sides (the
obstacles come already grown by the clearance a link keeps from a card), through the two ends and the
bounds, plus the middle of every gap between two such lines, so a link runs down the middle of the channel
between two columns of cards rather than hugging one of them. A grid segment is blocked when its middle lies
inside an obstacle (the grid holds every side, so a segment is either wholly in an obstacle's span or not).
Dijkstra over (grid point, heading) states, a bend costing `BEND` px of length, gives the path; None when
the obstacles wall the ends off from each other (cards touching), and the caller then draws the link over
the cards rather than under them.

`crossings(path, boxes)` and `leaves(path, bounds)` are what the tests and the board check a path
against; `doubles_back(path)` says whether a path turns back on itself (a cusp, or a loop crossing itself).
`rounded(corners, radius)` draws a path's corners as arcs. Links that share a channel are told apart by
`game.ui.channels`, which nudges these routes.
"""
from __future__ import annotations

import heapq
import math
from typing import Iterable, Sequence

import numpy as np

Box = tuple[float, float, float, float]
Point = tuple[float, float]

BEND = 60.0  # a bend costs as much as this many pixels of length: few corners
HEADINGS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def grow(box: Box, by: float) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def segment_enters(a: Point, b: Point, box: Box, inset: float = 1.0) -> bool:
    """Whether the segment a-b passes through the inside of `box` (shrunk by `inset`: touching a side, as a
    link does where it arrives, is not entering). Liang-Barsky clipping."""
    left, top, right, bottom = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    if left >= right or top >= bottom:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - top), (dy, bottom - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-9


def crossings(path: Sequence[Point], boxes: dict[str, Box]) -> list[str]:
    """The names of the boxes some segment of `path` passes through."""
    return [name for name, box in boxes.items()
            if any(segment_enters(a, b, box) for a, b in zip(path, path[1:]))]


def leaves(path: Sequence[Point], bounds: Box, slack: float = 0.5) -> bool:
    """Whether some point of `path` lies outside `bounds`."""
    return any(not (bounds[0] - slack <= x <= bounds[2] + slack and bounds[1] - slack <= y <= bounds[3] + slack)
               for x, y in path)


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Proper crossing of a-b and c-d (not a shared end, not touching)."""
    d1, d2, d3, d4 = _cross(c, d, a), _cross(c, d, b), _cross(a, b, c), _cross(a, b, d)
    return ((d1 > 1e-9 and d2 < -1e-9) or (d1 < -1e-9 and d2 > 1e-9)) and \
           ((d3 > 1e-9 and d4 < -1e-9) or (d3 < -1e-9 and d4 > 1e-9))


def doubles_back(path: Sequence[Point], slack: float = 3.0) -> bool:
    """Whether the path turns back on itself needlessly: two consecutive runs in opposite directions (a
    cusp), a loop crossing itself, or, on its way right to a card right of its start, a stretch going left
    (overshooting and coming back: what a stray loop-back looks like). A link back to an earlier column
    must go left, and may."""
    pts = [p for i, p in enumerate(path) if i == 0 or math.dist(p, path[i - 1]) > 1e-6]
    if len(pts) > 1 and pts[-1][0] > pts[0][0]:
        furthest = pts[0][0]
        for x, _ in pts:
            if x < furthest - slack:
                return True
            furthest = max(furthest, x)
    runs = list(zip(pts, pts[1:]))
    for (a, b), (_, c) in zip(runs, runs[1:]):
        u, v = (b[0] - a[0], b[1] - a[1]), (c[0] - b[0], c[1] - b[1])
        nu, nv = math.hypot(*u), math.hypot(*v)
        if (u[0] * v[0] + u[1] * v[1]) < -0.99 * nu * nv:
            return True
    return any(segments_cross(*runs[i], *runs[j]) for i in range(len(runs)) for j in range(i + 2, len(runs)))


def rounded(corners: Sequence, radius: float) -> list[tuple[float, float]]:
    """A path through `corners` with each inner corner rounded (a quadratic arc of `radius`)."""
    pts = [corners[0]]
    for prev, c, nxt in zip(corners, corners[1:], corners[2:]):
        d1 = math.hypot(c[0] - prev[0], c[1] - prev[1]) or 1.0
        d2 = math.hypot(nxt[0] - c[0], nxt[1] - c[1]) or 1.0
        r = min(radius, d1 / 2, d2 / 2)
        a = (c[0] - (c[0] - prev[0]) * r / d1, c[1] - (c[1] - prev[1]) * r / d1)
        b = (c[0] + (nxt[0] - c[0]) * r / d2, c[1] + (nxt[1] - c[1]) * r / d2)
        for k in range(7):
            t = k / 6
            u = 1 - t
            pts.append((u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]))
    pts.append(corners[-1])
    return pts


def _lines(values: Iterable[float], lo: float, hi: float) -> np.ndarray:
    """Sorted distinct grid lines within lo..hi, with the middle of every gap between two of them."""
    base = sorted({round(v, 1) for v in values if lo <= v <= hi})
    mids = [(a + b) / 2 for a, b in zip(base, base[1:]) if b - a > 8]
    return np.array(sorted(set(base) | set(mids)))


def orthogonal_route(start: Point, end: Point, obstacles: Sequence[Box], bounds: Box) -> list[Point] | None:
    """The corners of the cheapest orthogonal path from `start` to `end` (see the module's docstring)."""
    start, end = (round(start[0], 1), round(start[1], 1)), (round(end[0], 1), round(end[1], 1))
    xs = _lines([start[0], end[0], bounds[0], bounds[2], *[v for b in obstacles for v in (b[0], b[2])]],
                bounds[0], bounds[2])
    ys = _lines([start[1], end[1], bounds[1], bounds[3], *[v for b in obstacles for v in (b[1], b[3])]],
                bounds[1], bounds[3])
    nx_, ny_ = len(xs), len(ys)
    if start[0] not in xs or end[0] not in xs or start[1] not in ys or end[1] not in ys:
        return None
    obs = np.array(obstacles, dtype=float).reshape(-1, 4)

    def inside(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        if not len(obs):
            return np.zeros(px.shape, dtype=bool)
        return ((px[..., None] > obs[:, 0]) & (px[..., None] < obs[:, 2]) &
                (py[..., None] > obs[:, 1]) & (py[..., None] < obs[:, 3])).any(axis=-1)

    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    blocked_node = inside(gx, gy)
    mx = (gx[:-1, :] + gx[1:, :]) / 2
    blocked_h = inside(mx, gy[:-1, :]) | blocked_node[:-1, :] | blocked_node[1:, :]  # (i,j)-(i+1,j)
    my = (gy[:, :-1] + gy[:, 1:]) / 2
    blocked_v = inside(gx[:, :-1], my) | blocked_node[:, :-1] | blocked_node[:, 1:]  # (i,j)-(i,j+1)
    si, sj = int(np.searchsorted(xs, start[0])), int(np.searchsorted(ys, start[1]))
    ei, ej = int(np.searchsorted(xs, end[0])), int(np.searchsorted(ys, end[1]))
    blocked_node[si, sj] = blocked_node[ei, ej] = False
    return _search(xs, ys, blocked_h, blocked_v, (si, sj), (ei, ej), nx_, ny_)


def _search(xs, ys, blocked_h, blocked_v, start, goal, nx_, ny_) -> list[Point] | None:
    """Dijkstra over (i, j, heading): leaves heading right, must not arrive heading left."""
    best: dict[tuple, float] = {}
    came: dict[tuple, tuple] = {}
    first = (start[0], start[1], 0)
    heap = [(0.0, first)]
    best[first] = 0.0
    while heap:
        cost, state = heapq.heappop(heap)
        if cost > best.get(state, math.inf):
            continue
        i, j, h = state
        if (i, j) == goal and h != 1:
            return _corners(xs, ys, came, state)
        for k, (di, dj) in enumerate(HEADINGS):
            if (di, dj) == (-HEADINGS[h][0], -HEADINGS[h][1]):
                continue  # never straight back
            ni, nj = i + di, j + dj
            if not (0 <= ni < nx_ and 0 <= nj < ny_):
                continue
            if di and blocked_h[min(i, ni), j] or dj and blocked_v[i, min(j, nj)]:
                continue
            step = abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j]) + (BEND if k != h else 0.0)
            nxt = (ni, nj, k)
            if cost + step < best.get(nxt, math.inf):
                best[nxt] = cost + step
                came[nxt] = state
                heapq.heappush(heap, (cost + step, nxt))
    return None


def _corners(xs, ys, came, state) -> list[Point]:
    """The path back from `state` to the start, keeping only the points where it turns."""
    cells = [state]
    while cells[-1] in came:
        cells.append(came[cells[-1]])
    cells.reverse()
    pts = [(float(xs[cells[0][0]]), float(ys[cells[0][1]]))]
    for prev, cur in zip(cells, cells[1:]):
        p = (float(xs[cur[0]]), float(ys[cur[1]]))
        if prev[2] == cur[2] and len(pts) > 1:
            pts[-1] = p
        else:
            pts.append(p)
    return pts
