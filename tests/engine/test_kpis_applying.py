"""engine.kpis_applying: a KPI applies when the scenario has what produces it, or names it in a target.

Checked against real runs: a KPI said not to apply reports, on every built-in scenario, only the value it
has by default (fill rate 100 %, no stock-outs, on time 100 %, nobody gave up or was lost), so leaving it
out hides nothing; and what makes one apply (a shelf, a due time, patience, a target) turns it on."""
from __future__ import annotations

import dataclasses

import pytest

from engine.kpis_applying import applies, applying
from engine.load import builtin_dir, load
from engine.sim import run

#: what a KPI reports when nothing in the day produces it
VACUOUS = {"fill_rate": 1.0, "stockouts": 0.0, "backorders": 0.0, "on_time_rate": 1.0, "abandon_rate": 0.0,
           "abandoned": 0.0, "lost": 0.0}


def scenario(name):
    return load(builtin_dir() / f"{name}.yaml")


@pytest.mark.parametrize("name", ["tutorial", "customer_service", "field_service", "supply_chain"])
def test_a_kpi_left_out_only_ever_reports_its_default_value(name):
    sc = scenario(name)
    out = [n for n in sc.kpi_names() if not applies(sc, n)]
    kpis = run(sc, None, sc.default_rules(), replications=2, seed=3, workers=1).means()
    assert out, "every built-in scenario lacks something (a shelf, due times or patience)"
    for kpi in out:
        assert kpi in VACUOUS, kpi
        assert kpis[kpi] == pytest.approx(VACUOUS[kpi]), kpi
    for t in sc.objective.targets:
        assert applies(sc, t.kpi)


def test_the_help_desk_has_no_fill_rate_nor_on_time_but_its_hang_ups():
    sc = scenario("tutorial")
    assert applying(sc, ["profit", "on_time_rate", "fill_rate", "abandon_rate", "service_level",
                         "utilization.agents", "utilization.nobody"]) == [
        "profit", "abandon_rate", "service_level", "utilization.agents"]


def test_a_shelf_a_due_time_and_a_target_each_make_their_kpi_apply():
    desk, depot, field = scenario("tutorial"), scenario("supply_chain"), scenario("field_service")
    assert not applies(desk, "fill_rate") and applies(depot, "fill_rate")
    assert not applies(desk, "on_time_rate") and applies(field, "on_time_rate")
    assert not applies(field, "abandon_rate") and applies(desk, "abandon_rate")
    target = dataclasses.replace(desk.objective.targets[0], kpi="fill_rate")
    named = dataclasses.replace(desk, objective=dataclasses.replace(desk.objective, targets=(target,)))
    assert applies(named, "fill_rate") and not applies(named, "on_time_rate")
