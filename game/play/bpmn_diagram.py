"""The BPMN diagram of a map as the game shows it: each card where the board put it, each link as routed.

`diagram_of(scenario, edges, layout)` lays the map out as the results map and the debrief do
(game.ui.mapview.map_board: the player's own places when they hold every card, else the auto layout at
reading size) and hands its card boxes and routed links to engine.bpmn, which writes the BPMN DI from
them. Needs pygame's fonts (a card's size depends on its words), not a window. `save_round_bpmn` keeps a
round's map in the data folder (the results screen's "Save as BPMN").
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from engine.bpmn.diagram import Diagram
from engine.model import Edge, Scenario


def diagram_of(scenario: Scenario, edges: Sequence[Edge],
               layout: Mapping[str, tuple[float, float]] | None = None) -> Diagram:
    import pygame

    from game.ui.mapview import map_board

    pygame.font.init()
    board = map_board(scenario, list(edges), layout)
    placed = dict.fromkeys(s for e in edges for s in (e.src, e.dst))
    shapes = {s: tuple(float(v) for v in board.card_rect(s)) for s in placed}
    links = {e: [(float(x), float(y)) for x, y in board.edge_points(e)] for e in edges}
    return Diagram(shapes, links)


def save_round_bpmn(rnd, data_folder=None) -> Path:
    """The round's map (its own card places) as BPMN 2.0 in the data folder's `bpmn` folder, named after
    the scenario and the moment (`customer-service-20261201-213005.bpmn`), written atomically; its path.
    engine.files.WriteError when it cannot be written."""
    import datetime as dt

    from engine.bpmn.export import bpmn_xml
    from engine.files import ensure_folder, write_text
    from game.data.store.location import data_dir

    folder = ensure_folder(data_dir(data_folder) / "bpmn")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{rnd.scenario.id}-{stamp}.bpmn"
    edges = list(rnd.edges or rnd.scenario.reference.edges)
    write_text(path, bpmn_xml(rnd.scenario, edges, diagram_of(rnd.scenario, edges, rnd.layout or None)))
    return path
