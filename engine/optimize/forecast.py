"""The live forecast: the player's map with the levers as set, measured on the evaluation days, day by day.

A rules screen forecasts on exactly the days the results measure (`engine.scoring.evaluation_days`: the seed
and its N replications), one day at a time, so that after k days it can show the mean of those k days ("k of
N days") and, once all N are done, the very figure the results will show. `DayByDay` holds one setting's
days: the plan compiled once (`engine.sim.compile_for`, as `engine.sim.run` compiles it), replication r run
as `engine.sim.Day(scenario, seed=seed, replication=r, plan=plan)` in `SLICES` slices of the horizon, so a
caller (the game's forecast worker) can stop between slices when the player moves a lever and resume the
same day later where it stopped. `forecast_of` averages the finished days with `engine.sim.stats.mean` over
the per-day dicts in replication order, which is what `sim.run(...).means()` does (stats.summarize): the
finished forecast equals the results bit for bit, not merely to the cent.

When even one day would not fit in a preview (`too_big`: the sources' expected arrivals times
`SECONDS_PER_ARRIVAL`, a generous guess of the engine's cost per arriving entity), `formula_forecast` gives
the steady-state queueing estimate of the service steps instead (`engine.queueing`: Erlang A with the
callers' patience, else Erlang C), each step's arrivals spread over the map by its flows. It has no money:
only service_level, abandon_rate, asa, p_wait and utilization.POOL, and it is labelled as formulas.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from engine.sim.stats import mean

from .. import queueing
from ..maps.flows import edge_flows, mean_rate
from ..model import ProcessMap, Scenario
from ..rules import apply_rules
from ..scoring import evaluation_days
from .evaluate import Rules, rules_key

#: A generous guess of the engine's cost per arriving entity (measured about 12 us), to decide before
#: running whether one simulated day fits in a preview.
SECONDS_PER_ARRIVAL = 30e-6
#: A day guessed longer than this (seconds) is too big for a preview: the formulas estimate it instead.
DAY_FITS = 0.3
#: A forecast day runs in this many slices of the horizon; whoever runs it may stop between two.
SLICES = 8


@dataclass(frozen=True)
class Forecast:
    """What the forecast knows of one setting. `method` "simulation": `kpis` is the mean of the first
    `days` of the `of` evaluation days (all of them when `complete`: the results' figure); "formulas": the
    queueing estimate of a day too big to simulate here (`days` is 0, no money)."""

    kpis: dict[str, float]
    method: str
    days: int
    of: int
    seed: int

    @property
    def complete(self) -> bool:
        return self.method == "simulation" and self.days == self.of

    @property
    def label(self) -> str:
        """How the figure was made, in the player's words: "4 of 10 days", "estimate by formulas"."""
        if self.method == "formulas":
            return "estimate by formulas"
        return f"{self.days} of {self.of} day{'s' if self.of != 1 else ''}"


def forecast_of(days: Mapping[int, Mapping[str, float]], of: int, seed: int) -> Forecast:
    """The forecast from the days done so far (replication -> its KPI dict): each KPI's mean over them in
    replication order, as engine.sim.stats.summarize takes it, so all `of` days give `sim.run(...).means()`
    exactly, to the last bit."""
    ordered = [days[r] for r in sorted(days)]
    names = list(ordered[0]) if ordered else []
    kpis = {name: mean([d[name] for d in ordered]) for name in names}
    return Forecast(kpis, "simulation", len(ordered), of, seed)


def expected_arrivals(scenario: Scenario, pmap: ProcessMap | None = None) -> float:
    """Entities a day brings, from the sources' mean rates over the horizon (events not counted)."""
    placed = set((pmap or scenario.reference).steps)
    h = scenario.time.horizon
    return sum(mean_rate(s, h) * h for sid, s in scenario.steps.items()
               if s.kind == "source" and sid in placed)


class DayByDay:
    """Evaluation days of one rule setting on one map, run one slice at a time, resumable.

    `replications` are the days this one runs (all N by default; a share of them when several workers
    split a setting's days). `step()` runs the next slice of the day in progress (setting it up first) and
    returns the replication it finished, or None; the finished days' KPIs are in `days` (replication ->
    dict). Nothing is lost between calls: a caller that stops to serve another setting comes back to the
    same day at the same slice. With a `script` (levers pulled and decisions taken, engine.sim.day) every day
    plays it: the finished forecast is then `engine.optimize.rest_of_day`'s figure for that script, bit for
    bit, one day at a time. The plan is compiled here, so a map the engine cannot run raises
    `engine.sim.MapError` (NotImplementedError for a step kind it does not simulate yet) from the
    constructor.
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None, rules: Mapping[str, Any] | None,
                 seed: int | None = None, replications: Sequence[int] | None = None, script: Sequence[tuple] = ()):
        from engine import sim

        self.scenario, self.pmap = scenario, pmap
        self.script = tuple(script)  # the changes each day plays (engine.sim.day): a rest-of-day forecast
        self.rules: Rules = {**scenario.default_rules(), **(rules or {})}
        self.key = rules_key(self.rules)
        self.seed, self.total = evaluation_days(scenario, seed)
        self.replications = list(range(self.total) if replications is None else replications)
        self.plan = sim.compile_for(scenario, pmap, self.rules)
        self.days: dict[int, dict[str, float]] = {}
        self._day = None  # the day in progress
        self._slice = 0  # slices of it done

    @property
    def done(self) -> bool:
        return all(r in self.days for r in self.replications)

    @property
    def replication(self) -> int | None:
        """The day in progress (half-run), if any."""
        return None if self._day is None else self._day.replication

    @property
    def next_replication(self) -> int | None:
        """The day the next `step` works on."""
        if self._day is not None:
            return self._day.replication
        return next((r for r in self.replications if r not in self.days), None)

    @property
    def too_big(self) -> bool:
        """One day would take longer than a preview may (the guess, before running anything)."""
        return expected_arrivals(self.plan.scenario, self.pmap) * SECONDS_PER_ARRIVAL > DAY_FITS

    def step(self) -> int | None:
        """Run one slice of the day in progress; the replication it finished, if it finished one."""
        from engine import sim

        if self._day is None:
            r = self.next_replication
            if r is None:
                return None
            self._day = sim.Day(self.scenario, seed=self.seed, replication=r, plan=self.plan, script=self.script)
            self._slice = 0
        self._slice += 1
        h = float(self.plan.scenario.time.horizon)
        for _ in self._day.advance(h * self._slice / SLICES if self._slice < SLICES else None):
            pass
        if self._slice < SLICES:
            return None
        day, self._day = self._day, None
        self.days[day.replication] = day.kpis()
        return day.replication

    def forecast(self) -> Forecast:
        return forecast_of(self.days, self.total, self.seed)


def formula_forecast(scenario: Scenario, pmap: ProcessMap | None, rules: Mapping[str, Any] | None,
                     seed: int | None = None) -> Forecast:
    """Steady-state estimates per service step (Erlang A with the callers' patience, else Erlang C).

    Each service step's arrival rate is the day's mean arrival rate times the visits per arrival the
    map's flow gives it (`engine.maps.flows.edge_flows`); it is served by its first pool, whose agents are
    shared between the steps that pool serves first in proportion to their offered load."""
    full = {**scenario.default_rules(), **(rules or {})}
    sc = apply_rules(scenario, full) if scenario.rules else scenario
    pm = pmap if pmap is not None else sc.reference
    total = expected_arrivals(sc, pm) / sc.time.horizon if sc.time.horizon else 0.0
    visits: dict[str, float] = {}
    for e, f in edge_flows(sc, pm).items():
        visits[e.dst] = visits.get(e.dst, 0.0) + f
    rows, load = [], {}
    for sid in pm.steps:
        s = sc.steps.get(sid)
        if s is None or s.kind != "service" or not s.pools:
            continue
        pool, lam = s.pools[0], total * visits.get(sid, 0.0)
        duration = s.duration_for(pool).mean()
        rows.append((pool, lam, duration))
        load[pool] = load.get(pool, 0.0) + lam * duration
    patience = [e.patience.mean() for e in sc.entities.values() if e.patience is not None]
    theta = 1.0 / patience[0] if patience and patience[0] > 0 else 0.0
    kpis = _erlang_kpis(sc, rows, load, theta, total)
    day_seed, of = evaluation_days(scenario, seed)
    return Forecast(kpis, "formulas", 0, of, day_seed)


def _erlang_kpis(sc: Scenario, rows, load: dict, theta: float, total: float) -> dict[str, float]:
    """The arrival-weighted service level, abandonment, ASA and P(wait) of the service steps (pool, arrival
    rate, mean duration each), and each pool's utilization."""
    slw = sc.run.service_level_wait
    lam_sum = sl = ab = asa = pw = 0.0
    busy: dict[str, float] = {}
    for pool, lam, duration in rows:
        if lam <= 0 or duration <= 0:
            continue
        share = lam * duration / load[pool] if load[pool] > 0 else 1.0
        agents = max(1, int(round(sc.resources[pool].count * share)))
        mu = 1.0 / duration
        if theta > 0:
            q = queueing.ErlangA(lam, mu, agents, theta)
            p_ab, p_wait, a, level = q.p_abandon, q.p_wait, q.asa, q.service_level(slw)
        else:
            q = queueing.MMc(lam, mu, agents)
            p_ab, p_wait, a, level = 0.0, (q.p_wait if q.stable else 1.0), q.asa, q.service_level(slw)
        lam_sum += lam
        sl += lam * level
        ab += lam * p_ab
        asa += lam * a
        pw += lam * p_wait
        busy[pool] = busy.get(pool, 0.0) + lam * (1 - p_ab) * duration
    kpis: dict[str, float] = {}
    if lam_sum > 0:
        kpis.update(service_level=float(sl / lam_sum), asa=float(asa / lam_sum), p_wait=float(pw / lam_sum),
                    abandon_rate=float(ab / total) if total else 0.0)
    for pid, pool in sc.resources.items():
        if pool.count > 0:
            kpis[f"utilization.{pid}"] = float(min(1.0, busy.get(pid, 0.0) / pool.count))
    return kpis
