"""Scoring a round: the score in money, targets, stars, the evaluation days, the daily seed.

The score of a round is its profit on the evaluation days (`evaluation_days`): revenue minus every cost,
the contract's penalties among the costs (engine.money shows how it was made). It is compared with the
baseline (the default rules) and par (the best rules that meet every target), measured on exactly the
same days on the expert map (engine.optimize.references), so the comparison is fair. `grade` gives the
stars: one for beating the defaults' profit, two for also meeting every target, three for also reaching
par. The map's own quality (0-100, `engine.maps.compare_map`) is carried beside, shown only with the map
and used as the last tie-break of a board (`rank_key`).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import math
from dataclasses import dataclass
from typing import Any, Mapping

from .model import Scenario, Target

__all__ = [
    "kpi_means", "objective_score", "TargetResult", "check_targets", "stars", "PAR_TOLERANCE",
    "Grade", "grade", "rank_key", "daily_seed", "evaluation_days",
]

#: Reaching par means a score within this share of |par| below it (or above par).
PAR_TOLERANCE = 0.02


def kpi_means(kpis: Mapping[str, Any]) -> dict[str, float]:
    """KPI name -> number, from either plain numbers or the engine's (mean, ci95) pairs."""
    out = {}
    for name, v in kpis.items():
        if isinstance(v, (tuple, list)):
            v = v[0]
        elif isinstance(v, Mapping):  # {"mean": .., "ci95": ..} as in --json
            v = v.get("mean")
        out[name] = float(v) if v is not None else math.nan
    return out


def objective_score(scenario: Scenario, kpis: Mapping[str, Any]) -> float:
    """The score of `kpis`: the profit, every penalty of the scenario already in its cost (higher is better)."""
    return kpi_means(kpis).get("profit", math.nan)


@dataclass(frozen=True, slots=True)
class TargetResult:
    target: Target
    value: float
    met: bool

    def __str__(self) -> str:
        t = self.target
        bound = " and ".join(b for b in (f">= {t.min:g}" if t.min is not None else "",
                                         f"<= {t.max:g}" if t.max is not None else "") if b)
        return f"{t.kpi} {self.value:.4g} ({'met' if self.met else 'missed'}: {bound})"


def check_targets(scenario: Scenario, kpis: Mapping[str, Any]) -> tuple[TargetResult, ...]:
    """Each target of the objective against the KPIs. A KPI the run did not report (or NaN, as the
    service level of a run where nobody arrived) misses its target."""
    values = kpi_means(kpis)
    out = []
    for t in scenario.objective.targets:
        v = values.get(t.kpi, math.nan)
        out.append(TargetResult(t, v, not math.isnan(v) and t.met(v)))
    return tuple(out)


def reaches_par(score: float, par: float) -> bool:
    return score >= par - PAR_TOLERANCE * abs(par)


def stars(score: float, baseline: float, par: float, targets_met: bool) -> int:
    """0 to 3 stars. One for beating the baseline score (strictly); two for also meeting every target;
    three for also reaching par within 2 % of |par|. Each star needs the ones before it."""
    if not score > baseline:
        return 0
    if not targets_met:
        return 1
    return 3 if reaches_par(score, par) else 2


@dataclass(frozen=True, slots=True)
class Grade:
    """A round's result: the score in money (the profit on the evaluation days), the defaults' and
    par's on the same days, the targets, the stars, and the map's own 0-100."""

    map_score: int
    score: float  # profit on the evaluation days, in the scenario's currency
    baseline: float  # the default rules' profit on the same days (expert map)
    par: float  # par's profit on the same days
    targets: tuple[TargetResult, ...]
    stars: int

    @property
    def profit(self) -> float:
        return self.score

    @property
    def targets_met(self) -> bool:
        return all(t.met for t in self.targets)

    @property
    def beats_baseline(self) -> bool:
        return self.score > self.baseline

    @property
    def reaches_par(self) -> bool:
        return reaches_par(self.score, self.par)

    @property
    def rank_key(self) -> tuple:
        """How boards order rounds, best first when sorted: profit, then stars, then the map."""
        return rank_key(self.score, self.stars, self.map_score)


def rank_key(profit: float | None, stars: int, map_score: int) -> tuple:
    """The board's rule, as a sort key (ascending = best first): the higher profit on the evaluation days;
    ties by stars, then by the map's score; a round without a profit (kept before the score was money)
    after every round with one."""
    missing = profit is None or (isinstance(profit, float) and math.isnan(profit))
    return (missing, -(profit or 0.0) if not missing else 0.0, -int(stars), -int(map_score))


def grade(scenario: Scenario, kpis: Mapping[str, Any], baseline: float, par: float,
          map_score: float = 100) -> Grade:
    """Grade a run: `kpis` are the player's run (means, or (mean, ci95) pairs); `baseline` and `par`
    the objective's value under the default and the best rules, on the same seeds."""
    score = objective_score(scenario, kpis)
    targets = check_targets(scenario, kpis)
    met = all(t.met for t in targets)
    return Grade(int(map_score), score, float(baseline), float(par), targets, stars(score, baseline, par, met))


def evaluation_days(scenario: Scenario, seed: int | None = None) -> tuple[int, int]:
    """The one set of days every screen, export and command measures `scenario` on: (seed, replications).

    The scenario's own `run.seed` and `run.replications`, or a daily challenge's `seed` with the same
    number of days. Replication r of seed s is the same day whatever the rules (common random numbers), so
    the forecast, the results, the defaults, par and every board compare rules on exactly these days."""
    return (scenario.run.seed if seed is None else int(seed)), int(scenario.run.replications)


def daily_seed(day: _dt.date | str | None = None, scenario_id: str = "") -> int:
    """The seed of the daily challenge: the same for every player all day (UTC), different each day.

    Derived with SHA-256 from the ISO date (and the scenario's id, so each scenario has its own day),
    not with `hash()`, which changes between processes. A 32-bit non-negative integer.
    """
    if day is None:
        day = _dt.datetime.now(_dt.timezone.utc).date()
    elif isinstance(day, _dt.datetime):
        day = (day.astimezone(_dt.timezone.utc) if day.tzinfo else day).date()
    elif isinstance(day, str):
        day = _dt.date.fromisoformat(day)
    digest = hashlib.sha256(f"processplay:daily:{scenario_id}:{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
