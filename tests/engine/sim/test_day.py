"""Determinism, common random numbers, the incremental `Day`, its trace and the event log."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import defaultdict

import pytest

from engine.sim import stats as kpi_stats
from engine import sim
from engine.model import Attribute, EntityType, Exit, Pool, Route, Service, Source
from test_sim_models import Exp, edges, mmc, scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def routed(agents: int, patience: float | None = None):
    """Callers with a `need`, routed to one desk and on to an exit per need: attributes show in exit counts."""
    call = EntityType("call", "Caller", attributes=(Attribute("need", ("a", "b", "c"), (0.5, 0.3, 0.2)),),
                      patience=Exp(patience) if patience else None)
    steps = [Source("in", "In", entity="call", rate=((0.0, 9.0),)),
             Service("desk", "Desk", pools=("reps",), duration=Exp(1.0), patience_port=patience is not None),
             Route("need", "Need", by="need", values=("a", "b", "c")),
             Exit("ea", "A"), Exit("eb", "B"), Exit("ec", "C"), Exit("gone", "Gone", outcome="abandoned")]
    ref = ["in.out -> desk", "desk.done -> need", "need.a -> ea", "need.b -> eb", "need.c -> ec"]
    if patience:
        ref.append("desk.abandoned -> gone")
    return scenario(steps, edges(*ref), entities=[call], resources=[Pool("reps", "Reps", agents)], horizon=240.0,
                    seed=77)


def test_same_seed_same_numbers_to_the_last_digit():
    sc = mmc(patience=2.0, horizon=120.0)
    a = sim.run(sc, replications=3, seed=5)
    b = sim.run(sc, replications=3, seed=5)
    assert a.per_replication == b.per_replication
    c = sim.run(sc, replications=3, seed=6)
    assert a.per_replication != c.per_replication


def test_same_numbers_in_another_process():
    code = (
        "import sys; sys.path[:0] = [%r, %r]\n"
        "from test_sim_models import mmc\n"
        "from engine import sim\n"
        "r = sim.run(mmc(patience=2.0, horizon=120.0), replications=2, seed=5)\n"
        "print(repr(r.per_replication))\n" % (ROOT, HERE)
    )
    env = dict(os.environ, PYTHONHASHSEED="123")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    here = sim.run(mmc(patience=2.0, horizon=120.0), replications=2, seed=5)
    assert out.strip() == repr(here.per_replication)


def test_replications_differ_and_each_is_reproducible_alone():
    sc = mmc(patience=2.0, horizon=120.0)
    run = sim.run(sc, replications=3, seed=9)
    assert len({r["arrivals"] for r in run.per_replication}) > 1
    alone = sim.Day(sc, seed=9, replication=2).finish()
    assert alone == run.per_replication[2]


def _per_entity(sc, **kw):
    """entity -> (arrival time, talk time, exit) for a traced day."""
    born, started, talk, exit_of = {}, {}, {}, {}
    for rec in sim.Day(sc, trace=True, **kw).advance():
        if rec[0] == "move" and rec[3] == "in":
            born[rec[2]] = rec[1]
        elif rec[0] == "start":
            started[rec[2]] = rec[1]
        elif rec[0] == "finish":
            talk[rec[2]] = rec[1] - started[rec[2]]
        elif rec[0] == "end":
            exit_of[rec[2]] = rec[3]
    return born, talk, exit_of


def test_common_random_numbers_changing_staff_meets_the_same_callers():
    born9, talk9, exit9 = _per_entity(routed(9))
    born14, talk14, exit14 = _per_entity(routed(14))
    assert born9 == born14  # the same callers arrive at the same moments
    assert talk9.keys() == talk14.keys()
    assert all(talk9[e] == pytest.approx(talk14[e], rel=1e-12, abs=1e-12) for e in talk9)  # the same work
    assert exit9 == exit14  # the same needs
    # ... while the queues do differ
    k9, k14 = sim.Day(routed(9)).finish(), sim.Day(routed(14)).finish()
    assert k9["mean_wait"] > k14["mean_wait"]
    assert k9["arrivals"] == k14["arrivals"]


def test_common_random_numbers_with_patience():
    a = sim.run(routed(9, patience=1.0), replications=3)
    b = sim.run(routed(12, patience=1.0), replications=3)
    for ra, rb in zip(a.per_replication, b.per_replication):
        assert ra["arrivals"] == rb["arrivals"]
        assert ra["abandoned"] > rb["abandoned"]


def test_advancing_in_steps_gives_the_same_day():
    sc = mmc(patience=2.0, horizon=120.0)
    whole = sim.Day(sc, trace=True)
    records = list(whole.advance())
    stepped = sim.Day(sc, trace=True)
    pieces = []
    t = 0.0
    while not stepped.done:
        t += 7.5
        pieces.extend(stepped.advance(t))
        assert stepped.now <= t
    assert pieces == records
    assert stepped.kpis() == whole.kpis()
    plain = sim.Day(sc).finish()
    assert plain == whole.kpis()  # tracing changes nothing


def test_the_trace_streams_in_bounded_chunks():
    day = sim.Day(mmc(horizon=480.0), trace=True)
    n = 0
    for _ in day.advance():
        n += 1
        assert len(day.trace) < sim.TRACE_CHUNK + 16
    assert n > 5 * sim.TRACE_CHUNK


def test_kpis_part_way_through_the_day():
    day = sim.Day(mmc(patience=2.0, horizon=480.0))
    for _ in day.advance(240.0):
        pass
    k = day.kpis()
    assert 2000 < k["arrivals"] < 2800 and not day.done
    assert 0.5 < k["utilization.agents"] <= 1.0
    final = day.finish()
    assert final["arrivals"] > k["arrivals"]


def test_a_change_mid_day_takes_effect_from_that_moment():
    sc = mmc(lam=10.0, c=11, patience=5.0, horizon=480.0)
    base = sim.Day(sc)
    for _ in base.advance(240.0):
        pass
    changed = sim.Day(sc, trace=True)
    list(changed.advance(240.0))
    changed.set("resources.agents.count", 16)
    changed.set("steps.incoming.rate", 5.0)
    assert changed.busy_counts()["agents"][1] == 16
    recs = list(changed.advance())
    arrivals_after = sum(1 for r in recs if r[0] == "move" and r[3] == "incoming")
    assert abs(arrivals_after - 1200) < 4 * 1200 ** 0.5  # half the rate over the last 240 minutes
    kb, kc = base.finish(), changed.kpis()
    assert kc["mean_wait"] < kb["mean_wait"]


def test_event_log_has_xes_columns_and_one_case_per_caller():
    from engine.eventlog.export import log_text
    from engine.eventlog.rows import DEFAULT_DATE
    from engine.eventlog.writers import COLUMNS

    sc = mmc(patience=0.5, lam=12.0, c=11, horizon=60.0)
    text = log_text(sc, seed=3, days=[0])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == COLUMNS
    cases = defaultdict(list)
    for r in rows:
        cases[r["case:concept:name"]].append(r)
    k = sim.Day(sc, seed=3).finish()
    assert len(cases) == k["arrivals"]
    transitions = {r["lifecycle:transition"] for r in rows}
    assert transitions == {"schedule", "start", "complete", "withdraw"}
    served = [r for r in rows if r["concept:name"] == "Desk" and r["lifecycle:transition"] == "start"]
    assert all(r["org:group"] == "agents" and r["org:resource"].startswith("agents-") for r in served)
    assert len({r["org:resource"] for r in served}) <= 11  # one of the 11 agents each time
    assert rows[0]["time:timestamp"].startswith(DEFAULT_DATE + "T00:00")
    stamps = [r["time:timestamp"] for r in rows]
    assert stamps == sorted(stamps)


def test_run_result_summary_and_json():
    run = sim.run(mmc(horizon=60.0), replications=4, seed=2)
    m, h = run.summary["arrivals"]
    vals = [r["arrivals"] for r in run.per_replication]
    assert m == pytest.approx(sum(vals) / 4)
    assert h == pytest.approx(kpi_stats.t975(3) * (sum((v - m) ** 2 for v in vals) / 3) ** 0.5 / 2)
    doc = run.to_json()
    assert set(doc) == {"scenario", "replications", "seed", "rules", "kpis"}
    assert set(doc["kpis"]["p_wait"]) == {"mean", "ci95"}
    json.dumps(doc)  # plain data


def test_student_t_quantiles():
    scipy_stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 5, 10, 29, 30, 31, 50, 100, 1000):
        assert kpi_stats.t975(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), rel=2e-4)


def test_engine_never_imports_pygame():
    code = "import sys; sys.path.insert(0, %r); import engine.sim, engine.sim.trace; print('pygame' in sys.modules)" % ROOT
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_quiet_moment_is_not_the_end_of_the_day():
    """Nobody inside and the next caller still to come: the day goes on."""
    day = sim.Day(mmc(lam=0.05, c=2, horizon=480.0))
    list(day.advance(1.0))
    assert not day.done
    day.finish()
    assert day.done and day.kpis()["arrivals"] > 5


def test_run_defaults_and_progress():
    sc = mmc(horizon=30.0, reps=3)
    seen = []
    run = sim.run(sc, progress=lambda done, total: seen.append((done, total)))
    assert run.replications == 3 and run.seed == sc.run.seed
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_cutoff_with_warmup_accounts_for_everyone():
    sc = mmc(lam=13.0, c=12, patience=3.0, horizon=200.0, warmup=50.0, close="cutoff")
    day = sim.Day(sc)
    k = day.finish()
    inside = sum(1 for e in day._waiting() if e.born >= 50.0) + sum(
        1 for e, _, _ in day._in_service() if e.born >= 50.0)
    assert k["completed"] + k["abandoned"] + inside == k["arrivals"]
    assert 0.9 < k["utilization.agents"] <= 1.0
