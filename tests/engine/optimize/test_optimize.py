"""The optimizer: coordinate search with successive halving on common random numbers."""
from __future__ import annotations

import numpy as np
import pytest

from engine.load import loads
from engine.model import Choice, Slider
from engine.optimize import Evaluator, optimize, search


class Synthetic(Evaluator):
    """A known landscape plus day-to-day noise that is the same for every rule setting (CRN)."""

    def __init__(self, f, noise=50.0, seed=3):
        super().__init__()
        self.f = f
        self.day = np.random.default_rng(seed).normal(0, noise, 1000)
        self.calls = 0

    def _run(self, rules, start, stop):
        self.calls += 1
        return [self.f(rules) + self.day[i] * (1 + 0.01 * sum(float(v) for v in rules.values()
                                                              if not isinstance(v, str)))
                for i in range(start, stop)]


LEVERS = (
    Slider("agents", "Agents", ("resources.a.count",), 1, 30, 1, 5),
    Slider("share", "Share", ("steps.b.branches.x",), 0.0, 1.0, 0.05, 0.5, integer=False),
    Choice("ivr", "IVR", "basic", {"basic": (), "premium": (), "none": ()}),
)


def landscape(r):
    bonus = {"basic": 0.0, "premium": 120.0, "none": -300.0}[r["ivr"]]
    return 1000 - 15 * (r["agents"] - 17) ** 2 - 800 * (r["share"] - 0.35) ** 2 + bonus


def test_search_finds_the_known_optimum_of_a_noisy_landscape():
    ev = Synthetic(landscape)
    best = search(LEVERS, {"agents": 5, "share": 0.5, "ivr": "basic"}, ev, full=10)
    assert best["agents"] == 17
    assert best["ivr"] == "premium"
    assert best["share"] == pytest.approx(0.35)


def test_search_respects_its_budget():
    ev = Synthetic(landscape)
    search(LEVERS, {"agents": 5, "share": 0.5, "ivr": "basic"}, ev, full=10, budget=60)
    assert ev.used <= 60 + 10 * 3  # the rung in flight may finish


def test_progress_is_reported_and_ends_at_one():
    seen = []
    sc = _scenario_with_rules()
    res = optimize(sc, evaluator=Synthetic(lambda r: -abs(r["staff"] - 4) * 10.0, noise=1.0),
                   progress=lambda f, msg: seen.append((f, msg)))
    assert seen and seen[-1][0] == 1.0
    assert all(0 <= f <= 1 for f, _ in seen)
    assert res.best_rules == {"staff": 4}
    assert res.par > res.baseline


def test_par_is_never_below_baseline():
    sc = _scenario_with_rules()
    res = optimize(sc, evaluator=Synthetic(lambda r: -abs(r["staff"] - 2) * 10.0, noise=0.0))
    assert res.best_rules == {"staff": 2} and res.par == res.baseline


def _scenario_with_rules():
    return loads("""
format: 1
id: opt
title: Opt
summary: s
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
rules:
  - {id: staff, label: Staff, sets: resources.staff.count, min: 1, max: 10, step: 1, default: 2}
objective: {score: profit}
""", "<opt>")


STAFFING = """
format: 1
id: staffing
title: Staffing
summary: One desk; each agent costs 90 an hour, each served call earns 12, each hang-up costs 8.
domain: call_center
currency: USD
time: {unit: minute, horizon: 240}
run: {replications: 8, seed: 11}
entities: {call: {patience: {exponential: {mean: 2}}}}
resources: {agents: {count: 4, cost_per_hour: 90}}
steps:
  incoming: {kind: source, entity: call, rate: 2}
  desk: {kind: service, pools: [agents], duration: {exponential: {mean: 3}}}
  served: {kind: exit, outcome: completed, revenue: 12}
  gone: {kind: exit, outcome: abandoned, penalty: 8}
reference: ["incoming.out -> desk", "desk.done -> served", "desk.abandoned -> gone"]
rules:
  - {id: agents, label: Agents, sets: resources.agents.count, min: 1, max: 20, step: 1, default: 4}
objective: {score: profit}
"""


def test_optimizer_finds_the_best_staffing_found_by_brute_force():
    sim = pytest.importorskip("engine.sim")
    sc = loads(STAFFING, "<staffing>")
    # The profit curve, every staffing level on the same seed and replications.
    curve = {c: sim.run(sc, rules={"agents": c}).mean("profit") for c in range(1, 21)}
    best = max(curve, key=curve.get)
    assert 5 < best < 12  # an interior optimum: neither end of the slider
    res = optimize(sc)
    assert res.best_rules == {"agents": best}
    assert res.par == pytest.approx(curve[best], rel=1e-12)
    assert res.baseline == pytest.approx(curve[4], rel=1e-12)
    assert res.simulated < 20 * sc.run.replications  # cheaper than the brute force


# ------------------------------------------------------------------------------------------ bottlenecks

def test_bottlenecks_account_for_every_hang_up_and_minute_of_waiting():
    sim = pytest.importorskip("engine.sim")
    from engine.optimize import bottlenecks

    sc = loads(STAFFING, "<staffing>")
    run = sim.run(sc, rules={"agents": 5}, replications=3)
    losses = bottlenecks(sc, rules={"agents": 5}, replications=3)
    desk = next(x for x in losses if x.id == "desk")
    assert desk.abandoned == pytest.approx(run.mean("abandoned"))
    waited = [k["mean_wait"] * k["arrivals"] for k in run.per_replication]
    assert desk.wait_minutes == pytest.approx(sum(waited) / len(waited))
    assert desk.penalty == pytest.approx(8 * run.mean("abandoned"))
    assert desk.lost_revenue == pytest.approx(12 * run.mean("abandoned"))  # each would have paid 12
    assert desk.money == pytest.approx(desk.penalty + desk.lost_revenue)
    assert "hang-ups" in desk.message("USD")
    agents = next(x for x in losses if x.id == "agents")
    assert agents.kind == "pool" and agents.money == pytest.approx(90 * agents.idle_hours)
    assert [x.money for x in losses] == sorted((x.money for x in losses), reverse=True)


def test_bottleneck_ranking_follows_the_staffing():
    pytest.importorskip("engine.sim")
    from engine.optimize import bottlenecks

    sc = loads(STAFFING, "<staffing>")
    assert bottlenecks(sc, rules={"agents": 3}, replications=2)[0].id == "desk"  # hang-ups
    assert bottlenecks(sc, rules={"agents": 16}, replications=2)[0].id == "agents"  # idle pay


# ------------------------------------------------------------------------------------------ par files

def test_par_file_round_trip_and_staleness(tmp_path):
    from engine.optimize import OptimizeResult, load_par, par_path, save_par

    path = tmp_path / "staffing.yaml"
    path.write_text(STAFFING)
    from engine.load import load

    sc = load(path)
    assert par_path(path) == tmp_path / "staffing.par.json"
    assert load_par(sc) is None
    res = OptimizeResult(100.0, 250.0, {"agents": 8}, 5.0, 6.0, 8, 11)
    save_par(sc, res)
    back = load_par(sc)
    assert (back.baseline, back.par, back.best_rules, back.replications, back.seed) == (100.0, 250.0, {"agents": 8}, 8, 11)
    # the scenario changed: its kept par no longer counts
    path.write_text(STAFFING.replace("revenue: 12", "revenue: 13"))
    assert load_par(load(path)) is None


def test_par_job_in_the_background_matches_optimize(tmp_path):
    pytest.importorskip("engine.sim")
    from engine.optimize import ParJob

    path = tmp_path / "staffing.yaml"
    path.write_text(STAFFING)
    job = ParJob(path)
    assert job.wait(timeout=120), "the background par took too long"
    assert job.error is None
    direct = optimize(loads(STAFFING, "<s>"))
    assert job.result.best_rules == direct.best_rules
    assert job.result.par == pytest.approx(direct.par)
    assert job.progress == 1.0


def test_baseline_and_par_on_another_seed():
    sim = pytest.importorskip("engine.sim")
    from engine.optimize import baseline_and_par

    sc = loads(STAFFING, "<staffing>")
    base, par = baseline_and_par(sc, {"agents": 8}, seed=99, replications=4)
    assert base == pytest.approx(sim.run(sc, seed=99, replications=4).mean("score"))
    assert par == pytest.approx(sim.run(sc, rules={"agents": 8}, seed=99, replications=4).mean("score"))


SHOP = """
format: 1
id: shop
title: Shop
summary: One shelf, base stock 6, lost sales when empty.
domain: supply_chain
currency: USD
time: {unit: hour, horizon: 200}
run: {replications: 3, seed: 5}
entities: {order: {}}
resources: {}
steps:
  orders: {kind: source, entity: order, rate: 2}
  shelf: {kind: inventory, initial: 6, policy: {type: base_stock, S: 6}, lead_time: {exponential: {mean: 3}},
          unit_cost: 4, holding_cost: 0.5, when_out: lost}
  shipped: {kind: exit, outcome: completed, revenue: 20}
  lost_sale: {kind: exit, outcome: lost, penalty: 2}
reference: ["orders.out -> shelf", "shelf.ok -> shipped", "shelf.out -> lost_sale"]
rules: []
objective: {score: profit}
"""


def test_bottlenecks_at_a_shelf_count_lost_sales_and_holding():
    sim = pytest.importorskip("engine.sim")
    from engine.optimize import bottlenecks

    sc = loads(SHOP, "<shop>")
    try:
        run = sim.run(sc, replications=3)
    except NotImplementedError:
        pytest.skip("the engine does not simulate inventory steps yet")
    shelf = bottlenecks(sc, replications=3)[0]
    assert shelf.id == "shelf"
    assert shelf.lost_sales == pytest.approx(run.mean("stockouts"))
    assert shelf.lost_revenue == pytest.approx(20 * run.mean("stockouts"))
    assert shelf.penalty == pytest.approx(2 * run.mean("stockouts"))
    assert shelf.holding_cost == pytest.approx(run.mean("mean_on_hand.shelf") * 0.5 * 200)
    assert "lost sales" in shelf.message("USD")


def test_pair_moves_climb_a_ridge_one_lever_at_a_time_cannot():
    # Two levers that must move together (like juniors and seniors sharing the work): from (5, 5) any
    # single-lever move is worse, yet (10, 10) is far better.
    levers = (Slider("a", "A", ("x.a",), 0, 20, 1, 5), Slider("b", "B", ("x.b",), 0, 20, 1, 5))
    ev = Synthetic(lambda r: -100 * (r["a"] - r["b"]) ** 2 - (r["a"] + r["b"] - 20) ** 2, noise=1.0)
    assert search(levers, {"a": 5, "b": 5}, ev, full=6) == {"a": 10, "b": 10}


def test_several_starts_escape_a_local_optimum():
    from engine.optimize import start_points

    sc = _scenario_with_rules()  # staff 1..10, default 2
    assert [p["staff"] for p in start_points(sc)] == [2, 3, 8]
    # two peaks: a small one near the default, a higher one far away
    bumpy = Synthetic(lambda r: {2: 50, 3: 60, 4: 40}.get(r["staff"], 0) + (100 if r["staff"] == 8 else 0)
                      + (70 if r["staff"] in (7, 9) else 0), noise=0.5)
    assert optimize(sc, evaluator=bumpy).best_rules == {"staff": 8}
