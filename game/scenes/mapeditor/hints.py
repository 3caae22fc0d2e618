"""The kiosk's silent instructions: what a player who has stood still for `IDLE_HINT` seconds is shown.

`suggested_move` follows the expert's map from what is already placed: the next link whose two cards are on
the board ("connect"), or the card that link needs, still in the tray ("place", with the spot it would
take on the board). It teaches the gestures, not the puzzle: once the player has placed a card and drawn
a link it only points at the first open port. `draw_idle_hint` animates the move, in a loop of 2.4 s:
a ghost of the card gliding from the tray to its spot, or a link being drawn from the port to its card,
with a fingertip where a finger would be.
"""
from __future__ import annotations

import pygame

from game.scenes.mapeditor.regions import LAYOUT_RECT
from game.ui import theme as T
from game.ui.board import Board
from game.ui.curves import link_curve
from game.ui.layout import place_near

IDLE_HINT = 4.0  # seconds without a press before the board shows what to do next


def suggested_move(scenario, board: Board, tray: dict, placed_count: int, linked_count: int):
    """What a still player could do next, following the expert's map from what is placed on `board`:
    ('connect', step, port, target) when both cards are on the board, ('place', step, tray rect,
    board spot) when the next card is in `tray` (step -> rectangle, the tray's current page); else
    ('connect', step, port, None) for the first open port. `placed_count` and `linked_count` are the
    cards the player placed and the links they drew so far."""
    layout = board.layout
    state = board.port_state
    # the expert's next step is shown only until the player has placed a card and drawn a link:
    # the gestures are taught, the puzzle is not solved for them
    teach = placed_count == 0 or linked_count == 0
    for e in (scenario.reference.edges if teach else ()):
        if placed_count and e.dst not in layout:
            continue
        if e.src not in layout or state(e.src, e.port) != "missing":
            continue
        if e.dst in layout:
            return ("connect", e.src, e.port, e.dst)
        if e.dst in tray:
            spot = place_near(scenario, layout, list(scenario.reference.edges), [e.dst], LAYOUT_RECT).get(e.dst)
            if spot:
                return ("place", e.dst, tray[e.dst], spot)
    for s in layout:
        for port in scenario.steps[s].ports:
            if state(s, port) == "missing":
                return ("connect", s, port, None)
    return None


def draw_idle_hint(surface, move, idle: float, scenario, board: Board) -> None:
    """A card gliding from the tray to the board, or a finger drawing a link from a port, for `move`
    (of `suggested_move`) after `idle` seconds without a press."""
    if move is None:
        return
    t = (idle - IDLE_HINT) % 2.4
    f = min(1.0, t / 1.6)
    f = f * f * (3 - 2 * f)  # ease in and out
    if move[0] == "place":
        _, sid, rect, spot = move
        pos = (rect.centerx + (spot[0] - rect.centerx) * f, rect.centery + (spot[1] - rect.centery) * f)
        pygame.draw.rect(surface, T.YELLOW, rect.inflate(8, 8), 3, border_radius=14)
        ghost = Board(scenario, [], {sid: pos})
        layer = pygame.Surface(T.LOGICAL_SIZE, pygame.SRCALPHA)
        ghost.draw_card(layer, sid)
        layer.set_alpha(150)
        surface.blit(layer, (0, 0))
        draw_finger(surface, pos)
        return
    _, sid, port, target = move
    x, y = board.port_pos(sid, port)
    pygame.draw.circle(surface, T.YELLOW, (int(x), int(y)), int(14 + 18 * (t % 1.2) / 1.2), 3)
    if target is None:
        draw_finger(surface, (x + 10, y + 6))
        return
    goal = board.input_pos(target)
    pos = (x + (goal[0] - x) * f, y + (goal[1] - y) * f)
    if f > 0.05:
        pts = link_curve((x + 11, y), pos)
        pygame.draw.lines(surface, T.YELLOW, False, pts, 4)
    pygame.draw.rect(surface, T.YELLOW, board.card_rect(target).inflate(12, 12), 3, border_radius=16)
    draw_finger(surface, pos)


def draw_finger(surface, pos) -> None:
    """A pointing hand's fingertip: a disc with a ring, like a touch."""
    x, y = int(pos[0]), int(pos[1])
    pygame.draw.circle(surface, (255, 255, 255), (x, y), 16)
    pygame.draw.circle(surface, T.YELLOW, (x, y), 22, 4)
