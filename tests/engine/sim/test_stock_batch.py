"""The batch step: entities move on together when `size` are waiting, or when the first has waited
`max_wait`; each group that leaves costs `cost_per_batch`."""
from __future__ import annotations

import math

import pytest

from engine import sim
from engine.model import Batch, Exit, Source
from test_sim_models import edges, scenario


def truck_scenario(size: int, max_wait: float | None = None, cost: float = 0.0, lam: float = 2.0,
                   horizon: float = 300.0, close: str = "drain"):
    steps = [Source("in", "Parcels", entity="call", rate=((0.0, lam),)),
             Batch("truck", "Truck", size=size, max_wait=max_wait, cost_per_batch=cost),
             Exit("delivered", "Delivered")]
    return scenario(steps, edges("in.out -> truck", "truck.out -> delivered"), horizon=horizon, close=close, seed=4)


def groups(records) -> tuple[list[tuple[float, int]], dict[int, float], dict[int, float]]:
    """(time, size) of each group that left, and each entity's arrival and departure times."""
    records = list(records)
    left = [(r[1], r[3]) for r in records if r[0] == "batch"]
    born = {r[2]: r[1] for r in records if r[0] == "move" and r[3] == "in"}
    gone = {r[2]: r[1] for r in records if r[0] == "move" and r[3] == "truck"}
    return left, born, gone


def test_full_trucks_leave_when_the_last_parcel_arrives():
    day = sim.Day(truck_scenario(size=5, cost=120.0), trace=True)
    left, born, gone = groups(day.advance())
    k = day.kpis()
    n = int(k["arrivals"])
    assert [s for _, s in left[:-1]] == [5] * (len(left) - 1)
    assert len(left) == math.ceil(n / 5)  # drained: the last, partly filled truck leaves too
    assert k["completed"] == n
    ids = sorted(born, key=born.get)
    for g in range(n // 5):  # each full truck leaves when its fifth parcel arrives, with all five
        members = ids[5 * g: 5 * g + 5]
        assert {gone[i] for i in members} == {born[members[-1]]}
    assert k["cost"] == pytest.approx(120.0 * len(left))
    assert k["mean_wait"] == 0.0  # waiting for the truck is not a queue wait; it is time in the system
    assert k["mean_time_in_system"] > 0


def test_a_truck_leaves_after_max_wait_even_when_not_full():
    day = sim.Day(truck_scenario(size=1000, max_wait=7.5, lam=1.0), trace=True)
    left, born, gone = groups(day.advance())
    assert left and all(s < 1000 for _, s in left)
    by_departure: dict[float, list[int]] = {}
    for i, t in gone.items():
        by_departure.setdefault(t, []).append(i)
    for t, members in by_departure.items():
        first = min(born[i] for i in members)
        assert t == pytest.approx(first + 7.5)  # the first member waited exactly max_wait
        assert all(t - born[i] <= 7.5 + 1e-9 for i in members)


def test_size_or_max_wait_whichever_comes_first():
    day = sim.Day(truck_scenario(size=4, max_wait=2.0, lam=1.0), trace=True)
    left, born, gone = groups(day.advance())
    sizes = {s for _, s in left}
    assert 4 in sizes and any(s < 4 for s in sizes)  # some trucks fill, some leave on the clock
    assert all(gone[i] - born[i] <= 2.0 + 1e-9 for i in gone)


def test_under_cutoff_parcels_still_waiting_are_unfinished():
    day = sim.Day(truck_scenario(size=50, lam=1.0, horizon=120.0, close="cutoff"), trace=True)
    left, born, gone = groups(day.advance())
    k = day.kpis()
    assert k["completed"] == 50 * len(left) < k["arrivals"]
