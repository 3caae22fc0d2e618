"""The reveal: after the last attempt, the player's best map beside the expert's.

The best attempt's map comes back on the board, and the differences from the expert's map are drawn on
it (`reveal_marks`): each link the expert has and the player does not is dashed in green with a "+", ending at a
dashed ghost card when its step was never placed (set next to what feeds it by
game.ui.layout.place_near); each link the player drew that the expert does not have is dashed in
vermilion with a "×", and its port ringed. The same differences are said in words
(engine.maps.reveal_lines) in a panel put in the board's corner that covers the fewest cards
(`draw_reveal_panel`), under the map's score and what the marks mean.
"""
from __future__ import annotations

import pygame

from game.scenes.mapeditor.regions import BOARD
from game.ui import theme as T
from game.ui.board import Board, Highlights
from game.ui.curves import dashed_lines
from game.ui.layout import place_near

PANEL_W = 820


def reveal_marks(scenario, comparison, layout) -> Highlights:
    """The board's marks of `comparison` (engine.maps.compare_map of the map whose cards are at
    `layout`): missing links and ghost cards, extra links, and the ports they leave from."""
    comp = comparison
    missing_steps = [s for e in comp.missing for s in (e.src, e.dst) if s not in layout]
    ghosts = place_near(scenario, layout, list(comp.expert.edges), dict.fromkeys(missing_steps),
                        BOARD.inflate(-16, -16))
    ports = {(e.src, e.port): "missing" for e in comp.missing if e.src in layout}
    ports.update({(e.src, e.port): "extra" for e in comp.extra})  # a misrouted port: its wrong link
    return Highlights(edges={e: "extra" for e in comp.extra}, ghost_edges=tuple(comp.missing),
                      ghost_cards=ghosts, ports=ports)


def draw_reveal_panel(surface, board: Board, reveal: Highlights, sentences: list[str], score: int) -> None:
    """The score, what the marks mean, and the first three differences in words, in the freest corner."""
    width = PANEL_W
    text_w = width - 48
    lines: list[str] = []
    for item in sentences[:3]:
        wrapped = T.wrap(item, text_w - 24, T.SIZE_SMALL)
        lines += ["• " + wrapped[0]] + ["  " + w for w in wrapped[1:]]
    more = len(sentences) - 3
    if more > 0:
        lines.append(f"… and {more} more.")
    height = 126 + 30 * len(lines) + 50
    cards = [board.card_rect(s).inflate(12, 12) for s in board.layout]
    cards += [board.card_rect(s, xy) for s, xy in reveal.ghost_cards.items()]
    spots = [pygame.Rect(BOARD.left + 16, BOARD.bottom - 16 - height, width, height),
             pygame.Rect(BOARD.left + 16, BOARD.top + 16, width, height),
             pygame.Rect(BOARD.right - 16 - width, BOARD.top + 16, width, height),
             pygame.Rect(BOARD.right - 16 - width, BOARD.bottom - 16 - height, width, height)]
    box = min(spots, key=lambda r: sum(r.clip(c).width * r.clip(c).height for c in cards))
    T.panel(surface, box, T.PANEL, radius=16, border=T.LINE)
    x, y = box.left + 24, box.top + 16
    T.text(surface, f"Your map scores {score}/100", (x, y), T.SIZE_LABEL, T.TEXT, "bold")
    y += 56
    dashed_lines(surface, T.GREEN, [(x, y + 16), (x + 50, y + 16)], 4)  # as the board draws them
    T.text(surface, "+ missing link", (x + 62, y), T.SIZE_SMALL, T.GREEN, "semibold")
    dashed_lines(surface, T.VERMILION, [(x + 290, y + 16), (x + 340, y + 16)], 4)
    T.text(surface, "× extra link", (x + 352, y), T.SIZE_SMALL, T.VERMILION, "semibold")
    y += 48
    for line in lines:
        T.text(surface, line, (x, y), T.SIZE_SMALL, T.TEXT)
        y += 30
    T.text(surface, "The day will run on your map, as it is.", (x, y + 4), T.SIZE_SMALL, T.TEXT_DIM)
