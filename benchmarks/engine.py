"""How fast is the engine? The reference day in our engine, in SimPy and in Ciw, in the same process.

    python benchmarks/engine.py [REPS]

Prints milliseconds per replication (the best of REPS runs of CPU time, which is steadier than wall time on
a busy machine) and the ratios, then: 30 replications of the customer-service day, the cost of tracing a
day against a plain run, and a day of a million calls in bounded memory.

The reference day: 10 calls a minute for 8 hours (about 4,800 calls), 12 agents, exponential talk of mean
1 minute and exponential patience of mean 2 minutes, drained at the end. Ours runs the full engine: the
scenario is built as the loader would build it, and `engine.sim.Day` simulates it with every KPI.
"""
from __future__ import annotations

import os
import sys
import resource
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

from engine import sim  # noqa: E402
from engine.distributions import Distribution  # noqa: E402
from engine.model import (EntityType, Exit, Kiosk, Objective, Pool, ProcessMap, RunSpec, Scenario,  # noqa: E402
                          Service, Source, TimeSpec, frozen_map)
from engine.format import parse_edge  # noqa: E402

import peers  # noqa: E402


def reference_day(horizon: float = 480.0) -> Scenario:
    """The reference day as a scenario, exactly as the YAML loader would give it."""
    steps = [
        Source("incoming", "Incoming calls", entity="call", rate=((0.0, 10.0),)),
        Service("desk", "Agents", pools=("agents",), duration=Distribution.exponential(1.0), patience_port=True),
        Exit("answered", "Answered"),
        Exit("hung_up", "Hung up", outcome="abandoned"),
    ]
    edges = tuple(parse_edge(e) for e in ("incoming.out -> desk", "desk.done -> answered", "desk.abandoned -> hung_up"))
    return Scenario(
        id="reference-day", title="Reference day", summary="", domain="call_center", currency="USD",
        time=TimeSpec(unit="minute", horizon=horizon, close="drain"),
        run=RunSpec(replications=10, seed=1, service_level_wait=1 / 3),
        entities=frozen_map({"call": EntityType("call", "Caller", patience=Distribution.exponential(2.0))}),
        resources=frozen_map({"agents": Pool("agents", "Agents", 12, cost_per_hour=30.0)}),
        steps=frozen_map({s.id: s for s in steps}), reference=ProcessMap(edges), alternatives=(),
        start_map=ProcessMap(()), hints=frozen_map(), rules=(), events=(), objective=Objective(),
        fixed_costs=frozen_map(), advisors=frozen_map(), briefing=(), kiosk=Kiosk(),
    )


def best_ms(fn, reps: int) -> float:
    """The best CPU time of `reps` calls, in milliseconds (fn gets the replication number)."""
    best = float("inf")
    for r in range(reps):
        t0 = time.process_time()
        fn(r)
        best = min(best, time.process_time() - t0)
    return best * 1000


def time_scenario(name: str, reps: int, label: str, goal: str = "") -> Scenario | None:
    """Time `reps` replications of a built-in scenario in one process (after one to warm up); print and
    return the scenario, or None when it is not there."""
    path = os.path.join(ROOT, "scenarios", f"{name}.yaml")
    if not os.path.exists(path):
        return None
    from engine.load import load

    sc = load(path)
    sim.run(sc, replications=1)
    t0, c0 = time.perf_counter(), time.process_time()
    sim.run(sc, replications=reps)
    print(f"{label}: {time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU{goal}")
    return sc


def main(reps: int = 15) -> None:
    sc = reference_day()
    plan = sim.compile_for(sc)

    def ours(r):
        sim.Day(sc, replication=r, plan=plan).finish()

    def traced(r):
        for _ in sim.Day(sc, replication=r, plan=plan, trace=True).advance():
            pass

    ours(0), peers.simpy_day(0), peers.ciw_day(0)  # warm up imports and caches
    t_ours = best_ms(ours, reps)
    t_simpy = best_ms(lambda r: peers.simpy_day(r + 1), reps)
    t_ciw = best_ms(lambda r: peers.ciw_day(r + 1), max(3, reps // 3))
    import engine

    print(f"Engine: {engine.BACKEND} (PROCESSPLAY_ENGINE=pure or =compiled picks one; see engine/_backend.py)")
    print("Reference day (about 4,800 calls), CPU ms per replication, best of runs:")
    print(f"  ProcessPlay engine  {t_ours:8.2f} ms")
    print(f"  SimPy               {t_simpy:8.2f} ms   ours is {t_simpy / t_ours:5.1f}x faster (goal 10x)")
    print(f"  Ciw                 {t_ciw:8.2f} ms   ours is {t_ciw / t_ours:5.1f}x faster (goal 15x)")
    t_trace = best_ms(traced, reps)
    print(f"  traced day          {t_trace:8.2f} ms   {t_trace / t_ours:4.2f}x a plain run (goal at most 2x)")

    cs = time_scenario("customer_service", 30, "Customer-service day, 30 replications", " (goal under 0.3 s)")
    if cs is not None:
        from engine.sim.parallel import default_workers

        t0 = time.perf_counter()
        sim.run(cs, replications=30, workers=None)
        print(f"  the same on {default_workers()} worker processes (engine.sim.parallel): "
              f"{time.perf_counter() - t0:.2f} s wall")

    big = reference_day(horizon=100_000.0)  # a million calls
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.process_time()
    k = sim.Day(big).finish()
    cpu = time.process_time() - t0
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0  # KiB on Linux
    print(f"A million calls ({k['arrivals']:.0f}): {cpu:.1f} s CPU, peak memory grew by {grew / 1024:.1f} MiB")
    inventory_case(reps)


def stock_day(horizon: float = 480.0) -> Scenario:
    """The inventory case: 10 demands a minute at a shelf kept at base stock 40 by an outside supplier with
    exponential lead times of mean 3.5 minutes (a 35-unit load: ErlangB(40, 35), 5.4 % lost sales), for 8 hours."""
    from engine.model import Inventory, Policy

    steps = [
        Source("demand", "Demand", entity="order", rate=((0.0, 10.0),)),
        Inventory("shelf", "Shelf", initial=40.0, policy=Policy("base_stock", s=39.0, S=40.0),
                  lead_time=Distribution.exponential(3.5), unit_cost=2.0, holding_cost=0.01, when_out="lost"),
        Exit("sold", "Sold"),
        Exit("lost", "Lost sale", outcome="lost"),
    ]
    edges = tuple(parse_edge(e) for e in ("demand.out -> shelf", "shelf.ok -> sold", "shelf.out -> lost"))
    return Scenario(
        id="stock-day", title="Stock day", summary="", domain="supply_chain", currency="USD",
        time=TimeSpec(unit="minute", horizon=horizon, close="drain"), run=RunSpec(replications=10, seed=1),
        entities=frozen_map({"order": EntityType("order", "Order")}), resources=frozen_map(),
        steps=frozen_map({s.id: s for s in steps}), reference=ProcessMap(edges), alternatives=(),
        start_map=ProcessMap(()), hints=frozen_map(), rules=(), events=(), objective=Objective(),
        fixed_costs=frozen_map(), advisors=frozen_map(), briefing=(), kiosk=Kiosk(),
    )


def simpy_stock_day(r: int, horizon: float = 480.0) -> float:
    """The inventory case in SimPy: the share of demands lost."""
    import random

    import simpy

    rnd = random.Random(r)
    env = simpy.Environment()
    shelf = [40]
    counts = [0, 0]

    def replenish():
        yield env.timeout(rnd.expovariate(1 / 3.5))
        shelf[0] += 1

    def demand():
        while True:
            yield env.timeout(rnd.expovariate(10.0))
            if env.now >= horizon:
                return
            counts[0] += 1
            if shelf[0] > 0:
                shelf[0] -= 1
                env.process(replenish())
            else:
                counts[1] += 1

    env.process(demand())
    env.run()
    return counts[1] / counts[0]


def inventory_case(reps: int = 15) -> None:
    """A shelf day in our engine and in SimPy; the supply-chain scenario's run; a traced shelf day."""
    sc = stock_day()
    plan = sim.compile_for(sc)

    def ours(r):
        sim.Day(sc, replication=r, plan=plan).finish()

    def traced(r):
        for _ in sim.Day(sc, replication=r, plan=plan, trace=True).advance():
            pass

    ours(0), simpy_stock_day(0)
    t_ours = best_ms(ours, reps)
    t_simpy = best_ms(lambda r: simpy_stock_day(r + 1), reps)
    t_trace = best_ms(traced, reps)
    print("Inventory: a shelf at base stock 40, 10 demands a minute for 8 hours (about 4,800), CPU ms per day:")
    print(f"  ProcessPlay engine  {t_ours:8.2f} ms")
    print(f"  SimPy               {t_simpy:8.2f} ms   ours is {t_simpy / t_ours:5.1f}x faster")
    print(f"  traced day          {t_trace:8.2f} ms   {t_trace / t_ours:4.2f}x a plain run")
    time_scenario("supply_chain", 10, "Supply-chain scenario (two weeks, about 3,100 orders, two echelons, "
                  "a batch step), 10 replications")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
