"""Banners over the board: a scripted event in its advisor's words, or a lever just pulled.

A banner is `[advisor id or None, text, age]`; the scene appends them as the trace brings events (and as
the player pulls levers). One shows at a time, beside the title or at the board's foot, where it hides
less of the map (`banner_rect`): an advisor's with their portrait, name and text in their colour, a rule
change as "Rule changed" and what changed; the box is as tall as its text, so nothing is cut. The first
stays `BANNER_SECONDS`, half that while others wait their turn; no more than four wait (`age_banners`).
"""
from __future__ import annotations

from typing import Sequence

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


def banner_rect(lines: int, advisor: bool, cards: Sequence[pygame.Rect] = ()) -> pygame.Rect:
    """Where a banner of `lines` lines of text sits: right of the title and the line under it, left of
    the advisors' portraits, as tall as its text (nothing of the message is dropped); in the top band
    (over the day's progress bar, which it names the moment of) unless somewhere along the board's foot it
    would hide less of the map's `cards`."""
    left, right = 760, BOARD_RECT.right - 290
    height = max(128, (46 if advisor else 52) + lines * 36 + 18)
    top = pygame.Rect(left, 10, right - left, height)
    y = BOARD_RECT.bottom - 16 - height
    feet = [pygame.Rect(x, y, top.width, height) for x in range(BOARD_RECT.left + 16, BOARD_RECT.right - 16 - top.width, 48)]

    def hidden(box: pygame.Rect) -> int:
        return sum(c.clip(box).width * c.clip(box).height for c in cards)

    return min([top] + feet, key=hidden)  # the first of the least hidden: by the title when it ties


def banner_lines(text: str, advisor: bool) -> list[str]:
    """The banner's text wrapped to its width, every line kept."""
    box = banner_rect(1, advisor)
    return T.wrap(text, box.width - (118 if advisor else 24) - 24, T.SIZE_BODY, "regular" if advisor else "semibold")


def draw_banners(surface, banners: list[list], scenario, cards: Sequence[pygame.Rect] = ()) -> None:
    """The first banner, where it hides least of the map's `cards` (`banner_rect`)."""
    for advisor_id, text, age in banners[:1]:
        adv = scenario.advisors.get(advisor_id) if advisor_id else None
        lines = banner_lines(text, adv is not None)
        box = banner_rect(len(lines), adv is not None, cards)
        colour = T.hex_colour(getattr(adv, "colour", None), T.SKY) if adv else T.SKY
        T.panel(surface, box, T.PANEL_HI, radius=20, border=colour, width=4)
        tx = box.left + 24
        if adv is not None:
            surface.blit(portraits.portrait(adv, 84, scenario.path), (box.left + 14, box.top + 14))
            tx = box.left + 118
            T.text(surface, adv.name, (tx, box.top + 12), T.SIZE_SMALL, colour, "semibold")
            for i, line in enumerate(lines):
                T.text(surface, line, (tx, box.top + 46 + i * 36), T.SIZE_BODY, T.TEXT, box=box)
        else:
            T.text(surface, "Rule changed", (tx, box.top + 14), T.SIZE_SMALL, colour, "semibold")
            for i, line in enumerate(lines):
                T.text(surface, line, (tx, box.top + 52 + i * 36), T.SIZE_BODY, T.TEXT, "semibold", box=box)
