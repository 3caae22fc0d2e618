"""Rules: every lever of the scenario as a slider or a choice, with its label, value, unit and help, and a
live forecast of the results beside them.

The forecast is the player's own map with the levers as set, measured on exactly the days the results
measure (engine.scoring.evaluation_days), computed day by day in worker processes (game.play.forecaster):
after k of the N days it shows the mean of those k days, labelled "k of N days"; once all N are done it
is, to the cent, the figure the results will show. A new setting is asked for on the frame a lever
moves (a slider while it is dragged too) and supersedes the one being computed; settings already seen come
back at once. The panel shows one figure, the profit in money, with what it is made of (revenue, costs, each
penalty of the contract by name: engine.money), where it sits between the defaults and par
(engine.optimize.references: the expert map with the default rules, and par, on the same days: the
markers the results show) and how far it is from the defaults. The references are computed in a background
job when no kept par file holds them; a day too big to preview is estimated by the queueing formulas,
labelled so, with no money.
"""
from __future__ import annotations

import math

import pygame

from game.ui import charts, words
from game.ui import theme as T
from game.core.jobs import Job
from game.play.forecaster import SLOW_FORECAST, STOPPED, Forecaster
from game.play.par import par_for
from game.play.tips import rules_tip
from game.ui.advisor_panel import AdvisorDesk
from game.ui.levers import lever_widget
from game.ui.widgets import Button, Choice, Slider
from game.scenes import HEADER_H, MARGIN, Screen, Way, primary_rect, secondary_rect, stay

REFERENCES_DEADLINE = 120.0  # wall seconds the defaults and par may take to measure before we give up
LEVERS_RIGHT = 1270  # the levers' area ends here; the forecast panel takes the rest
COL_GAP = 36
ROW_GAP = 24


def _key(rules: dict) -> tuple:
    return tuple(sorted(rules.items()))


def _references(scenario, par, seed):
    from engine.optimize import references

    return references(scenario, par, seed)


MAP_NOTE_H = 96  # three lines of the small size: the note under the forecast when the map is not the expert's

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
        self.forecaster = Forecaster(sc, rnd.pmap, rnd.seed)
        self.forecaster.ask(rnd.rules, moved=False)  # the default rules' days go first (the baseline)
        self.asked = _key(rnd.rules)
        self.changed_at = -1.0  # self.age when a lever last moved
        self.expert_map = set(rnd.edges) == set(sc.reference.edges)
        self.par = par_for(sc, app.settings)
        self.refs = None  # engine.optimize.References: the defaults and par markers, on the same days
        self.refs_job: Job | None = None
        self.refs_error: str | None = None
        self.shown = None  # the forecast last drawn
        self._wrapped: dict[tuple, list[str]] = {}  # (lever, width, lines) -> its help, wrapped
        self._lines: dict[tuple, object] = {}  # (rules, days) -> engine.money.Money of that forecast
        self._measure_references()
        self.layout()
        # the advisors you can ask, in the header's right: where the money goes now, which lever to look at
        self.desk = AdvisorDesk(sc, pygame.Rect(T.W - MARGIN - 320, 34, 320, 84), self.ask, opens="below")
        self.buttons = [Button(primary_rect(), f"Run the {words.horizon_noun(sc)}  ▶", self.go, kind="primary"),
                        Button(secondary_rect(0), "◀  Back to map", self.on_back, kind="quiet"),
                        Button(secondary_rect(1), "Reset levers", self.reset, kind="quiet")]

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

    def ask(self, advisor_id: str):
        """An advisor's tip on the levers as set, from the forecast so far (game.play.tips.rules_tip)."""
        f = self.forecast()
        kpis = None if f is None or isinstance(f, str) else f.kpis
        refs = self.refs  # par on the same days: where the money goes against the best setting known
        best = dict(refs.par_rules) if refs is not None else dict(self.par.best_rules) if self.par else None
        return rules_tip(self.scenario, self.round.rules, kpis, best, advisor_id,
                         best_kpis=refs.par_kpis if refs is not None else None)

    def handle(self, event) -> bool:
        if self.desk.handle(event):
            return True
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
        """The forecast of `rules` (the levers as set by default): an engine.optimize.Forecast, a message,
        or None before its first day."""
        return self.forecaster.forecast(rules if rules is not None else self.round.rules)

    @property
    def baseline_forecast(self):
        """The default rules on the player's map (the defaults marker when it is the expert map)."""
        return self.forecaster.forecast(self.defaults)

    def _measure_references(self) -> None:
        """The defaults and par on the evaluation days, in a background process (instant from a kept par
        file; otherwise both settings are run once)."""
        if self.refs_job is not None:
            self.refs_job.cancel()
        self.refs_job = Job(_references, self.scenario, self.par, self.round.seed, name="references",
                            process=True, deadline=REFERENCES_DEADLINE)

    def tick(self, dt):
        if self.par is None and int(self.age) != int(self.age - dt):  # par computed in the background?
            self.par = par_for(self.scenario, self.app.settings)
            if self.par is not None:
                self._measure_references()
        if self.refs_job is not None and self.refs_job.done:
            self.refs, self.refs_error = self.refs_job.result, self.refs_job.error
            self.refs_job = None
        # No debounce: a setting is asked for on the frame it is made, during a drag too (a burst of events in
        # one frame asks once), and a newer one supersedes it within a slice of a day, so waiting for the
        # lever to rest would only add to what the player waits.
        if _key(self.round.rules) != self.asked:
            self.asked = _key(self.round.rules)
            self.forecaster.ask(self.round.rules)
        self.forecaster.poll()

    def enter(self) -> None:
        super().enter()
        self.forecaster.resume()  # back on screen: the workers start again as needed

    def leave(self) -> None:
        if self not in self.app.stack:  # off the stack: the forecast stops with it
            self.forecaster.stop()
            if self.refs_job is not None:
                self.refs_job.cancel()
                self.refs_job = None

    def wait_forecast(self, timeout: float = 60.0) -> object:
        """Settle the forecast of the levers as set, and the references, now (tests and the autoplay)."""
        self.tick(0.0)
        if self.refs_job is not None:
            self.refs_job.wait(timeout)
        self.tick(0.0)
        return self.forecaster.wait(self.round.rules, timeout)

    def profit(self) -> float | None:
        """The forecast profit of the levers as set, so far (None before its first day, or without money)."""
        f = self.forecast()
        return None if f is None or isinstance(f, str) else f.kpis.get("profit")

    def delta(self) -> float | None:
        """The forecast profit against the defaults marker itself (engine.optimize.references' baseline)."""
        profit = self.profit()
        return None if profit is None or self.refs is None else profit - self.refs.baseline

    def settled(self) -> bool:
        """The forecast of the levers as set is final (all the days, the formulas, or a message)."""
        return _key(self.round.rules) == self.asked and self.forecaster.settled(self.round.rules)

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
            T.text(surface, f"This scenario has no levers: run the {words.horizon_noun(self.scenario)} as it is.", (MARGIN, HEADER_H + 40),
                   T.SIZE_LABEL, T.TEXT_DIM)
        if self.tip_rect is not None:
            self.draw_tip(surface, self.tip_rect)
        self.draw_buttons(surface)
        self.desk.draw(surface)
        self.draw_fade(surface)

    def draw_tip(self, surface, box: pygame.Rect) -> None:
        T.panel(surface, box, T.BG, radius=20, border=T.PANEL_HI)
        T.text(surface, "TIP", (box.left + 24, box.top + 20), T.SIZE_SMALL, T.ACCENT, "semibold")
        tip = ("The thin mark on a slider is where it started. Every lever has a cost: look for the setting "
               "where the forecast profit is highest, not where one number looks best.")
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
        y = w.rect.bottom + 8
        for line in self.help_text(rule.id, panel.width - 48):
            T.text(surface, line, (panel.left + 24, y), T.SIZE_SMALL, T.TEXT_DIM)
            y += 30

    def help_text(self, rule_id: str, width: int) -> list[str]:
        """A lever's help, wrapped to its panel (once: wrapping measures every word, too slow per frame)."""
        key = (rule_id, width, self.help_lines)
        if key not in self._wrapped:
            help_text = self.help.get(rule_id, "")
            lines = T.wrap(help_text, width, T.SIZE_SMALL) if help_text and self.help_lines else []
            if len(lines) > self.help_lines:
                lines = lines[:self.help_lines]
                lines[-1] = T.ellipsize(lines[-1] + " …", width, T.SIZE_SMALL)
            self._wrapped[key] = lines
        return self._wrapped[key]

    def draw_forecast(self, surface, box: pygame.Rect) -> None:
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.LINE)
        x, y, w = box.left + 32, box.top + 26, box.width - 64
        T.text(surface, "FORECAST", (x, y), T.SIZE_SMALL, T.ACCENT, "semibold")
        f = self.forecast()
        current = f is not None
        if f is None:
            f = self.shown  # while the new setting's first day runs, the last figure stays, dimmed
        else:
            self.shown = f
        settled = current and self.settled()
        T.text(surface, self._status(f if current else None, settled), (box.right - 32, y), T.SIZE_SMALL,
               T.TEXT_DIM, anchor="topright")
        y += 50
        if isinstance(f, str):
            why = f if f in (SLOW_FORECAST, STOPPED) else f"The forecast needs a map that can run. {f}"
            T.paragraph(surface, why, pygame.Rect(x, y + 10, w, box.bottom - y - 40), T.SIZE_BODY, T.TEXT_DIM)
            return
        if f is not None and f.method == "formulas":
            self.draw_formulas(surface, f, x, y, w, box.bottom)
            return
        kp = f.kpis if f is not None else {}
        y = self.draw_profit(surface, kp, x, y, w, dim=not settled)
        if self.refs is not None:
            y = self.draw_gauge(surface, x, y, w, kp.get("profit"))
        elif self.refs_error:
            T.text(surface, T.ellipsize("Defaults and par: " + self.refs_error, w, T.SIZE_SMALL), (x, y),
                   T.SIZE_SMALL, T.WARN)
            y += 40
        if kp:
            y = self.draw_money(surface, kp, x, y, w, dim=not settled)
            y = self.draw_targets(surface, kp, x, y, w, box.bottom - (MAP_NOTE_H + 10 if not self.expert_map else 10),
                                  dim=not settled)
        if not self.expert_map:
            self.draw_map_note(surface, x, box.bottom - MAP_NOTE_H - 6, w)

    def _status(self, f, settled: bool) -> str:
        """Top right of the panel: how many of the evaluation days the figure is made of."""
        waited = self.age - max(self.changed_at, 0.0)
        if f is None or isinstance(f, str):
            return "" if isinstance(f, str) else ("updating…" if waited < 3.0 else f"updating… {waited:.0f} s")
        return f.label

    def money(self, v: float) -> str:
        return words.value("profit", v, self.scenario)

    def draw_profit(self, surface, kp: dict, x: int, y: int, w: int, dim: bool) -> int:
        """The headline: the forecast profit, its stars and how far it is from the defaults marker."""
        refs = self.refs
        T.text(surface, "Profit", (x, y), T.SIZE_BODY, T.TEXT_DIM)
        earned = self.forecast_stars(kp)
        if earned is not None and not dim:
            for i in range(3):
                charts.star(surface, (x + w - 18 - (2 - i) * 44, y + 16), 17, i < earned)
        profit = kp.get("profit")
        figure = self.money(profit) if profit is not None else "…"
        size = T.fit(figure, w, 76, "bold", smallest=44)
        T.text(surface, figure, (x, y + 38), size, T.TEXT_DIM if dim else T.TEXT, "bold")
        y += 132
        if profit is not None and refs is not None:
            self.draw_delta(surface, (x, y), profit - refs.baseline, w)  # = self.delta() when current
        return y + 46

    def draw_delta(self, surface, pos, d: float, w: int) -> None:
        """The forecast against the defaults marker itself: "same" only when equal to the cent."""
        if round(d, 2) == 0:
            T.text(surface, "same as the defaults", pos, T.SIZE_SMALL, T.TEXT_DIM)
            return
        amount = self.money(d) if abs(d) >= 1 else f"{d:.2f} {self.scenario.currency}"
        sign = "+" if d > 0 else ""
        line = f"{'▲' if d > 0 else '▼'} {sign}{amount}  vs the defaults"
        T.text(surface, T.ellipsize(line, w, T.SIZE_SMALL, "semibold"), pos, T.SIZE_SMALL,
               T.GOOD if d > 0 else T.WARN, "semibold")

    def draw_money(self, surface, kp: dict, x: int, y: int, w: int, dim: bool) -> int:
        """What the profit is made of: revenue, costs, each penalty of the contract by name."""
        from engine.money import money_lines

        key = (_key(self.round.rules), tuple(sorted(kp.items())))
        if key not in self._lines:  # (applying the rules to the scenario takes milliseconds: once a figure)
            if len(self._lines) > 64:
                self._lines.clear()
            self._lines[key] = money_lines(self.scenario, self.round.rules, kp)
        m = self._lines[key]
        charged = sum(v for _, v in m.penalties)
        rows = [("Revenue", sum(v for _, v in m.revenue)), ("− Costs", sum(v for _, v in m.cost) - charged)]
        charges = dict(m.penalties)  # every penalty of the contract by name, a zero one too (it could bite)
        rows += [(f"− {p.label}", charges.get(p.label, 0.0)) for p in self.scenario.penalties]
        colour = T.TEXT_DIM if dim else T.TEXT
        for label, v in rows:
            amount = self.money(v)
            room = w - T.font(T.SIZE_SMALL, "semibold").size(amount)[0] - 16
            T.text(surface, T.ellipsize(label, room, T.SIZE_SMALL), (x, y), T.SIZE_SMALL, T.TEXT_DIM)
            T.text(surface, amount, (x + w, y), T.SIZE_SMALL, colour, "semibold", anchor="topright")
            y += 34
        pygame.draw.line(surface, T.PANEL_HI, (x, y + 8), (x + w, y + 8), 2)
        return y + 24

    def draw_targets(self, surface, kp: dict, x: int, y: int, w: int, bottom: int, dim: bool) -> int:
        sc = self.scenario
        for target in sc.objective.targets:
            if y + 66 > bottom:
                break
            v = kp.get(target.kpi)
            shown = words.value(target.kpi, v, sc)
            room = w - T.font(T.SIZE_BODY, "bold").size(shown)[0] - 16
            T.text(surface, T.ellipsize(words.label(target.kpi, sc), room, T.SIZE_BODY), (x, y), T.SIZE_BODY,
                   T.TEXT_DIM)
            T.text(surface, shown, (x + w, y - 2), T.SIZE_BODY, T.TEXT_DIM if dim else T.TEXT, "bold",
                   anchor="topright")
            if v is not None and not dim:
                met = target.met(v)
                mark = ("✓ on target " if met else "✗ target ") + words.target_short(target, sc)
                T.text(surface, mark, (x, y + 34), T.SIZE_SMALL, T.GOOD if met else T.WARN, "semibold")
            else:
                T.text(surface, "target " + words.target_short(target, sc), (x, y + 34), T.SIZE_SMALL, T.TEXT_DIM)
            y += 72
        return y

    def draw_map_note(self, surface, x: int, y: int, w: int) -> None:
        """The defaults marker is the expert map's: say so when the player's map is another one."""
        base = self.baseline_forecast
        note = "Not the expert map: the defaults and par marks are the expert map's."
        if base is not None and not isinstance(base, str) and base.complete and "profit" in base.kpis:
            note += f" Default rules on your map: {self.money(base.kpis['profit'])}."
        T.paragraph(surface, note, pygame.Rect(x, y, w, MAP_NOTE_H), T.SIZE_SMALL, T.TEXT_DIM, spacing=1.15)

    def draw_formulas(self, surface, f, x: int, y: int, w: int, bottom: int) -> None:
        """A day too big to simulate here: the queueing formulas' service figures, said to be that."""
        span = words.horizon_noun(self.scenario)
        T.paragraph(surface, f"Estimate by formulas: one {span} of this map is too big to simulate while you "
                    f"pull the levers, so there is no money here. Run the {span} for the real figures.",
                    pygame.Rect(x, y, w, 150), T.SIZE_SMALL, T.TEXT_DIM)
        self.draw_targets(surface, f.kpis, x, y + 170, w, bottom, dim=False)

    def forecast_stars(self, kpis: dict) -> int | None:
        """The stars these levers would earn (engine.scoring.stars against the references: the defaults' and
        par's profit on the same days); None when the references or the forecast's profit are not known."""
        from engine.scoring import check_targets, stars

        if self.refs is None or "profit" not in kpis:
            return None
        met = all(t.met for t in check_targets(self.scenario, kpis))
        return stars(kpis["profit"], self.refs.baseline, self.refs.par, met)

    def draw_gauge(self, surface, x: int, y: int, w: int, profit) -> int:
        """Where the forecast profit sits between the defaults and par (engine.optimize.references)."""
        base, par = self.refs.baseline, self.refs.par
        bar = pygame.Rect(x, y + 12, w, 14)
        pygame.draw.rect(surface, T.PANEL_HI, bar, border_radius=7)
        span = abs(par - base) or max(1.0, abs(base) * 0.1)
        lo, hi = min(base, par) - 0.25 * span, max(base, par) + 0.15 * span
        if profit is not None and math.isfinite(profit):  # the forecast always on the gauge, not at an end
            lo, hi = min(lo, profit - 0.1 * span), max(hi, profit + 0.1 * span)

        def at(v):
            return int(bar.left + bar.width * max(0.0, min(1.0, (v - lo) / ((hi - lo) or 1))))

        labels = [(base, f"defaults {base:,.0f}"), (par, f"par {par:,.0f}")]
        size = T.SIZE_SMALL
        widths = [T.font(size).size(s)[0] for _, s in labels]
        for v, _ in labels:
            pygame.draw.line(surface, T.TEXT_DIM, (at(v), bar.top - 8), (at(v), bar.bottom + 8), 3)
        if at(par) - at(base) < (widths[0] + widths[1]) / 2 + 16:  # too close to label apart: one line
            T.text(surface, T.ellipsize(f"{labels[0][1]} · {labels[1][1]}", w, size), (x, bar.bottom + 12), size,
                   T.TEXT_DIM)
        else:
            for (v, s), width in zip(labels, widths):
                cx = min(max(at(v), x + width // 2), x + w - width // 2)
                T.text(surface, s, (cx, bar.bottom + 12), size, T.TEXT_DIM, anchor="midtop")
        if profit is not None and math.isfinite(profit):
            pygame.draw.circle(surface, T.YELLOW, (at(profit), bar.centery), 14)
        return y + 80
