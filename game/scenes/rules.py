"""Rules: every lever of the scenario as a slider or a choice, with its label, value, unit and help, and a
live forecast of the day beside them.

The forecast is `engine.optimize.preview` (a few simulated days within about 0.3 s, or queueing formulas
when even one day would take longer) of the player's own map with the levers as set. It runs on a
background thread, a short moment after a lever stops moving (debounced), so dragging never waits for it;
forecasts already made are kept, so going back to a setting is instant. The forecast of the default
rules is made first, so every figure can say how it compares; par, when known, says how far there is to go.
"""
from __future__ import annotations

import math

import pygame

from game.ui import charts, words
from game.ui import theme as T
from game.core.jobs import Job
from game.play.par import par_for
from game.ui.levers import lever_widget
from game.ui.widgets import Button, Choice, Slider
from game.scenes import HEADER_H, MARGIN, Screen, Way, primary_rect, secondary_rect, stay

DEBOUNCE = 0.15  # seconds a lever must rest before its forecast is asked for
PREVIEW_DEADLINE = 20.0  # wall seconds a forecast may take (it is asked for 0.3 s of work) before we stop it
SLOW_FORECAST = ("This map takes far too long to forecast: it may keep work going round in a loop. "
                 "Go back to the map to check it, or start the day.")
LEVERS_RIGHT = 1270  # the levers' area ends here; the forecast panel takes the rest
COL_GAP = 36
ROW_GAP = 24


def _key(rules: dict) -> tuple:
    return tuple(sorted(rules.items()))


class RulesScene(Screen):
    name = "rules"

    def __init__(self, app, rnd, *, on_done: Way = stay, on_back: Way = stay):
        super().__init__(app)
        self.round = rnd
        self.on_done, self.go_back = on_done, on_back  # on to the day; back to the map
        self.scenario = sc = rnd.scenario
        self.defaults = sc.default_rules()
        for rid, v in self.defaults.items():
            rnd.rules.setdefault(rid, v)
        self.help = {r.get("id"): r.get("help", "") for r in (sc.raw.get("rules") or []) if isinstance(r, dict)}
        self.widgets: dict[str, Slider | Choice] = {}
        self.panels: dict[str, pygame.Rect] = {}
        self.focus = 0
        self.forecasts: dict[tuple, object] = {}  # rules key -> Preview (or an error string)
        self.job: Job | None = None
        self.job_key: tuple | None = None
        self.changed_at = -1.0  # self.age when a lever last moved
        self.par = par_for(sc, app.settings)
        self.layout()
        self.buttons = [Button(primary_rect(), "Run the day  ▶", self.go, kind="primary"),
                        Button(secondary_rect(0), "◀  Back to map", self.on_back, kind="quiet"),
                        Button(secondary_rect(1), "Reset levers", self.reset, kind="quiet")]
        self.request()

    # --- layout --------------------------------------------------------------------------------
    def layout(self) -> None:
        rules = self.scenario.rules
        top, bottom = HEADER_H + 10, primary_rect().top - 30
        cols = 1 if len(rules) <= 3 else 2
        rows = max(1, math.ceil(len(rules) / cols))
        col_w = (LEVERS_RIGHT - MARGIN - COL_GAP * (cols - 1)) // cols
        row_h = min(250, (bottom - top - ROW_GAP * (rows - 1)) // rows)
        self.help_lines = 3 if row_h >= 232 else 2 if row_h >= 200 else 1 if row_h >= 170 else 0
        self.tip_rect = None  # an empty cell of the grid holds a tip
        if cols == 2 and len(rules) % 2:
            self.tip_rect = pygame.Rect(MARGIN + col_w + COL_GAP, top + (rows - 1) * (row_h + ROW_GAP), col_w, row_h)
        for i, rule in enumerate(rules):
            col, row = (i % cols, i // cols) if cols == 2 else (0, i)
            panel = pygame.Rect(MARGIN + col * (col_w + COL_GAP), top + row * (row_h + ROW_GAP), col_w, row_h)
            self.panels[rule.id] = panel
            box = pygame.Rect(panel.left + 24, panel.top + 18, panel.width - 48, 108)
            value = self.round.rules.get(rule.id, rule.default)
            self.widgets[rule.id] = lever_widget(rule, box, value, lambda v, rid=rule.id: self.changed(rid, v))
        self._focus(0)

    def _focus(self, i: int) -> None:
        ids = list(self.widgets)
        if not ids:
            return
        self.focus = i % len(ids)
        for k, rid in enumerate(ids):
            self.widgets[rid].focused = k == self.focus

    # --- levers --------------------------------------------------------------------------------
    def changed(self, rule_id: str, value) -> None:
        self.round.rules[rule_id] = value
        self.round.result = None  # any earlier run was for other rules
        self.changed_at = self.age

    def set_rule(self, rule_id: str, value) -> None:
        """Set a lever as if the player had moved it (the autoplay and tests use this)."""
        w = self.widgets[rule_id]
        if isinstance(w, Slider):
            w.set_value(value)
        else:
            w.choose(value)

    def reset(self) -> None:
        for rid, v in self.defaults.items():
            self.set_rule(rid, v)

    def go(self) -> None:
        self.on_done()

    def on_back(self) -> None:
        self.go_back()

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_TAB, pygame.K_DOWN):
                self._focus(self.focus + (-1 if event.key == pygame.K_TAB and event.mod & pygame.KMOD_SHIFT else 1))
                return True
            if event.key == pygame.K_UP:
                self._focus(self.focus - 1)
                return True
            if event.key in (pygame.K_LEFT, pygame.K_RIGHT) and self.widgets:
                w = list(self.widgets.values())[self.focus]
                step = -1 if event.key == pygame.K_LEFT else 1
                if isinstance(w, Slider):
                    w.set_index(w.index + step)
                else:
                    i = w.options.index(w.value)
                    w.choose(w.options[max(0, min(len(w.options) - 1, i + step))])
                return True
            return False
        for k, w in enumerate(self.widgets.values()):
            if w.handle(event):
                self._focus(k)
                return True
        return False

    # --- the forecast --------------------------------------------------------------------------
    def forecast(self, rules: dict | None = None):
        return self.forecasts.get(_key(rules if rules is not None else self.round.rules))

    @property
    def baseline_forecast(self):
        return self.forecasts.get(_key(self.defaults))

    def _compute(self, rules: dict):
        from engine.optimize import preview

        return preview(self.scenario, self.round.pmap, rules, seconds=0.3, seed=self.round.run_seed)

    def request(self) -> None:
        """Start the next forecast needed (the default rules' first), if none is running."""
        if self.job is not None:
            return
        for rules in (self.defaults, self.round.rules):
            k = _key(rules)
            if k not in self.forecasts:
                self.job, self.job_key = Job(self._compute, dict(rules), name="preview", process=True,
                                             deadline=PREVIEW_DEADLINE), k
                return

    def tick(self, dt):
        if self.par is None and int(self.age) != int(self.age - dt):  # par computed in the background?
            self.par = par_for(self.scenario, self.app.settings)
        if self.job is not None and self.job.done:
            if self.job.timed_out:
                self.forecasts[self.job_key] = SLOW_FORECAST
            else:
                self.forecasts[self.job_key] = self.job.result if self.job.error is None else self.job.error
            self.job = self.job_key = None
        dragging = any(getattr(w, "dragging", False) for w in self.widgets.values())
        if not dragging and self.age - self.changed_at >= DEBOUNCE:
            self.request()

    def leave(self) -> None:
        if self not in self.app.stack and self.job is not None:  # off the stack: the forecast stops with it
            self.job.cancel()
            self.job = self.job_key = None

    def wait_forecast(self, timeout: float = 10.0) -> object:
        """Finish the forecasts the current levers need now (tests and the autoplay)."""
        self.changed_at = -1e9  # no debounce
        while True:
            self.tick(0.0)  # takes a finished forecast, starts the next one needed
            if self.job is None:
                return self.forecast()
            if not self.job.wait(timeout):
                return None

    # --- drawing -------------------------------------------------------------------------------
    def draw(self, surface):
        self.header(surface, "Set the rules", "Pull the levers. The forecast on the right follows every move.")
        ids = list(self.widgets)
        for k, rule in enumerate(self.scenario.rules):
            self.draw_lever(surface, rule, self.widgets[rule.id], self.panels[rule.id], k == self.focus)
        self.draw_forecast(surface, pygame.Rect(LEVERS_RIGHT + 40, HEADER_H + 10,
                                                T.W - MARGIN - LEVERS_RIGHT - 40,
                                                primary_rect().top - 30 - HEADER_H - 10))
        if not ids:
            T.text(surface, "This scenario has no levers: run the day as it is.", (MARGIN, HEADER_H + 40),
                   T.SIZE_LABEL, T.TEXT_DIM)
        if self.tip_rect is not None:
            self.draw_tip(surface, self.tip_rect)
        self.draw_buttons(surface)
        self.draw_fade(surface)

    def draw_tip(self, surface, box: pygame.Rect) -> None:
        T.panel(surface, box, T.BG, radius=20, border=T.PANEL_HI)
        T.text(surface, "TIP", (box.left + 24, box.top + 20), T.SIZE_SMALL, T.ACCENT, "semibold")
        tip = ("The thin mark on a slider is where it started. Every lever has a cost: look for the setting "
               "where the forecast score is highest, not where one number looks best.")
        T.paragraph(surface, tip, pygame.Rect(box.left + 24, box.top + 58, box.width - 48, box.height - 70),
                    T.SIZE_SMALL, T.TEXT_DIM)

    def draw_lever(self, surface, rule, w, panel: pygame.Rect, focused: bool) -> None:
        changed = self.round.rules.get(rule.id) != rule.default
        T.panel(surface, panel, T.PANEL_HI if focused else T.PANEL, radius=20,
                border=T.ACCENT if focused else (T.LINE if changed else None), width=3 if focused else 2)
        if isinstance(w, Slider):
            # the default's place on the track, so a player can always find the way back
            n = max(1, len(w.values) - 1)
            x = int(w.track.left + w.track.width * w._nearest(rule.default) / n)
            pygame.draw.line(surface, T.TEXT_DIM, (x, w.track.top - 14), (x, w.track.bottom + 14), 3)
        w.draw(surface)
        help_text = self.help.get(rule.id, "")
        if help_text and self.help_lines:
            lines = T.wrap(help_text, panel.width - 48, T.SIZE_SMALL)
            if len(lines) > self.help_lines:
                lines = lines[:self.help_lines]
                lines[-1] = T.ellipsize(lines[-1] + " …", panel.width - 48, T.SIZE_SMALL)
            y = w.rect.bottom + 8
            for line in lines:
                T.text(surface, line, (panel.left + 24, y), T.SIZE_SMALL, T.TEXT_DIM)
                y += 30

    def draw_forecast(self, surface, box: pygame.Rect) -> None:
        sc = self.scenario
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.LINE)
        x, y, w = box.left + 32, box.top + 26, box.width - 64
        T.text(surface, "FORECAST", (x, y), T.SIZE_SMALL, T.ACCENT, "semibold")
        f, base = self.forecast(), self.baseline_forecast
        stale = self.job is not None or f is None
        slow = self.job is not None and self.job.elapsed >= 3.0
        status = f"updating… {self.job.elapsed:.0f} s" if slow else "updating…" if stale else ("" if isinstance(f, str) else
                                            f"{f.replications} simulated day{'s' if f.replications != 1 else ''}"
                                            if f.method == "simulation" else "quick estimate")
        T.text(surface, status, (box.right - 32, y), T.SIZE_SMALL, T.TEXT_DIM, anchor="topright")
        if f is None:
            f = self._latest()
        if isinstance(f, str):
            why = SLOW_FORECAST if f == SLOW_FORECAST else \
                "The forecast needs a complete map. Go back and connect every card."
            T.paragraph(surface, why, pygame.Rect(x, y + 60, w, 200), T.SIZE_BODY, T.TEXT_DIM)
            return
        kp = f.kpis if f is not None else {}
        bk = base.kpis if base is not None and not isinstance(base, str) else {}
        colour = T.TEXT_DIM if stale else T.TEXT
        y += 56
        # the headline: the scenario's score
        T.text(surface, words.label("score", sc), (x, y), T.SIZE_BODY, T.TEXT_DIM)
        T.text(surface, words.value("score", kp.get("score"), sc), (x, y + 34), 76, colour, "bold")
        earned = self.forecast_stars(kp)
        if earned is not None and not stale:
            for i in range(3):
                charts.star(surface, (x + w - 22 - (2 - i) * 50, y + 76), 20, i < earned)
        y += 128
        self._delta(surface, (x, y), "score", kp, bk, "vs default rules")
        y += 46
        if self.par is not None:
            y = self.draw_gauge(surface, x, y, w, kp.get("score"))
        pygame.draw.line(surface, T.PANEL_HI, (x, y + 6), (x + w, y + 6), 2)
        y += 26
        rows = [("profit", None)] + [(t.kpi, t) for t in sc.objective.targets]
        for name, target in rows:
            if y + 86 > box.bottom:
                break
            v = kp.get(name)
            T.text(surface, T.ellipsize(words.label(name, sc), w - 200, T.SIZE_BODY), (x, y), T.SIZE_BODY, T.TEXT_DIM)
            T.text(surface, words.value(name, v, sc), (x + w, y - 4), T.SIZE_LABEL, colour, "bold", anchor="topright")
            if target is not None and v is not None and not stale:
                met = target.met(v)
                mark = ("✓ on target " if met else "✗ target ") + words.target_short(target, sc)
                T.text(surface, mark, (x, y + 38), T.SIZE_SMALL, T.GOOD if met else T.WARN, "semibold")
            elif target is not None:
                T.text(surface, "target " + words.target_short(target, sc), (x, y + 38), T.SIZE_SMALL, T.TEXT_DIM)
            else:
                self._delta(surface, (x, y + 38), name, kp, bk, "vs default rules")
            y += 90

    def forecast_stars(self, kpis: dict) -> int | None:
        """The stars these levers would likely earn (the forecast against the kept default-rules and par
        scores); None when par or the forecast's score is not known."""
        from engine.scoring import check_targets, stars

        if self.par is None or "score" not in kpis:
            return None
        met = all(t.met for t in check_targets(self.scenario, kpis))
        return stars(kpis["score"], self.par.baseline, self.par.par, met)

    def _latest(self):
        """While a new forecast is computed, the last one made stays on screen, dimmed."""
        return next(reversed(self.forecasts.values()), None) if self.forecasts else None

    def _delta(self, surface, pos, name: str, kp: dict, bk: dict, suffix: str) -> None:
        if name not in kp or name not in bk:
            return
        d = kp[name] - bk[name]
        if abs(d) < 0.5:
            T.text(surface, "same as the default rules", pos, T.SIZE_SMALL, T.TEXT_DIM)
            return
        good = d > 0 if words.higher_is_better(name) else d < 0
        T.text(surface, f"{'▲' if d > 0 else '▼'} {words.value(name, d, self.scenario, signed=True)}  {suffix}", pos,
               T.SIZE_SMALL, T.GOOD if good else T.WARN, "semibold")

    def draw_gauge(self, surface, x: int, y: int, w: int, score) -> int:
        """Where the forecast score sits between the default rules and par."""
        base, par = self.par.baseline, self.par.par
        bar = pygame.Rect(x, y + 12, w, 14)
        pygame.draw.rect(surface, T.PANEL_HI, bar, border_radius=7)
        lo, hi = min(base, par) - 0.25 * abs(par - base), max(base, par) + 0.15 * abs(par - base)

        def at(v):
            return int(bar.left + bar.width * max(0.0, min(1.0, (v - lo) / ((hi - lo) or 1))))

        for v, name, anchor in ((base, "defaults", "midtop"), (par, "par", "midtop")):
            pygame.draw.line(surface, T.TEXT_DIM, (at(v), bar.top - 8), (at(v), bar.bottom + 8), 3)
            T.text(surface, f"{name} {v:,.0f}", (at(v), bar.bottom + 12), T.SIZE_SMALL, T.TEXT_DIM, anchor=anchor)
        if score is not None and math.isfinite(score):
            pygame.draw.circle(surface, T.YELLOW, (at(score), bar.centery), 14)
        return y + 86
