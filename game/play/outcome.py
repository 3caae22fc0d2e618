"""A round's outcome: what the player's map and rules came to, against the default rules and par on the
same days, computed in one place for every screen and record that shows it.

`tally(round, ...)` makes the whole `Outcome`, every number the engine's:
- the player's run: `engine.sim.run` on the player's map and rules with the round's seed (or the run the
  run screen already made: `round.result`);
- the map's points: the best attempt's score (`map_score_of`);
- baseline and par scores: `engine.optimize.baseline_and_par` on the run's own seed and replications
  (common random numbers: the same callers on the same days), on the expert map; par's rules are the kept
  par's, or a quick search of about `par_seconds` on the same seed when none is kept (`par_source`);
- the baseline's and par's other KPIs (what the cards show beside the player's): the same two settings
  run once more with `engine.sim.run` on those days, so every figure matches its score;
- stars and the headline out of 1,000: `engine.scoring.grade`;
- where the day lost most: `engine.optimize.bottlenecks`; the day hour by hour: game.play.daystats;
- the money lines: revenue and cost split into what the KPIs allow exactly (`money_rows`).

It is slow (seconds), so the results screen runs it through a `Tally`: a forked child process
(game.core.jobs) with a deadline (`deadline_for`), started once par is settled (kept, computed in the
background by game.play.par, or to be searched quickly), and kept with the round (`round.outcome`) so
that showing the results again does not tally again. A round whose watched day could not finish
(`round.day_unfinished`) is not tallied at all: it would be the same endless day.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from game.core.jobs import Job
from game.core.settings import Settings
from game.play.par import par_for, par_progress
from game.play.round import Round


def deadline_for(par_seconds: float) -> float:
    """Wall seconds the tally may take: a quick par search and five runs of the day, generously."""
    return 90.0 + 3.0 * float(par_seconds)


@dataclass
class Outcome:
    """Everything the results show of a round, computed once."""

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


def map_score_of(rnd: Round) -> int:
    """The map's points: the round's map score, else its best attempt's, else the engine's score of its map."""
    if rnd.map_score:
        return int(rnd.map_score)
    best = getattr(rnd.attempts, "best", None)  # engine.maps.Attempts, or the kiosk's stand-in when time ran out
    if best is not None:
        return int(best.score)
    from engine.maps import score_map

    return score_map(rnd.scenario, rnd.pmap)


def tally(rnd: Round, replications: int | None, par, par_seconds: float = 20.0, chart_days: int = 2,
          bottleneck_days: int = 2) -> Outcome:
    """The whole outcome of a round (slow: run it on a Job). Without a kept `par`, a search of about
    `par_seconds` finds one on the run's own seed and replications."""
    from engine import sim
    from engine.optimize import baseline_and_par, bottlenecks, optimize
    from engine.scoring import grade

    from game.play.daystats import hourly

    sc = rnd.scenario
    result = rnd.result if isinstance(rnd.result, sim.RunResult) else None
    if result is None:
        result = sim.run(sc, rnd.pmap, rnd.rules, replications=replications, seed=rnd.run_seed)
        rnd.result = result
    reps, seed = result.replications, result.seed
    source = "kept"
    if par is None and sc.rules:
        par, source = optimize(sc, None, seconds=par_seconds, replications=reps, seed=seed), "quick"
    par_rules = dict(par.best_rules) if par is not None else {}
    base_score, par_score = baseline_and_par(sc, par_rules, seed, reps)
    defaults = sc.default_rules()
    baseline = sim.run(sc, None, defaults, replications=reps, seed=seed)
    par_run = sim.run(sc, None, {**defaults, **par_rules}, replications=reps, seed=seed) if par_rules else baseline
    g = grade(sc, result.summary, base_score, par_score, map_score_of(rnd))
    losses = bottlenecks(sc, rnd.pmap, rnd.rules, replications=min(bottleneck_days, reps), seed=seed)
    hours = hourly(sc, rnd.pmap, rnd.rules, seed, days=min(chart_days, reps))
    return Outcome(result, baseline, par_run, g, losses, hours, money_rows(sc, rnd.rules, result.means()), source)


class Tally:
    """A round's outcome being computed: `poll(dt)` each frame starts the work once par is settled and
    takes its result; `outcome` (kept in the round too) or `error` says how it went."""

    PAR_RETRY = 0.25  # seconds between looks at a par computed in the background

    def __init__(self, rnd: Round, settings: Settings):
        self.round = rnd
        self.settings = settings
        self.outcome: Outcome | None = rnd.outcome
        self.error: str | None = None
        self.unfinished = rnd.day_unfinished and self.outcome is None
        if self.unfinished:  # nothing to tally: the run screen said why
            self.error = rnd.run_error or "The day could not finish."
        self.job: Job | None = None
        self.age = 0.0
        self.next_try = 0.0  # while par is computed elsewhere: when to look for it again

    @property
    def settled(self) -> bool:
        """Nothing more is coming: an outcome, or a message that there will be none."""
        return self.outcome is not None or self.error is not None

    @property
    def par_progress(self) -> float | None:
        """How far a background computation of par is, while the tally waits for it."""
        return par_progress(self.round.scenario) if self.job is None else None

    def start(self) -> bool:
        """Start tallying once par is settled: kept, computed in the background, or to be searched
        quickly; while a background computation of par runs, wait for it (it is usually well along)."""
        if self.settled or self.job is not None or self.age < self.next_try:
            return False
        sc = self.round.scenario
        par = par_for(sc, self.settings)
        if par is None and par_progress(sc) is not None:
            self.next_try = self.age + self.PAR_RETRY  # look again in a moment, not every frame
            return False
        s = self.settings
        self.job = Job(tally, self.round, s.replications, par, s.par_seconds, name="results", process=True,
                       deadline=deadline_for(s.par_seconds))
        return True

    def poll(self, dt: float) -> bool:
        """Start or follow the work; True on the frame the outcome arrives."""
        self.age += dt
        self.start()
        job = self.job
        if job is None or not job.done:
            return False
        self.job = None
        if job.timed_out:
            self.error = (f"{job.error} This map may keep work going round in a loop. "
                          "Try again with another map, or go on.")
        elif job.error:
            self.error = job.error
        else:
            self.outcome = self.round.outcome = job.result
            self.round.result = self.outcome.result  # computed in the job's process: kept here
            return True
        return False

    def wait(self, timeout: float = 120.0) -> bool:
        """Finish the computation now (tests and the autoplay); True when there is an outcome."""
        end = time.monotonic() + timeout
        while not self.settled and time.monotonic() < end:
            self.start()
            if self.job is not None:
                self.job.wait(max(0.0, end - time.monotonic()))
            else:
                time.sleep(0.05)
                self.next_try = 0.0
            self.poll(0.0)
        return self.outcome is not None

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None
