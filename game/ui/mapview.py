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
              rect: pygame.Rect | Sequence[int] | None = None, grow: bool = True, width: int = READING_W,
              room_above: Sequence[str] = (), room: float = 0.0) -> Board:
    """The board a map view draws (the results map, the workshop's thumbnails, the debrief report): the
    player's own card places when they hold every step the edges name, else the auto layout at reading
    size (`width` wide, the view's proportions), fitted into `rect` when given. Its links are routed
    the one way every view routes them (`Board.edge_points`). The cards `room_above` get `room` px of the
    fitted view free above them (the results map's rank marks go there: `make_room`)."""
    edges = list(edges)
    placed = {s for e in edges for s in (e.src, e.dst)}
    cards = {s: tuple(xy) for s, xy in (layout or {}).items() if s in scenario.steps}  # a copy: see make_room
    view = pygame.Rect(rect) if rect is not None else pygame.Rect(0, 0, width, 860)
    reading = pygame.Rect(0, 0, width, max(640, int(width * view.height / max(1, view.width))))
    if not placed <= set(cards):
        cards = auto_layout(scenario, edges, None, reading)
    board = Board(scenario, edges, cards, bounds=reading.inflate(48, 48) if rect is None else None)
    if rect is not None:
        board.fit(pygame.Rect(rect), grow=grow)
        for _ in range(3):  # making room shrinks the fit, which asks for a little more room
            if not make_room(board, room_above, room / board.scale):
                break
            board.fit(pygame.Rect(rect), grow=grow)
    return board


def make_room(board: Board, steps: Sequence[str], room: float) -> bool:
    """Push cards down so each of `steps` has `room` layout px free above it, over its width: the card
    and every card below it that shares its column (overlaps it across) move down together, so the
    column keeps its order and its other gaps. The board's layout is a copy of the player's places, so
    their own map stays as they left it. Whether anything moved."""
    moved = False
    for step in sorted((s for s in steps if s in board.layout), key=lambda s: board.layout[s][1]):
        card = board.layout_rect(step)
        above = [board.layout_rect(s) for s in board.layout
                 if s != step and s in board.scenario.steps and board.layout_rect(s).bottom <= card.top + 1]
        above = [r for r in above if r.right > card.left and r.left < card.right]
        gap = card.top - max((r.bottom for r in above), default=-1e9)
        if gap >= room:
            continue
        push = room - gap
        for s in list(board.layout):
            r = board.layout_rect(s) if s in board.scenario.steps else None
            if r is not None and r.top >= card.top - 1 and r.right > card.left and r.left < card.right:
                x, y = board.layout[s]
                board.layout[s] = (x, y + push)
        moved = True
    if moved:
        board.changed()
    return moved
