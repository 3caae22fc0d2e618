"""The board a map view draws when it shows a map rather than edits it: the results map, the workshop's
thumbnails, the debrief report.

`map_board` keeps the player's own card places when they hold every step the edges name, else lays the
map out anew at reading size (`game.ui.layout`) and fits it into the view: the cards are laid out at the
size their words are read at and then scaled, rather than squeezed into a small rect where they would
overlap. Its links are routed as every view routes them (`Board.edge_points`).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import pygame

from engine.model import Edge, Scenario

from game.ui.board import Board
from game.ui.layout import auto_layout


READING_W = 1600  # a map laid out anew is laid out at reading size, this wide, then scaled to its view


def map_board(scenario: Scenario, edges: Sequence[Edge], layout: Mapping[str, tuple[float, float]] | None = None,
              rect: pygame.Rect | Sequence[int] | None = None, grow: bool = True, width: int = READING_W) -> Board:
    """The board a map view draws (the results map, the workshop's thumbnails, the debrief report): the
    player's own card places when they hold every step the edges name, else the auto layout at reading
    size (`width` wide, the view's proportions), fitted into `rect` when given. Its links are routed
    the one way every view routes them (`Board.edge_points`)."""
    edges = list(edges)
    placed = {s for e in edges for s in (e.src, e.dst)}
    cards = {s: tuple(xy) for s, xy in (layout or {}).items() if s in scenario.steps}
    view = pygame.Rect(rect) if rect is not None else pygame.Rect(0, 0, width, 860)
    reading = pygame.Rect(0, 0, width, max(640, int(width * view.height / max(1, view.width))))
    if not placed <= set(cards):
        cards = auto_layout(scenario, edges, None, reading)
    board = Board(scenario, edges, cards, bounds=reading.inflate(48, 48) if rect is None else None)
    if rect is not None:
        board.fit(pygame.Rect(rect), grow=grow)
    return board
