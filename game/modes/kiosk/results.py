"""The kiosk's results: the flow's results screen with "Save my score" as the way on.

The flow builds it in place of its own in a visitor's round (the kiosk gives it the builder,
`app.settings.screens["results"]`, `Kiosk.results_screen`); attract rounds end on the plain results.
"Save my score" (enabled once the results are tallied) goes to the initials, "Play again" is the flow's
retry, "I'm done" and Esc hand the stand to the next visitor; there is no way into other scenarios.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from game.scenes import primary_rect, secondary_rect
from game.scenes.results import ResultsScene
from game.ui.widgets import Button

if TYPE_CHECKING:  # pragma: no cover
    from game.modes.kiosk.mode import Kiosk


class KioskResults(ResultsScene):
    """The results, with "Save my score" as the way on (to the initials) and no way into other scenarios."""

    def __init__(self, app, rnd, kiosk: "Kiosk", **ways):
        super().__init__(app, rnd, **ways)  # the flow's ways on: "Play again" is its retry
        self.kiosk = kiosk
        self.save_button = Button(primary_rect(), "Save my score  ▶", self.save, kind="primary", enabled=False)
        self.buttons = [self.save_button, Button(secondary_rect(0), "Play again", self.retry),
                        Button(secondary_rect(1), "I'm done", self.kiosk.finish, kind="quiet"), self.view_button]

    def tick(self, dt):
        super().tick(dt)
        self.save_button.enabled = self.ready

    def save(self) -> None:
        if self.ready:
            self.kiosk.show_initials(self.round)

    def next(self) -> None:
        self.save()

    def on_back(self) -> None:
        self.kiosk.finish()
