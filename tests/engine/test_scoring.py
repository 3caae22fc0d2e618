"""Rules scoring: objective, targets, stars, the headline score, the daily seed."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from engine.load import loads
from engine.scoring import (
    check_targets, daily_seed, grade, headline, kpi_means, objective_score, rules_points, stars,
)

SCENARIO = """
format: 1
id: tiny
title: Tiny
summary: A test scenario.
domain: generic
currency: USD
time: {unit: minute, horizon: 60}
entities: {job: {}}
resources: {staff: {count: 2, cost_per_hour: 20}}
steps:
  arrive: {kind: source, entity: job, rate: 1}
  work: {kind: service, pools: [staff], duration: 1}
  done: {kind: exit, outcome: completed, revenue: 5}
reference: ["arrive.out -> work", "work.done -> done"]
rules: []
objective:
  targets: {service_level: {min: 0.8}, abandon_rate: {max: 0.05}}
penalties:
  hang_ups: {kpi: abandoned, per_unit: 20}
"""


@pytest.fixture(scope="module")
def sc():
    return loads(SCENARIO, "<tiny>")


GOOD = {"profit": 1000.0, "abandoned": 2.0, "service_level": 0.85, "abandon_rate": 0.01}
MISSES_SL = {"profit": 1000.0, "abandoned": 2.0, "service_level": 0.70, "abandon_rate": 0.01}


def test_objective_on_means_or_pairs(sc):
    assert objective_score(sc, GOOD) == pytest.approx(960.0)
    assert objective_score(sc, {k: (v, 1.0) for k, v in GOOD.items()}) == pytest.approx(960.0)
    assert kpi_means({"a": {"mean": 3, "ci95": 1}}) == {"a": 3.0}


def test_targets(sc):
    assert [t.met for t in check_targets(sc, GOOD)] == [True, True]
    res = check_targets(sc, MISSES_SL)
    assert [(t.target.kpi, t.met) for t in res] == [("service_level", False), ("abandon_rate", True)]
    # a KPI the run did not report misses its target rather than passing silently
    assert not check_targets(sc, {"profit": 1, "abandoned": 0})[0].met


def test_stars():
    assert stars(90, baseline=100, par=200, targets_met=True) == 0
    assert stars(100, baseline=100, par=200, targets_met=True) == 0  # equal is not beating
    assert stars(150, baseline=100, par=200, targets_met=False) == 1
    assert stars(150, baseline=100, par=200, targets_met=True) == 2
    assert stars(196, baseline=100, par=200, targets_met=True) == 3  # within 2 % of |par|
    assert stars(195.9, baseline=100, par=200, targets_met=True) == 2
    assert stars(250, baseline=100, par=200, targets_met=False) == 1  # par needs the targets too
    # negative scores (a cost to minimise): 2 % of |par| still
    assert stars(-101.9, baseline=-150, par=-100, targets_met=True) == 3
    assert stars(-102.1, baseline=-150, par=-100, targets_met=True) == 2


def test_rules_points_between_baseline_and_par():
    assert rules_points(100, 100, 200) == 100
    assert rules_points(200, 100, 200) == 500
    assert rules_points(150, 100, 200) == 300
    assert rules_points(0, 100, 200) == 0
    assert rules_points(50, 100, 200) == 50
    assert rules_points(250, 100, 200) == 550
    assert rules_points(1e9, 100, 200) == 600
    # par no better than baseline: the gap is at least 1 % of the scale
    assert rules_points(100.5, 100, 100) == 300


def test_headline_on_fixed_kpis(sc):
    assert headline(100, 200, 100, 200) == 900
    assert headline(100, 400, 100, 200) == 1000
    assert headline(0, 0, 100, 200) == 0
    assert headline(94, 150, 100, 200) == 376 + 300
    g = grade(sc, GOOD, baseline=800, par=1000, map_score=90)
    # score 960: 80 % of the way from baseline to par -> 100 + 400 * 0.8 = 420; map 90 -> 360
    assert g.score == pytest.approx(960)
    assert g.headline == 780
    assert g.stars == 2 and g.targets_met and g.beats_baseline and not g.reaches_par
    g = grade(sc, MISSES_SL, baseline=800, par=970, map_score=100)
    assert g.stars == 1 and not g.targets_met and g.reaches_par
    assert g.headline == 400 + round(100 + 400 * 160 / 170)
    g = grade(sc, GOOD, baseline=800, par=970, map_score=100)
    assert g.stars == 3


def test_headline_same_formula_any_scale():
    # a scenario measured in thousands and one measured in units rank a player the same
    assert headline(80, 1500, 1000, 2000) == headline(80, 1.5, 1.0, 2.0)


def test_daily_seed_same_all_day_different_across_days():
    d = dt.date(2026, 11, 23)
    assert daily_seed(d) == daily_seed("2026-11-23")
    morning = dt.datetime(2026, 11, 23, 0, 1, tzinfo=dt.timezone.utc)
    night = dt.datetime(2026, 11, 23, 23, 59, tzinfo=dt.timezone.utc)
    assert daily_seed(morning) == daily_seed(night) == daily_seed(d)
    seeds = {daily_seed(d + dt.timedelta(days=i)) for i in range(365)}
    assert len(seeds) == 365
    assert daily_seed(d, "customer-service") != daily_seed(d, "supply-chain")
    assert 0 <= daily_seed(d) < 2 ** 32


def test_daily_seed_stable_across_processes():
    code = "from engine.scoring import daily_seed; print(daily_seed('2026-11-23', 'x'))"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": str(i)},
                           cwd=Path(__file__).resolve().parents[2]).stdout.strip()
            for i in (1, 2)}
    assert outs == {str(daily_seed("2026-11-23", "x"))}
