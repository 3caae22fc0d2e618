"""The tray: the cards not yet on the board, in a column on the editor's left.

Every step of the scenario that is not placed is in the tray, the distractors among them, ordered by
kind (arrivals first, ways out last, `KIND_ORDER`). While every card fits at a touch size the tray is one
page of `CARD_H`-high cards (48 window px at 1024x768); when they do not, the tray shows pages of them
with two arrow buttons at its bottom. A card is drawn with its kind's colour
stripe and icon and its label on at most three lines; the card armed by a tap is outlined in yellow, and
the card being dragged out leaves only its outline behind. While a board card is dragged, the tray says
it takes cards back.

The tray reads the editor's layout (which steps are placed) each time it is asked, so it needs no telling
when a card comes or goes; it keeps only the page it shows.
"""
from __future__ import annotations

import pygame

from game.scenes.mapeditor.regions import TRAY
from game.ui import theme as T
from game.ui.board import draw_icon
from game.ui.cards import KIND_COLOURS, KIND_ORDER
from game.ui.widgets import MIN_TARGET, Button

#: A card's height: 48 window px even at 1024x768 (scale 0.53), and room for a label on three lines.
CARD_H = 90


class Tray:
    """The unplaced cards of `scenario` (those not in `layout`), a page at a time."""

    def __init__(self, scenario, layout):
        self.scenario = scenario
        self.layout = layout
        self.page = 0
        half = (TRAY.width - 24 - 8) // 2
        self.b_up = Button((TRAY.left + 12, TRAY.bottom - 12 - MIN_TARGET, half, MIN_TARGET), "",
                           lambda: self.turn(-1), kind="quiet")
        self.b_down = Button((TRAY.left + 20 + half, TRAY.bottom - 12 - MIN_TARGET, half, MIN_TARGET), "",
                             lambda: self.turn(1), kind="quiet")

    def ids(self) -> list[str]:
        """The cards not on the board, by kind (arrivals first, ways out last)."""
        sc = self.scenario
        ids = [s for s in sc.steps if s not in self.layout]
        ids.sort(key=lambda s: (KIND_ORDER.index(sc.steps[s].kind) if sc.steps[s].kind in KIND_ORDER else 99))
        return ids

    def pages(self) -> tuple[int, int]:
        """(cards per page, pages): one page while every card fits at touch size, else pages with arrows."""
        n = len(self.ids())
        avail = TRAY.bottom - (TRAY.top + 64) - 8
        if n * (CARD_H + 8) <= avail:
            return max(1, n), 1
        per_page = max(1, (avail - MIN_TARGET - 12) // (CARD_H + 8))
        return per_page, -(-n // per_page)

    def items(self) -> list[tuple[str, pygame.Rect]]:
        """The cards of the tray's current page, with their rectangles."""
        ids = self.ids()
        per_page, pages = self.pages()
        self.page = max(0, min(self.page, pages - 1))
        shown = ids[self.page * per_page:(self.page + 1) * per_page]
        top = TRAY.top + 64
        avail = TRAY.bottom - top - 8 - (MIN_TARGET + 12 if pages > 1 else 0)
        gap = 8
        h = CARD_H
        w = TRAY.width - 24
        return [(s, pygame.Rect(TRAY.left + 12, top + r * (h + gap), w, h)) for r, s in enumerate(shown)]

    def turn(self, step: int) -> None:
        self.page += step
        self.items()  # clamps

    def hit(self, pos) -> str | None:
        """The card of the current page under `pos`, if any."""
        for s, r in self.items():
            if r.collidepoint(pos):
                return s
        return None

    def buttons(self) -> list[Button]:
        """The page arrows, when there is more than one page."""
        per_page, pages = self.pages()
        if pages <= 1:
            return []
        self.b_up.enabled = self.page > 0
        self.b_down.enabled = self.page < pages - 1
        return [self.b_up, self.b_down]

    def draw(self, surface, armed: str | None, dragged: str | None, taking_back: bool, arrows: bool) -> None:
        """The tray: `armed` the card tapped (outlined), `dragged` the card being dragged out (outline
        only), `taking_back` while a board card is dragged (the tray says it takes it), `arrows` the page
        arrows when there are pages."""
        T.panel(surface, TRAY, T.PANEL if not taking_back else T.PANEL_HI, radius=18,
                border=T.VERMILION if taking_back else None, width=3)
        T.text(surface, "Cards", (TRAY.left + 18, TRAY.top + 14), T.SIZE_LABEL, T.TEXT, "bold")
        items = self.items()
        T.text(surface, f"{len(self.ids())} left", (TRAY.right - 18, TRAY.top + 20), T.SIZE_SMALL, T.TEXT_DIM,
               anchor="topright")
        per_page, pages = self.pages()
        if pages > 1 and arrows:
            self._draw_arrows(surface)
        if taking_back:
            T.text(surface, "Drop here to", (TRAY.centerx, TRAY.bottom - 110), T.SIZE_BODY, T.TEXT, "semibold",
                   anchor="center")
            T.text(surface, "remove the card", (TRAY.centerx, TRAY.bottom - 70), T.SIZE_BODY, T.TEXT, "semibold",
                   anchor="center")
        for sid, r in items:
            self._draw_card(surface, sid, r, sid == armed, sid == dragged)

    def _draw_arrows(self, surface) -> None:
        for b, up in ((self.b_up, True), (self.b_down, False)):
            b.draw(surface)
            cx, cy = b.rect.center
            c = T.TEXT if b.enabled else T.LINE
            tri = [(cx - 16, cy + 8), (cx + 16, cy + 8), (cx, cy - 10)] if up else \
                [(cx - 16, cy - 8), (cx + 16, cy - 8), (cx, cy + 10)]
            pygame.draw.polygon(surface, c, tri)

    def _draw_card(self, surface, sid: str, r: pygame.Rect, armed: bool, dragged: bool) -> None:
        step = self.scenario.steps[sid]
        colour = KIND_COLOURS.get(step.kind, T.TEXT)
        fill = T.PANEL_HI if armed else T.BG_LIGHT
        T.panel(surface, r, fill, radius=12, border=T.YELLOW if armed else colour, width=3 if armed else 2)
        if dragged:
            return
        pygame.draw.rect(surface, colour, (r.left, r.top + 8, 6, r.height - 16), border_radius=3)
        draw_icon(surface, step.kind, (r.left + 28, r.centery), 24, colour)
        tw = r.width - 52  # from the label's left to 6 px short of the card's right edge
        lines = T.wrap(step.label, tw, T.SIZE_SMALL, "semibold")
        if len(lines) > 3:
            lines = lines[:2] + [T.ellipsize(" ".join(lines[2:]), tw, T.SIZE_SMALL, "semibold")]
        step_h = 27
        y = r.centery - len(lines) * step_h // 2 - 1
        for line in lines:
            T.text(surface, line, (r.left + 46, y), T.SIZE_SMALL, T.TEXT, "semibold", box=r)
            y += step_h
