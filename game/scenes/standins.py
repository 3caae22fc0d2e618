"""A stand-in for the map editor, used by `game.play.flow` only while game/scenes/mapeditor.py is missing or
fails to import: it lists the expert map and lets the round go on with it, so every other screen stays
playable and testable."""
from __future__ import annotations

from game.play import flow
from game.ui import theme as T
from game.ui.widgets import Button
from game.scenes import Screen, content_rect, primary_rect, secondary_rect


class MapStandIn(Screen):
    name = "map"

    def __init__(self, app, rnd):
        super().__init__(app)
        self.round = rnd
        self.buttons = [Button(primary_rect(), "Use the expert map  ▶", self.use_reference, kind="primary"),
                        Button(secondary_rect(0), "◀  Back", self.on_back, kind="quiet")]

    def use_reference(self) -> None:
        from engine.maps import Attempts

        rnd, sc = self.round, self.round.scenario
        rnd.edges = list(sc.reference.edges)
        rnd.attempts = rnd.attempts or Attempts(sc)
        if not rnd.attempts.finished:
            rnd.attempts.submit(rnd.pmap)
        rnd.map_score = rnd.attempts.best.score if rnd.attempts.best else 0
        flow.done(self.app, rnd, "map")

    def on_back(self) -> None:
        flow.back(self.app, self.round, "map")

    def draw(self, surface):
        sc = self.round.scenario
        self.header(surface, "Map the process", "The map editor is not installed in this build.")
        area = content_rect()
        T.text(surface, "The expert map of this scenario:", (area.left, area.top + 10), T.SIZE_LABEL, T.TEXT,
               "semibold")
        edges = [f"{sc.steps[e.src].label}  →  {sc.steps[e.dst].label}" + ("" if e.port in ("out", "done", "ok")
                                                                          else f"  ({e.port})")
                 for e in sc.reference.edges]
        per_col = max(1, (area.height - 80) // 40)
        for i, s in enumerate(edges):
            col, row = divmod(i, per_col)
            x = area.left + col * (area.width // 2)
            T.text(surface, T.ellipsize(s, area.width // 2 - 30, T.SIZE_SMALL), (x, area.top + 70 + row * 40),
                   T.SIZE_SMALL, T.TEXT_DIM)
        self.draw_buttons(surface)
        self.draw_fade(surface)
