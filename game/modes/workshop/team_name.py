"""A team's name, typed on the on-screen keyboard (or the laptop's), over the workshop screen.

Capitals where words start, as a phone keyboard does; "Add team" (or Enter) keeps the team in the store
for this workshop, at the end of the queue (the first team added is the one whose turn it is), and goes
back to the teams; an empty name, or one
the store refuses (game.data.store's own check of a team's name), is said in a line, and a save the
machine refuses is said and logged.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.data.store import SaveError
from game.modes.shared import save_failed
from game.scenes import MARGIN, Screen, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui.keyboard import Keyboard, TextField, typing_input
from game.ui.widgets import Button

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.workshop.mode import Workshop


class TeamNameScene(Screen):
    """A team's name, typed on the on-screen keyboard (or the laptop's)."""

    name = "team_name"

    def __init__(self, app, workshop: Workshop):
        super().__init__(app)
        self.workshop = workshop
        self.field = TextField((MARGIN + 200, 260, T.W - 2 * MARGIN - 400, 90), "Team name", 40,
                               lambda s: bool(s.strip()), "Blue team")
        self.field.focused = True
        self.keyboard = Keyboard(pygame.Rect(MARGIN + 60, 410, T.W - 2 * MARGIN - 120, 500), "text",
                                 on_char=self.type, on_back=self.back, on_enter=self.add, enter_label="Add")
        self.message = ""
        self.buttons = [Button(primary_rect(), "Add team  ▶", self.add, kind="primary"),
                        Button(secondary_rect(0), "Cancel", self.on_back, kind="quiet")]

    def _caps(self) -> None:
        """Capitals where words start, as a phone keyboard does."""
        self.keyboard.upper = not self.field.text or self.field.text.endswith((" ", "-"))

    def type(self, ch: str) -> None:
        self.field.type(ch)
        self._caps()

    def back(self) -> None:
        self.field.back()
        self._caps()

    def add(self) -> None:
        name = self.field.text.strip()
        if not name:
            self.message = "A team needs a name."
            return
        try:
            self.workshop.add_team(name)  # at the end of the queue (Workshop.turn), not ahead of it
        except SaveError as e:  # a full disk, no database: said and logged
            self.message = save_failed(self.app, e, "the team", "facilitator")
            return
        except ValueError as e:  # the store's own check
            self.message = str(e)
            return
        self.app.stack.pop()

    def on_back(self) -> None:
        self.app.stack.pop()

    def update(self, dt, events):
        self.age += dt
        typing_input(self, events)

    def draw(self, surface):
        self.header(surface, "Add a team", "A name everyone in the room will recognise.")
        self.field.draw(surface, self.age)
        self.keyboard.draw(surface)
        if self.message:
            room = primary_rect().left - secondary_rect(1).right - 48
            T.text(surface, T.ellipsize(self.message, room, T.SIZE_BODY, "semibold"), (T.W // 2, primary_rect().centery),
                   T.SIZE_BODY, T.WARN, "semibold", anchor="center")
        self.draw_buttons(surface)
