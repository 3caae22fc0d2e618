"""Auto-layout of a map: layers left to right by distance from the arrivals, few crossings, fits a rect.

The steps are layered by their breadth-first distance from the sources along the map's edges (networkx);
a step no source reaches goes one layer after its deepest placed predecessor, or first when it has none,
and a way out that would share a layer with a step feeding it moves one layer right when the board is wide
enough; when there are more layers than the width holds, they fold into bands, one under the other.
Within a layer, cards are ordered by the barycentre of the ports that feed them (a port's row counts, so
a route's first value lands above its second), sweeping forwards and backwards a few times to reduce
crossings. Each card is then placed as near as possible to the height of what feeds it, without
overlapping its neighbours, inside the rect.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import networkx as nx
import pygame

from engine.model import Edge, Scenario

from game.ui.cards import CARD_W, card_size, shown_ports

MIN_GAP_X = 56  # free space between layers, for the curves and queue stacks
FOLD_GAP_X = 40  # below this gap between layers, the layers fold into bands
GAP_Y = 26
SWEEPS = 4


def _graph(scenario: Scenario, edges: Sequence[Edge], steps: Iterable[str]) -> nx.DiGraph:
    g = nx.DiGraph()
    for s in steps:
        if s in scenario.steps:
            g.add_node(s)
    for e in edges:
        if e.src in scenario.steps and e.dst in scenario.steps:
            g.add_edge(e.src, e.dst)
    return g


def layers_of(scenario: Scenario, edges: Sequence[Edge], steps: Iterable[str], max_layers: int | None = None
              ) -> dict[str, int]:
    """Step -> layer number (0 = arrivals)."""
    g = _graph(scenario, edges, steps)
    kind = {s: scenario.steps[s].kind for s in g}
    sources = [s for s in g if kind[s] == "source"]
    layer: dict[str, int] = dict(nx.multi_source_dijkstra_path_length(g, sources)) if sources else {}
    todo = [s for s in g if s not in layer]
    while todo:  # cut-off steps: after their deepest placed predecessor
        progress = False
        for s in list(todo):
            preds = [p for p in g.predecessors(s) if p != s]
            if all(p in layer for p in preds):
                layer[s] = 1 + max((layer[p] for p in preds), default=-1)
                todo.remove(s)
                progress = True
        if not progress:  # a loop no one enters: start it after what is known of it
            s = todo.pop(0)
            layer[s] = 1 + max((layer[p] for p in g.predecessors(s) if p in layer), default=-1)
    # a way out that shares a layer with (or sits left of) a step feeding it moves right, if room
    pushed = dict(layer)
    for s in g:
        if kind[s] == "exit":
            feeders = [layer[p] for p in g.predecessors(s)]
            if feeders:
                pushed[s] = max(pushed[s], max(feeders) + 1)
    if max_layers is None or max(pushed.values(), default=0) < max_layers:
        layer = pushed
    # no empty layers
    used = sorted(set(layer.values()))
    remap = {v: i for i, v in enumerate(used)}
    return {s: remap[v] for s, v in layer.items()}


def auto_layout(scenario: Scenario, edges: Sequence[Edge], steps: Iterable[str] | None = None,
                rect: pygame.Rect | Sequence[int] = (0, 0, 1600, 860)) -> dict[str, tuple[float, float]]:
    """Card centres for the steps placed (`steps`, plus every step an edge names), inside `rect`."""
    rect = pygame.Rect(rect)
    names = list(dict.fromkeys([*(steps or ()), *[e.src for e in edges], *[e.dst for e in edges]]))
    names = [s for s in names if s in scenario.steps]
    if not names:
        return {}
    max_layers = max(1, (rect.width - CARD_W) // (CARD_W + FOLD_GAP_X) + 1)
    layer = layers_of(scenario, edges, names, max_layers)
    n_layers = max(layer.values()) + 1
    columns: list[list[str]] = [[] for _ in range(n_layers)]
    for s in names:  # the scenario's own order first: stable and sensible before sweeping
        columns[layer[s]].append(s)
    for col in columns:
        col.sort(key=lambda s: list(scenario.steps).index(s))

    feeds: dict[str, list[tuple[str, float]]] = {s: [] for s in names}  # dst -> (src, port fraction)
    leads: dict[str, list[str]] = {s: [] for s in names}
    for e in edges:
        if e.src in feeds and e.dst in feeds and e.src != e.dst:
            ports = shown_ports(scenario.steps[e.src])
            frac = (ports.index(e.port) + 0.5) / max(1, len(ports)) if e.port in ports else 0.5
            feeds[e.dst].append((e.src, frac))
            leads[e.src].append(e.dst)
    _order_columns(columns, layer, feeds, leads)

    # Too many layers for the width: fold them into bands, one under the other, each read left to right
    # (the text stays at its reading size rather than the map shrinking).
    n_bands = -(-n_layers // max_layers)
    per_band = -(-n_layers // n_bands)  # balanced: 8 layers in two bands of 4, not 6 and 2
    band_rects = _bands(scenario, columns, n_bands, per_band, rect)

    # x: layers spread across the rect (packed to the middle when few)
    spacing = CARD_W + MIN_GAP_X if per_band == 1 else (rect.width - CARD_W) / (per_band - 1)
    spacing = max(CARD_W + 12, min(spacing, CARD_W + 3.2 * MIN_GAP_X))
    span = spacing * (per_band - 1) + CARD_W
    x0 = rect.left + max(0.0, (rect.width - span) / 2) + CARD_W / 2
    out: dict[str, tuple[float, float]] = {}
    for i, col in enumerate(columns):
        band = band_rects[i // per_band]
        x = x0 + (i % per_band) * spacing
        _place_column(scenario, col, x, band, feeds, out, first=(i % per_band == 0 and i > 0))
    return out


def _order_columns(columns: list[list[str]], layer: Mapping[str, int], feeds, leads) -> None:
    """Reorder each column (in place) by the barycentre of the ports that feed its cards, then of the
    cards they lead to, sweeping forwards and backwards `SWEEPS` times: fewer crossings."""
    n_layers = len(columns)

    def order(col_index: int, forward: bool) -> None:
        pos = {s: i for col in columns for i, s in enumerate(col)}
        col = columns[col_index]

        def key(s: str):
            if forward:
                near = [pos[p] + f for p, f in feeds[s] if layer[p] < col_index]
            else:
                near = [pos[t] + 0.5 for t in leads[s] if layer[t] > col_index]
            return (sum(near) / len(near)) if near else pos[s] + 0.5

        col.sort(key=key)

    for _ in range(SWEEPS):
        for i in range(1, n_layers):
            order(i, True)
        for i in range(n_layers - 2, -1, -1):
            order(i, False)
    for i in range(1, n_layers):
        order(i, True)


def _bands(scenario: Scenario, columns: list[list[str]], n_bands: int, per_band: int, rect: pygame.Rect
           ) -> list[pygame.Rect]:
    """The rectangles of the `n_bands` bands the layers fold into (`per_band` layers each), one under the
    other, their heights shared out in proportion to what their tallest column needs."""
    band_need = []
    for b in range(n_bands):
        cols = columns[b * per_band:(b + 1) * per_band]
        band_need.append(max(sum(card_size(scenario.steps[s])[1] + GAP_Y for s in col) for col in cols))
    band_gap = 40 if n_bands > 1 else 0
    free = rect.height - band_gap * (n_bands - 1)
    band_rects = []
    top = rect.top
    for need in band_need:
        h = int(free * need / max(1, sum(band_need)))
        band_rects.append(pygame.Rect(rect.left, top, rect.width, h))
        top += h + band_gap
    return band_rects


def _place_column(scenario: Scenario, col: list[str], x: float, rect: pygame.Rect, feeds, out, first: bool) -> None:
    """Card centres for one column: each card level with what feeds it where it can be, then no
    overlaps, then inside `rect` (the first column of a later band ignores the band above)."""
    heights = [card_size(scenario.steps[s])[1] for s in col]
    gap = GAP_Y
    total = sum(heights) + gap * (len(col) - 1)
    if total > rect.height:
        gap = max(6, (rect.height - sum(heights)) / max(1, len(col) - 1))
        total = sum(heights) + gap * (len(col) - 1)
    want = []
    for s, h in zip(col, heights):
        ys = []
        for p, frac in feeds[s]:
            if p in out and not first:
                ph = card_size(scenario.steps[p])[1]
                ys.append(out[p][1] - ph / 2 + frac * ph)
        want.append(sum(ys) / len(ys) if ys else None)
    known = [w for w in want if w is not None]
    centre = sum(known) / len(known) if known else rect.centery
    tops, y = [], centre - total / 2
    for h in heights:
        tops.append(y)
        y += h + gap
    tops = [(w - h / 2) if w is not None else t for w, h, t in zip(want, heights, tops)]
    for k in range(1, len(tops)):  # push down to clear the card above
        tops[k] = max(tops[k], tops[k - 1] + heights[k - 1] + gap)
    overflow = tops[-1] + heights[-1] - rect.bottom
    if overflow > 0:
        tops[-1] -= overflow
        for k in range(len(tops) - 2, -1, -1):  # pull up to clear the card below
            tops[k] = min(tops[k], tops[k + 1] - heights[k] - gap)
    shift = rect.top - tops[0]
    if shift > 0:
        tops = [t + shift for t in tops]
    for s, t, h in zip(col, tops, heights):
        out[s] = (round(x), round(t + h / 2))


def place_near(scenario: Scenario, layout: Mapping[str, tuple[float, float]], edges: Sequence[Edge],
               new: Iterable[str], rect: pygame.Rect | Sequence[int]) -> dict[str, tuple[float, float]]:
    """Positions for `new` steps (ghost cards of the reveal) that keep the placed cards where they are:
    each goes right of what feeds it (or left of what it feeds), in the first free spot of that column."""
    rect = pygame.Rect(rect)
    taken = [_rect(scenario, s, xy) for s, xy in layout.items() if s in scenario.steps]
    out: dict[str, tuple[float, float]] = {}
    for s in new:
        if s not in scenario.steps or s in layout:
            continue
        w, h = card_size(scenario.steps[s])
        xs = [layout[e.src][0] + CARD_W + MIN_GAP_X for e in edges if e.dst == s and e.src in layout]
        xs += [layout[e.dst][0] - CARD_W - MIN_GAP_X for e in edges if e.src == s and e.dst in layout]
        x = sum(xs) / len(xs) if xs else rect.right - w / 2
        x = min(max(x, rect.left + w / 2), rect.right - w / 2)
        ys = [layout[e.src][1] for e in edges if e.dst == s and e.src in layout]
        ys += [layout[e.dst][1] for e in edges if e.src == s and e.dst in layout]
        want = sum(ys) / len(ys) if ys else rect.centery
        spot = None
        for dx in (0, CARD_W / 2 + 20, -CARD_W / 2 - 20, CARD_W + 40, -CARD_W - 40):
            cx = min(max(x + dx, rect.left + w / 2), rect.right - w / 2)
            for k in range(0, 2 * rect.height // 12 + 2):  # level with its neighbours first, then further
                y = want + (k + 1) // 2 * 12 * (1 if k % 2 else -1)
                if y - h / 2 < rect.top or y + h / 2 > rect.bottom:
                    continue
                r = pygame.Rect(int(cx - w / 2), int(y - h / 2), w, h)
                if r.inflate(16, 16).collidelist(taken) < 0:
                    spot = (cx, y)
                    break
            if spot:
                break
        if spot is None:
            spot = (x, rect.bottom - h / 2)
        out[s] = (round(spot[0]), round(spot[1]))
        taken.append(_rect(scenario, s, out[s]))
    return out


def _rect(scenario: Scenario, s: str, xy) -> pygame.Rect:
    w, h = card_size(scenario.steps[s])
    return pygame.Rect(int(xy[0] - w / 2), int(xy[1] - h / 2), w, h)


def overlaps(scenario: Scenario, layout: Mapping[str, tuple[float, float]]) -> list[tuple[str, str]]:
    """Pairs of cards whose rectangles overlap (for tests and for checking a loaded layout)."""
    items = [(s, _rect(scenario, s, xy)) for s, xy in layout.items() if s in scenario.steps]
    return [(a, b) for i, (a, ra) in enumerate(items) for b, rb in items[i + 1:] if ra.colliderect(rb)]
