"""The engine against queueing theory: Erlang C (M/M/c), Erlang A (M/M/c+M), Little's law.

Steady-state formulas need a steady state: the runs drop the first hour (warmup) and drain at the end, so
every counted caller is followed to the end of their call. Each assertion allows four standard errors of
the mean over replications, with a fixed seed: such a test neither flakes nor passes by luck.
"""
from __future__ import annotations

import math
import statistics

import pytest

from engine import sim
from engine.queueing import ErlangA, MMc
from test_sim_models import mmc

REPS = 16


def within(result: sim.RunResult, name: str, expected: float, k: float = 4.0) -> None:
    values = [r[name] for r in result.per_replication]
    mean = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values))
    assert abs(mean - expected) <= k * se + 1e-12, f"{name}: {mean:.6f} vs {expected:.6f} (se {se:.6f})"


@pytest.fixture(scope="module")
def erlang_c_run() -> sim.RunResult:
    sc = mmc(lam=10.0, mu=1.0, c=12, horizon=540.0, warmup=60.0, slw=1 / 3, seed=11)
    return sim.run(sc, replications=REPS)


@pytest.fixture(scope="module")
def erlang_a_run() -> sim.RunResult:
    sc = mmc(lam=10.0, mu=1.0, c=12, patience=2.0, horizon=540.0, warmup=60.0, slw=1 / 3, seed=12)
    return sim.run(sc, replications=REPS)


def test_public_figures_of_the_formulas():
    m = MMc(10.0, 1.0, 12)
    assert m.p_wait == pytest.approx(0.449388, abs=1e-6)
    assert m.asa == pytest.approx(0.224694, abs=1e-6)
    assert m.service_level(1 / 3) == pytest.approx(0.769276, abs=1e-6)
    a = ErlangA(10.0, 1.0, 12, 0.5)
    assert a.p_abandon == pytest.approx(0.039181, abs=1e-6)
    assert a.p_wait == pytest.approx(0.341520, abs=1e-6)


def test_erlang_c_p_wait(erlang_c_run):
    within(erlang_c_run, "p_wait", MMc(10.0, 1.0, 12).p_wait)


def test_erlang_c_asa(erlang_c_run):
    within(erlang_c_run, "asa", MMc(10.0, 1.0, 12).asa)
    within(erlang_c_run, "mean_wait", MMc(10.0, 1.0, 12).asa)  # nobody abandons: every wait ends in an answer


def test_erlang_c_service_level(erlang_c_run):
    within(erlang_c_run, "service_level", MMc(10.0, 1.0, 12).service_level(1 / 3))


def test_erlang_c_utilization_and_time_in_system(erlang_c_run):
    m = MMc(10.0, 1.0, 12)
    within(erlang_c_run, "utilization.agents", m.utilization)
    within(erlang_c_run, "mean_time_in_system", m.mean_time_in_system)
    assert erlang_c_run.mean("abandoned") == 0
    assert erlang_c_run.mean("completed") == erlang_c_run.mean("arrivals")


def test_erlang_a_abandonment(erlang_a_run):
    within(erlang_a_run, "abandon_rate", ErlangA(10.0, 1.0, 12, 0.5).p_abandon)


def test_erlang_a_p_wait(erlang_a_run):
    within(erlang_a_run, "p_wait", ErlangA(10.0, 1.0, 12, 0.5).p_wait)


def test_erlang_a_waits(erlang_a_run):
    a = ErlangA(10.0, 1.0, 12, 0.5)
    within(erlang_a_run, "mean_wait", a.mean_wait)  # abandoners' waits included
    within(erlang_a_run, "asa", a.asa)
    within(erlang_a_run, "service_level", a.service_level(1 / 3))


def test_erlang_a_counts_add_up(erlang_a_run):
    for r in erlang_a_run.per_replication:
        assert r["completed"] + r["abandoned"] == r["arrivals"]  # drained: everyone counted has left
        assert r["exits.done"] == r["completed"] and r["exits.hung_up"] == r["abandoned"]
        assert r["abandon_rate"] == pytest.approx(r["abandoned"] / r["arrivals"])


def test_littles_law_on_the_trace():
    """The time-average queue length, read off the trace, equals the arrival rate times the mean wait."""
    sc = mmc(lam=10.0, mu=1.0, c=11, patience=3.0, horizon=300.0, seed=5)
    day = sim.Day(sc, trace=True)
    area, last_t, last_q = 0.0, 0.0, 0
    for rec in day.advance():
        if rec[0] == "queue":
            area += last_q * (rec[1] - last_t)
            last_t, last_q = rec[1], rec[3]
    k = day.kpis()
    # Every caller has left (drain), so the area under the queue length is exactly the sum of the waits.
    assert last_q == 0
    assert area == pytest.approx(k["mean_wait"] * k["arrivals"], rel=1e-9)
    # Little's law over the day: L = lambda W, with the observed arrival rate.
    lam = k["arrivals"] / day.end_time
    assert area / day.end_time == pytest.approx(lam * k["mean_wait"], rel=1e-9)
    # And the servers: mean number busy = throughput x mean talk time (within sampling noise).
    assert k["utilization.agents"] * 11 * day.end_time == pytest.approx(k["completed"] * 1.0, rel=0.05)
