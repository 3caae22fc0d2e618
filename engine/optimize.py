"""Par: the best rule values we can find, by simulation, for a scenario and a map.

The search is a coordinate search. It takes the levers (sliders and choices) one at a time and tries a few
values of that lever with the others held: for a slider, the current value and one stride either side
(the stride starts at a quarter of its range and halves when neither side helps, down to one notch); for a
choice, every option. Among the values tried it keeps the best by **successive halving**: all are run on
a couple of replications, the better half goes on to twice as many, and so on; a value replaces the
current one only if it is better on the full number of replications. Every run uses the same seed and
replication numbers (common random numbers): the same callers arrive in every trial, so two settings are
compared on the same day and small differences are real, not luck. A pass over all levers repeats until
no lever moves and every stride is one notch, or the budget is spent.

The engine's random streams are per purpose and per entity (see `engine.rng`), so results are cached per
rule setting and replication count: the incumbent is never run twice for the same question.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .model import Choice, ProcessMap, Scenario, Slider
from .scoring import objective_score

__all__ = ["OptimizeResult", "Evaluator", "SimEvaluator", "optimize", "search", "ProgressFn"]

#: progress(fraction_done, message): fraction from 0 to 1, a short line for a status bar.
ProgressFn = Callable[[float, str], None]

Rules = dict[str, Any]


def _key(rules: Mapping[str, Any]) -> tuple:
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
        k = _key(rules)
        have = self.cache.setdefault(k, [])
        if len(have) < replications:
            self.used += replications - len(have)
            have.extend(self._run(dict(rules), len(have), replications))
        return have[:replications]

    def mean(self, rules: Mapping[str, Any], replications: int) -> float:
        s = self.scores(rules, replications)
        return math.fsum(s) / len(s)

    def _run(self, rules: Rules, start: int, stop: int) -> list[float]:  # pragma: no cover - abstract
        raise NotImplementedError


class SimEvaluator(Evaluator):
    """Scores from the engine on one map and one seed: the objective of each replication.

    Each rule setting is compiled once (`engine.sim.compile_for`) and its replications run one `Day` at
    a time, replication r with the seed's child r, exactly as `engine.sim.run` does; so the search's
    numbers are the ones a full run reports.
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None = None, seed: int | None = None):
        super().__init__()
        self.scenario = scenario
        self.pmap = pmap
        self.seed = scenario.run.seed if seed is None else seed
        self._plans: dict[tuple, Any] = {}

    def _run(self, rules: Rules, start: int, stop: int) -> list[float]:
        from . import sim

        full = {**self.scenario.default_rules(), **rules}
        if not hasattr(sim, "Day") or not hasattr(sim, "compile_for"):  # only the contract's run()
            result = sim.run(self.scenario, self.pmap, rules=full, replications=stop, seed=self.seed)
            return [per_rep_score(self.scenario, k) for k in _per_replication(result)[start:stop]]
        k = _key(full)
        plan = self._plans.get(k)
        if plan is None:
            plan = self._plans[k] = sim.compile_for(self.scenario, self.pmap,
                                                    full if self.scenario.rules else None)
        return [per_rep_score(plan.scenario, sim.Day(self.scenario, seed=self.seed, replication=r,
                                                     plan=plan).finish())
                for r in range(start, stop)]


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


# --------------------------------------------------------------------------------------------------
# The search


@dataclass
class _Stride:
    """How far, in notches of the slider's grid, the next trial steps from the current value."""

    notches: int


def _grid(rule: Slider) -> tuple:
    return rule.values()


def _nearest(values: Sequence, v) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


def _candidates(rule, current, stride: _Stride | None) -> list:
    if isinstance(rule, Choice):
        return list(rule.values())
    grid = _grid(rule)
    i = _nearest(grid, current)
    out = [grid[i]]
    for j in (i - stride.notches, i + stride.notches):
        if 0 <= j < len(grid) and grid[j] not in out:
            out.append(grid[j])
    return out


def _halving(evaluator: Evaluator, base: Rules, lever: str, values: list, first: int, full: int,
             over_budget: Callable[[], bool]) -> Any:
    """The best of `values` for `lever` (others as in `base`), by successive halving of replications.
    The current value (`base[lever]`) keeps its place unless another value beats it on `full` reps."""
    incumbent = base[lever]
    pool = list(values)
    reps = min(first, full)
    while True:
        means = {v: evaluator.mean({**base, lever: v}, reps) for v in pool}
        if reps >= full or len(pool) <= 1 or over_budget():
            break
        pool.sort(key=lambda v: -means[v])
        pool = pool[:max(1, math.ceil(len(pool) / 2))]
        reps = min(2 * reps, full)
    best = max(pool, key=lambda v: means[v])
    if best == incumbent:
        return incumbent
    if evaluator.mean({**base, lever: best}, full) > evaluator.mean(base, full):
        return best
    return incumbent


def search(rules: Sequence, start: Mapping[str, Any], evaluator: Evaluator, full: int, *,
           first: int = 2, budget: int | None = None, deadline: float | None = None,
           progress: ProgressFn | None = None) -> Rules:
    """Coordinate search with successive halving (see the module's docstring) from `start`.

    `full` is the number of replications a move must win on; `first` the replications of the first
    rung; `budget` caps the replications run in total and `deadline` (a `time.monotonic()` value) the
    time; when either is reached the best setting so far is returned.
    """
    current = dict(start)
    levers = [r for r in rules if isinstance(r, Choice) or len(_grid(r)) > 1]
    strides = {r.id: _Stride(max(1, (len(_grid(r)) - 1) // 4)) for r in levers if isinstance(r, Slider)}

    def over_budget() -> bool:
        return ((budget is not None and evaluator.used >= budget)
                or (deadline is not None and time.monotonic() >= deadline))

    # The search usually ends a pass or two after the widest stride has halved down to one notch:
    # that many passes is the progress bar's expectation (the budget's share spent, if larger, wins).
    expected = 2 + max((math.ceil(math.log2(st.notches)) for st in strides.values() if st.notches > 1),
                       default=0)
    t_start = time.monotonic()

    def report(msg: str, done_levers: int):
        if progress is None:
            return
        frac = min(0.95, (passes - 1 + done_levers / max(1, len(levers))) / expected)
        if budget:
            frac = max(frac, evaluator.used / budget)
        if deadline is not None:
            frac = max(frac, (time.monotonic() - t_start) / max(1e-9, deadline - t_start))
        progress(min(0.99, frac), msg)

    evaluator.scores(current, full)
    passes = 0
    while not over_budget():
        passes += 1
        if passes > expected:
            expected = passes + 1
        moved = False
        for n_done, rule in enumerate(levers, 1):
            if over_budget():
                break
            stride = strides.get(rule.id)
            values = _candidates(rule, current[rule.id], stride)
            best = _halving(evaluator, current, rule.id, values, first, full, over_budget)
            if best != current[rule.id]:
                current[rule.id] = best
                moved = True
            elif stride is not None and stride.notches > 1:
                stride.notches = max(1, stride.notches // 2)
                moved = True  # a finer look is still to come
            report(f"pass {passes}: {rule.label or rule.id} = {current[rule.id]}", n_done)
        if not moved:
            break
    return current


# --------------------------------------------------------------------------------------------------
# What the command line and the game call


@dataclass(frozen=True)
class OptimizeResult:
    """Baseline (default rules) and par (best rules found) objective scores, on the same seed and
    replications; `best_rules` gives every rule's value (defaults included). `par >= baseline` always:
    when nothing beats the defaults, par is the baseline and the best rules are the defaults."""

    baseline: float
    par: float
    best_rules: dict[str, Any]
    baseline_ci: float = 0.0
    par_ci: float = 0.0
    replications: int = 0
    seed: int = 0
    simulated: int = 0  # replications run by the search, the cache's hits not counted
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self, scenario_id: str) -> dict:
        """The contract's `optimize --json` object."""
        return {"scenario": scenario_id, "baseline": self.baseline, "par": self.par,
                "best_rules": dict(self.best_rules)}


def _ci(values: Sequence[float]) -> float:
    from .kpis import mean_ci

    return mean_ci(list(values))[1]


def optimize(scenario: Scenario, pmap: ProcessMap | None = None, budget: int | None = None,
             progress: ProgressFn | None = None, *, seconds: float | None = 50.0, seed: int | None = None,
             replications: int | None = None, first: int = 2,
             evaluator: Evaluator | None = None) -> OptimizeResult:
    """Find par for `scenario` on `pmap` (the reference map by default).

    `budget` caps the replications simulated by the search (default: 40 per lever value on the grids,
    at most 4,000) and `seconds` its time; baseline and par are then reported on `replications` (the
    scenario's `run.replications` by default) with `seed` (its `run.seed`), the same numbers for both.
    `progress(fraction, message)` is called after each lever is tried, and once with 1.0 at the end.
    """
    t0 = time.monotonic()
    reps = replications or scenario.run.replications
    ev = evaluator or SimEvaluator(scenario, pmap, seed)
    if budget is None:
        budget = min(4000, reps * 8 * max(1, len(scenario.rules)) * 5)
    defaults = scenario.default_rules()
    deadline = t0 + seconds if seconds else None
    best = search(scenario.rules, defaults, ev, reps, first=first, budget=budget, deadline=deadline,
                  progress=progress)
    base_scores = ev.scores(defaults, reps)
    best_scores = ev.scores(best, reps)
    baseline = math.fsum(base_scores) / reps
    par = math.fsum(best_scores) / reps
    if not par > baseline:
        best, par, best_scores = dict(defaults), baseline, base_scores
    if progress is not None:
        progress(1.0, f"par {par:,.0f} (baseline {baseline:,.0f})")
    return OptimizeResult(baseline, par, best, _ci(base_scores), _ci(best_scores), reps,
                          getattr(ev, "seed", 0), ev.used, time.monotonic() - t0)
