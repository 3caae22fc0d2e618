"""The inventory step against inventory theory, and its bookkeeping.

Steady-state figures need a steady state: the runs drop a warmup and are long enough for thousands of
demands a day. Each statistical assertion allows four standard errors of the mean over replications, with a
fixed seed: such a test neither flakes nor passes by luck.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict

import pytest

from engine import sim
from engine.distributions import Distribution
from engine.model import Event, Exit, Inventory, Policy, Source
from engine.queueing import base_stock_lost_sales, erlang_b, rq_backorders
from test_sim_models import edges, scenario

Exp = Distribution.exponential
Const = Distribution.constant


def within(values, expected: float, k: float = 4.0) -> None:
    mean = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values))
    assert abs(mean - expected) <= k * se + 1e-12, f"{mean:.6f} vs {expected:.6f} (se {se:.6f})"


def shelf_scenario(policy: Policy, lead: Distribution, when_out: str = "lost", lam: float = 2.0,
                   initial: float | None = None, horizon: float = 2000.0, warmup: float = 50.0, seed: int = 3,
                   review: float | None = None, close: str = "drain", events=(), **money):
    """Demand arrives as a Poisson stream at one shelf; served demand is sold, a lost sale leaves via `out`."""
    if initial is None:
        initial = policy.s + policy.Q if policy.type == "rQ" else policy.S
    steps = [Source("in", "Demand", entity="call", rate=((0.0, lam),)),
             Inventory("shelf", "Shelf", initial=initial, policy=policy, lead_time=lead, when_out=when_out,
                       review_period=review, **money),
             Exit("sold", "Sold"), Exit("lost", "Lost", outcome="lost")]
    ref = ["in.out -> shelf", "shelf.ok -> sold"] + (["shelf.out -> lost"] if when_out == "lost" else [])
    return scenario(steps, edges(*ref), horizon=horizon, warmup=warmup, seed=seed, close=close, events=events)


def base_stock(S: int) -> Policy:
    return Policy("base_stock", s=S - 1, S=S)


def stockout_shares(result: sim.RunResult) -> list[float]:
    return [r["stockouts"] / r["arrivals"] for r in result.per_replication]


# ---- the oracles ---------------------------------------------------------------------------------------


def test_the_oracle_figures_of_the_issue():
    assert erlang_b(5, 2 * 1.5) == pytest.approx(0.11005, abs=5e-6)
    rq = rq_backorders(4, 5, 1.0, 5.0)
    assert rq.fill_rate == pytest.approx(0.7234, abs=5e-5)
    assert rq.mean_on_hand == pytest.approx(2.3604, abs=5e-5)


@pytest.mark.parametrize("lead", [Const(1.5), Exp(1.5), Distribution("uniform", (0.5, 2.5))],
                         ids=["fixed", "exponential", "uniform"])
def test_base_stock_lost_sales_stocks_out_as_erlang_b(lead):
    """Every sale orders one unit; the units on order are the busy lines of an Erlang loss system, for any
    lead-time distribution with that mean: a demand is lost with probability ErlangB(S, lambda E[L])."""
    result = sim.run(shelf_scenario(base_stock(5), lead), replications=10)
    oracle = base_stock_lost_sales(5, 2.0, 1.5)
    within(stockout_shares(result), oracle.stockout_probability)
    within([1 - r["fill_rate"] for r in result.per_replication], oracle.stockout_probability)
    within([r["mean_on_hand.shelf"] for r in result.per_replication], oracle.mean_on_hand)
    for r in result.per_replication:
        assert r["backorders"] == 0 and r["lost"] == r["stockouts"] == r["exits.lost"]
        assert r["completed"] + r["lost"] == r["arrivals"]


def test_rq_with_backorders_matches_hadley_whitin():
    result = sim.run(shelf_scenario(Policy("rQ", s=4, Q=5), Const(5.0), when_out="backorder", lam=1.0,
                                    horizon=4000.0, warmup=100.0), replications=10)
    oracle = rq_backorders(4, 5, 1.0, 5.0)
    reps = result.per_replication
    within([r["fill_rate"] for r in reps], 0.7234)
    within([r["mean_on_hand.shelf"] for r in reps], 2.3604)
    # A backorder waits for stock: by Little's law the mean wait per demand is the mean backorders / lambda.
    within([r["mean_wait"] for r in reps], oracle.mean_backorder_delay)
    for r in reps:
        assert r["stockouts"] == r["backorders"] and r["lost"] == 0
        assert r["completed"] == r["arrivals"]  # drained: every backorder was filled


def test_sS_with_unit_demand_is_rQ_with_r_s_and_Q_S_minus_s():
    """With demands of one unit the position reaches s exactly, so (s, S) orders S - s each time: the very
    same day as (r = s, Q = S - s), replication by replication, and the same Hadley-Whitin figures."""
    kw = dict(when_out="backorder", lam=1.0, horizon=4000.0, warmup=100.0)
    ss = sim.run(shelf_scenario(Policy("sS", s=4, S=9), Const(5.0), **kw), replications=10)
    rq = sim.run(shelf_scenario(Policy("rQ", s=4, Q=5), Const(5.0), **kw), replications=10)
    assert ss.per_replication == rq.per_replication
    within([r["fill_rate"] for r in ss.per_replication], rq_backorders(4, 5, 1.0, 5.0).fill_rate)
    within([r["mean_on_hand.shelf"] for r in ss.per_replication], rq_backorders(4, 5, 1.0, 5.0).mean_on_hand)


# ---- money and bookkeeping -------------------------------------------------------------------------------


def test_costs_add_up_exactly_on_a_hand_checked_case():
    """No demand at all: at time 0 the position (0) is at or below s = 2, so 10 units are ordered; they
    arrive at 3 and sit on the shelf to the end of the day at 10.
    unit 2 x 10 + order 50 + holding 0.1 x 10 units x 7 time units + fixed 5 = 20 + 50 + 7 + 5 = 82."""
    sc = shelf_scenario(Policy("sS", s=2, S=10), Const(3.0), lam=0.0, initial=0, horizon=10.0, warmup=0.0,
                        unit_cost=2.0, order_cost=50.0, holding_cost=0.1)
    sc = scenario(list(sc.steps.values()), sc.reference, horizon=10.0, fixed_costs={"rent": 5.0})
    day = sim.Day(sc, trace=True)
    records = list(day.advance())
    k = day.kpis()
    assert k["cost"] == pytest.approx(82.0, abs=1e-12)
    assert k["mean_on_hand.shelf"] == pytest.approx(7.0, abs=1e-12)  # 10 units for 7 of 10 time units
    assert [r for r in records if r[0] == "order"] == [("order", 0.0, "shelf", 10.0, None)]
    assert ("stock", 3.0, "shelf", 10.0, 0.0) in records


def test_costs_add_up_exactly_with_random_demand():
    """Cost is units x unit cost + orders x order cost + holding over the area under the shelf level, to
    the last digit: checked against the trace's order and stock records."""
    sc = shelf_scenario(Policy("rQ", s=3, Q=6), Exp(2.0), when_out="backorder", lam=1.5, horizon=200.0,
                        warmup=0.0, unit_cost=3.0, order_cost=40.0, holding_cost=0.25)
    day = sim.Day(sc, trace=True)
    records = list(day.advance())
    k = day.kpis()
    orders = [r for r in records if r[0] == "order"]
    area, last_t, level = 0.0, 0.0, None
    for r in records:
        if r[0] == "stock":
            if level is not None:
                area += level * (r[1] - last_t)
            last_t, level = r[1], r[3]
    t_end = max(200.0, day.end_time)
    area += level * (t_end - last_t)
    expected = 3.0 * sum(r[3] for r in orders) + 40.0 * len(orders) + 0.25 * area
    assert k["cost"] == pytest.approx(expected, rel=1e-12)
    assert k["mean_on_hand.shelf"] == pytest.approx(area / t_end, rel=1e-12)
    assert all(r[3] == 6.0 for r in orders)
    assert k["profit"] == pytest.approx(-k["cost"])


def test_a_policy_changes_neither_the_demand_nor_the_lead_times():
    """Common random numbers: the customers are the same whatever the policy (lead times come from a stream
    of their own)."""
    leads = {}
    per = {}
    for S in (3, 8):
        sc = shelf_scenario(base_stock(S), Exp(1.5), horizon=300.0, warmup=0.0)
        day = sim.Day(sc, trace=True)
        placed, arrived = [], []
        for r in day.advance():
            if r[0] == "order":
                placed.append(r[1])
            elif r[0] == "move" and r[3] == "in":
                arrived.append(r[1])
        per[S] = arrived
        leads[S] = placed
    assert per[3] == per[8] and len(per[3]) > 400
    assert leads[3][0] == leads[8][0] == per[3][0]  # continuous review: the first sale orders at once


def test_periodic_review_orders_at_review_times_only_and_drains():
    sc = shelf_scenario(Policy("sS", s=5, S=20), Const(2.0), when_out="backorder", lam=3.0, review=4.0,
                        horizon=200.0, warmup=0.0)
    day = sim.Day(sc, trace=True)
    orders = [r for r in day.advance() if r[0] == "order"]
    k = day.kpis()
    assert orders and all(abs(r[1] / 4.0 - round(r[1] / 4.0)) < 1e-9 for r in orders)
    assert k["completed"] == k["arrivals"]  # reviews go on after the horizon until every backorder is filled
    assert 0 < k["fill_rate"] < 1


def test_an_event_scales_the_lead_time_for_a_while():
    slow = Event(at=100.0, duration=50.0, scale=(("steps.shelf.lead_time", 4.0),))
    sc = shelf_scenario(base_stock(50), Const(2.0), horizon=300.0, warmup=0.0, events=(slow,))
    day = sim.Day(sc, trace=True)
    placed, received = [], []
    for r in day.advance():
        if r[0] == "order" and r[1] > 0:
            placed.append(r[1])
        elif r[0] == "stock" and r[1] > 0 and r[4] == 0:
            received.append(r[1])
    leads = defaultdict(set)
    # base stock: one unit per sale, so each sale's order; a delivery raises the level by one
    deliveries = sorted(t for t in received)
    for t in placed:
        inside = 100.0 <= t < 150.0
        want = t + (8.0 if inside else 2.0)
        leads[inside].add(any(abs(d - want) < 1e-9 for d in deliveries))
    assert leads[True] == {True} and leads[False] == {True}


def test_the_validator_lets_an_event_scale_a_lead_time():
    from engine.load import loads

    text = """
format: 1
id: t
title: T
summary: s
domain: supply_chain
currency: EUR
time: {unit: hour, horizon: 100}
run: {replications: 2, seed: 1}
entities: {order: {label: Order}}
resources: {}
steps:
  orders: {kind: source, entity: order, rate: 1}
  shelf: {kind: inventory, policy: {type: rQ, r: 3, Q: 6}, lead_time: 4, supplier: plant}
  plant: {kind: inventory, policy: {type: base_stock, S: 10, forecast: {smoothing: 0.3, cover: 5}},
          review: {period: 8}, lead_time: {exponential: {mean: 12}}}
  done: {kind: exit}
reference: ["orders.out -> shelf", "shelf.ok -> done"]
rules: []
events:
  - {at: 20, for: 30, scale: {steps.plant.lead_time: 3}}
  - {at: 60, for: 10, set: {steps.shelf.lead_time: {uniform: [5, 9]}}}
objective: {score: profit}
advisors: {a: {name: A}}
briefing: []
"""
    sc = loads(text, "t.yaml")
    assert sc.steps["plant"].policy.forecast_cover == 5 and sc.steps["plant"].policy.forecast_smoothing == 0.3
    k = sim.run(sc).summary
    assert k["arrivals"][0] > 0 and k["mean_on_hand.plant"][0] > 0


def test_mean_on_hand_reads_the_trace():
    sc = shelf_scenario(Policy("rQ", s=2, Q=4), Exp(1.0), when_out="backorder", lam=2.0, horizon=300.0,
                        warmup=40.0)
    day = sim.Day(sc, trace=True)
    stock = [(r[1], r[3]) for r in day.advance() if r[0] == "stock"]
    k = day.kpis()
    t_end = max(300.0, day.end_time)
    area = 0.0
    for (t0, level), (t1, _) in zip(stock, stock[1:] + [(t_end, None)]):
        lo, hi = max(t0, 40.0), min(t1, t_end)
        if hi > lo:
            area += level * (hi - lo)
    assert k["mean_on_hand.shelf"] == pytest.approx(area / (t_end - 40.0), rel=1e-9)


def test_a_rule_changed_mid_day_moves_the_reorder_point_from_then_on():
    """The supply-chain regional DC: raise the reorder point at hour 100; later orders are placed at the new
    level, earlier ones at the old one, and the customers stay the same."""
    from pathlib import Path

    from engine.load import load

    sc = load(Path(__file__).resolve().parents[3] / "scenarios" / "supply_chain.yaml")
    day = sim.Day(sc, rules=sc.default_rules(), trace=True)
    before = [r for r in day.advance(100.0) if r[0] == "order" and r[2] == "regional_dc"]
    day.apply_rules({"regional_buffer": 450})
    after = [r for r in day.advance(None) if r[0] == "order" and r[2] == "regional_dc"]
    assert before and after
    stock = day.stock.points[day.stock.point_of["regional_dc"]]
    assert stock.step.policy.s == 450
    plain = sim.Day(sc, rules=sc.default_rules()).finish()
    assert day.kpis()["arrivals"] == plain["arrivals"]
    assert day.kpis()["mean_on_hand.regional_dc"] > plain["mean_on_hand.regional_dc"]
