"""Where the map editor's parts sit on the logical screen (1920 x 1080, scaled to the window).

The top band (`TOP_H`) holds the title, the instruction line and the attempt counter; below it the tray
of cards on the left (`TRAY`), the board to its right (`BOARD`), and the toolbar under the board from
`TOOLBAR_Y`. Auto-layout places cards inside `LAYOUT_RECT`, the board less a margin on the right where
links to a way out curve round.
"""
from __future__ import annotations

import pygame

from game.ui import theme as T

TOP_H = 100
MARGIN = 16
TRAY = pygame.Rect(MARGIN, TOP_H + 10, 240, T.H - TOP_H - 10 - MARGIN)
BOARD = pygame.Rect(TRAY.right + 16, TOP_H + 10, T.W - TRAY.right - 16 - MARGIN, 846)
TOOLBAR_Y = BOARD.bottom + 14
LAYOUT_RECT = pygame.Rect(BOARD.left + 12, BOARD.top + 14, BOARD.width - 12 - 96, BOARD.height - 28)  # room for curves
