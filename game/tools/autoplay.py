"""The game playing itself: a whole round, title to results, through the real screens.

`Autoplay` looks at the screen on top each frame and does what a good player would, one action at a
time at a human pace (`pace` seconds apart): taps "Tap to play", taps the scenario's card, taps through
the briefing, builds the expert map card by card and link by link and checks it, sets the levers to par's
best rules (the defaults when no par is kept), starts the day and watches it at speed, and stays on the
results (or, with `loop`, starts again from the title after a while: the kiosk's attract mode).

Taps and keys are real input events in window coordinates, so they go through the app's translation
and the screens' own handling; where a screen offers no reachable target for a move (placing a card at an
exact spot, a lever's value), its public method is called instead, the one its own input calls.
"""
from __future__ import annotations

import sys
import time

import pygame

from game.play import flow
from game.scenes.mapeditor import LAYOUT_RECT
from game.ui import theme as T
from game.ui.layout import auto_layout


class Autoplay:
    def __init__(self, app, scenario_id: str | None = None, pace: float = 0.35, loop: bool = False,
                 results_hold: float = 15.0):
        self.app = app
        self.scenario_id = scenario_id
        self.pace = pace
        self.loop = loop
        self.results_hold = results_hold
        self.wait = 0.6  # seconds before the next action
        self.scene = None  # the screen the plan below was made for
        self.plan: list = []  # the actions left on this screen: callables
        self.finished = False  # reached the results (once)

    # --- input as a player makes it ---------------------------------------------------------------
    def _window(self, pos) -> tuple[int, int]:
        vp = self.app.viewport()
        return (int(vp.left + pos[0] * vp.width / T.W), int(vp.top + pos[1] * vp.height / T.H))

    def tap(self, pos) -> list[pygame.event.Event]:
        p = self._window(pos)
        return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=p, button=1),
                pygame.event.Event(pygame.MOUSEBUTTONUP, pos=p, button=1)]

    @staticmethod
    def key(k: int) -> list[pygame.event.Event]:
        return [pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0),
                pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0)]

    # --- plans per screen ----------------------------------------------------------------------
    def _plan(self, scene) -> list:
        name = getattr(scene, "name", "")
        if name == "title":
            return [lambda: self.tap((T.W // 2, 680))]
        if name == "select":
            return [lambda: self._pick(scene)]
        if name == "briefing":
            return [lambda: self.tap((T.W // 2 + 200, 500))] * (2 * max(1, len(scene.lines)) + 1)
        if name == "map":
            return self._map_plan(scene)
        if name == "rules":
            return self._rules_plan(scene)
        if name == "run":
            return self._run_plan(scene)
        if name == "results":
            self.finished = True
            return [self._hold, lambda: flow.title(self.app)] if self.loop else []
        return []

    def _pick(self, scene) -> list:
        rects = scene.card_rects()
        for i, entry in enumerate(scene.entries):
            sc = entry.scenario
            if sc is not None and (self.scenario_id is None or sc.id == self.scenario_id):
                while i not in rects:  # its card is on another page
                    scene.move(1 if i > max(rects) else -1)
                    rects = scene.card_rects()
                return self.tap(rects[i].center)
        return self.key(pygame.K_RETURN)

    def _map_plan(self, scene) -> list:
        sc = scene.scenario
        edges = list(sc.reference.edges)
        spots = auto_layout(sc, edges, None, LAYOUT_RECT)  # where the cards go, as the editor itself lays them
        plan = []
        order = list(dict.fromkeys(s for e in edges for s in (e.src, e.dst)))
        for sid in order:
            if sid not in scene.layout:
                plan.append(lambda sid=sid: scene.place(sid, spots.get(sid, (960, 540))))
        for e in edges:
            plan.append(lambda e=e: scene.connect(e.src, e.port, e.dst))
        plan.append(lambda: scene.submit())
        plan.append(lambda: scene.finish())
        return plan

    def _rules_plan(self, scene) -> list:
        from engine.optimize import load_par

        par = load_par(scene.scenario)
        target = dict(par.best_rules) if par is not None else scene.scenario.default_rules()
        plan = [lambda rid=rid, v=v: scene.set_rule(rid, v) for rid, v in target.items() if rid in scene.widgets]
        plan.append(lambda: self.key(pygame.K_RETURN))
        return plan

    def _run_plan(self, scene) -> list:
        plan = []
        if hasattr(scene, "set_speed"):
            plan.append(lambda: scene.set_speed(60))
        plan += [lambda: None] * 8  # watch the day go by for a few moments
        if hasattr(scene, "skip"):
            plan.append(lambda: scene.skip())
        return plan

    def _hold(self) -> None:
        """Leave the results on screen a while before starting again."""
        self.wait = self.results_hold

    # --- each frame ------------------------------------------------------------------------------
    def events(self, dt: float) -> list[pygame.event.Event]:
        """This frame's input from the autoplay (window coordinates), after acting on the screen."""
        scene = self.app.stack.top
        if scene is not self.scene:
            self.scene = scene
            self.plan = self._plan(scene) if scene is not None else []
            self.wait = max(self.wait, self.pace)
        self.wait -= dt
        if not self.plan and getattr(scene, "dialog", None) is not None:  # a decision: the default, as a tap
            self.plan.append(lambda: self.tap(scene.dialog.cards[scene.dialog.default_index].rect.center))
        if self.wait > 0 or not self.plan:
            return []
        self.wait = self.pace
        out = self.plan.pop(0)()
        return list(out) if isinstance(out, list) else []


def run_autoplay(args) -> int:
    """`python main.py play --autoplay [--headless --frames N]`: the game plays a round by itself."""
    from game.core.app import open_app

    app = open_app(args, hint="try --headless.")
    if app is None:
        return 1
    headless = app.headless
    opts = app.settings
    opts.attract = True
    opts.background_par = False
    if headless:
        opts.par_seconds = 3.0
    driver = Autoplay(app, pace=0.12 if headless else 0.35, loop=not headless)
    flow.title(app)
    frames = getattr(args, "frames", None)
    started = time.perf_counter()
    while app.running and (frames is None or app.frames < frames) and len(app.stack):
        dt = 1.0 / 60 if headless else min(0.1, app.clock.tick(60) / 1000.0)
        real = pygame.event.get()
        if any(e.type == pygame.KEYDOWN and e.key == pygame.K_ESCAPE for e in real):
            break  # Esc leaves the autoplay at once, whichever screen it is on
        app.step(dt, real + driver.events(dt))
        app.present()
    if headless:
        where = getattr(app.stack.top, "name", "?")
        print(f"autoplay: {app.frames} frames headless in {time.perf_counter() - started:.2f} s, ended on {where}",
              file=sys.stderr)
    pygame.quit()
    return 0
