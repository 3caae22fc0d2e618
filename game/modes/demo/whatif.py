"""The what-if screen: the round's map under two rule settings, side by side, on the same simulated days.

Column A is the rules as set in the round, column B the presenter's what-if levers. Both run on the
evaluation days (engine.scoring.evaluation_days: the days the results and every board measure on), so both
meet the same callers at the same moments (common random numbers) and every difference is the rules'
doing. The money and KPIs are the engine's run on those days; the hourly charts are the first days of the
same seed read hour by hour (game.play.daystats), so the charts and the numbers tell of the same days.

The numbers on screen always say which levers they are for. `ran` is the what-if setting of the results
shown, set only when a run lands; `asked` the setting of the run under way. The moment a lever moves, the
what-if column no longer matches its levers (`stale`): it is dimmed and marked, and a run of the new
setting starts (or waits for the one under way). `status()` is what the screen says: "running" (no
numbers yet), "stale" (numbers of another setting, the new run under way or to be asked for), "fresh".
The button says "Ran both" only when fresh.
"""
from __future__ import annotations

import pygame

from game.core.jobs import Job
from game.modes.demo import sidebyside
from game.play import flow
from game.scenes import HEADER_H, MARGIN, Screen, primary_rect, secondary_rect
from game.ui import theme as T
from game.ui import words
from game.ui.widgets import Button

WHAT_IF_DEADLINE = 120.0  # wall seconds both runs may take before we stop them and say so
LEVERS_W = 830  # the lever column's width, left of the comparison
AS_SET_W = 200  # the room right of a lever for its value as set
CHART_DAYS = 2  # the first evaluation days the hourly charts average (the results screen's reading)
BUTTON = {"running": "Running both…", "stale": "Run both  ▶", "fresh": "Ran both  ✓", "error": "Run both  ▶"}
RUNNING = BUTTON["running"]  # the button while a run is under way, whatever the numbers on screen


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


def compare_by_hour(scenario, pmap, rules_a: dict, rules_b: dict, seed: int | None):
    """`compare`, and each setting's first evaluation days hour by hour (game.play.daystats.Hourly): the
    same seed, so the charts show days of the very run the numbers come from."""
    from engine.scoring import evaluation_days
    from game.play.daystats import hourly

    a, b = compare(scenario, pmap, rules_a, rules_b, seed)
    day_seed, reps = evaluation_days(scenario, seed)
    days = min(CHART_DAYS, reps)
    return a, b, hourly(scenario, pmap, rules_a, day_seed, days), hourly(scenario, pmap, rules_b, day_seed, days)


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
        self.hourly = None  # (Hourly a, Hourly b) of the same run
        self.ran: dict | None = None  # the what-if rules the results on screen are for
        self.asked: dict | None = None  # the what-if rules of the run under way
        self.error: str | None = None
        self.pending = False  # a run asked for while another was running
        self.widgets = {}
        self.panels = {}
        rules = sc.rules[:6]
        top, bottom = HEADER_H + 10, primary_rect().top - 30
        h = (bottom - top - 12 * max(0, len(rules) - 1)) // max(1, len(rules))
        for i, rule in enumerate(rules):
            panel = pygame.Rect(MARGIN, top + i * (h + 12), LEVERS_W, h)
            self.panels[rule.id] = panel
            box = pygame.Rect(panel.left + 24, panel.centery - 54, panel.width - 48 - AS_SET_W, 108)
            value = self.rules_b.get(rule.id, rule.default)
            self.widgets[rule.id] = lever_widget(rule, box, value, lambda v, rid=rule.id: self.set_rule(rid, v))
        self.run_button = Button(primary_rect(), BUTTON["running"], self.run, kind="primary")
        self.buttons = [self.run_button, Button(secondary_rect(0), "◀  Back", self.on_back, kind="quiet"),
                        Button(secondary_rect(1), "Same as set", self.reset, kind="quiet")]
        self.run()

    # --- actions -------------------------------------------------------------------------------
    def set_rule(self, rule_id: str, value) -> None:
        """A lever moved (on screen or by `reset`): the numbers shown are stale now; run the new setting."""
        if self.rules_b.get(rule_id) == value:
            return
        self.rules_b[rule_id] = value
        w = self.widgets.get(rule_id)
        if w is not None and getattr(w, "value", None) != value:
            w.set_value(value) if hasattr(w, "set_value") else w.choose(value)
        self.run()
        self._label()

    def reset(self) -> None:
        for rid, v in self.rules_a.items():
            self.set_rule(rid, v)

    @property
    def stale(self) -> bool:
        """The what-if column on screen is not for the levers as they stand (or no numbers yet)."""
        return self.results is None or self.ran != self.rules_b or self.job is not None or self.pending

    def status(self) -> str:
        """What the screen says of its numbers: "running", "stale", "fresh" or "error"."""
        if self.results is None:
            return "error" if self.error and self.job is None else "running"
        if self.error and self.job is None:
            return "error"
        return "stale" if self.stale else "fresh"

    def run(self) -> None:
        if self.job is not None:  # one run at a time: this one starts when the current one ends
            self.pending = self.asked != self.rules_b
            return
        if self.results is not None and self.ran == self.rules_b and self.error is None:
            return  # the numbers on screen are already for these levers
        self.pending = False
        self.asked = dict(self.rules_b)
        self.error = None
        self.job = Job(compare_by_hour, self.scenario, self.round.pmap, self.rules_a, self.asked, self.seed,
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
        return self.results is not None and not self.stale

    def tick(self, dt):
        if self.job is not None and self.job.done:
            if self.job.timed_out:
                self.error = (f"{self.job.error} This map may keep work going round in a loop; "
                              "go back to the map to check it.")
            elif self.job.error:
                self.error = self.job.error
            else:
                a, b, ha, hb = self.job.result
                self.results, self.hourly, self.ran = (a, b), (ha, hb), dict(self.asked)
            self.job = None
            if self.pending:
                self.run()
        self._label()

    def _label(self) -> None:
        """The button says what pressing it does now, never "Ran both" before the numbers are there."""
        self.run_button.label = RUNNING if self.job is not None else BUTTON[self.status()]

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
        return (names + [n for n in extra if n in have])[:sidebyside.MAX_ROWS]

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
        self.header(surface, f"What if…  {sc.title}",
                    f"Your map, two rule settings, the same {words.horizon_noun(sc)}s side by side.")
        for rid, w in self.widgets.items():
            panel = self.panels[rid]
            changed = self.rules_b.get(rid) != self.rules_a.get(rid)
            T.panel(surface, panel, T.PANEL_HI if changed else T.PANEL, radius=20,
                    border=T.ORANGE if changed else None, width=3)
            w.draw(surface)
            rule = next(r for r in sc.rules if r.id == rid)
            x = panel.right - AS_SET_W + 10
            T.text(surface, "AS SET", (x, panel.centery - 34), T.SIZE_SMALL, T.TEXT_DIM, "semibold", anchor="midleft")
            shown = self._value(rule, self.rules_a.get(rid))
            T.text(surface, T.ellipsize(shown, AS_SET_W - 30, T.SIZE_BODY, "bold"), (x, panel.centery + 8), T.SIZE_BODY,
                   T.TEXT, "bold", anchor="midleft")
        left = MARGIN + LEVERS_W + 36
        sidebyside.draw(surface, self, pygame.Rect(left, HEADER_H + 10, T.W - MARGIN - left,
                                                   primary_rect().top - 30 - HEADER_H - 10))
        self.draw_buttons(surface)

    @staticmethod
    def _value(rule, v) -> str:
        if rule.kind == "slider":
            return f"{v:g} {rule.unit}".strip() if isinstance(v, (int, float)) else str(v)
        from game.ui.levers import option_name

        return option_name(str(v))
