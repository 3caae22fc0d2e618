"""The veil drawn over the whole screen under a dialog, so that the dialog stands out and what is under
it reads as paused: the map editor's score panel, the run's lever panel, the kiosk's "Still there?", the
demo's shortcut card.

`veil(surface)` dims everything drawn so far with a translucent fill of the logical size: by default the
near-black `SHADE` at `ALPHA` (170 of 255), the dialogs over a board; a screen that wants its own
background colour to show through (the kiosk, the demo) passes it and its own opacity.
"""
from __future__ import annotations

import pygame

from game.ui import theme as T

SHADE = (8, 12, 20)
ALPHA = 170


def veil(surface: pygame.Surface, colour: tuple[int, int, int] = SHADE, alpha: int = ALPHA) -> None:
    """Dim all of `surface` (the logical screen) with `colour` at opacity `alpha` (0-255)."""
    shade = pygame.Surface(T.LOGICAL_SIZE, pygame.SRCALPHA)
    shade.fill((*colour, alpha))
    surface.blit(shade, (0, 0))
    T.covered(surface, surface.get_rect())  # what is under the veil reads as behind the dialog
