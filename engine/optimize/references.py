"""The two references a player's money is measured against: the default rules and par, on the evaluation days.

Every screen, export and command measures a scenario on the same days (`engine.scoring.evaluation_days`:
the scenario's `run.seed`, or a daily challenge's, and its `run.replications`), so the same rules give
the same money everywhere. `references(scenario, par, seed)` gives both references on those days, on the
expert map: their score (the profit) and every KPI, and whether par's rules meet every target there. On the
scenario's own days they are read from the kept par file (written by `optimize --write-par`, measured on
exactly those days) without running anything; on another seed (a daily challenge) the default rules and
par's rules are run once and kept for the process.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..model import Scenario
from ..scoring import check_targets, evaluation_days
from .evaluate import Standing

_cache: dict[tuple, "References"] = {}


@dataclass(frozen=True)
class References:
    """The default rules and par on one set of evaluation days, on the expert map."""

    seed: int
    replications: int
    baseline: float  # the default rules' score (profit)
    par: float  # par's score: below the baseline only when the defaults miss a target par meets
    par_rules: dict[str, Any]  # every lever's value under par
    baseline_kpis: dict[str, float] = field(default_factory=dict)
    par_kpis: dict[str, float] = field(default_factory=dict)
    par_meets_targets: bool = True  # par's rules meet every target on these days

    @property
    def days(self) -> tuple[int, int]:
        return self.seed, self.replications


def references(scenario: Scenario, par=None, seed: int | None = None) -> References:
    """Baseline and par of `scenario` on its evaluation days (its own, or the daily challenge's `seed`).

    `par` is the scenario's kept or computed par (an `OptimizeResult`), or None when there is none (then
    par is the default rules). Results measured on these very days (the kept par file's) are used as they
    are; otherwise both settings are run on the days, once per process."""
    from engine import sim
    from .par import fingerprint

    day_seed, reps = evaluation_days(scenario, seed)
    defaults = scenario.default_rules()
    par_rules = {**defaults, **(dict(par.best_rules) if par is not None else {})}
    kept = _kept(scenario, par, day_seed, reps, par_rules)
    if kept is not None:
        return kept
    key = (fingerprint(scenario), day_seed, reps, tuple(sorted(par_rules.items())))
    if key not in _cache:
        base = sim.run(scenario, None, defaults, replications=reps, seed=day_seed).means()
        best = sim.run(scenario, None, par_rules, replications=reps, seed=day_seed).means() \
            if par_rules != defaults else base
        _cache[key] = _made(scenario, day_seed, reps, base, best, par_rules)
    return _cache[key]


def _made(scenario: Scenario, seed: int, reps: int, base: Mapping[str, float], best: Mapping[str, float],
          par_rules: dict) -> References:
    """References from the two settings' KPI means; par falls back to the defaults if it does not stand
    above them (every target met first, then the smaller shortfall, then the score: as the search judged)."""
    targets = scenario.objective.targets
    if not Standing.of_means(targets, best) > Standing.of_means(targets, base):
        best, par_rules = base, scenario.default_rules()
    met = all(t.met for t in check_targets(scenario, best))
    return References(seed, reps, float(base["score"]), float(best["score"]), dict(par_rules), dict(base),
                      dict(best), met)


def _kept(scenario: Scenario, par, seed: int, reps: int, par_rules: dict) -> References | None:
    """The references a par file measured on exactly these days, or None."""
    extra = getattr(par, "extra", None) or {}
    base, best = extra.get("baseline_kpis"), extra.get("par_kpis")
    if not base or not best or par.seed != seed or par.replications != reps:
        return None
    return _made(scenario, seed, reps, base, best, par_rules)
