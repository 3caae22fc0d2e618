"""Banners over the board: a scripted event in its advisor's words, or a lever just pulled.

A banner is `[advisor id or None, text, age]`; the scene appends them as the trace brings events (and as
the player pulls levers). One shows at a time, at the board's top: an advisor's with their portrait, name
and two lines of text in their colour, a rule change as "Rule changed" and one line. The first stays
`BANNER_SECONDS`, half that while others wait their turn; no more than four wait (`age_banners`).
"""
from __future__ import annotations

import pygame

from game.scenes.run.regions import BOARD_RECT
from game.ui import portraits
from game.ui import theme as T

BANNER_SECONDS = 7.0


def age_banners(banners: list[list], dt: float) -> list[list]:
    """The banners still to show after `dt` seconds: the last four, the first aged (gone once its turn is up)."""
    banners = banners[-4:]
    if banners:
        first = banners[0]
        first[2] += dt
        limit = BANNER_SECONDS if len(banners) == 1 else BANNER_SECONDS / 2
        if first[2] >= limit:
            banners.pop(0)
    return banners


def draw_banners(surface, banners: list[list], scenario) -> None:
    """The first banner, over the board's top."""
    y = 10
    for advisor_id, text, age in banners[:1]:
        adv = scenario.advisors.get(advisor_id) if advisor_id else None
        box = pygame.Rect(BOARD_RECT.left + 300, y, BOARD_RECT.width - 600, 128)
        colour = T.hex_colour(getattr(adv, "colour", None), T.SKY) if adv else T.SKY
        T.panel(surface, box, T.PANEL_HI, radius=20, border=colour, width=4)
        tx = box.left + 24
        if adv is not None:
            surface.blit(portraits.portrait(adv, 84, scenario.path), (box.left + 14, box.top + 14))
            tx = box.left + 118
            T.text(surface, adv.name, (tx, box.top + 12), T.SIZE_SMALL, colour, "semibold")
            lines = T.wrap(text, box.right - tx - 24, T.SIZE_BODY)[:2]
            for i, line in enumerate(lines):
                T.text(surface, line, (tx, box.top + 46 + i * 36), T.SIZE_BODY, T.TEXT)
        else:
            T.text(surface, "Rule changed", (tx, box.top + 14), T.SIZE_SMALL, colour, "semibold")
            T.text(surface, T.ellipsize(text, box.width - 48, T.SIZE_BODY, "semibold"), (tx, box.top + 52),
                   T.SIZE_BODY, T.TEXT, "semibold")
        y += box.height + 12
