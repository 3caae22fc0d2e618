"""The rest of the day (engine.optimize.outlook): each option at a built-in decision, on the evaluation days.

The options' forecasts differ; the chosen one's is what the results measure, to the digit, and its
replication 0 is the day the run screen shows; the default's is the defaults' figure the par file keeps."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from engine import sim
from engine.load import load
from engine.optimize import decision_options, load_par, references, rest_of_day
from engine.optimize.outlook import rules_at_end
from engine.scoring import evaluation_days

ROOT = Path(__file__).resolve().parents[3]
ASKING = ["customer_service", "field_service", "supply_chain"]


@lru_cache(maxsize=None)
def scenario(name):
    return load(str(ROOT / "scenarios" / f"{name}.yaml"))


def first_decision(sc):
    return next((i, ev) for i, ev in enumerate(sc.events) if ev.decision is not None)


@lru_cache(maxsize=None)
def outlooks(name):
    sc = scenario(name)
    i, ev = first_decision(sc)
    return rest_of_day(sc, None, None, [], decision_options(sc, i, ev.at))


@pytest.mark.parametrize("name", ASKING)
def test_the_choices_forecasts_differ_and_only_a_thoughtful_one_gains(name):
    sc = scenario(name)
    _, ev = first_decision(sc)
    out = outlooks(name)
    assert set(out) == set(ev.decision.ids())
    profits = {k: o.profit for k, o in out.items()}
    assert len(set(profits.values())) == len(profits), profits
    default = profits[ev.decision.default]
    assert max(profits.values()) > default > min(profits.values()), profits  # one choice better, one worse
    # the default changes nothing: its forecast is the defaults' figure on the evaluation days (the par file's)
    assert default == references(sc, load_par(sc)).baseline


@pytest.mark.parametrize("name", ASKING)
def test_the_chosen_options_rest_of_day_is_the_run_of_its_script_to_the_digit(name):
    sc = scenario(name)
    i, ev = first_decision(sc)
    chosen = next(c for c in ev.decision.choices if c.id != ev.decision.default)
    option = decision_options(sc, i, ev.at)[chosen.id]
    seed, reps = evaluation_days(sc)
    result = sim.run(sc, replications=reps, seed=seed, script=option)
    outlook = outlooks(name)[chosen.id]
    assert outlook.kpis == result.means()
    assert outlook.watched == result.per_replication[0]
    watched = sim.Day(sc, seed=seed, replication=0, ask=True)
    for _ in watched.advance(None):
        pass
    assert watched.asking == i
    watched.decide(chosen.id)
    assert watched.finish() == outlook.watched
    assert outlook.money.profit == outlook.profit
    lines = dict(outlook.money.cost)
    assert lines.get("Decisions at the shocks", 0.0) == pytest.approx(chosen.cost)


def test_after_a_lever_pulled_mid_day_the_options_play_it_too():
    sc = scenario("customer_service")
    played = [(120.0, "rules", {"seniors": 11})]
    options = decision_options(sc, 0, 300.0)
    out = rest_of_day(sc, None, {"juniors": 38}, played, {"temps": options["temps"]}, seed=77)
    seed, reps = evaluation_days(sc, 77)
    result = sim.run(sc, None, {"juniors": 38}, replications=reps, seed=seed, script=played + options["temps"])
    assert out["temps"].kpis == result.means() and out["temps"].watched == result.per_replication[0]
    assert rules_at_end(sc, {"juniors": 38}, played + options["no_pitch"])["pitch"] == "none"
    assert rules_at_end(sc, {"juniors": 38}, played)["seniors"] == 11


def test_options_of_an_event_that_asks_nothing_are_refused():
    sc = scenario("customer_service")
    with pytest.raises(ValueError, match="asks no decision"):
        decision_options(sc, 1, 330.0)


def test_the_forecast_day_by_day_of_a_script_finishes_at_the_rest_of_day_figure():
    from engine.optimize import DayByDay

    sc = scenario("field_service")
    i, ev = first_decision(sc)
    option = decision_options(sc, i, ev.at)["overtime"]
    days = DayByDay(sc, None, None, script=option)
    while not days.done:
        days.step()
    assert days.forecast().kpis == outlooks("field_service")["overtime"].kpis
