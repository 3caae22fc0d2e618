"""Sales demo mode (`python main.py --demo`): the presenter jumps anywhere, and answers "what if?".

It opens on scenario select. Keys (F1 shows them on screen) jump to any phase of any scenario, starting
that phase afresh: the map phase from the scenario's start map, the later phases with the expert map
already drawn, so a demo never waits on someone building a map live. The what-if screen runs the same
map with two rule settings side by side on the evaluation days (engine.scoring.evaluation_days: the
days the results and every board measure on), so both columns meet the same callers on the same days
(common random numbers) and every difference is the rules' doing: the honest answer to "and what if we
hired two more seniors?" (game.modes.demo.whatif, drawn by game.modes.demo.sidebyside).
"""
from __future__ import annotations

import pygame

from game.play import flow
from game.ui import theme as T
from game.modes.shared import Layer, log_path
from game.play.catalogue import catalogue
from game.play.round import Round
from game.ui.veil import veil
from game.modes.demo.whatif import WHAT_IF_DEADLINE, WhatIfScene, compare, what_if_rules  # noqa: F401

PHASE_KEYS = {pygame.K_F2: "briefing", pygame.K_F3: "map", pygame.K_F4: "rules", pygame.K_F5: "run",
              pygame.K_F6: "results", pygame.K_F7: "whatif"}
DIGITS = {getattr(pygame, f"K_{i}"): i for i in range(1, 10)}
SHORTCUTS = [("F1", "show or hide these shortcuts"), ("F2 … F6", "briefing, map, rules, run, results"),
             ("F7", "what if: two rule settings, same days"), ("Page Up / Down", "previous or next scenario"),
             ("Ctrl + 1 … 9", "scenario by number"), ("Ctrl + R", "restart this phase"),
             ("Home", "scenario select")]


class Demo(Layer):
    """The presenter's keys, above every screen."""

    def __init__(self, app):
        self.app = app
        self.help = False
        self.age = 0.0
        self.index = 0  # the scenario in play, among the playable ones
        self.phase = "select"
        self.jumps = 0
        self._ids: list[str] | None = None  # the playable scenarios' ids, in catalogue order

    def scenarios(self) -> list:
        return [e.scenario for e in catalogue(self.app.settings.scenario_dirs) if e.scenario is not None]

    def _current(self) -> None:
        """Follow the presenter's own taps: the scenario and phase on screen now."""
        top = self.app.stack.top
        rnd = getattr(top, "round", None)
        if rnd is not None:
            if self._ids is None:
                self._ids = [s.id for s in self.scenarios()]
            ids = self._ids
            if rnd.scenario.id in ids:
                self.index = ids.index(rnd.scenario.id)
            self.phase = getattr(top, "name", self.phase)

    def jump(self, phase: str, index: int | None = None):
        """Show `phase` ("briefing" … "results", "whatif") of scenario `index`, started afresh."""
        scenarios = self.scenarios()
        self._ids = [s.id for s in scenarios]
        if not scenarios:
            return flow.select(self.app)
        self.index = (self.index if index is None else index) % len(scenarios)
        sc = scenarios[self.index]
        self.phase = phase
        self.jumps += 1
        if phase in ("briefing", "map"):
            return flow.start(self.app, sc, briefing=phase == "briefing")
        rnd = expert_round(sc, self.app.settings.seed)
        if phase == "whatif":
            return self.app.stack.replace(WhatIfScene(self.app, rnd))
        return flow.go(self.app, rnd, phase)

    def filter(self, dt, events):
        self.age += dt
        self._current()
        out = []
        for e in events:
            if e.type != pygame.KEYDOWN:
                out.append(e)
                continue
            ctrl = e.mod & pygame.KMOD_CTRL
            if e.key == pygame.K_F1:
                self.help = not self.help
            elif e.key in PHASE_KEYS:
                self.jump(PHASE_KEYS[e.key])
            elif e.key in (pygame.K_PAGEDOWN, pygame.K_PAGEUP):
                self.jump(self.phase if self.phase in PHASE_KEYS.values() else "briefing",
                          self.index + (1 if e.key == pygame.K_PAGEDOWN else -1))
            elif ctrl and e.key in DIGITS:
                self.jump(self.phase if self.phase in PHASE_KEYS.values() else "briefing", DIGITS[e.key] - 1)
            elif ctrl and e.key == pygame.K_r:
                self.jump(self.phase if self.phase in PHASE_KEYS.values() else "briefing")
            elif e.key == pygame.K_HOME:
                self.phase = "select"
                flow.select(self.app)
            else:
                out.append(e)
        return out

    def draw(self, surface):
        if self.help:
            self.draw_help(surface)
        elif self.age < 6.0:  # a reminder while the demo opens
            label = "F1: demo shortcuts"
            w = T.font(T.SIZE_SMALL, "semibold").size(label)[0] + 40
            r = pygame.Rect(T.W // 2 - w // 2, T.H - 40, w, 40)
            T.panel(surface, r, T.BG_LIGHT, radius=20, border=T.PURPLE)
            T.text(surface, label, r.center, T.SIZE_SMALL, T.TEXT, "semibold", anchor="center")

    def draw_help(self, surface) -> None:
        box = pygame.Rect(0, 0, 1120, 150 + 62 * len(SHORTCUTS) + 70)
        box.center = (T.W // 2, T.H // 2)
        veil(surface, T.BG, 200)
        T.panel(surface, box, T.PANEL, radius=28, border=T.PURPLE, width=3)
        T.text(surface, "Demo shortcuts", (box.left + 48, box.top + 40), T.SIZE_HEAD, T.TEXT, "bold")
        y = box.top + 160
        for keys, what in SHORTCUTS:
            T.text(surface, keys, (box.left + 48, y), T.SIZE_LABEL, T.ACCENT, "bold", anchor="midleft")
            T.text(surface, what, (box.left + 400, y), T.SIZE_BODY, T.TEXT, anchor="midleft")
            y += 62
        names = ", ".join(f"{i + 1} {s.title.split(':')[0]}" for i, s in enumerate(self.scenarios()[:9]))
        T.text(surface, T.ellipsize(names, box.width - 96, T.SIZE_SMALL), (box.left + 48, box.bottom - 50),
               T.SIZE_SMALL, T.TEXT_DIM, anchor="midleft")


def expert_round(scenario, seed=None) -> Round:
    """A round of `scenario` with the expert map already drawn and checked (a demo skips the drawing)."""
    from engine.maps import Attempts

    rnd = Round(scenario, seed=seed)
    rnd.edges = list(scenario.reference.edges)
    rnd.attempts = Attempts(scenario)
    best = rnd.attempts.submit(rnd.pmap)
    rnd.map_score = best.score
    return rnd


def install(app, scenario_dirs=()) -> Demo:
    """Make `app` a demo: the presenter's keys, a crash guard back to scenario select, scenario select."""
    from pathlib import Path

    from game.core.guard import CrashGuard

    demo = Demo(app)
    app.mode = "demo"
    app.settings.scenario_dirs = [Path(d) for d in scenario_dirs]
    app.layers.append(demo)
    CrashGuard(app, lambda: (flow.title(app), flow.select(app)), log_path(app))
    flow.title(app)
    flow.select(app)
    return demo
