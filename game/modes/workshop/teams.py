"""The workshop screen, home of the facilitator's machine: the named teams and whose turn it is.

The teams are cards (up to nine, three a row) with their rounds played and best score; the team whose
turn it is is marked "NEXT UP", and tapping a card makes it that team's turn. "Play" starts that team's
round at scenario select; "Add a team" opens the name keyboard; "Results board" compares the teams;
"Export" writes `results.csv` and each team's best map as BPMN at once, and the teams' debriefs (PNG and PDF) in a background job with a
deadline, saying where they went. The screen stands in the title's place, so Back from scenario select
and the crash guard land here, and Esc here does nothing (it is home).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.modes.shared import store
from game.modes.workshop.board import TeamBoardScene
from game.modes.workshop.playing import name_lines
from game.modes.workshop.team_name import TeamNameScene
from game.play import flow
from game.scenes import MARGIN, Screen, content_rect, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui.widgets import Button, pointer, primary

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.workshop.mode import Workshop

DEBRIEF_DEADLINE = 600.0  # wall seconds the debriefs may take before the screen stops waiting for them


class WorkshopScene(Screen):
    """The teams, whose turn it is, and the ways to the board and the export."""

    name = "workshop"

    def __init__(self, app, workshop: Workshop):
        super().__init__(app)
        self.workshop = workshop
        from game.modes.shared import storage_problem

        problem = storage_problem(app)  # started on a data folder it cannot use: say so from the start
        self.message = f"Nothing can be saved: {problem}" if problem else ""
        self.job = None  # the debriefs being written
        self.teams = store(app).teams(workshop.name)
        self.play_button = Button(primary_rect(), "Play  ▶", self.play, kind="primary")
        self.buttons = [self.play_button,
                        Button(secondary_rect(0), "Add a team", self.add_team),
                        Button(secondary_rect(1), "Results board", self.board),
                        Button(secondary_rect(2), "Export", self.export, kind="quiet")]
        self._sync()

    def _sync(self) -> None:
        self.teams = store(self.app).teams(self.workshop.name)
        cur = self.workshop.current
        self.play_button.enabled = cur is not None
        label = f"Play: {cur}  ▶" if cur else "Play  ▶"
        fits = T.font(T.SIZE_SMALL, "semibold").size(label)[0] <= self.play_button.rect.width - 24
        self.play_button.label = label if fits else "Play  ▶"  # a long name: its card says NEXT UP

    def team_rects(self) -> list[tuple[object, pygame.Rect]]:
        teams = self.teams
        area = content_rect()
        cols, w, h, gap = 3, (area.width - 2 * 32) // 3, 150, 32
        return [(t, pygame.Rect(area.left + (i % cols) * (w + gap), area.top + 90 + (i // cols) * (h + gap), w, h))
                for i, t in enumerate(teams[:9])]

    def play(self) -> None:
        if self.workshop.current:
            flow.select(self.app)

    def add_team(self) -> None:
        self.app.stack.push(TeamNameScene(self.app, self.workshop))

    def board(self) -> None:
        self.app.stack.replace(TeamBoardScene(self.app, self.workshop))

    def export(self) -> None:
        """results.csv now; the teams' debriefs (PNG and PDF) in the background."""
        from game.core.jobs import Job

        try:
            path = self.workshop.export()
        except Exception as e:  # a folder we cannot write: say so
            self.message = f"Could not export: {e}"
            return
        self.message = f"Saved {path}; writing the debriefs…"
        if self.job is None and any(t.rounds for t in self.teams):
            self.job = Job(self.workshop.debriefs, name="debriefs", deadline=DEBRIEF_DEADLINE)

    def tick(self, dt):
        if self.job is not None and self.job.done:
            job, self.job = self.job, None
            folder = self.workshop.export_folder()
            if job.timed_out:
                self.message = f"The debriefs took far too long, so we stopped waiting; results.csv is in {folder}"
            else:
                self.message = (f"Could not write the debriefs: {job.error}" if job.error else
                                f"Saved results.csv and {len(job.result)} debrief files in {folder}")

    def enter(self) -> None:
        self._sync()

    def on_back(self) -> None:
        pass  # the workshop screen is home: Esc does not close the facilitator's game

    def handle(self, event) -> bool:
        pos = pointer(event)
        if pos is None or event.type != pygame.MOUSEBUTTONUP or not primary(event):
            return False
        for team, r in self.team_rects():
            if r.collidepoint(pos):
                self.workshop.current = team.name
                self._sync()
                return True
        return False

    def draw(self, surface):
        teams = self.team_rects()
        self.header(surface, "Workshop", "Teams take turns: pick whose turn it is, then Play.",
                    right=f"{len(teams)} team{'s' if len(teams) != 1 else ''}  ·  {self.workshop.name}")
        area = content_rect()
        custom = sum(1 for _ in self.workshop.files)
        note = (f"{custom} custom scenario file{'s' if custom != 1 else ''} from "
                + ", ".join(str(d) for d in self.workshop.dirs)) if self.workshop.dirs else \
            "Built-in scenarios (add your own with --scenarios DIR)"
        T.text(surface, T.ellipsize(note, area.width, T.SIZE_BODY), (area.left, area.top + 24), T.SIZE_BODY,
               T.TEXT_DIM)
        if not teams:
            T.text(surface, "No teams yet: tap \"Add a team\" to name the first one.", (T.W // 2, T.H // 2),
                   T.SIZE_HEAD - 8, T.TEXT, "semibold", anchor="center")
        for team, r in teams:
            cur = team.name == self.workshop.current
            T.panel(surface, r, T.PANEL_HI if cur else T.PANEL, radius=22, border=T.ACCENT if cur else T.LINE,
                    width=4 if cur else 2)
            size, lines = name_lines(team.name, r.width - 60, T.SIZE_HEAD - 8)
            for i, line in enumerate(lines):  # one line, or two at the reading size for a long name
                T.text(surface, line, (r.left + 30, r.top + 48 + (i - (len(lines) - 1) / 2) * 30), size, T.TEXT,
                       "bold", anchor="midleft")
            played = f"{team.rounds} round{'s' if team.rounds != 1 else ''}"
            best = f"best profit {team.best:,.0f}" if team.best is not None else "no score yet"
            T.text(surface, f"{played}  ·  {best}", (r.left + 30, r.bottom - 30), T.SIZE_SMALL, T.TEXT_DIM,
                   anchor="midleft")
            if cur:
                T.text(surface, "NEXT UP", (r.right - 30, r.bottom - 30), T.SIZE_SMALL, T.ACCENT, "semibold",
                       anchor="midright")
        if self.message:
            T.text(surface, T.ellipsize(self.message, T.W - 2 * MARGIN, T.SIZE_SMALL),
                   (MARGIN, primary_rect().top - 40),
                   T.SIZE_SMALL, T.GOOD if self.message.startswith("Saved") else T.WARN, anchor="midleft")
        self.draw_buttons(surface)
