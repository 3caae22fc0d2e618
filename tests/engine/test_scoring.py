"""Scoring: the score in money, targets, stars, the board's order, the daily seed."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from engine.load import loads
from engine.scoring import (
    check_targets, daily_seed, grade, kpi_means, objective_score, rank_key, stars,
)
import engine.scoring as scoring

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
    # the score is the profit: the penalties are already among the run's costs (KPI penalty.hang_ups)
    assert objective_score(sc, GOOD) == pytest.approx(GOOD["profit"])
    assert objective_score(sc, {k: (v, 1.0) for k, v in GOOD.items()}) == pytest.approx(GOOD["profit"])
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


def test_grade_is_money_with_stars(sc):
    g = grade(sc, GOOD, baseline=800, par=1100, map_score=90)
    assert g.score == g.profit == pytest.approx(GOOD["profit"])
    assert (g.baseline, g.par, g.map_score) == (800.0, 1100.0, 90)
    assert g.stars == 2 and g.targets_met and g.beats_baseline and not g.reaches_par
    g = grade(sc, MISSES_SL, baseline=800, par=1010, map_score=100)
    assert g.stars == 1 and not g.targets_met and g.reaches_par  # par needs the targets too
    assert grade(sc, GOOD, baseline=800, par=1010, map_score=100).stars == 3
    assert grade(sc, GOOD, baseline=1000, par=1010).stars == 0  # the defaults' profit is not beaten


def test_no_points_out_of_1000_left():
    for gone in ("MAP_POINTS", "RULES_POINTS", "rules_points", "headline"):
        assert not hasattr(scoring, gone), gone
    assert "headline" not in scoring.Grade.__slots__


def test_rank_key_profit_then_stars_then_map():
    rows = [(900.0, 1, 100), (1200.0, 0, 40), (900.0, 2, 10), (900.0, 2, 80), (None, 3, 100)]
    ranked = sorted(rows, key=lambda r: rank_key(*r))
    assert ranked == [(1200.0, 0, 40), (900.0, 2, 80), (900.0, 2, 10), (900.0, 1, 100), (None, 3, 100)]
    assert rank_key(float("nan"), 3, 100) > rank_key(-1e9, 0, 0)  # no profit ranks after any profit


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
