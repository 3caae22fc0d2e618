"""The curves links are drawn with, and the way a link finds its way between cards.

A link leaves its port on the right side of a card and arrives at the left side of the next card, as a
cubic Bézier sampled at `CURVE_SAMPLES` points (`bezier`): forwards, its control points stay between the
two cards, so the curve never crosses them. `route` picks the path for a link between two cards:

- to a card in the same column, the link arrives from the right when that card has no ports (a way out),
  else from above or below;
- back to an earlier column (rework, or a folded layout's next band), it goes round the cards along a
  free horizontal channel between them (or above both), with rounded corners, instead of diagonally
  across the board;
- a forward curve that would cross another card goes along a free channel between the columns instead.

A path with corners keeps its exact points (a few samples would cut its corners across a card); the run's
tokens resample every link to equally spaced points (`resample`), so they glide at an even pace. Every
first choice is checked: one that would enter another card, leave the board or turn back on itself gives
way to the orthogonal route of `game.ui.routing`. Everything here is in screen coordinates and knows
nothing of scenarios: the board (`game.ui.board`) passes the cards' rectangles in. `dashed_lines` and
`arrowhead` draw the results.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import pygame

from game.ui.cards import CARD_W, PORT_R, arrival_y
from game.ui.routing import Box, crossings, doubles_back, grow, leaves, orthogonal_route, rounded

CURVE_SAMPLES = 24
CLEARANCE = 10  # how far a routed link keeps from a card's side, at scale 1


def cubic(p0, c1, c2, p3, samples: int = CURVE_SAMPLES) -> list[tuple[float, float]]:
    pts = []
    for i in range(samples):
        t = i / (samples - 1)
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        pts.append((a * p0[0] + b * c1[0] + c * c2[0] + d * p3[0], a * p0[1] + b * c1[1] + c * c2[1] + d * p3[1]))
    return pts


def bezier(p0, p3, samples: int = CURVE_SAMPLES, scale: float = 1.0) -> list[tuple[float, float]]:
    """A smooth curve leaving `p0` rightwards and arriving at `p3` from the left (its reach in pixels
    drawn at `scale`: a small map's curves have a small map's shape, not loops)."""
    x0, y0 = p0
    x3, y3 = p3
    dx = x3 - x0
    s = scale
    # forwards, the control points stay between the two cards so the curve never crosses a card
    reach = min(max(60.0 * s, dx * 0.5), dx * 0.9) if dx > 30 * s else 90.0 * s + min(160.0 * s, abs(y3 - y0) * 0.3)
    return cubic(p0, (x0 + reach, y0), (x3 - reach, y3), p3, samples)


def resample(points: Sequence, samples: int = CURVE_SAMPLES) -> list[tuple[float, float]]:
    """`samples` points equally spaced along a polyline (tokens then glide at an even pace)."""
    lengths = [0.0]
    for a, b in zip(points, points[1:]):
        lengths.append(lengths[-1] + math.hypot(b[0] - a[0], b[1] - a[1]))
    total = lengths[-1] or 1.0
    out, j = [], 0
    for i in range(samples):
        d = total * i / (samples - 1)
        while j < len(points) - 2 and lengths[j + 1] < d:
            j += 1
        seg = (lengths[j + 1] - lengths[j]) or 1.0
        t = min(1.0, max(0.0, (d - lengths[j]) / seg))
        a, b = points[j], points[j + 1]
        out.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
    return out


def link_curve(p0, p3) -> list[tuple[float, float]]:
    """The curve a link from a port at `p0` to a point `p3` is drawn with (a link being dragged)."""
    return bezier(p0, p3)


def dist2_to_segment(p, a, b) -> float:
    ax, ay = a
    bx, by = b
    px, py = p
    vx, vy = bx - ax, by - ay
    n = vx * vx + vy * vy
    t = 0.0 if n == 0 else max(0.0, min(1.0, ((px - ax) * vx + (py - ay) * vy) / n))
    qx, qy = ax + t * vx - px, ay + t * vy - py
    return qx * qx + qy * qy


def route(port: tuple[float, float], src: pygame.Rect, dst: pygame.Rect, cards: Mapping[str, pygame.Rect],
          ends: tuple[str, str], dst_is_way_out: bool, scale: float,
          bounds: pygame.Rect | None = None, curved: bool = True) -> list[tuple[float, float]]:
    """The polyline of a link from the handle at `port` on card `src` to card `dst` (rectangles on
    screen, drawn at `scale`). `cards` are the rectangles of every card on the board, by step, and `ends`
    the link's two steps (the same step twice for a loop onto itself); `dst_is_way_out` when the
    destination has no ports; `bounds` the board's rectangle, which the link never leaves when it can.

    The curve of `_shaped` is kept when it enters no other card, stays in `bounds` and never turns back
    on itself; else the link takes the orthogonal route round every card (`game.ui.routing`); when the
    cards wall it off there is none, and the curve stays (the board then draws it over the cards). Not
    `curved`: the orthogonal route whenever there is one (a curve sharing a channel with other links)."""
    shaped = _shaped(port, src, dst, cards, ends, dst_is_way_out, scale)
    others = {step: _box(r) for step, r in cards.items() if step not in ends}
    box = _box(bounds) if bounds is not None else None
    if curved and ends[0] != ends[1] and not crossings(shaped, others) and not (box and leaves(shaped, box)) \
            and not doubles_back(shaped):
        return shaped
    around = _orthogonal(port, src, dst, cards, scale, box)
    return around if around is not None else shaped


def _box(r: pygame.Rect) -> Box:
    return float(r.left), float(r.top), float(r.right), float(r.bottom)


def _orthogonal(port, src: pygame.Rect, dst: pygame.Rect, cards: Mapping[str, pygame.Rect], scale: float,
                bounds: Box | None) -> list[tuple[float, float]] | None:
    """The link as horizontal and vertical runs round every card (its own two as well), `CLEARANCE` away
    from them, from a short stub right of its port to a short stub left of its arrival; None if none."""
    s = scale
    p0 = (port[0] + PORT_R * s, port[1])
    p3 = (float(dst.left), arrival_y(dst, s))
    out, into = 9 * s + 1, 20 * s + 1  # the stubs: straight out of the port, straight into the card
    gap = p3[0] - p0[0]
    if 0 < gap < out + into + 2:  # cards close together (a small map): stubs a third of the gap each
        out = into = gap / 3
    start, end = (p0[0] + out, p0[1]), (p3[0] - into, p3[1])
    obstacles = [grow(_box(r), CLEARANCE * s) for r in cards.values()]
    if bounds is None:
        everything = [_box(r) for r in cards.values()]
        bounds = grow((min(b[0] for b in everything), min(b[1] for b in everything),
                       max(b[2] for b in everything), max(b[3] for b in everything)), 120 * s)
    inner = grow(bounds, -4)
    if not (inner[0] < start[0] < inner[2] and inner[0] < end[0] < inner[2]):
        return None
    corners = orthogonal_route(start, end, obstacles, inner)
    if corners is None:
        return None
    return rounded([p0, *corners, p3], 14 * s)  # exact: a few samples would cut the corners into a card


def _shaped(port: tuple[float, float], src: pygame.Rect, dst: pygame.Rect, cards: Mapping[str, pygame.Rect],
            ends: tuple[str, str], dst_is_way_out: bool, scale: float) -> list[tuple[float, float]]:
    """The link's first choice of path: a curve, or a path round the cards along a free channel."""
    p0 = (port[0] + PORT_R * scale, port[1])
    s = scale
    loop = ends[0] == ends[1]
    same_column = abs(dst.centerx - src.centerx) < CARD_W * 0.6 * s and not loop
    if same_column and dst.left < p0[0] + 20:
        reach = 70 * s + min(120 * s, abs(dst.centery - p0[1]) * 0.25)
        if dst_is_way_out:
            p3 = (dst.right + 2, arrival_y(dst, s))
            return cubic(p0, (p0[0] + reach, p0[1]), (p3[0] + reach, p3[1]), p3)
        below = dst.centery > src.centery
        p3 = (dst.centerx + 40 * s, dst.top - 2 if below else dst.bottom + 2)
        c2 = (p3[0], p3[1] - reach if below else p3[1] + reach)
        return cubic(p0, (p0[0] + reach, p0[1]), c2, p3)
    p3 = (dst.left, arrival_y(dst, s))
    if p3[0] < p0[0] + 30 and not loop:
        # back to an earlier column (a folded layout's next band, or rework): round the cards along
        # a channel between them (or above both), not diagonally across the board
        r = 24 * s
        if dst.top > src.bottom + 10:
            channel = (src.bottom + dst.top) / 2
        elif src.top > dst.bottom + 10:
            channel = (src.top + dst.bottom) / 2
        else:
            channel = min(src.top, dst.top) - 28 * s
        out_x = p0[0] + 36 * s
        in_x = p3[0] - 40 * s
        channel = free_channel(channel, in_x, out_x, min(src.top, dst.top) - 40 * s,
                               max(src.bottom, dst.bottom) + 40 * s, cards.values())
        path = rounded([p0, (out_x, p0[1]), (out_x, channel), (in_x, channel), (in_x, p3[1]), p3], r)
        return path  # exact: tokens resample it (game.scenes.run.tokens); few samples cut corners
    pts = bezier(p0, p3, scale=s)
    others = [r.inflate(6, 6) for step, r in cards.items() if step not in ends]
    if others and any(r.collidepoint(pt) for pt in pts[2:-2] for r in others):
        # a long link would cross a card on its way: go along a free channel between the columns
        out_x, in_x = p0[0] + 26 * s, p3[0] - 30 * s
        lo, hi = min(p0[1], p3[1]) - 400 * s, max(p0[1], p3[1]) + 400 * s
        channel = free_channel((p0[1] + p3[1]) / 2, out_x + 1, in_x - 1, lo, hi, cards.values())
        path = rounded([p0, (out_x, p0[1]), (out_x, channel), (in_x, channel), (in_x, p3[1]), p3], 20 * s)
        return path  # exact: tokens resample it (game.scenes.run.tokens); few samples cut corners
    return pts


def free_channel(prefer: float, x0: float, x1: float, lo: float, hi: float, cards) -> float:
    """The height nearest `prefer` (within lo..hi) at which a line from x0 to x1 crosses none of the
    `cards` (rectangles, given a margin here)."""
    cards = [r.inflate(8, 12) for r in cards]
    left, width = int(min(x0, x1)), int(abs(x1 - x0)) + 1
    step = 6
    for k in range(0, int(max(prefer - lo, hi - prefer) / step) + 2):
        for y in ((prefer + k * step, prefer - k * step) if k else (prefer,)):
            if lo <= y <= hi and pygame.Rect(left, int(y) - 2, width, 4).collidelist(cards) < 0:
                return y
    return prefer


def dashed_lines(surface, colour, points: Sequence, width: int = 3, dash: float = 14.0, gap: float = 9.0) -> None:
    """A dashed polyline (for edges that are missing rather than drawn)."""
    draw_on = True
    left = dash
    for a, b in zip(points, points[1:]):
        ax, ay = a
        bx, by = b
        seg = math.hypot(bx - ax, by - ay)
        pos = 0.0
        while seg - pos > 1e-6:
            step = min(left, seg - pos)
            t0, t1 = pos / seg, (pos + step) / seg
            if draw_on:
                pygame.draw.line(surface, colour, (ax + (bx - ax) * t0, ay + (by - ay) * t0),
                                 (ax + (bx - ax) * t1, ay + (by - ay) * t1), width)
            pos += step
            left -= step
            if left <= 1e-6:
                draw_on = not draw_on
                left = dash if draw_on else gap


def arrowhead(surface, colour, tip, prev, size: float = 16.0) -> None:
    dx, dy = tip[0] - prev[0], tip[1] - prev[1]
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    pygame.draw.polygon(surface, colour, [tip, (bx - uy * size * 0.55, by + ux * size * 0.55),
                                          (bx + uy * size * 0.55, by - ux * size * 0.55)])
