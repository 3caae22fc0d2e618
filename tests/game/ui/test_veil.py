"""The veil under a dialog: it dims what is drawn to the blend of its colour at its opacity."""
import pygame

from game.ui import theme as T
from game.ui.veil import ALPHA, SHADE, veil


def test_the_veil_dims_the_whole_screen_by_its_opacity():
    pygame.init()
    surface = pygame.Surface(T.LOGICAL_SIZE)
    surface.fill((240, 240, 240))
    veil(surface)
    expected = tuple(round(240 + (c - 240) * ALPHA / 255) for c in SHADE)
    for pos in ((0, 0), (T.W // 2, T.H // 2), (T.W - 1, T.H - 1)):
        assert all(abs(a - b) <= 1 for a, b in zip(surface.get_at(pos)[:3], expected))
    surface.fill((240, 240, 240))
    veil(surface, T.BG, 215)  # the kiosk's "Still there?": its background colour shows through
    assert all(abs(a - round(240 + (c - 240) * 215 / 255)) <= 1 for a, c in zip(surface.get_at((5, 5))[:3], T.BG))
