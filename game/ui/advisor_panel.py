"""The advisors you can ask: their portraits in a row, and the tip of the one tapped in a bubble.

`AdvisorDesk(scenario, rect, ask)` draws the scenario's advisors as small portraits side by side in `rect`
(each with a "?" badge, so the portraits read as something to tap). A tap on a portrait (down and up on
the same one, like a button) calls `ask(advisor_id)`, which returns what they say now (a
game.play.tips.Tip), and opens the tip: a speech bubble `TIP_W` wide next to the portraits, above them or
below them, or right of the one asked (`opens`), kept on the screen. A tap on the bubble, or on the same
portrait, closes it; a tap elsewhere closes it too but is not taken, so the screen below acts on it as
if no tip had been open (the map keeps working, the briefing goes on). `on_tip(tip)` hears every tip
given (the map's hints panel keeps them).
"""
from __future__ import annotations

from typing import Callable

import pygame

from game.ui import portraits
from game.ui import theme as T
from game.ui.widgets import DOWN, UP, pointer, primary

TIP_W = 760
GAP = 12


class AdvisorDesk:
    """Tappable advisors and the tip of the one asked."""

    def __init__(self, scenario, rect, ask: Callable[[str], object], *, opens: str = "above",
                 on_tip: Callable[[object], None] | None = None,
                 places: Callable[[], dict[str, pygame.Rect]] | None = None):
        self.scenario = scenario
        self.rect = pygame.Rect(rect)
        self.ask = ask
        self.opens = opens  # "above" or "below" the portraits, or "right" of the one asked
        self.places = places  # where a screen that draws its advisors itself has them (the briefing's cast)
        self.on_tip = on_tip
        self.tip = None  # the tip shown (game.play.tips.Tip), or None
        self.pressed: str | None = None
        self.asked = 0

    @property
    def ids(self) -> list[str]:
        return list(self.scenario.advisors)

    def portrait_rects(self) -> dict[str, pygame.Rect]:
        """Each advisor's portrait: squares as tall as the row, right-aligned in `rect` (or `places`)."""
        if self.places is not None:
            return self.places()
        size = self.rect.height
        ids = self.ids
        x = self.rect.right - len(ids) * size - (len(ids) - 1) * GAP
        return {aid: pygame.Rect(x + i * (size + GAP), self.rect.top, size, size) for i, aid in enumerate(ids)}

    def tip_rect(self) -> pygame.Rect | None:
        if self.tip is None:
            return None
        width = min(TIP_W, T.W - 32)
        h = max(88, portraits.bubble_height(self.tip.text, width - 32 - 116)) + 32 + 34  # padding, 'Tap to close'
        x = min(max(16, self.rect.right - width), T.W - 16 - width)
        y = self.rect.top - GAP - h if self.opens == "above" else self.rect.bottom + GAP
        who = self.portrait_rects().get(self.tip.advisor)
        if self.opens == "right" and who is not None:
            x, y = min(who.right + 2 * GAP, T.W - 16 - width), who.top
        return pygame.Rect(x, max(16, min(y, T.H - 16 - h)), width, h)

    def open(self, advisor_id: str) -> None:
        self.tip = self.ask(advisor_id)
        self.asked += 1
        if self.on_tip is not None and self.tip is not None:
            self.on_tip(self.tip)

    def close(self) -> None:
        self.tip = None

    def _at(self, pos) -> str | None:
        return next((aid for aid, r in self.portrait_rects().items() if r.collidepoint(pos)), None)

    def handle(self, event) -> bool:
        """True when the event was the desk's: a tap on a portrait or on the open tip."""
        pos = pointer(event)
        if pos is None or event.type not in (DOWN, UP) or not primary(event):
            return False
        box = self.tip_rect()
        on_tip = box is not None and box.collidepoint(pos)
        who = self._at(pos)
        if event.type == DOWN:
            self.pressed = who if who is not None else ("" if on_tip else None)
            return self.pressed is not None
        pressed, self.pressed = self.pressed, None
        if pressed is None:
            self.close()  # a tap elsewhere: the screen's, and the tip makes way
            return False
        if pressed == "" and on_tip:
            self.close()
        elif pressed and pressed == who:
            if self.tip is not None and self.tip.advisor == who:
                self.close()
            else:
                self.open(who)
        return True

    def draw(self, surface: pygame.Surface) -> None:
        for aid, r in ({} if self.places is not None else self.portrait_rects()).items():
            adv = self.scenario.advisors[aid]
            lit = self.tip is not None and self.tip.advisor == aid
            colour = portraits.colour_for(adv.name, adv.colour)
            pygame.draw.circle(surface, colour if lit else T.LINE, r.center, r.width // 2 + 4, 4)
            surface.blit(portraits.portrait(adv, r.width, self.scenario.path), r.topleft)
            badge = (r.right - 12, r.top + 12)
            pygame.draw.circle(surface, T.ACCENT, badge, 15)
            T.text(surface, "?", badge, T.SIZE_SMALL, T.BG, "bold", anchor="center")
        box = self.tip_rect()
        if box is None:
            return
        adv = self.scenario.advisors.get(self.tip.advisor)
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.LINE, width=2)
        inner = box.inflate(-32, -32)
        portraits.speech_bubble(surface, pygame.Rect(inner.left, inner.top, inner.width, inner.height),
                                adv or self.tip.advisor, self.tip.text, scenario_path=self.scenario.path)
        T.text(surface, "Tap to close", (box.right - 24, box.bottom - 12), T.SIZE_SMALL, T.TEXT_DIM,
               anchor="bottomright")
