"""Multi-echelon stock: a step's replenishment orders draw on its supplier's shelf and wait when it is empty;
four echelons in a row show the bullwhip effect.

Why a forecast. With a fixed order-up-to level every echelon simply passes on what it was asked for (the
orders of each period equal the demand of that period), so a step in demand travels up the chain without
growing: the first test below checks exactly that. The bullwhip comes from how people set the level: the
beer-game player, and the classic order-up-to model of Lee, Padmanabhan & Whang (1997) and Chen et al.
(2000), raise it when demand seems to rise, ordering the extra cover on top of the demand itself. The
`forecast` of a base-stock policy does that (level = S + cover x the exponentially smoothed demand per time
unit, updated at each periodic review), and the order variance then grows at every echelon up the chain.
"""
from __future__ import annotations

import statistics

import pytest

from engine import sim
from engine.distributions import Distribution
from engine.model import Exit, Inventory, Policy, Source
from test_sim_models import edges, scenario

ECHELONS = ["retailer", "wholesaler", "distributor", "factory"]


def beer_game(smoothing: float, cover: float, S: float = 10.0, lead: float = 2.0, seed: int = 7):
    """Customers at a retailer; each echelon reviews every time unit and orders from the next one up; the
    factory orders from an outside supplier. Demand steps from 4 to 8 a time unit at time 100."""
    steps = [Source("in", "Customers", entity="call", rate=((0.0, 4.0), (100.0, 8.0)))]
    for i, name in enumerate(ECHELONS):
        policy = Policy("base_stock", s=S - 1, S=S, forecast_smoothing=smoothing, forecast_cover=cover,
                        forecast_initial=4.0)
        steps.append(Inventory(name, name.title(), initial=S + cover * 4.0, policy=policy, review_period=1.0,
                               lead_time=Distribution.constant(lead),
                               supplier=ECHELONS[i + 1] if i + 1 < len(ECHELONS) else None))
    steps.append(Exit("sold", "Sold"))
    return scenario(steps, edges("in.out -> retailer", "retailer.ok -> sold"), horizon=200.0, seed=seed)


def order_variances(sc, replications: int = 4) -> dict[str, float]:
    """Variance of the units ordered per time unit (after the first 20), by echelon, and of the demand."""
    out = {n: [] for n in ["demand", *ECHELONS]}
    for rep in range(replications):
        per = {n: [0.0] * 200 for n in out}
        for r in sim.Day(sc, replication=rep, trace=True).advance():
            if r[0] == "order" and r[1] < 200:
                per[r[2]][int(r[1])] += r[3]
            elif r[0] == "move" and r[3] == "in":
                per["demand"][int(r[1])] += 1
        for n in out:
            out[n].append(statistics.pvariance(per[n][20:]))
    return {n: statistics.fmean(v) for n, v in out.items()}


def test_a_fixed_order_up_to_level_passes_demand_up_unchanged():
    var = order_variances(beer_game(0.0, 0.0))
    assert var["retailer"] == pytest.approx(var["wholesaler"]) == pytest.approx(var["factory"])


def test_forecast_driven_orders_swing_more_at_every_echelon_up_the_chain():
    var = order_variances(beer_game(0.3, 3.0))
    chain = [var[n] for n in ["demand", *ECHELONS]]
    assert all(b > 1.5 * a for a, b in zip(chain, chain[1:])), chain  # by about 2.5x per echelon here
    assert var["factory"] > 10 * var["demand"]


def test_the_chain_still_serves_the_customers():
    k = sim.run(beer_game(0.3, 3.0), replications=3).summary
    assert k["completed"][0] == k["arrivals"][0]  # backorders, drained
    assert k["fill_rate"][0] > 0.9
    for n in ECHELONS:
        assert k[f"mean_on_hand.{n}"][0] > 0


def two_echelon(plant_initial: float, plant_lead: float = 10.0, shop_lead: float = 2.0, lam: float = 1.0):
    steps = [Source("in", "Orders", entity="call", rate=((0.0, lam),)),
             Inventory("shop", "Shop", initial=4, policy=Policy("rQ", s=2, Q=5), lead_time=Distribution.constant(shop_lead),
                       supplier="plant"),
             Inventory("plant", "Plant", initial=plant_initial, policy=Policy("rQ", s=0, Q=10),
                       lead_time=Distribution.constant(plant_lead)),
             Exit("sold", "Sold")]
    return scenario(steps, edges("in.out -> shop", "shop.ok -> sold"), horizon=100.0, seed=2)


def test_orders_wait_for_an_empty_supplier():
    """The plant starts empty: the shop's first order waits at the plant for its delivery at 10 (ordered at
    0), then ships and reaches the shop 2 later. Nothing reaches the shop before 12."""
    day = sim.Day(two_echelon(plant_initial=0.0), trace=True)
    records = list(day.advance())
    shop = [(r[1], r[3]) for r in records if r[0] == "stock" and r[2] == "shop"]
    rises = [t for (t0, a), (t, b) in zip(shop, shop[1:]) if b > a]
    assert rises and rises[0] == pytest.approx(12.0)
    plant_orders = [r for r in records if r[0] == "order" and r[2] == "plant"]
    assert plant_orders[0][1] == 0.0  # the plant's position starts at 0 <= s: it orders at once
    shop_orders = [r for r in records if r[0] == "order" and r[2] == "shop"]
    assert all(r[4] == "plant" and r[3] == 5 for r in shop_orders)


def test_units_are_conserved_along_the_chain():
    """What the plant ships is what the shop receives; what the shop receives is sold or still on hand."""
    day = sim.Day(two_echelon(plant_initial=10.0, plant_lead=6.0, lam=1.5), trace=True)
    records = list(day.advance())
    k = day.kpis()
    levels = {"shop": [4.0], "plant": [10.0]}
    for r in records:
        if r[0] == "stock" and r[1] > 0:
            levels[r[2]].append(r[3])

    def ups_downs(xs):
        ups = sum(b - a for a, b in zip(xs, xs[1:]) if b > a)
        downs = sum(a - b for a, b in zip(xs, xs[1:]) if b < a)
        return ups, downs

    shop_in, shop_out = ups_downs(levels["shop"])
    plant_in, plant_out = ups_downs(levels["plant"])
    assert shop_out == k["completed"]  # each sale took one unit
    assert shop_in == pytest.approx(plant_out)  # every unit shipped arrived (drained day)
    plant_ordered = sum(r[3] for r in records if r[0] == "order" and r[2] == "plant")
    assert plant_in <= plant_ordered
