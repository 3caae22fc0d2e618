"""Where a BPMN diagram's shapes go: the cards' places and the links' points of the map as it was shown.

A `Diagram` is what a map view drew: each placed step's box (x, y, width, height, y downwards as on
screen and in BPMN DI) and each link's routed points from its port to its target's input. The game hands
in the board it showed (game.play.bpmn_diagram); `layered` is the plain fallback for the command line
without one: the steps in layers by their distance from the arrivals, links straight from box to box.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import networkx as nx

from engine.model import Edge, Scenario

Box = tuple[float, float, float, float]
Point = tuple[float, float]

CARD_W, CARD_H = 180.0, 100.0
GAP_X, GAP_Y = 120.0, 60.0


@dataclass
class Diagram:
    shapes: Mapping[str, Box]
    links: Mapping[Edge, Sequence[Point]] = field(default_factory=dict)

    def box(self, step: str) -> Box:
        return self.shapes[step]

    def points(self, edge: Edge) -> list[Point]:
        """The link's points, or a straight line from the source's right side to the target's left."""
        pts = self.links.get(edge)
        if pts and len(pts) >= 2:
            return [(float(x), float(y)) for x, y in pts]
        (sx, sy, sw, sh), (tx, ty, tw, th) = self.shapes[edge.src], self.shapes[edge.dst]
        return [(sx + sw, sy + sh / 2), (tx, ty + th / 2)]


def layered(scenario: Scenario, edges: Sequence[Edge]) -> Diagram:
    """Each step of the map in the layer of its distance from a source (steps no source reaches after the
    others), one card under the other within a layer."""
    g = nx.DiGraph()
    g.add_edges_from((e.src, e.dst) for e in edges)
    steps = list(dict.fromkeys(s for e in edges for s in (e.src, e.dst)))
    sources = [s for s in steps if scenario.steps[s].kind == "source"]
    depth: dict[str, int] = {}
    for s in sources:
        for node, d in nx.single_source_shortest_path_length(g, s).items():
            depth[node] = min(depth.get(node, d), d)
    last = max(depth.values(), default=0)
    for s in steps:
        depth.setdefault(s, last + 1)
    rows: dict[int, int] = {}
    shapes: dict[str, Box] = {}
    for s in sorted(steps, key=lambda s: (depth[s], steps.index(s))):
        row = rows.get(depth[s], 0)
        rows[depth[s]] = row + 1
        shapes[s] = (60 + depth[s] * (CARD_W + GAP_X), 60 + row * (CARD_H + GAP_Y), CARD_W, CARD_H)
    return Diagram(shapes)
