"""The engine on the built-in customer-service scenario: plausible numbers, rules, a changed day."""
from __future__ import annotations

import io
import os

import pytest

from engine import sim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PATH = os.path.join(ROOT, "scenarios", "customer_service.yaml")

scenario_module = pytest.importorskip("engine.load")
pytestmark = pytest.mark.skipif(not os.path.exists(PATH), reason="no customer-service scenario yet")


@pytest.fixture(scope="module")
def cs():
    return scenario_module.load(PATH)


@pytest.fixture(scope="module")
def default_run(cs):
    return sim.run(cs, replications=6)


def test_a_plausible_day_for_a_call_centre_manager(default_run):
    k = default_run.means()
    assert 0.75 <= k["utilization.junior"] <= 0.97
    assert 0.6 <= k["utilization.senior"] <= 0.97
    assert 0.4 <= k["service_level"] <= 0.95
    assert 0.01 <= k["abandon_rate"] <= 0.15
    assert k["completed"] + k["abandoned"] == pytest.approx(k["arrivals"])
    assert k["profit"] == pytest.approx(k["revenue"] - k["cost"])


def test_every_kpi_is_reported(cs, default_run):
    assert tuple(default_run.summary) == cs.kpi_names()
    assert all(isinstance(v, float) for r in default_run.per_replication for v in r.values())


def test_more_juniors_meet_the_same_callers_and_serve_them_better(cs, default_run):
    more = sim.run(cs, rules={"juniors": 46}, replications=6)
    for a, b in zip(default_run.per_replication, more.per_replication):
        assert a["arrivals"] == b["arrivals"]  # the same day
        assert b["mean_wait"] < a["mean_wait"]
    assert more.rules["juniors"] == 46


def test_rules_change_mid_day(cs):
    day = sim.Day(cs, rules=cs.default_rules(), trace=True)
    list(day.advance(120.0))
    day.apply_rules({"juniors": 48, "ivr": "virtual_agent"})
    assert day.busy_counts()["junior"][1] == 48
    rest = list(day.advance())
    assert day.done and rest
    k = day.kpis()
    assert k["arrivals"] > 3000


def test_events_fire_with_their_lines(cs):
    day = sim.Day(cs, trace=True)
    said = [rec for rec in day.advance() if rec[0] == "event"]
    assert [rec[1] for rec in said] == [e.at for e in cs.events]
    assert all(rec[3] and rec[4] for rec in said)


def test_event_log_of_the_day_starts_at_the_clock(cs):
    from engine.eventlog.export import export_log
    from engine.eventlog.rows import DEFAULT_DATE

    buf = io.StringIO()
    n = export_log(cs, buf, seed=1, days=[0])
    lines = buf.getvalue().splitlines()
    assert len(lines) == n + 1 and n > 10_000
    assert lines[1].split(",")[3].startswith(DEFAULT_DATE + "T08:0") and lines[1].split(",")[3].endswith("+00:00")
