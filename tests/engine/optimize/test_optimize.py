"""The optimizer: coordinate search with successive halving on common random numbers; par is winnable (the
best profit among settings that meet every target, on the evaluation days), its file keeps those days and
both settings' KPIs, and impossible targets are said in words by `optimize` and as a problem by `validate`."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.load import load, loads
from engine.model import Choice, Slider, Target
from engine.optimize import Evaluator, load_par, optimize, references, save_par, search
from engine.optimize.evaluate import Standing, missed_targets, shortfall
from engine.scoring import check_targets, evaluation_days

ROOT = Path(__file__).resolve().parents[3]


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


def test_bottlenecks_play_the_days_script_as_the_results_do():
    """Agents added at mid-day (a lever pulled then) count from then on: the hang-ups the bottleneck view
    counts are the played days' hang-ups, neither the start rules' nor the end rules' all day long."""
    sim = pytest.importorskip("engine.sim")
    from engine.optimize import bottlenecks

    sc = loads(STAFFING, "<staffing>")
    script = [(sc.time.horizon / 2, "rules", {"agents": 12})]
    played = sim.run(sc, rules={"agents": 3}, replications=2, script=script)
    desk = next(x for x in bottlenecks(sc, rules={"agents": 3}, replications=2, script=script) if x.id == "desk")
    assert desk.abandoned == pytest.approx(played.mean("abandoned"))
    assert sim.run(sc, rules={"agents": 3}, replications=2).mean("abandoned") > desk.abandoned
    assert desk.abandoned > sim.run(sc, rules={"agents": 12}, replications=2).mean("abandoned")


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


def test_references_on_a_daily_seed_are_the_engines_runs_on_those_days():
    sim = pytest.importorskip("engine.sim")
    from engine.optimize import references

    sc = loads(STAFFING, "<staffing>")
    kept = optimize(sc, seconds=20)
    ref = references(sc, kept, seed=99)
    days = sc.run.replications
    assert ref.days == (99, days)
    assert ref.baseline == sim.run(sc, seed=99, replications=days).mean("profit")
    assert ref.par == sim.run(sc, rules=kept.best_rules, seed=99, replications=days).mean("profit")
    assert ref.par_rules == {**sc.default_rules(), **kept.best_rules}


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


# ------------------------------------------------------------------------------------------ targets first

def staffing(most: float, top: int = 16) -> str:
    """STAFFING with a hang-up target (at most `most`) and the slider up to `top` agents, on 6 days."""
    out = (STAFFING.replace("max: 20", f"max: {top}").replace("replications: 8", "replications: 6")
           .replace("objective: {score: profit}", f"objective: {{targets: {{abandon_rate: {{max: {most}}}}}}}"))
    assert out.count(f"max: {top}") == 1 and "targets" in out
    return out


class Desk(Evaluator):
    """A synthetic desk: profit peaks at 6 agents, the hang-up rate falls with agents; day-to-day noise
    the same for every setting (common random numbers)."""

    def __init__(self):
        super().__init__()
        self.day = np.random.default_rng(5).normal(0, 1, 1000)

    def _run(self, rules, start, stop):
        a = rules["agents"]
        return [{"score": 1000 - 40 * (a - 6) ** 2 + 20 * self.day[i],
                 "abandon_rate": 0.4 / a + 0.002 * self.day[i]} for i in range(start, stop)]


AGENTS = (Slider("agents", "Agents", ("resources.a.count",), 1, 20, 1, 3),)


def test_the_search_puts_every_target_before_the_score():
    free = search(AGENTS, {"agents": 3}, Desk(), full=8)
    assert free == {"agents": 6}  # no targets: the most profitable staffing
    capped = Desk()
    capped.targets = (Target("abandon_rate", max=0.045),)
    best = search(AGENTS, {"agents": 3}, capped, full=8)
    # the smallest staffing whose mean hang-up rate meets the target is the most profitable one that does
    feasible = [a for a in range(1, 21) if capped.standing({"agents": a}, 8).feasible]
    assert best == {"agents": min(feasible)} and min(feasible) > 6


def test_standings_compare_feasibility_first_then_shortfall_then_score():
    targets = (Target("abandon_rate", max=0.05), Target("service_level", min=0.8))
    met = Standing.of_means(targets, {"score": 10.0, "abandon_rate": 0.04, "service_level": 0.85})
    near = Standing.of_means(targets, {"score": 500.0, "abandon_rate": 0.055, "service_level": 0.85})
    far = Standing.of_means(targets, {"score": 900.0, "abandon_rate": 0.09, "service_level": 0.7})
    unmeasured = Standing.of_means(targets, {"score": 2000.0, "abandon_rate": math.nan, "service_level": 0.9})
    assert met > near > far > unmeasured
    assert met.feasible and not near.feasible
    assert shortfall(targets, {"abandon_rate": 0.055, "service_level": 0.85}) == pytest.approx(0.1)
    assert missed_targets(targets, {"abandon_rate": 0.062, "service_level": 0.7}) == [
        "abandon_rate is 6.2 % against at most 5 %: 1.2 points too high",
        "service_level is 70 % against at least 80 %: 10.0 points too low"]


def test_par_is_the_best_profit_among_staffings_that_meet_the_target():
    sim = pytest.importorskip("engine.sim")
    sc = loads(staffing(0.04), "<staffing>")
    seed, reps = evaluation_days(sc)
    runs = {c: sim.run(sc, rules={"agents": c}, seed=seed, replications=reps).means() for c in range(1, 17)}
    meets = {c: all(t.met for t in check_targets(sc, m)) for c, m in runs.items()}
    richest = max(runs, key=lambda c: runs[c]["profit"])
    best = max((c for c in runs if meets[c]), key=lambda c: runs[c]["profit"])
    assert not meets[richest] and best != richest  # the target binds: par is not the free optimum
    res = optimize(sc, seconds=None)
    assert res.best_rules == {"agents": best} and res.targets_met
    assert (res.seed, res.replications) == (seed, reps)
    assert res.par == pytest.approx(runs[best]["profit"], rel=1e-12)
    assert res.baseline == pytest.approx(runs[4]["profit"], rel=1e-12)
    assert res.extra["par_kpis"]["abandon_rate"] == pytest.approx(runs[best]["abandon_rate"], rel=1e-12)


def test_the_evaluator_keeps_every_replications_kpis():
    sim = pytest.importorskip("engine.sim")
    from engine.optimize import SimEvaluator

    sc = loads(staffing(0.04), "<staffing>")
    ev = SimEvaluator(sc)
    first = ev.kpis({"agents": 7}, 3)
    assert ev.used == 3 and ev.kpis({"agents": 7}, 3) == first and ev.used == 3  # cached, not run again
    ev.kpis({"agents": 7}, 6)
    assert ev.used == 6  # only the three new days ran
    full = sim.run(sc, rules={"agents": 7}, replications=6).means()
    assert ev.means({"agents": 7}, 6) == pytest.approx(full, rel=1e-12, nan_ok=True)
    assert ev.standing({"agents": 7}, 6).feasible == all(t.met for t in check_targets(sc, full))


def test_the_par_file_keeps_the_days_and_both_settings_kpis(tmp_path, monkeypatch):
    pytest.importorskip("engine.sim")
    path = tmp_path / "staffing.yaml"
    path.write_text(staffing(0.04))
    sc = load(path)
    res = optimize(sc, seconds=None)
    save_par(sc, res)
    kept = load_par(sc)
    assert (kept.seed, kept.replications) == evaluation_days(sc)
    assert kept.targets_met and kept.best_rules == res.best_rules
    assert kept.extra["par_kpis"] == pytest.approx(res.extra["par_kpis"], nan_ok=True)
    assert kept.extra["baseline_kpis"] == pytest.approx(res.extra["baseline_kpis"], nan_ok=True)
    import engine.sim

    def no_run(*a, **k):
        raise AssertionError("references ran a simulation although the par file holds the days' KPIs")

    monkeypatch.setattr(engine.sim, "run", no_run)
    ref = references(sc, kept)
    assert (ref.baseline, ref.par, ref.par_meets_targets) == (res.baseline, res.par, True)
    assert ref.par_kpis["abandon_rate"] == res.extra["par_kpis"]["abandon_rate"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_impossible_targets_are_said_by_optimize_and_validate(tmp_path):
    pytest.importorskip("engine.sim")
    path = tmp_path / "staffing.yaml"
    path.write_text(staffing(0.001, top=8))  # eight agents at most cannot keep hang-ups under 0.1 %
    out = cli("optimize", str(path), "--write-par", "--seconds", "120")
    assert out.returncode == 0, out.stderr
    said = out.stdout
    assert "no rule setting the search found meets every target" in said
    kept = json.loads((tmp_path / "staffing.par.json").read_text())
    assert kept["targets_met"] is False
    rate = kept["par_kpis"]["abandon_rate"]
    assert f"abandon_rate is {rate * 100:.1f} % against at most 0.1 %: {(rate - 0.001) * 100:.1f} points too high" \
        in said
    out = cli("validate", str(path))
    assert out.returncode == 2
    text = path.read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if t.startswith("objective:"))
    col = text[line - 1].index("targets") + 1  # the key `objective.targets`
    assert out.stdout.startswith(f"{path}:{line}:{col}: no rule setting the search found meets every target")
    # once the target can be met, the fresh par file says so and validate is content
    path.write_text(staffing(0.2, top=8))
    assert cli("optimize", str(path), "--write-par", "--seconds", "120").returncode == 0
    assert json.loads((tmp_path / "staffing.par.json").read_text())["targets_met"] is True
    out = cli("validate", str(path))
    assert out.returncode == 0, out.stdout
