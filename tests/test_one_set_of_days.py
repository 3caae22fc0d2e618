"""One set of numbers: every screen, export and command measures a scenario on its evaluation days, so the
same rules give the same money everywhere, to the cent.

For every built-in scenario and a few lever settings drawn at random (seeded), the rules screen's finished
forecast and the profit of `python main.py simulate --json` equal the engine's run on
`engine.scoring.evaluation_days` (the results' run; tests/game/play and tests/modes tie the results, the
boards and the debrief to it); the defaults and par that
`engine.optimize.references` hands every screen are the engine's runs of those settings on those days; a
decision taken at a shock (`--decide`) gives the same money on the command line, in the engine's run of the
script and in the rest-of-day forecast the decision dialog shows.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from engine.load import load
from engine.scoring import evaluation_days

ROOT = Path(__file__).resolve().parents[1]
BUILTINS = sorted((ROOT / "scenarios").glob("*.yaml"))


def random_settings(scenario, count: int, seed: int) -> list[dict]:
    """`count` lever settings, each lever at a value drawn from its range (a seeded draw)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        rules = {}
        for r in scenario.rules:
            rules[r.id] = rng.choice(list(r.values()))  # a slider's grid or a choice's options
        out.append(rules)
    return out


def cli_profit(path: Path, rules: dict, decide: dict | None = None) -> float:
    args = [sys.executable, str(ROOT / "main.py"), "simulate", str(path), "--json"]
    for k, v in rules.items():
        args += ["--rule", f"{k}={v}"]
    for event, choice in (decide or {}).items():
        args += ["--decide", f"{event}={choice}"]
    run = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout)["kpis"]["profit"]["mean"]


@pytest.mark.parametrize("path", BUILTINS, ids=[p.stem for p in BUILTINS])
def test_the_forecast_and_the_command_line_measure_on_the_evaluation_days(path):
    from engine import sim
    from engine.optimize import DayByDay

    scenario = load(path)
    seed, days = evaluation_days(scenario)
    for rules in [scenario.default_rules()] + random_settings(scenario, 2, seed=len(path.stem)):
        engine_profit = sim.run(scenario, None, rules, replications=days, seed=seed).means()["profit"]
        forecast = DayByDay(scenario, None, rules)  # the rules screen's forecast, run to its last day
        while not forecast.done:
            forecast.step()
        assert forecast.forecast().kpis["profit"] == engine_profit, rules
        assert cli_profit(path, rules) == pytest.approx(engine_profit, abs=0.005), rules


@pytest.mark.parametrize("path", BUILTINS, ids=[p.stem for p in BUILTINS])
def test_defaults_and_par_are_the_engines_runs_on_the_evaluation_days(path):
    from engine import sim
    from engine.optimize import load_par, references

    scenario = load(path)
    par = load_par(scenario)
    assert par is not None, f"{path.name}: its par file is missing or stale"
    ref = references(scenario, par)
    seed, days = evaluation_days(scenario)
    assert ref.days == (seed, days)
    base = sim.run(scenario, None, scenario.default_rules(), replications=days, seed=seed).means()
    best = sim.run(scenario, None, ref.par_rules, replications=days, seed=seed).means()
    assert ref.baseline == pytest.approx(base["profit"], abs=0.005)
    assert ref.par == pytest.approx(best["profit"], abs=0.005)
    assert ref.baseline_kpis["service_level"] == pytest.approx(base["service_level"], abs=1e-9)


@pytest.mark.parametrize("path", [p for p in BUILTINS if p.stem != "tutorial"], ids=lambda p: p.stem)
def test_a_decision_gives_the_same_money_on_the_command_line_in_the_run_and_in_its_forecast(path):
    from engine import sim
    from engine.optimize import decision_options, rest_of_day

    scenario = load(path)
    seed, days = evaluation_days(scenario)
    rules = random_settings(scenario, 1, seed=7)[0]
    i, event = next((i, ev) for i, ev in enumerate(scenario.events) if ev.decision is not None)
    choice = next(c.id for c in event.decision.choices if c.id != event.decision.default)
    option = decision_options(scenario, i, event.at)[choice]
    engine_profit = sim.run(scenario, None, rules, replications=days, seed=seed, script=option).means()["profit"]
    assert rest_of_day(scenario, None, rules, [], {choice: option})[choice].profit == engine_profit
    assert cli_profit(path, rules, {i + 1: choice}) == pytest.approx(engine_profit, abs=0.005)
