"""The workshop's results: the flow's results screen, kept for the team that played, "Next team" the way on.

The flow builds it in place of its own (the workshop gives it the builder, `app.settings.screens`). As
soon as the round is tallied it is recorded for the team whose turn it is (`Workshop.record`, once; a
save the machine refuses is said over the screen and logged). "Next team" hands the machine to the next
team and goes back to the teams; "Try again" is the flow's retry; "Teams" and Esc go back to the teams.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from game.modes.shared import draw_notice
from game.scenes import primary_rect, secondary_rect
from game.scenes.results import ResultsScene
from game.ui.widgets import Button

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.workshop.mode import Workshop


class WorkshopResults(ResultsScene):
    """The results, kept for the team that played, with "Next team" as the way on."""

    def __init__(self, app, rnd, workshop: Workshop, **ways):
        super().__init__(app, rnd, **ways)  # the flow's ways on: "Try again" is its retry
        self.workshop = workshop
        self.buttons = [Button(primary_rect(), "Next team  ▶", self.next_team, kind="primary", enabled=False),
                        Button(secondary_rect(0), "Try again", self.retry),
                        Button(secondary_rect(1), "Teams", self.to_workshop, kind="quiet"), self.view_button]

    def tick(self, dt):
        super().tick(dt)
        if self.ready:
            self.workshop.record(self.round)
        self.buttons[0].enabled = self.ready

    def next_team(self) -> None:
        self.workshop.next_team()
        self.to_workshop()

    def draw(self, surface):
        super().draw(surface)
        if self.round.save_failed:
            draw_notice(surface, self.round.save_failed)

    def next(self) -> None:
        self.next_team()

    def to_workshop(self) -> None:
        self.app.stack.reset(self.workshop.teams_screen())

    def on_back(self) -> None:
        self.to_workshop()
