"""A round's outcome: what the player's map and rules came to in money, against the default rules and
par on the same days, computed in one place for every screen and record that shows it.

`tally(round, par, ...)` makes the whole `Outcome`, every number the engine's:
- the days: `engine.scoring.evaluation_days(scenario, round.seed)`, the one set of days every screen,
  board and report measures on (nothing in the game overrides them);
- the player's run: `engine.sim.run` on the player's map on those days, the day as played: the rules it
  began with and its script of levers pulled and decisions taken (`round.measured_rules`, `round.script`),
  or the run the run screen already made on them (`round.result`);
- the defaults and par: `engine.optimize.references(scenario, par, seed)` on the same days, expert map,
  with every KPI (`References.baseline_kpis`, `par_kpis`): read from the kept par file, or run once per
  process there, never again here. Without a kept or computed par, a quick search of about
  `par_seconds` on those days finds par's rules first (`par_source` "quick");
- stars and the score in money: `engine.scoring.grade`; the map's own 0-100 (`map_score_of`);
- the score's composition: `engine.money.money_lines` (revenue, costs, each penalty by name);
- the watched day (`WatchedDay`): replication 0 of the run's seed (game.scenes.run.scout), its own
  profit against the average of the days;
- where the day lost most: `engine.optimize.bottlenecks`; the day hour by hour: game.play.daystats.

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


@dataclass(frozen=True)
class WatchedDay:
    """The day the player watched, as one of the evaluation days: replication 0 of the run's seed. The
    results run plays the day as it was played (its start rules and its script), so it is that very day
    even when levers were pulled or decisions taken mid-day."""

    number: int  # 1: which of the evaluation days it was
    days: int  # how many evaluation days there are
    profit: float | None  # its own profit (None when unknown)
    average: float  # the evaluation days' average profit (the score)
    rules_changed: bool  # a lever pulled or a decision changed mid-day: every day is measured with them
    currency: str
    span: str = "day"  # what one run is called (game.ui.words.horizon_noun): "day", "fortnight", "3 days"

    def sentence(self) -> str:
        """"The day you watched: day 1 of 10 — profit 5,015 USD, 906 above the average of the 10 days"; a
        fortnight's run says "The fortnight you watched: fortnight 1 of 10 ..."."""
        which = self.span if " " not in self.span else "run"
        head = f"The {self.span} you watched: {which} {self.number} of {self.days}"
        if self.profit is None:
            return f"{head}."
        gap = self.profit - self.average
        where = "the same as" if abs(gap) < 0.5 else f"{abs(gap):,.0f} {'above' if gap > 0 else 'below'}"
        runs = f"{which}s"
        text = (f"{head} — profit {self.profit:,.0f} {self.currency}, {where} the average of the "
                f"{self.days} {runs}.")
        if self.rules_changed:
            text += f" Your changes play on all {self.days} {runs}."
        return text


def watched_of(rnd: Round, result) -> WatchedDay:
    """The watched day of `rnd` against `result` (the evaluation days' run of the day as played): it is
    replication 0 of that run, the very same day, so its KPIs are `result.per_replication[0]`."""
    from game.play.decisions import changed_by_player
    from game.ui import words

    sc = rnd.scenario
    changed = changed_by_player(sc, rnd.script)
    own = result.per_replication[0] if result.per_replication else (rnd.watched_kpis or {})
    profit = own.get("profit")
    return WatchedDay(1, int(result.replications), None if profit is None else float(profit),
                      float(result.means().get("profit", float("nan"))), changed, sc.currency,
                      words.horizon_noun(sc))


@dataclass
class Outcome:
    """Everything the results show of a round, computed once."""

    result: Any  # engine.sim.RunResult of the player's map and rules, on the evaluation days
    references: Any  # engine.optimize.References: the defaults and par on the same days, expert map
    grade: Any  # engine.scoring.Grade: the profit, the defaults', par's, targets and stars
    losses: list  # engine.optimize.Loss, ranked
    hourly: Any  # game.play.daystats.Hourly
    money: Any  # engine.money.Money: the score's composition
    par_source: str  # "kept" (beside the scenario, or computed in the background), "quick" (a short search),
    # "none" (no par could be found in the time: par is the default rules)
    watched: WatchedDay | None = None

    @property
    def kpis(self) -> dict[str, float]:
        """The player's KPI means, exactly as the engine reported them."""
        return self.result.means()

    @property
    def baseline_kpis(self) -> dict[str, float]:
        """Every KPI of the default rules on the same days."""
        return dict(self.references.baseline_kpis)

    @property
    def par_kpis(self) -> dict[str, float]:
        """Every KPI of par's rules on the same days."""
        return dict(self.references.par_kpis)

    @property
    def days(self) -> int:
        return int(self.result.replications)


def map_score_of(rnd: Round) -> int:
    """The map's points: the round's map score, else its best attempt's, else the engine's score of its map."""
    if rnd.map_score:
        return int(rnd.map_score)
    best = getattr(rnd.attempts, "best", None)  # engine.maps.Attempts, or the kiosk's stand-in when time ran out
    if best is not None:
        return int(best.score)
    from engine.maps import score_map

    return score_map(rnd.scenario, rnd.pmap)


def players_run(rnd: Round):
    """The player's run on the evaluation days, the day as played (`round.measured_rules` and
    `round.script`): the run screen's when it was made on them, else made now."""
    from engine import sim
    from engine.scoring import evaluation_days

    seed, reps = evaluation_days(rnd.scenario, rnd.seed)
    result = rnd.result if isinstance(rnd.result, sim.RunResult) else None
    if result is None or (result.seed, result.replications) != (seed, reps):
        result = rnd.result = sim.run(rnd.scenario, rnd.pmap, rnd.measured_rules, replications=reps, seed=seed,
                                      script=rnd.script)
    return result


def tally(rnd: Round, par, par_seconds: float = 20.0, chart_days: int = 2, bottleneck_days: int = 2) -> Outcome:
    """The whole outcome of a round (slow: run it on a Job). Without a kept `par`, a search of about
    `par_seconds` on the evaluation days finds its rules, and `references` measures it there."""
    from engine.money import money_lines
    from engine.optimize import bottlenecks, optimize, references
    from engine.optimize.outlook import rules_at_end
    from engine.budget import CannotRun
    from engine.scoring import grade

    from game.play.daystats import hourly

    sc = rnd.scenario
    result = players_run(rnd)
    reps, seed = result.replications, result.seed
    source = "kept"
    if par is None and sc.rules:
        try:
            par, source = optimize(sc, None, seconds=par_seconds, replications=reps, seed=seed), "quick"
        except CannotRun:  # not even the defaults could be scored in the time: par is the defaults
            source = "none"
    refs = references(sc, par, seed)
    g = grade(sc, result.summary, refs.baseline, refs.par, map_score_of(rnd))
    # where the day lost most: the first days as played (start rules and the day's script)
    losses = bottlenecks(sc, rnd.pmap, rnd.measured_rules, replications=min(bottleneck_days, reps), seed=seed,
                         script=rnd.script)
    hours = hourly(sc, rnd.pmap, rnd.measured_rules, seed, days=min(chart_days, reps), script=rnd.script)
    end_rules = rules_at_end(sc, rnd.measured_rules, rnd.script)  # fees and fixed costs as the day ended
    return Outcome(result, refs, g, losses, hours, money_lines(sc, end_rules, result.means()), source,
                   watched_of(rnd, result))


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
        self.job = Job(tally, self.round, par, s.par_seconds, name="results", process=True,
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
