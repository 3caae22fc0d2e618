"""Results: the headline score out of 1,000 and the stars, the KPIs against the targets, the default rules
and par, the day hour by hour, where the money came from and went, and where the day lost most.

Every number is the engine's. The player's run is `engine.sim.run` on the player's map and rules (or the
run the run screen already made); the default rules and par are run on the expert map with the same seed
and replications (common random numbers: the same callers on the same days), which is how
`engine.optimize.baseline_and_par` defines them; `engine.scoring.grade` turns them into stars and the
headline; `engine.optimize.bottlenecks` ranks the losses. All of it is computed in a background job (a
forked child process, game.core.jobs) while the screen shows that it is tallying and for how long.

The screen never waits for ever: the job has a deadline (`deadline_for`), past which it is stopped and the
screen says, calmly, that the day could not be tallied, with the usual ways on. A round whose watched
day could not finish (`extra["day_unfinished"]`, set by the run screen) is not tallied at all (it would be
the same endless day): the screen says there is no result and why.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pygame

from game.ui import charts, words
from game.play import flow
from game.ui import theme as T
from game.core.jobs import Job
from game.ui.widgets import Button
from game.scenes import HEADER_H, MARGIN, Screen, primary_rect, secondary_rect

ROW1_TOP, ROW1_H = HEADER_H + 12, 236
ROW2_TOP = ROW1_TOP + ROW1_H + 24
GAP = 24
REVEAL = 1.2  # seconds the headline takes to count up
SLOW_NOTE = 5.0  # seconds of tallying before the screen shows how long it has been


def deadline_for(par_seconds: float) -> float:
    """Wall seconds the tally may take: a quick par search and five runs of the day, generously."""
    return 90.0 + 3.0 * float(par_seconds)


@dataclass
class Outcome:
    """Everything the screen shows, computed once."""

    result: Any  # engine.sim.RunResult of the player's map and rules
    baseline: Any  # RunResult: expert map, default rules, same seed and replications
    par_run: Any  # RunResult: expert map, par's rules
    grade: Any  # engine.scoring.Grade
    losses: list  # engine.optimize.Loss, ranked
    hourly: Any  # game.play.daystats.Hourly
    money: dict[str, list[tuple[str, float]]]  # "revenue"/"cost" -> rows
    par_source: str  # "kept" (beside the scenario), "quick" (a short search just now)

    @property
    def kpis(self) -> dict[str, float]:
        """The player's KPI means, exactly as the engine reported them."""
        return self.result.means()


def money_rows(scenario, rules: dict, kpis: dict[str, float]) -> dict[str, list[tuple[str, float]]]:
    """Revenue and cost split into what the KPIs allow exactly: fees at exits and the rest of the
    revenue; fixed costs, penalties at exits and the rest of the cost (staff, per-entity costs, late
    penalties...)."""
    from engine.rules import apply_rules

    sc = apply_rules(scenario, rules) if scenario.rules else scenario
    exits = [s for s in sc.steps.values() if s.kind == "exit"]
    fees = sum(kpis.get(f"exits.{s.id}", 0.0) * s.revenue for s in exits)
    penalties = sum(kpis.get(f"exits.{s.id}", 0.0) * s.penalty for s in exits)
    fixed = sum(sc.fixed_costs.values())
    revenue, cost = kpis.get("revenue", 0.0), kpis.get("cost", 0.0)
    calls = scenario.domain == "call_center"
    rev = [("Fees for work done", fees), ("Sales on the call" if calls else "Other revenue", revenue - fees)]
    costs = [("Staff and other costs", cost - fixed - penalties), ("Fixed costs", fixed), ("Penalties", penalties)]
    return {"revenue": [r for r in rev if abs(r[1]) >= 0.5], "cost": [c for c in costs if abs(c[1]) >= 0.5]}


def map_score_of(rnd) -> int:
    if rnd.map_score:
        return int(rnd.map_score)
    best = getattr(rnd.attempts, "best", None)
    if best is not None:
        return int(best.score)
    from engine.maps import score_map

    return score_map(rnd.scenario, rnd.pmap)


def compute(rnd, replications: int | None, par, par_seconds: float = 20.0, chart_days: int = 2,
            bottleneck_days: int = 2) -> Outcome:
    """The whole outcome of a round (slow: run it on a Job). Without a kept `par`, a search of about
    `par_seconds` finds one on the run's own seed and replications."""
    from engine import sim
    from engine.optimize import bottlenecks, optimize
    from engine.scoring import grade

    from game.play.daystats import hourly

    sc = rnd.scenario
    seed = rnd.run_seed
    result = rnd.result if isinstance(rnd.result, sim.RunResult) else None
    if result is None:
        result = sim.run(sc, rnd.pmap, rnd.rules, replications=replications, seed=seed)
        rnd.result = result
    reps = result.replications
    defaults = sc.default_rules()
    baseline = sim.run(sc, None, defaults, replications=reps, seed=result.seed)
    source = "kept"
    if par is None and sc.rules:
        par, source = optimize(sc, None, seconds=par_seconds, replications=reps, seed=result.seed), "quick"
    base_score = baseline.mean("score")
    par_run = sim.run(sc, None, {**defaults, **par.best_rules}, replications=reps, seed=result.seed) \
        if par is not None else baseline
    par_score = max(base_score, par_run.mean("score"))
    g = grade(sc, result.summary, base_score, par_score, map_score_of(rnd))
    losses = bottlenecks(sc, rnd.pmap, rnd.rules, replications=min(bottleneck_days, reps), seed=result.seed)
    hours = hourly(sc, rnd.pmap, rnd.rules, result.seed, days=min(chart_days, reps))
    return Outcome(result, baseline, par_run, g, losses, hours, money_rows(sc, rnd.rules, result.means()), source)


class ResultsScene(Screen):
    name = "results"

    def __init__(self, app, rnd):
        super().__init__(app)
        self.round = rnd
        self.scenario = rnd.scenario
        self.outcome: Outcome | None = rnd.extra.get("outcome")
        self.error: str | None = None
        self.unfinished = bool(rnd.extra.get("day_unfinished")) and self.outcome is None
        if self.unfinished:  # nothing to tally: the run screen said why
            self.error = rnd.extra.get("run_error") or "The day could not finish."
        self.job: Job | None = None
        self.next_try = 0.0  # while par is computed elsewhere: when to look for it again
        self.revealed_at = -10.0 if self.outcome is not None else None  # when the outcome first showed
        self.view = "charts"  # or "map": the losses laid over the player's map
        self._map_image: pygame.Surface | None = None
        self.view_button = Button(secondary_rect(2), "Show on map", self.toggle_view, kind="quiet")
        self.buttons = [Button(primary_rect(), "Next scenario  ▶", self.next, kind="primary"),
                        Button(secondary_rect(0), "Try again", self.retry),
                        Button(secondary_rect(1), "Scenarios", self.on_back, kind="quiet"),
                        self.view_button]

    @property
    def ready(self) -> bool:
        return self.outcome is not None

    @property
    def settled(self) -> bool:
        """Nothing more is coming: an outcome, or a message that there will be none."""
        return self.outcome is not None or self.error is not None

    def start(self) -> bool:
        """Start tallying once par is settled: kept, computed in the background, or to be searched
        quickly; while a background computation of par runs, wait for it (it is usually well along)."""
        if self.outcome is not None or self.job is not None or self.error is not None or self.age < self.next_try:
            return False
        par = flow.par_for(self.scenario, self.app)
        if par is None and flow.par_progress(self.scenario) is not None:
            self.next_try = self.age + 0.25  # look again in a moment, not every frame
            return False
        opts = flow.options(self.app)
        self.job = Job(compute, self.round, opts.replications, par, opts.par_seconds, name="results",
                       process=True, deadline=deadline_for(opts.par_seconds))
        return True

    def wait(self, timeout: float = 120.0) -> bool:
        """Finish the computation now (tests and the autoplay)."""
        import time

        end = time.monotonic() + timeout
        while not self.ready and self.error is None and time.monotonic() < end:
            self.start()
            if self.job is not None:
                self.job.wait(max(0.0, end - time.monotonic()))
            else:
                time.sleep(0.05)
                self.next_try = 0.0
            self.tick(0.0)
        return self.ready

    def tick(self, dt):
        self.start()
        if self.job is not None and self.job.done:
            if self.job.timed_out:
                self.error = (f"{self.job.error} This map may keep work going round in a loop. "
                              "Try again with another map, or go on.")
            elif self.job.error:
                self.error = self.job.error
            else:
                self.outcome = self.round.extra["outcome"] = self.job.result
                self.round.result = self.outcome.result  # computed in the job's process: kept here
                self.revealed_at = self.age
            self.job = None

    def leave(self) -> None:
        if self not in self.app.stack and self.job is not None:  # off the stack: the tally stops with it
            self.job.cancel()
            self.job = None

    def next(self) -> None:
        flow.next_scenario(self.app, self.round)

    def toggle_view(self) -> None:
        self.view = "map" if self.view == "charts" else "charts"
        self.view_button.label = "Show charts" if self.view == "map" else "Show on map"

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_m:
            self.toggle_view()
            return True
        return False

    def retry(self) -> None:
        flow.retry(self.app, self.round)

    def on_back(self) -> None:
        flow.done(self.app, self.round, "results")

    # --- drawing -------------------------------------------------------------------------------
    def draw(self, surface):
        sc = self.scenario
        o = self.outcome
        sub = ""
        if o is not None:
            r = o.result
            days = f"{r.replications} simulated day{'s' if r.replications != 1 else ''}"
            sub = (f"Your map and rules over {days}; the defaults and par ran the same days." if o.par_source == "kept"
                   else f"Your map and rules over {days}; par here is from a quick search.")
        self.header(surface, f"Results: {sc.title}", sub)
        if o is None:
            self.draw_waiting(surface)
        elif self.view == "map":  # the whole screen for the map: the headline is one tap away
            self.draw_map_view(surface, pygame.Rect(MARGIN, ROW1_TOP, T.W - 2 * MARGIN,
                                                    primary_rect().top - 28 - ROW1_TOP), o)
        else:
            self.draw_headline(surface, pygame.Rect(MARGIN, ROW1_TOP, 560, ROW1_H), o)
            self.draw_cards(surface, pygame.Rect(MARGIN + 560 + GAP, ROW1_TOP, T.W - 2 * MARGIN - 560 - GAP, ROW1_H), o)
            bottom = primary_rect().top - 28
            h = bottom - ROW2_TOP
            w_chart = 520
            self.draw_service_chart(surface, pygame.Rect(MARGIN, ROW2_TOP, w_chart, h), o)
            self.draw_queue_chart(surface, pygame.Rect(MARGIN + w_chart + GAP, ROW2_TOP, w_chart, h), o)
            right = pygame.Rect(MARGIN + 2 * (w_chart + GAP), ROW2_TOP, T.W - MARGIN - (MARGIN + 2 * (w_chart + GAP)), h)
            money_h = 48 + 44 + 32 * (len(o.money["revenue"]) + len(o.money["cost"]))
            self.draw_money(surface, pygame.Rect(right.left, right.top, right.width, money_h), o)
            self.draw_losses(surface, pygame.Rect(right.left, right.top + money_h + GAP, right.width,
                                                  h - money_h - GAP), o)
        self.draw_buttons(surface)
        self.draw_fade(surface)

    def draw_waiting(self, surface) -> None:
        cx, cy = T.W // 2, T.H // 2 - 40
        if self.error:
            title = "No result for this day." if self.unfinished else "The day could not be tallied."
            T.text(surface, title, (cx, cy - 40), T.SIZE_HEAD, T.BAD, "bold", anchor="center")
            T.paragraph(surface, self.error, pygame.Rect(cx - 600, cy + 20, 1200, 200), T.SIZE_BODY, T.TEXT_DIM)
            return
        progress = flow.par_progress(self.scenario) if self.job is None else None
        if progress is not None:
            T.text(surface, "Working out par…", (cx, cy - 60), T.SIZE_HEAD, T.TEXT, "bold", anchor="center")
            T.text(surface, f"The best rules we can find for this scenario: {progress:.0%} done.", (cx, cy + 10),
                   T.SIZE_BODY, T.TEXT_DIM, anchor="center")
        else:
            T.text(surface, "Tallying the day…", (cx, cy - 60), T.SIZE_HEAD, T.TEXT, "bold", anchor="center")
            T.text(surface, "Your run, the default rules and par, on the same simulated days.", (cx, cy + 10),
                   T.SIZE_BODY, T.TEXT_DIM, anchor="center")
        for i in range(3):
            a = self.age * 3 - i * 0.6
            r = 12 + 6 * max(0.0, math.sin(a))
            pygame.draw.circle(surface, T.ACCENT, (cx - 60 + i * 60, cy + 100), int(r))
        job = self.job
        if job is not None and job.elapsed >= SLOW_NOTE:
            T.text(surface, f"Still working: {job.elapsed:.0f} s (we stop at {job.deadline:.0f} s)", (cx, cy + 160),
                   T.SIZE_SMALL, T.TEXT_DIM, anchor="center")

    def draw_headline(self, surface, box, o: Outcome) -> None:
        from engine.scoring import MAP_POINTS, RULES_POINTS, rules_points

        g = o.grade
        T.panel(surface, box, T.PANEL, radius=24, border=T.ACCENT, width=3)
        # the score counts up and the stars arrive one by one, the first second after the tally
        t = min(1.0, max(0.0, (self.age - (self.revealed_at or 0.0)) / REVEAL))
        for i in range(3):
            pop = min(1.0, max(0.0, (t - 0.45 - 0.18 * i) / 0.12))
            filled = i < g.stars and pop > 0
            charts.star(surface, (box.left + 60 + i * 70, box.top + 50), int(28 * (0.6 + 0.4 * pop)) if filled else 28,
                 filled)
        T.text(surface, self.verdict(o), (box.right - 28, box.top + 50), T.SIZE_SMALL,
               T.GOOD if g.beats_baseline else T.WARN, "semibold", anchor="midright")
        shown = round(g.headline * (1 - (1 - t) ** 3))
        r = T.text(surface, f"{shown:,}", (box.left + 30, box.top + 124), 84, T.TEXT, "bold", anchor="midleft")
        T.text(surface, "/ 1,000", (r.right + 12, r.bottom - 18), T.SIZE_LABEL, T.TEXT_DIM, "semibold",
               anchor="bottomleft")
        rp = round(rules_points(g.score, g.baseline, g.par))
        T.text(surface, f"Map {g.headline - rp:,} of {MAP_POINTS}  ·  Rules {rp:,} of {RULES_POINTS}",
               (box.left + 32, box.bottom - 18), T.SIZE_SMALL, T.TEXT_DIM, anchor="bottomleft")

    def verdict(self, o: Outcome) -> str:
        g = o.grade
        if g.reaches_par and g.targets_met:
            return "You reached par!"
        if g.targets_met and g.beats_baseline:
            return "Every target met"
        if g.beats_baseline:
            return "Beats the defaults"
        if abs(g.score - g.baseline) < 0.5:
            return "Same as the defaults"
        return "Below the defaults"

    def card_kpis(self) -> list[str]:
        """The KPIs the cards show: the score, profit, then the targets' KPIs (four at most)."""
        sc = self.scenario
        return (["score", "profit"] + [t.kpi for t in sc.objective.targets if t.kpi not in ("score", "profit")])[:4]

    def card_values(self) -> dict[str, str]:
        """KPI -> the value its card shows, as shown (tests compare these with the engine's numbers)."""
        o = self.outcome
        return {n: words.value(n, o.kpis.get(n), self.scenario) for n in self.card_kpis()} if o else {}

    def draw_cards(self, surface, area, o: Outcome) -> None:
        sc = self.scenario
        names = self.card_kpis()
        shown = self.card_values()
        targets = {t.kpi: t for t in sc.objective.targets}
        w = (area.width - GAP * (len(names) - 1)) // len(names)
        kp = o.kpis
        for i, name in enumerate(names):
            box = pygame.Rect(area.left + i * (w + GAP), area.top, w, area.height)
            T.panel(surface, box, T.PANEL, radius=20)
            x = box.left + 24
            inner = box.width - 48
            T.text(surface, T.ellipsize(words.label(name, sc), inner, T.SIZE_SMALL), (x, box.top + 16), T.SIZE_SMALL,
                   T.TEXT_DIM)
            v = kp.get(name)
            size = T.fit(shown[name], inner, T.SIZE_HEAD + 8, "bold", smallest=T.SIZE_LABEL)
            T.text(surface, shown[name], (x, box.top + 50), size, T.TEXT, "bold")
            t = targets.get(name)
            y = box.top + 116
            if t is not None:
                met = not math.isnan(v) and t.met(v)
                T.text(surface, T.ellipsize(("✓ target " if met else "✗ target ") + words.target_short(t, sc), inner,
                                            T.SIZE_SMALL, "semibold"),
                       (x, y), T.SIZE_SMALL, T.GOOD if met else T.WARN, "semibold")
            else:
                d = v - o.baseline.mean(name)
                good = d >= 0 if words.higher_is_better(name) else d <= 0
                if abs(d) < 0.5:
                    T.text(surface, T.ellipsize("same as defaults", inner, T.SIZE_SMALL), (x, y), T.SIZE_SMALL,
                           T.TEXT_DIM)
                else:
                    T.text(surface, T.ellipsize(f"{'▲' if d >= 0 else '▼'} {words.value(name, abs(d), sc)}", inner,
                                                T.SIZE_SMALL, "semibold"), (x, y), T.SIZE_SMALL,
                           T.GOOD if good else T.WARN, "semibold")
            y += 38
            parts = [("Defaults", o.baseline.mean(name)), ("Par", o.par_run.mean(name))]
            font = T.font(T.SIZE_SMALL)
            for what, pv in parts:
                line = f"{what} {words.value(name, pv, sc)}"
                if font.size(line)[0] > inner:  # big money: the currency is on the value above
                    line = f"{what} {words.value(name, pv, sc).removesuffix(' ' + sc.currency)}"
                T.text(surface, T.ellipsize(line, inner, T.SIZE_SMALL), (x, y), T.SIZE_SMALL, T.TEXT_DIM)
                y += 31

    def _chart_box(self, surface, box) -> pygame.Rect:
        T.panel(surface, box, T.PANEL, radius=20)
        return box.inflate(-48, -44)

    def draw_service_chart(self, surface, box, o: Outcome) -> None:
        sc = self.scenario
        inner = self._chart_box(surface, box)
        target = next((t for t in sc.objective.targets if t.kpi == "service_level" and t.min is not None), None)
        h = o.hourly
        if not any(h.offered):
            T.text(surface, f"Service level by {h.per}", inner.topleft, T.SIZE_LABEL, T.TEXT, "semibold")
            T.paragraph(surface, "Nobody queued for a person or a machine in this process, so there is no "
                                 "waiting to chart.", pygame.Rect(inner.left, inner.top + 70, inner.width, 200),
                        T.SIZE_BODY, T.TEXT_DIM)
            return
        charts.line_chart(surface, inner, [("service level", [None if v is None else v * 100 for v in h.service_level],
                                            T.SKY)], h.labels,
                          title=f"Service level by {h.per}", y_fmt=lambda v: f"{v:.0f} %", y_min=0, y_max=100,
                          target=(target.min * 100, f"target {target.min * 100:.0f} %") if target else None)

    def draw_queue_chart(self, surface, box, o: Outcome) -> None:
        inner = self._chart_box(surface, box)
        h = o.hourly
        worst = max(range(len(h.queue)), key=lambda i: h.queue[i]) if h.queue else None
        calls = self.scenario.domain == "call_center"
        charts.column_chart(surface, inner, h.queue, h.labels,
                            title=f"Callers waiting, by {h.per}" if calls else f"Waiting, by {h.per}",
                            y_fmt=lambda v: f"{v:g}", highlight=worst)

    def draw_money(self, surface, box, o: Outcome) -> None:
        inner = self._chart_box(surface, box)
        cur = self.scenario.currency
        rows = [(n, v, T.GREEN) for n, v in o.money["revenue"]] + [(n, v, T.VERMILION) for n, v in o.money["cost"]]
        T.text(surface, f"Profit {words.value('profit', o.kpis.get('profit'), self.scenario)}", (inner.right, inner.top),
               T.SIZE_BODY, T.TEXT, "bold", anchor="topright")
        charts.bar_chart(surface, inner, rows, title="Money in and out", fmt=lambda v: f"{v:,.0f} {cur}", row_h=32)

    def map_image(self, size: tuple[int, int], o: Outcome) -> pygame.Surface | None:
        """The player's map, the steps that lost money glowing, each with its rank in the list beside."""
        if self._map_image is not None and self._map_image.get_size() == size:
            return self._map_image
        try:
            from game.ui.board import Board, Highlights
            from game.ui.layout import auto_layout
        except ImportError:  # the map's drawing is not in this build
            return None
        sc, rnd = self.scenario, self.round
        edges = list(rnd.edges)
        placed = {s for e in edges for s in (e.src, e.dst)}
        layout = {s: tuple(xy) for s, xy in rnd.layout.items() if s in sc.steps}
        if not placed <= set(layout):
            layout = auto_layout(sc, edges, None, pygame.Rect(0, 0, *size))
        ranked = [(i, x) for i, x in enumerate(o.losses) if x.kind == "step" and x.id in layout and x.money >= 0.5]
        board = Board(sc, edges, layout)
        img = pygame.Surface(size)
        img.fill(T.PANEL)
        board.fit(img.get_rect(), grow=True)  # as large as the panel allows: this is the screen's subject
        board.draw(img, None, Highlights(cards={x.id: "hot" for _, x in ranked}))
        for i, x in ranked:
            r = board.card_rect(x.id)
            centre = (min(size[0] - 24, r.right), max(24, r.top))
            pygame.draw.circle(img, T.BG, centre, 26)
            pygame.draw.circle(img, T.ORANGE, centre, 22)
            T.text(img, str(i + 1), centre, T.SIZE_SMALL, T.BLACK, "bold", anchor="center")
        self._map_image = img
        return img

    def draw_map_view(self, surface, area, o: Outcome) -> None:
        list_w = 620
        box = pygame.Rect(area.left, area.top, area.width - list_w - GAP, area.height)
        inner = self._chart_box(surface, box)
        T.text(surface, "Your map: where the money was lost", inner.topleft, T.SIZE_LABEL, T.TEXT, "semibold")
        img = self.map_image((inner.width, inner.height - 56), o)
        if img is not None:
            surface.blit(img, (inner.left, inner.top + 56))
        else:
            T.text(surface, "The map view is not available in this build.", (inner.left, inner.top + 80),
                   T.SIZE_BODY, T.TEXT_DIM)
        self.draw_losses(surface, pygame.Rect(box.right + GAP, area.top, list_w, area.height), o)

    def draw_losses(self, surface, box, o: Outcome) -> None:
        inner = self._chart_box(surface, box)
        T.text(surface, "Where the day lost most", inner.topleft, T.SIZE_LABEL, T.TEXT, "semibold")
        y = inner.top + 54
        if not o.losses:
            T.text(surface, "Nothing worth mentioning.", (inner.left, y), T.SIZE_BODY, T.TEXT_DIM)
            return
        width = inner.width - 48
        messages = [loss.message(self.scenario.currency) for loss in o.losses]
        wrapped = [T.wrap(m, width, T.SIZE_SMALL)[:2] for m in messages]
        if y + sum(34 * len(w) + 12 for w in wrapped[:4]) > inner.bottom + 20:
            # too little room for every loss on two lines: one line each, so more of the ranking shows
            wrapped = [[T.ellipsize(m, width, T.SIZE_SMALL)] for m in messages]
        for i, lines in enumerate(wrapped):
            if y + 34 * len(lines) > inner.bottom + 8:
                break
            pygame.draw.circle(surface, T.ORANGE if i == 0 else T.PANEL_HI, (inner.left + 16, y + 17), 16)
            T.text(surface, str(i + 1), (inner.left + 16, y + 17), T.SIZE_SMALL, T.TEXT, "bold", anchor="center")
            for line in lines:
                T.text(surface, line, (inner.left + 46, y + 17), T.SIZE_SMALL, T.TEXT, anchor="midleft")
                y += 34
            y += 12
