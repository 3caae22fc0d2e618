"""Sales demo mode (`python main.py --demo`): the presenter jumps anywhere, and answers "what if?".

It opens on scenario select. Keys (F1 shows them on screen) jump to any phase of any scenario, starting
that phase afresh: the map phase from the scenario's start map, the later phases with the expert map
already drawn, so a demo never waits on someone building a map live. The what-if screen runs the same
map with two rule settings side by side on the evaluation days (engine.scoring.evaluation_days: the
days the results and every board measure on), so both columns meet the same callers on the same days
(common random numbers) and every difference is the rules' doing: the honest answer to "and what if we
hired two more seniors?". Each column's headline is its profit in money, with its composition.
"""
from __future__ import annotations

import math

import pygame

from game.play import flow
from game.ui import words
from game.ui import theme as T
from game.core.jobs import Job
from game.modes.shared import Layer, log_path
from game.play.catalogue import catalogue
from game.scenes import HEADER_H, MARGIN, Screen, primary_rect, secondary_rect
from game.play.round import Round
from game.ui.veil import veil
from game.ui.widgets import Button

PHASE_KEYS = {pygame.K_F2: "briefing", pygame.K_F3: "map", pygame.K_F4: "rules", pygame.K_F5: "run",
              pygame.K_F6: "results", pygame.K_F7: "whatif"}
WHAT_IF_DEADLINE = 120.0  # wall seconds both runs may take before we stop them and say so
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


def what_if_rules(scenario, rules: dict) -> dict:
    """The first question a prospect asks: two more seniors (or two steps up the first staffing lever)."""
    sliders = [r for r in scenario.rules if r.kind == "slider"]
    if not sliders:
        return dict(rules)
    lever = next((r for r in sliders if "senior" in r.id.lower() or "senior" in r.label.lower()), sliders[0])
    values = list(lever.values())
    now = rules.get(lever.id, lever.default)
    i = min(range(len(values)), key=lambda k: abs(float(values[k]) - float(now)))
    # "two more": two people when the lever counts people one by one, else two steps
    target = float(now) + 2
    j = next((k for k, v in enumerate(values) if float(v) >= target), min(len(values) - 1, i + 2))
    return {**rules, lever.id: values[j]}


def compare(scenario, pmap, rules_a: dict, rules_b: dict, seed: int | None):
    """Both settings on the evaluation days of `seed` (None: the scenario's own): replication r of each
    meets the same entities."""
    from engine import sim
    from engine.scoring import evaluation_days

    day_seed, reps = evaluation_days(scenario, seed)
    a = sim.run(scenario, pmap, rules_a, replications=reps, seed=day_seed)
    b = sim.run(scenario, pmap, rules_b, replications=reps, seed=day_seed)
    return a, b


class WhatIfScene(Screen):
    """The round's map under two rule settings, side by side, on the same simulated days."""

    name = "whatif"

    def __init__(self, app, rnd, rules_b: dict | None = None):
        super().__init__(app)
        from game.ui.levers import lever_widget

        self.round = rnd
        self.scenario = sc = rnd.scenario
        self.rules_a = {**sc.default_rules(), **rnd.rules}
        self.rules_b = dict(rules_b) if rules_b is not None else what_if_rules(sc, self.rules_a)
        self.seed = rnd.seed  # a daily challenge's, or None: the scenario's own evaluation days
        self.job: Job | None = None
        self.results = None  # (RunResult a, RunResult b) of `self.ran`
        self.ran: dict | None = None  # the what-if rules the results are for
        self.error: str | None = None
        self.pending = False  # a run asked for while another was running
        self.widgets = {}
        self.panels = {}
        rules = sc.rules[:6]
        top, bottom = HEADER_H + 10, primary_rect().top - 30
        h = (bottom - top - 12 * max(0, len(rules) - 1)) // max(1, len(rules))
        for i, rule in enumerate(rules):
            panel = pygame.Rect(MARGIN, top + i * (h + 12), 860, h)
            self.panels[rule.id] = panel
            box = pygame.Rect(panel.left + 24, panel.centery - 54, panel.width - 48 - 230, 108)
            value = self.rules_b.get(rule.id, rule.default)
            self.widgets[rule.id] = lever_widget(rule, box, value, lambda v, rid=rule.id: self.set_rule(rid, v))
        self.run_button = Button(primary_rect(), "Run both  ▶", self.run, kind="primary")
        self.buttons = [self.run_button, Button(secondary_rect(0), "◀  Back", self.on_back, kind="quiet"),
                        Button(secondary_rect(1), "Same as set", self.reset, kind="quiet")]
        self.run()

    # --- actions -------------------------------------------------------------------------------
    def set_rule(self, rule_id: str, value) -> None:
        self.rules_b[rule_id] = value
        w = self.widgets.get(rule_id)
        if w is not None and getattr(w, "value", None) != value:
            w.set_value(value) if hasattr(w, "set_value") else w.choose(value)

    def reset(self) -> None:
        for rid, v in self.rules_a.items():
            self.set_rule(rid, v)

    @property
    def stale(self) -> bool:
        """The what-if column on screen is not for the levers as they stand."""
        return self.ran != self.rules_b or self.pending

    def run(self) -> None:
        if self.job is not None:  # one run at a time: this one starts when the current one ends
            self.pending = True
            return
        self.pending = False
        self.ran = dict(self.rules_b)
        self.error = None
        self.job = Job(compare, self.scenario, self.round.pmap, self.rules_a, self.ran, self.seed,
                       name="what-if", process=True, deadline=WHAT_IF_DEADLINE)

    def leave(self) -> None:
        if self not in self.app.stack and self.job is not None:  # off the stack: the runs stop with it
            self.job.cancel()
            self.job = None

    def wait(self, timeout: float = 120.0) -> bool:
        """Finish the runs asked for now (tests and screenshots)."""
        import time

        end = time.monotonic() + timeout
        while self.job is not None and time.monotonic() < end:
            self.job.wait(max(0.0, end - time.monotonic()))
            self.tick(0.0)
        return self.results is not None and not self.pending

    def tick(self, dt):
        if self.job is not None and self.job.done:
            if self.job.timed_out:
                self.error = (f"{self.job.error} This map may keep work going round in a loop; "
                              "go back to the map to check it.")
            elif self.job.error:
                self.error = self.job.error
            else:
                self.results = self.job.result
            self.job = None
            if self.pending:
                self.run()
        self.run_button.label = "Run both  ▶" if self.stale or self.results is None else "Ran both  ✓"

    def on_back(self) -> None:
        flow.go(self.app, self.round, "rules" if self.scenario.rules else "results")

    def handle(self, event) -> bool:
        return any(w.handle(event) for w in self.widgets.values())

    # --- drawing -------------------------------------------------------------------------------
    def rows(self) -> list[str]:
        sc = self.scenario
        names = words.shown(t.kpi for t in sc.objective.targets if t.kpi != "profit")
        extra = [n for n in ("revenue", "cost", *(f"penalty.{p.id}" for p in sc.penalties), "abandon_rate",
                             "mean_wait", "utilization") if n not in names]
        have = self.results[0].summary if self.results else {}
        return (names + [n for n in extra if n in have])[:7]

    def headlines(self) -> tuple[tuple[str, str], tuple[str, str]] | None:
        """Each column's headline: (its profit in money, its composition), as drawn."""
        if self.results is None:
            return None
        from engine.money import money_lines

        sc = self.scenario
        return tuple((words.value("profit", r.mean("profit"), sc), money_lines(sc, rules, r.means()).sentence())
                     for r, rules in zip(self.results, (self.rules_a, self.ran)))

    def draw(self, surface):
        sc = self.scenario
        self.header(surface, f"What if…  {sc.title}", "Your map, two rule settings, the same evaluation days.")
        for rid, w in self.widgets.items():
            panel = self.panels[rid]
            changed = self.rules_b.get(rid) != self.rules_a.get(rid)
            T.panel(surface, panel, T.PANEL_HI if changed else T.PANEL, radius=20,
                    border=T.ORANGE if changed else None, width=3)
            w.draw(surface)
            rule = next(r for r in sc.rules if r.id == rid)
            x = panel.right - 210
            T.text(surface, "AS SET", (x, panel.centery - 34), T.SIZE_SMALL, T.TEXT_DIM, "semibold", anchor="midleft")
            shown = self._value(rule, self.rules_a.get(rid))
            T.text(surface, T.ellipsize(shown, 190, T.SIZE_BODY, "bold"), (x, panel.centery + 8), T.SIZE_BODY,
                   T.TEXT, "bold", anchor="midleft")
        self.draw_comparison(surface, pygame.Rect(MARGIN + 860 + 36, HEADER_H + 10, T.W - 2 * MARGIN - 860 - 36,
                                                  primary_rect().top - 30 - HEADER_H - 10))
        self.draw_buttons(surface)

    @staticmethod
    def _value(rule, v) -> str:
        if rule.kind == "slider":
            return f"{v:g} {rule.unit}".strip() if isinstance(v, (int, float)) else str(v)
        from game.ui.levers import option_name

        return option_name(str(v))

    def draw_comparison(self, surface, box) -> None:
        sc = self.scenario
        T.panel(surface, box, T.PANEL, radius=24, border=T.ACCENT, width=3)
        x0, inner = box.left + 32, box.width - 64
        cols = (x0 + inner - 400, x0 + inner - 200, x0 + inner)  # right edges: as set, what if, change
        if self.results is None:
            msg = ("The day could not be run: " + self.error) if self.error else \
                "Running both settings on the same days…"
            T.paragraph(surface, msg, pygame.Rect(x0, box.top + 60, inner, 200), T.SIZE_LABEL,
                        T.BAD if self.error else T.TEXT, "semibold")
            if not self.error:
                for i in range(3):
                    r = 12 + 6 * max(0.0, math.sin(self.age * 3 - i * 0.6))
                    pygame.draw.circle(surface, T.ACCENT, (box.centerx - 60 + i * 60, box.top + 300), int(r))
                if self.job is not None and self.job.elapsed >= 5.0:
                    T.text(surface, f"Still running: {self.job.elapsed:.0f} s", (box.centerx, box.top + 360),
                           T.SIZE_SMALL, T.TEXT_DIM, anchor="center")
            return
        a, b = self.results
        y = box.top + 36
        for right, title in zip(cols, ("As set", "What if", "Change")):
            T.text(surface, title, (right, y), T.SIZE_BODY, T.ACCENT, "semibold", anchor="topright")
        T.text(surface, "KPI", (x0, y), T.SIZE_BODY, T.ACCENT, "semibold")
        y += 56
        (pa, sa), (pb, sb) = self.headlines()
        T.text(surface, "Profit", (x0, y + 28), T.SIZE_LABEL, T.TEXT, "bold", anchor="midleft")
        T.text(surface, pa, (cols[0], y + 28), T.fit(pa, 190, T.SIZE_LABEL, "bold"), T.TEXT_DIM, "bold",
               anchor="midright")
        T.text(surface, pb, (cols[1], y + 28), T.fit(pb, 190, T.SIZE_LABEL, "bold"), T.TEXT, "bold",
               anchor="midright")
        d = b.mean("profit") - a.mean("profit")
        change = "same" if abs(d) < 0.5 else f"{'▲' if d > 0 else '▼'} {words.value('profit', abs(d), sc)}"
        T.text(surface, change, (cols[2], y + 28), T.fit(change, 190, T.SIZE_BODY, "semibold"),
               T.TEXT_DIM if abs(d) < 0.5 else (T.GOOD if d > 0 else T.WARN), "semibold", anchor="midright")
        for k, (label, sentence) in enumerate((("As set", sa), ("What if", sb))):
            line = f"{label}: {sentence}"
            T.text(surface, line, (x0, y + 70 + 32 * k), T.fit(line, inner, T.SIZE_SMALL, smallest=18), T.TEXT_DIM)
        y += 150
        rows = self.rows()
        row_h = min(72, (box.bottom - 110 - y) // max(1, len(rows)))
        for i, name in enumerate(rows):
            if name not in a.summary:
                continue
            va, vb = a.mean(name), b.mean(name)
            cy = y + row_h // 2
            if i % 2 == 0:
                T.panel(surface, pygame.Rect(x0 - 16, y + 2, inner + 32, row_h - 4), T.BG_LIGHT, radius=10)
            label = words.label(name, sc)
            size = T.fit(label, cols[0] - 180 - x0, T.SIZE_BODY)
            T.text(surface, T.ellipsize(label, cols[0] - 180 - x0, size), (x0, cy), size, T.TEXT, anchor="midleft")
            T.text(surface, words.value(name, va, sc), (cols[0], cy), T.SIZE_BODY, T.TEXT_DIM, anchor="midright")
            T.text(surface, words.value(name, vb, sc), (cols[1], cy), T.SIZE_BODY, T.TEXT, "bold", anchor="midright")
            d = vb - va
            if abs(d) < 1e-9 or math.isnan(d):
                T.text(surface, "same", (cols[2], cy), T.SIZE_SMALL, T.TEXT_DIM, anchor="midright")
            else:
                good = d > 0 if words.higher_is_better(name) else d < 0
                T.text(surface, f"{'▲' if d > 0 else '▼'} {words.value(name, abs(d), sc)}", (cols[2], cy),
                       T.SIZE_SMALL, T.GOOD if good else T.WARN, "semibold", anchor="midright")
            y += row_h
        note = (f"Both columns: the {a.replications} evaluation day{'s' if a.replications != 1 else ''} (seed "
                f"{a.seed}), the same callers at the same moments; only the rules differ.")
        T.paragraph(surface, note, pygame.Rect(x0, box.bottom - 96, inner, 80), T.SIZE_SMALL, T.TEXT_DIM)


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
