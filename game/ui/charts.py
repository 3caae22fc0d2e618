"""Charts drawn with pygame primitives: a line chart, a column chart and a horizontal bar chart.

Each draws inside a rect the caller gives (usually a panel it has drawn), with a title, axes, a few
gridlines with round numbers, labels at `SIZE_SMALL` or larger, and a legend when there are several
series. Values may be None (a gap: an hour nobody arrived in). Nothing here knows about the engine.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import pygame

from game.ui import theme as T

Fmt = Callable[[float], str]
TITLE_H = 48  # room the title takes at the top of a chart


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """About `n` round tick values covering lo..hi (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.5:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _title(surface, rect, title: str, legend: Sequence[tuple[str, tuple]] = ()) -> None:
    if title:
        T.text(surface, title, (rect.left, rect.top), T.SIZE_LABEL, T.TEXT, "semibold")
    x = rect.right
    for label, colour in reversed(list(legend)):
        r = T.text(surface, label, (x, rect.top + 6), T.SIZE_SMALL, T.TEXT_DIM, anchor="topright")
        pygame.draw.rect(surface, colour, pygame.Rect(r.left - 34, r.centery - 4, 24, 8), border_radius=4)
        x = r.left - 56


def _plot_area(surface, rect, ticks, y_fmt: Fmt, x_labels: Sequence[str], mark: float | None = None):
    """Draws gridlines, y labels and x labels; returns (plot rect, value -> y). `mark` (a target) gets its
    own label on the axis, in the target's colour, in place of any tick label it would touch."""
    label_w = max(T.font(T.SIZE_SMALL, "semibold").size(y_fmt(t))[0] for t in ticks) + 14
    plot = pygame.Rect(rect.left + label_w, rect.top + TITLE_H + 8, rect.width - label_w - 8,
                       rect.height - TITLE_H - 8 - 40)
    lo, hi = ticks[0], ticks[-1]

    def y_of(v: float) -> int:
        return int(plot.bottom - (v - lo) / (hi - lo or 1) * plot.height)

    for t in ticks:
        y = y_of(t)
        pygame.draw.line(surface, T.BG_LIGHT if t != lo else T.LINE, (plot.left, y), (plot.right, y), 2)
        if mark is None or abs(y - y_of(mark)) > 28:
            T.text(surface, y_fmt(t), (plot.left - 10, y), T.SIZE_SMALL, T.TEXT_DIM, anchor="midright")
    if mark is not None:
        T.text(surface, y_fmt(mark), (plot.left - 10, y_of(mark)), T.SIZE_SMALL, T.YELLOW, "semibold",
               anchor="midright")
    n = len(x_labels)
    if n:
        slot = plot.width / n
        widest = max(T.font(T.SIZE_SMALL).size(s)[0] for s in x_labels) + 12
        every = max(1, math.ceil(widest / slot))
        taken = -math.inf  # where the last label drawn ends: a label pushed in from an edge never meets it
        for i, s in enumerate(x_labels):
            if i % every == 0:
                r = pygame.Rect((0, 0), T.font(T.SIZE_SMALL).size(s))
                r.midtop = (int(plot.left + slot * (i + 0.5)), plot.bottom + 6)
                r.left = max(r.left, plot.left)  # never under the y axis' labels
                r.right = min(r.right, rect.right)
                if r.left < taken + 12:
                    continue
                T.text(surface, s, r.topleft, T.SIZE_SMALL, T.TEXT_DIM, box=rect)
                taken = r.right
    return plot, y_of


def _dashed(surface, colour, a, b, dash: int = 14, width: int = 3) -> None:
    (x0, y0), (x1, y1) = a, b
    length = math.hypot(x1 - x0, y1 - y0)
    n = max(1, int(length // (dash * 2)))
    for i in range(n + 1):
        f0, f1 = (2 * i * dash) / length, min(1.0, (2 * i + 1) * dash / length)
        if f0 >= 1:
            break
        pygame.draw.line(surface, colour, (x0 + (x1 - x0) * f0, y0 + (y1 - y0) * f0),
                         (x0 + (x1 - x0) * f1, y0 + (y1 - y0) * f1), width)


def _range(series_values, target: float | None, y_min, y_max) -> tuple[float, float]:
    vals = [v for vs in series_values for v in vs if v is not None and math.isfinite(v)]
    if target is not None:
        vals.append(target)
    lo = y_min if y_min is not None else min(vals + [0.0])
    hi = y_max if y_max is not None else max(vals + [lo])
    if hi - lo < 1e-6:  # all flat (nobody waited): still a readable axis
        hi = lo + 1.0
    return lo, hi


def line_chart(surface: pygame.Surface, rect, series: Sequence[tuple[str, Sequence[float | None], tuple]],
               x_labels: Sequence[str], *, title: str = "", y_fmt: Fmt = lambda v: f"{v:g}",
               y_min: float | None = None, y_max: float | None = None,
               target: tuple[float, str] | None = None) -> pygame.Rect:
    """Lines with dots, one per series `(label, values, colour)`, over `x_labels` slots; `target` a
    dashed horizontal line `(value, label)`, its value marked on the axis. Returns the plot area."""
    rect = pygame.Rect(rect)
    lo, hi = _range([s[1] for s in series], target[0] if target else None, y_min, y_max)
    ticks = nice_ticks(lo, hi)
    _title(surface, rect, title, [(s[0], s[2]) for s in series] if len(series) > 1 else ())
    plot, y_of = _plot_area(surface, rect, ticks, y_fmt, x_labels, target[0] if target else None)
    slot = plot.width / max(1, len(x_labels))
    if target is not None:
        y = y_of(target[0])
        _dashed(surface, T.YELLOW, (plot.left, y), (plot.right, y))
    for _, values, colour in series:
        pts: list[tuple[int, int] | None] = [
            (int(plot.left + slot * (i + 0.5)), y_of(v)) if v is not None and math.isfinite(v) else None
            for i, v in enumerate(values)]
        run: list[tuple[int, int]] = []
        for p in pts + [None]:
            if p is None:
                if len(run) > 1:
                    pygame.draw.lines(surface, colour, False, run, 5)
                run = []
            else:
                run.append(p)
        for p in pts:
            if p is not None:
                pygame.draw.circle(surface, T.BG, p, 9)
                pygame.draw.circle(surface, colour, p, 7)
    return plot


def column_chart(surface: pygame.Surface, rect, values: Sequence[float | None], x_labels: Sequence[str], *,
                 title: str = "", colour=T.SKY, y_fmt: Fmt = lambda v: f"{v:g}",
                 highlight: int | None = None, highlight_colour=T.ORANGE) -> pygame.Rect:
    """One column per slot, from zero; `highlight` colours one column (the worst hour)."""
    rect = pygame.Rect(rect)
    lo, hi = _range([values], None, 0.0, None)
    ticks = nice_ticks(lo, hi)
    _title(surface, rect, title)
    plot, y_of = _plot_area(surface, rect, ticks, y_fmt, x_labels)
    slot = plot.width / max(1, len(values))
    bar_w = max(4, int(slot * 0.62))
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v) or v <= 0:
            continue
        top = y_of(v)
        bar = pygame.Rect(0, top, bar_w, plot.bottom - top)
        bar.centerx = int(plot.left + slot * (i + 0.5))
        pygame.draw.rect(surface, highlight_colour if i == highlight else colour, bar,
                         border_top_left_radius=6, border_top_right_radius=6)
    return plot


def bar_chart(surface: pygame.Surface, rect, rows: Sequence[tuple[str, float, tuple]], *, title: str = "",
              fmt: Fmt = lambda v: f"{v:,.0f}", label_w: int | None = None, row_h: int = 44) -> pygame.Rect:
    """Horizontal bars, one row per `(label, value, colour)`, longest value full width; a row whose
    label is empty and value 0 is a gap. Returns the area used."""
    rect = pygame.Rect(rect)
    _title(surface, rect, title)
    top = rect.top + (TITLE_H if title else 0)
    if label_w is None:
        label_w = min(rect.width // 2, max((T.font(T.SIZE_SMALL).size(r[0])[0] for r in rows), default=0) + 18)
    value_w = max((T.font(T.SIZE_SMALL, "semibold").size(fmt(r[1]))[0] for r in rows if r[0]), default=0) + 14
    span = rect.width - label_w - value_w
    biggest = max((abs(r[1]) for r in rows), default=0) or 1.0
    y = top
    for label, value, colour in rows:
        if not label:
            y += row_h // 3
            continue
        if y + row_h > rect.bottom + 4:
            break
        T.text(surface, T.ellipsize(label, label_w - 12, T.SIZE_SMALL), (rect.left, y + row_h // 2),
               T.SIZE_SMALL, T.TEXT_DIM, anchor="midleft")
        w = max(3, int(span * abs(value) / biggest))
        bar = pygame.Rect(rect.left + label_w, y + 8, w, row_h - 16)
        pygame.draw.rect(surface, colour, bar, border_radius=6)
        T.text(surface, fmt(value), (bar.right + 10, y + row_h // 2), T.SIZE_SMALL, T.TEXT, "semibold",
               anchor="midleft")
        y += row_h
    return pygame.Rect(rect.left, rect.top, rect.width, y - rect.top)


def star(surface: pygame.Surface, center, r: int, filled: bool) -> None:
    """A five-pointed star of radius `r`: gold when earned, an outline when not."""
    cx, cy = center
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    if filled:
        pygame.draw.polygon(surface, T.YELLOW, pts)
    else:
        pygame.draw.polygon(surface, T.PANEL_HI, pts)
        pygame.draw.polygon(surface, T.LINE, pts, 3)
