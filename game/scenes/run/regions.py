"""Where the run's parts sit on the logical screen (1920 x 1080, scaled to the window).

The top band (`TOP_H`) holds the title and the day's progress bar; the board (`BOARD_RECT`) fills the
middle; the strip along the bottom (`STRIP`) holds, left to right, the clock (from `CLOCK_X`), the pause
and speed buttons (`SPEED_X`), the staff (`STAFF_X`), today's numbers (`TODAY_X`, `TODAY_W` wide) and the
two actions (`BUTTONS_X`, `BUTTONS_W` wide). Callers in flight are discs `TOKEN_R` px in radius.
"""
from __future__ import annotations

import pygame

from game.ui import theme as T

TOP_H = 96
STRIP = pygame.Rect(16, T.H - 16 - 200, T.W - 32, 200)  # clock, speeds, staff, today, buttons
BOARD_RECT = pygame.Rect(16, TOP_H, T.W - 32, STRIP.top - 12 - TOP_H)
# the strip's blocks, left to right
CLOCK_X, SPEED_X, STAFF_X, TODAY_X, BUTTONS_X = 16, 330, 790, 1236, 1592
TODAY_W, BUTTONS_W = BUTTONS_X - TODAY_X, T.W - 16 - BUTTONS_X
TOKEN_R = 6
