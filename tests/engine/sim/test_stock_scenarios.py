"""The supply-chain and field-service scenarios: they validate, simulate, and tell a plausible story."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine import sim
from engine.load import load, validate_file

ROOT = Path(__file__).resolve().parents[3]
SUPPLY = ROOT / "scenarios" / "supply_chain.yaml"
FIELD = ROOT / "scenarios" / "field_service.yaml"


@pytest.fixture(scope="module")
def supply():
    return load(SUPPLY)


@pytest.fixture(scope="module")
def field():
    return load(FIELD)


@pytest.mark.parametrize("path", [SUPPLY, FIELD], ids=["supply_chain", "field_service"])
def test_the_scenario_validates_with_advisors_levers_and_events(path):
    assert validate_file(path) == []
    sc = load(path)
    assert len(sc.advisors) >= 2 and sc.briefing and sc.events and sc.objective.targets
    assert 4 <= len(sc.rules) <= 6
    assert any(lines for lines in sc.hints.values())
    used = set(sc.reference.steps)
    # every supplier is simulated whether placed or not; the cards neither used nor supplying are distractors
    suppliers = {s.supplier for s in sc.steps.values() if s.kind == "inventory" and s.supplier}
    assert 2 <= len(set(sc.steps) - used - suppliers) <= 3


def test_a_plausible_fortnight_in_the_supply_chain(supply):
    k = sim.run(supply, replications=4).summary
    assert 2800 < k["arrivals"][0] < 3500
    assert k["completed"][0] == k["arrivals"][0]  # every order is delivered, if late
    assert 0.8 < k["fill_rate"][0] < 0.97  # room to improve: the target is 95 %
    assert 0.85 < k["on_time_rate"][0] < 1.0
    assert 100 < k["mean_on_hand.regional_dc"][0] < 400
    assert k["exits.delivered_direct"][0] > 0  # the shelf ran dry at times
    assert 24 < k["mean_time_in_system"][0] < 72
    assert k["profit"][0] > 0


def test_the_strike_slows_the_factory_and_empties_shelves(supply):
    calm = sim.run(dataclasses.replace(supply, events=()), replications=4).summary
    strike = sim.run(supply, replications=4).summary
    assert strike["mean_on_hand.factory_dc"][0] < calm["mean_on_hand.factory_dc"][0]
    assert strike["exits.delivered_direct"][0] > calm["exits.delivered_direct"][0]


def test_holding_more_stock_costs_holding_and_saves_direct_shipments(supply):
    lean = sim.run(supply, rules={"regional_buffer": 150}, replications=4)
    rich = sim.run(supply, rules={"regional_buffer": 450}, replications=4)
    assert rich.mean("mean_on_hand.regional_dc") > lean.mean("mean_on_hand.regional_dc") + 150
    assert rich.mean("fill_rate") > lean.mean("fill_rate")
    assert rich.mean("exits.delivered_direct") < lean.mean("exits.delivered_direct")
    # common random numbers: the same customers whatever the stock
    assert [r["arrivals"] for r in lean.per_replication] == [r["arrivals"] for r in rich.per_replication]


def test_a_plausible_day_of_field_service(field):
    k = sim.run(field, replications=4).summary
    assert 130 < k["arrivals"][0] < 200
    assert k["completed"][0] == k["arrivals"][0]
    assert 0.7 < k["on_time_rate"][0] < 0.95  # the target is 85 %: reachable, not given
    for pool in ("north_vans", "south_vans"):
        assert 0.5 < k[f"utilization.{pool}"][0] < 0.95
    assert 90 < k["mean_time_in_system"][0] < 240


def test_more_vans_fewer_broken_promises(field):
    few = sim.run(field, rules={"north_vans": 5}, replications=4)
    more = sim.run(field, rules={"north_vans": 12}, replications=4)
    assert more.mean("on_time_rate") > few.mean("on_time_rate")
    assert more.mean("cost") != few.mean("cost")
