"""Scoring a round: the objective on the KPIs, targets, stars, the headline score, the daily seed.

A round has two halves. The map half is scored 0-100 by `engine.maps.compare_map`. The rules half is the
scenario's objective (`objective.score`, an expression over KPI names) evaluated on the player's run and
placed between the baseline (the default rules) and par (the best rules the optimizer found), all run on
the same seeds so the comparison is fair. `grade` puts the two together into stars and one headline
number out of 1,000, the same formula for every scenario, so a leaderboard can rank any of them.
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
    "MAP_POINTS", "RULES_POINTS", "rules_points", "headline", "Grade", "grade", "daily_seed", "evaluation_days",
]

#: Reaching par means a score within this share of |par| below it (or above par).
PAR_TOLERANCE = 0.02
#: The headline is out of MAP_POINTS + RULES_POINTS = 1,000.
MAP_POINTS = 400
RULES_POINTS = 600


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


def rules_points(score: float, baseline: float, par: float) -> float:
    """Where the player's score sits between baseline and par, as 0-600 points.

    With the gap g = par - baseline (at least 1 % of max(|par|, |baseline|), so that a scenario whose
    par barely beats its baseline does not make every small difference huge) and the position
    x = (score - baseline) / g, the points are piecewise linear in x:

        x <= -1: 0;  -1..0: 0 -> 100;  0..1: 100 -> 500;  1..2: 500 -> 600;  x >= 2: 600

    so keeping the default rules earns 100, reaching par 500, and going beyond par (par is the best the
    optimizer found, not the best there is) earns up to 100 more, reached at twice par's gain.
    """
    gap = max(par - baseline, 0.01 * max(abs(par), abs(baseline)), 1e-9)
    x = (score - baseline) / gap
    if math.isnan(x):
        return 0.0
    if x <= -1:
        return 0.0
    if x <= 0:
        return 100.0 * (1 + x)
    if x <= 1:
        return 100.0 + 400.0 * x
    return min(600.0, 500.0 + 100.0 * (x - 1))


def headline(map_score: float, score: float, baseline: float, par: float) -> int:
    """The headline score out of 1,000, the same formula for every scenario:

        round(4 * map_score + rules_points(score, baseline, par))

    the map (0-100) worth up to 400 and the rules up to 600 (see `rules_points`). A poor map costs twice:
    here, and in the run, since the player's map is the one simulated.
    """
    m = min(100.0, max(0.0, float(map_score)))
    return int(round(MAP_POINTS / 100 * m + rules_points(score, baseline, par)))


@dataclass(frozen=True, slots=True)
class Grade:
    """A round's result: everything the results screen shows."""

    map_score: int
    score: float
    baseline: float
    par: float
    targets: tuple[TargetResult, ...]
    stars: int
    headline: int

    @property
    def targets_met(self) -> bool:
        return all(t.met for t in self.targets)

    @property
    def beats_baseline(self) -> bool:
        return self.score > self.baseline

    @property
    def reaches_par(self) -> bool:
        return reaches_par(self.score, self.par)


def grade(scenario: Scenario, kpis: Mapping[str, Any], baseline: float, par: float,
          map_score: float = 100) -> Grade:
    """Grade a run: `kpis` are the player's run (means, or (mean, ci95) pairs); `baseline` and `par`
    the objective's value under the default and the best rules, on the same seeds."""
    score = objective_score(scenario, kpis)
    targets = check_targets(scenario, kpis)
    met = all(t.met for t in targets)
    return Grade(int(map_score), score, float(baseline), float(par), targets,
                 stars(score, baseline, par, met), headline(map_score, score, baseline, par))


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
