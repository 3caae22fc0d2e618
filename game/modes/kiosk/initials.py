"""The visitor's initials for the board: three letters typed on a big on-screen keyboard (or the keys).

The score of the round (its profit on the evaluation days, in money, and its stars) is shown beside three
big slots, with the board's rule under it; a
deny-list (game.modes.shared.denied) refuses rude initials before they are saved, and the store refuses
what is not three letters. Saved, the visitor sees the boards with their entry highlighted; Skip (or
Esc) shows the boards without one. A save the machine refuses (a full disk) is said here and logged, and
the visitor stays (`SCORE_NOT_KEPT` from the start when the kiosk has no database).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.data.store import SaveError
from game.modes.kiosk.boards import grade_of, scenario_name
from game.modes.shared import denied, rule_text, save_failed, storage_problem, store
from game.scenes import MARGIN, Screen, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui import words
from game.ui.charts import star
from game.ui.keyboard import Keyboard, typing_input
from game.ui.widgets import Button

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.kiosk.mode import Kiosk

SCORE_NOT_KEPT = "Scores can't be saved right now, sorry. Please tell the staff at the stand."


class InitialsScene(Screen):
    """Three letters for the board, typed on a big keyboard."""

    name = "initials"

    def __init__(self, app, rnd, kiosk: "Kiosk"):
        super().__init__(app)
        self.round = rnd
        self.kiosk = kiosk
        self.initials = ""
        self.message = SCORE_NOT_KEPT if storage_problem(app) else ""
        self.saved = False
        self.keyboard = Keyboard(pygame.Rect(MARGIN + 40, 560, T.W - 2 * MARGIN - 80, 340), "initials",
                                 on_char=self.type, on_back=self.back, on_enter=self.save)
        self.save_button = Button(primary_rect(), "Save  ▶", self.save, kind="primary", enabled=False)
        self.buttons = [self.save_button, Button(secondary_rect(0), "Skip", self.skip, kind="quiet")]

    @property
    def grade(self):
        return grade_of(self.round)

    def type(self, ch: str) -> None:
        if ch.isalpha() and len(self.initials) < 3:
            self.initials += ch.upper()
            self.message = ""
        self._sync()

    def back(self) -> None:
        self.initials = self.initials[:-1]
        self.message = ""
        self._sync()

    def _sync(self) -> None:
        full = len(self.initials) == 3
        if full and denied(self.initials):
            self.message = "Those initials can't go on the board. Please try others."
        self.save_button.enabled = full and not denied(self.initials)

    def save(self) -> None:
        if len(self.initials) != 3:
            self.message = "Three letters, please."
            return
        if denied(self.initials):
            self.message = "Those initials can't go on the board. Please try others."
            return
        g, rnd = self.grade, self.round
        o = rnd.outcome
        try:
            self.entry = store(self.app).add_score(
                self.initials, rnd.scenario.id, g.score if g else None, g.stars if g else 0,
                map_score=g.map_score if g else 0, kpis=o.kpis if o else None, seed=rnd.run_seed)
        except SaveError as e:  # the machine's failure (a full disk): said and logged; the visitor stays here
            self.message = save_failed(self.app, e, "your score")
            return
        except ValueError as e:  # the store's own check (game.data.store.InitialsError)
            self.message = str(e)
            return
        self.saved = True
        self.kiosk.show_boards(self.round, mine=self.initials)

    def skip(self) -> None:
        self.kiosk.show_boards(self.round, mine=None)

    def on_back(self) -> None:
        self.skip()

    def handle(self, event) -> bool:
        return self.keyboard.handle(event)

    def update(self, dt, events):
        # Enter and Backspace belong to the keyboard here, not to the screen's primary button
        self.age += dt
        typing_input(self, events)

    def draw(self, surface):
        g = self.grade
        self.header(surface, "Put your initials on the board", "Three letters. Today's best players are shown "
                                                                 "at the stand all day.")
        box = pygame.Rect(MARGIN, 180, 520, 340)
        T.panel(surface, box, T.PANEL, radius=24, border=T.ACCENT, width=3)
        T.text(surface, "YOUR SCORE", (box.left + 32, box.top + 28), T.SIZE_SMALL, T.ACCENT, "semibold")
        sc = self.round.scenario
        if g is not None:
            money = words.value("profit", g.score, sc)
            T.text(surface, money, (box.left + 30, box.top + 116), T.fit(money, box.width - 60, 96, "bold"), T.TEXT,
                   "bold", anchor="midleft")
            T.text(surface, f"Profit on {words.evaluation_runs(sc)}", (box.left + 32, box.top + 178),
                   T.SIZE_SMALL, T.TEXT_DIM)
            for i in range(3):
                star(surface, (box.left + 64 + i * 80, box.top + 252), 32, i < g.stars)
        T.text(surface, T.ellipsize(scenario_name(sc.id), box.width - 64, T.SIZE_SMALL),
               (box.left + 32, box.bottom - 34), T.SIZE_SMALL, T.TEXT_DIM, anchor="midleft")
        T.text(surface, T.ellipsize(rule_text(sc.run.replications), T.W - 2 * MARGIN, T.SIZE_SMALL),
               (MARGIN, box.bottom + 8), T.SIZE_SMALL, T.TEXT_DIM)
        # three big slots
        w, gap = 200, 36
        x0 = box.right + 140
        for i in range(3):
            r = pygame.Rect(x0 + i * (w + gap), 200, w, 240)
            active = i == len(self.initials)
            T.panel(surface, r, T.BG_LIGHT, radius=24, border=T.ACCENT if active else T.LINE, width=4 if active else 2)
            if i < len(self.initials):
                T.text(surface, self.initials[i], r.center, 150, T.TEXT, "bold", anchor="center")
            elif active and int(self.age * 2) % 2 == 0:
                pygame.draw.line(surface, T.ACCENT, (r.left + 40, r.bottom - 40), (r.right - 40, r.bottom - 40), 6)
        tx = x0 + 3 * (w + gap) + 20
        if self.message:
            T.paragraph(surface, self.message, pygame.Rect(tx, 230, T.W - MARGIN - tx, 200), T.SIZE_LABEL, T.WARN,
                        "semibold")
        else:
            T.paragraph(surface, "Tap the letters below; ⌫ takes one back.",
                        pygame.Rect(tx, 230, T.W - MARGIN - tx, 200),
                        T.SIZE_BODY, T.TEXT_DIM)
        self.keyboard.draw(surface)
        self.draw_buttons(surface)
