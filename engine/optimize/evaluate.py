"""Scoring rule settings by simulation: per-replication objective scores on common random numbers, cached.

An `Evaluator` answers "what does this setting score on replications 0..n-1?" and remembers: asking for
more replications of a setting runs only the new ones, and the incumbent of a search is never run twice.
`SimEvaluator` asks the engine, one `Day` per replication with the seed's child r, exactly as a full run
does, so the search's numbers are the ones a full run reports; against a deadline each day runs in
slices with the clock read between them (`day_within`), so a search or a preview ends on time whatever a
day costs.
"""
from __future__ import annotations

import time
from typing import Any, Mapping, Sequence

from engine.sim.stats import mean

from ..model import ProcessMap, Scenario
from ..scoring import objective_score

Rules = dict[str, Any]


def rules_key(rules: Mapping[str, Any]) -> tuple:
    """A rule setting as a cache key: the same values in any order are the same setting."""
    return tuple(sorted(rules.items()))


class Evaluator:
    """Per-replication objective scores of rule settings, on common random numbers, cached.

    Subclasses implement `_run(rules, start, stop) -> list[float]`: the scores of replications
    start..stop-1 under those rules, all with the same seed, so asking for more replications of a
    setting only runs the new ones. `used` counts the replications actually run, which is what the
    search's budget limits.
    """

    def __init__(self):
        self.cache: dict[tuple, list[float]] = {}
        self.used = 0

    def scores(self, rules: Mapping[str, Any], replications: int) -> list[float]:
        k = rules_key(rules)
        have = self.cache.setdefault(k, [])
        if len(have) < replications:
            self.used += replications - len(have)
            have.extend(self._run(dict(rules), len(have), replications))
        return have[:replications]

    def mean(self, rules: Mapping[str, Any], replications: int) -> float:
        s = self.scores(rules, replications)
        return mean(s)

    def _run(self, rules: Rules, start: int, stop: int) -> list[float]:  # pragma: no cover - abstract
        raise NotImplementedError


class SimEvaluator(Evaluator):
    """Scores from the engine on one map and one seed: the objective of each replication.

    Each rule setting is compiled once (`engine.sim.compile_for`) and its replications run one `Day` at
    a time, replication r with the seed's child r, exactly as `engine.sim.run` does; so the search's
    numbers are the ones a full run reports.
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None = None, seed: int | None = None,
                 deadline: float | None = None, work_limit: bool = True):
        super().__init__()
        self.scenario = scenario
        self.pmap = pmap
        self.seed = scenario.run.seed if seed is None else seed
        self._plans: dict[tuple, Any] = {}
        # A `time.monotonic()` value: no day is started after it, and a day running past it is dropped
        # (checked between slices of the day), so the search ends on time whatever a day costs.
        self.deadline = deadline
        self.work_limit = work_limit

    def _run(self, rules: Rules, start: int, stop: int) -> list[float]:
        from engine import sim

        full = {**self.scenario.default_rules(), **rules}
        if not hasattr(sim, "Day") or not hasattr(sim, "compile_for"):  # only the contract's run()
            result = sim.run(self.scenario, self.pmap, rules=full, replications=stop, seed=self.seed)
            return [per_rep_score(self.scenario, k) for k in _per_replication(result)[start:stop]]
        k = rules_key(full)
        plan = self._plans.get(k)
        if plan is None:
            plan = self._plans[k] = sim.compile_for(self.scenario, self.pmap,
                                                    full if self.scenario.rules else None)
            if not self.work_limit:
                plan.work_limit = 0
        if self.deadline is None:
            return [per_rep_score(plan.scenario, sim.Day(self.scenario, seed=self.seed, replication=r,
                                                         plan=plan).finish())
                    for r in range(start, stop)]
        out = []
        for r in range(start, stop):
            left = self.deadline - time.monotonic()
            day = day_within(sim, self.scenario, plan, self.seed, r, time.perf_counter() + left) if left > 0 else None
            if day is None:
                raise OutOfTime(f"the search's {len(out) + start} replication(s) of a setting took all its time")
            out.append(per_rep_score(plan.scenario, day))
        return out


class OutOfTime(Exception):
    """The search's deadline passed during an evaluation: the setting's scores are incomplete."""


def _per_replication(result) -> Sequence[Mapping[str, float]]:
    for name in ("per_replication", "replications", "reps", "runs"):
        reps = getattr(result, name, None)
        if isinstance(reps, (list, tuple)) and reps and isinstance(reps[0], Mapping):
            return reps
    raise TypeError("engine.sim.run's result has no per-replication KPI dicts")


def per_rep_score(scenario: Scenario, kpis: Mapping[str, float]) -> float:
    """The objective of one replication; the engine may already report it as the `score` KPI."""
    if "score" in kpis and kpis["score"] is not None:
        return float(kpis["score"])
    return objective_score(scenario, kpis)



#: A day run against a deadline (a preview's, a search's) runs in this many slices of the horizon, the clock
#: checked between them.
PREVIEW_SLICES = 8


def day_within(sim, scenario: Scenario, plan, seed: int, replication: int, deadline: float):
    """One simulated day's KPIs, or None as soon as the clock passes `deadline` (checked between
    slices of the day, so an unexpectedly long day costs at most one slice more)."""
    day = sim.Day(scenario, seed=seed, replication=replication, plan=plan)
    h = float(plan.scenario.time.horizon)
    for k in range(1, PREVIEW_SLICES + 1):
        for _ in day.advance(h * k / PREVIEW_SLICES if k < PREVIEW_SLICES else None):
            pass
        if time.perf_counter() > deadline:
            return None
    return day.kpis()
