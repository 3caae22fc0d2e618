"""Judging rule settings by simulation: per-replication KPIs on common random numbers, cached, and standings.

An `Evaluator` answers "what does this setting give on replications 0..n-1?" and remembers every
replication's KPI dict: asking for more replications of a setting runs only the new ones, and the
incumbent of a search is never run twice. `SimEvaluator` asks the engine, one `Day` per replication with
the seed's child r, exactly as a full run does, so the search's numbers are the ones a full run reports;
against a deadline each day runs in slices with the clock read between them (`day_within`), so a search
or a preview ends on time whatever a day costs.

`standing(rules, n)` is how the search compares two settings: par is the best score among settings that
meet every target of the objective, so feasibility comes first. The targets are checked on the KPI means
over the n replications, exactly as `engine.scoring.check_targets` checks a run's means; a setting that
meets them all beats one that does not; among settings that miss, the smaller `shortfall` wins, then
the score. With no targets the standing is the score alone.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from engine.sim.stats import mean, summarize

from ..model import SHARE_KPIS, ProcessMap, Scenario, Target
from ..scoring import objective_score

Rules = dict[str, Any]
KPIs = Mapping[str, float]


def rules_key(rules: Mapping[str, Any]) -> tuple:
    """A rule setting as a cache key: the same values in any order are the same setting."""
    return tuple(sorted(rules.items()))


def kpi_means(per_rep: Sequence[KPIs]) -> dict[str, float]:
    """The mean of every KPI over the replications, as `engine.sim.run(...).means()` gives it."""
    if not per_rep:
        return {}
    return {name: m for name, (m, _) in summarize(per_rep, list(per_rep[0])).items()}


def target_misses(targets: Sequence[Target], means: KPIs) -> list[tuple[Target, float, float]]:
    """(target, value, miss) for every target `means` misses; `miss` is how far the value lies outside its
    bound, in units of the bound (0.062 against `max 0.05` misses by 0.24), or of 1 when the bound is 0;
    a KPI not reported or NaN misses by infinity. A target is met exactly when
    `engine.scoring.check_targets` says so."""
    out = []
    for t in targets:
        v = means.get(t.kpi, math.nan)
        v = math.nan if v is None else float(v)
        if not math.isnan(v) and t.met(v):
            continue
        if math.isnan(v):
            out.append((t, v, math.inf))
            continue
        gap = max(t.min - v if t.min is not None else 0.0, v - t.max if t.max is not None else 0.0)
        bound = t.min if t.min is not None and v < t.min else t.max
        out.append((t, v, gap / (abs(bound) or 1.0)))
    return out


def shortfall(targets: Sequence[Target], means: KPIs) -> float:
    """How far `means` are from meeting every target: the sum of the relative misses (`target_misses`);
    0 when every target is met."""
    return math.fsum(miss for _, _, miss in target_misses(targets, means)) if targets else 0.0


def _shown(kpi: str, value: float) -> str:
    """A KPI value or bound in words: shares in percent, other KPIs as numbers."""
    if kpi in SHARE_KPIS or kpi.startswith("utilization."):
        return f"{value * 100:.1f} %".replace(".0 %", " %")
    return f"{value:,.4g}"


def missed_targets(targets: Sequence[Target], means: KPIs) -> list[str]:
    """Each target `means` misses, in words: which KPI, its value, its bound and by how much
    ("abandon_rate is 6.2 % against at most 5 %: 1.2 points too high")."""
    out = []
    for t, v, _ in target_misses(targets, means):
        if math.isnan(v):
            out.append(f"{t.kpi} is not measured (nothing to count), so its target cannot be met")
            continue
        low = t.min is not None and v < t.min
        bound = t.min if low else t.max
        gap = abs(v - bound)
        share = t.kpi in SHARE_KPIS or t.kpi.startswith("utilization.")
        by = f"{gap * 100:.1f} points" if share else f"{gap:,.4g}"
        out.append(f"{t.kpi} is {_shown(t.kpi, v)} against {'at least' if low else 'at most'} "
                   f"{_shown(t.kpi, bound)}: {by} too {'low' if low else 'high'}")
    return out


@dataclass(frozen=True, order=True)
class Standing:
    """Where a setting stands, compared feasibility first: meeting every target beats missing one; among
    settings that miss, the smaller shortfall wins; then the higher score. `a > b` means a is better."""

    feasible: bool
    closeness: float  # minus the shortfall: higher is nearer to meeting every target
    score: float

    @classmethod
    def of(cls, targets: Sequence[Target], per_rep: Sequence[KPIs]) -> "Standing":
        """The standing of a setting's replications: judged on their KPI means."""
        return cls.of_means(targets, kpi_means(per_rep))

    @classmethod
    def of_means(cls, targets: Sequence[Target], means: KPIs) -> "Standing":
        short = shortfall(targets, means)
        score = means.get("score")
        score = objective_score(None, means) if score is None else float(score)
        return cls(short == 0.0, 0.0 if short == 0.0 else -short, -math.inf if math.isnan(score) else score)


class Evaluator:
    """Per-replication KPIs of rule settings, on common random numbers, cached.

    Subclasses implement `_run(rules, start, stop)`: the KPI dicts of replications start..stop-1 under
    those rules (a `score` in each), all with the same seed, so asking for more replications of a setting
    only runs the new ones; a plain number stands for a KPI dict holding only that score (a synthetic
    landscape). `used` counts the replications actually run, which is what the search's budget limits.
    `targets` are the objective's targets the standings check (none: the score alone decides).
    """

    def __init__(self, targets: Sequence[Target] | None = None):
        self.cache: dict[tuple, list[dict[str, float]]] = {}
        self.used = 0
        self.targets: tuple[Target, ...] | None = None if targets is None else tuple(targets)

    def kpis(self, rules: Mapping[str, Any], replications: int) -> list[dict[str, float]]:
        """The KPI dicts of replications 0..replications-1 under `rules`."""
        k = rules_key(rules)
        have = self.cache.setdefault(k, [])
        if len(have) < replications:
            self.used += replications - len(have)
            have.extend(r if isinstance(r, Mapping) else {"score": float(r)}
                        for r in self._run(dict(rules), len(have), replications))
        return have[:replications]

    def scores(self, rules: Mapping[str, Any], replications: int) -> list[float]:
        return [per_rep_score(None, k) for k in self.kpis(rules, replications)]

    def mean(self, rules: Mapping[str, Any], replications: int) -> float:
        return mean(self.scores(rules, replications))

    def means(self, rules: Mapping[str, Any], replications: int) -> dict[str, float]:
        """Every KPI's mean over the replications, as a full run on those days reports it."""
        return kpi_means(self.kpis(rules, replications))

    def standing(self, rules: Mapping[str, Any], replications: int) -> Standing:
        """How the setting compares with others on these replications (see `Standing`)."""
        return Standing.of(self.targets or (), self.kpis(rules, replications))

    def _run(self, rules: Rules, start: int, stop: int) -> list:  # pragma: no cover - abstract
        raise NotImplementedError


class SimEvaluator(Evaluator):
    """KPIs from the engine on one map and one seed, every replication's, judged against the scenario's targets.

    Each rule setting is compiled once (`engine.sim.compile_for`) and its replications run one `Day` at
    a time, replication r with the seed's child r, exactly as `engine.sim.run` does; so the search's
    numbers are the ones a full run reports.
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None = None, seed: int | None = None,
                 deadline: float | None = None, work_limit: bool = True):
        super().__init__(scenario.objective.targets)
        self.scenario = scenario
        self.pmap = pmap
        self.seed = scenario.run.seed if seed is None else seed
        self._plans: dict[tuple, Any] = {}
        # A `time.monotonic()` value: no day is started after it, and a day running past it is dropped
        # (checked between slices of the day), so the search ends on time whatever a day costs.
        self.deadline = deadline
        self.work_limit = work_limit

    def _run(self, rules: Rules, start: int, stop: int) -> list[dict[str, float]]:
        from engine import sim

        full = {**self.scenario.default_rules(), **rules}
        if not hasattr(sim, "Day") or not hasattr(sim, "compile_for"):  # only the contract's run()
            result = sim.run(self.scenario, self.pmap, rules=full, replications=stop, seed=self.seed)
            return [dict(k) for k in _per_replication(result)[start:stop]]
        k = rules_key(full)
        plan = self._plans.get(k)
        if plan is None:
            plan = self._plans[k] = sim.compile_for(self.scenario, self.pmap,
                                                    full if self.scenario.rules else None)
            if not self.work_limit:
                plan.work_limit = 0
        if self.deadline is None:
            return [dict(sim.Day(self.scenario, seed=self.seed, replication=r, plan=plan).finish())
                    for r in range(start, stop)]
        out = []
        for r in range(start, stop):
            left = self.deadline - time.monotonic()
            day = day_within(sim, self.scenario, plan, self.seed, r, time.perf_counter() + left) if left > 0 else None
            if day is None:
                raise OutOfTime(f"the search's {len(out) + start} replication(s) of a setting took all its time")
            out.append(dict(day))
        return out


class OutOfTime(Exception):
    """The search's deadline passed during an evaluation: the setting's scores are incomplete."""


def _per_replication(result) -> Sequence[Mapping[str, float]]:
    for name in ("per_replication", "replications", "reps", "runs"):
        reps = getattr(result, name, None)
        if isinstance(reps, (list, tuple)) and reps and isinstance(reps[0], Mapping):
            return reps
    raise TypeError("engine.sim.run's result has no per-replication KPI dicts")


def per_rep_score(scenario: Scenario | None, kpis: Mapping[str, float]) -> float:
    """The objective of one replication; the engine reports it as the `score` KPI (the profit)."""
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
