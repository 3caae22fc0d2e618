"""The live preview: headline KPIs for new rule values while the player is still sliding.

`preview` answers within about a third of a second: as many simulated days as fit (the first days of the
full run's seed, so the full run only refines what the player saw), and when even one day would not fit,
the steady-state queueing formulas for the service steps (`engine.queueing`: Erlang A with the callers'
patience, else Erlang C), each step's arrivals spread over the map by its flows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Mapping

from engine.sim.stats import mean

from .. import queueing
from ..maps.flows import edge_flows, mean_rate
from ..model import ProcessMap, Scenario
from ..rules import apply_rules
from .evaluate import Rules, day_within


#: The KPIs a rules screen shows as the player moves a lever.
HEADLINE_KPIS = ("score", "profit", "revenue", "cost", "service_level", "abandon_rate", "asa", "mean_wait")
#: A generous guess of the engine's cost per arriving entity (measured about 12 us), to decide before
#: running whether one simulated day fits in the preview's time.
SECONDS_PER_ARRIVAL = 30e-6


@dataclass(frozen=True)
class Preview:
    """A quick estimate of a run's KPIs. `method` is "simulation" (the mean of the first
    `replications` days of the full run's seed, so the full run refines it) or "formulas" (steady-state
    Erlang estimates for the service steps, when even one simulated day would take too long: only
    service_level, abandon_rate, asa, p_wait and utilization.POOL)."""

    kpis: dict[str, float]
    method: str
    replications: int
    seconds: float


def expected_arrivals(scenario: Scenario, pmap: ProcessMap | None = None) -> float:
    """Entities a day brings, from the sources' mean rates over the horizon (events not counted)."""
    placed = set((pmap or scenario.reference).steps)
    h = scenario.time.horizon
    return sum(mean_rate(s, h) * h for sid, s in scenario.steps.items()
               if s.kind == "source" and sid in placed)


def preview(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
            seconds: float = 0.3, max_replications: int = 8, seed: int | None = None) -> Preview:
    """Headline KPIs for `rules` within about `seconds`: as many simulated days as fit (at most
    `max_replications`, at least one), or the queueing formulas when one day would not fit."""
    from engine import sim

    t0 = time.perf_counter()
    full = {**scenario.default_rules(), **(rules or {})}
    try:
        plan = sim.compile_for(scenario, pmap, full if scenario.rules else None)
    except NotImplementedError:  # a step kind the engine does not simulate yet
        return _formula_preview(scenario, pmap, full, t0)
    guess = expected_arrivals(plan.scenario, pmap) * SECONDS_PER_ARRIVAL
    if guess > seconds:
        return _formula_preview(scenario, pmap, full, t0)
    seed = scenario.run.seed if seed is None else seed
    days: list[dict[str, float]] = []
    deadline = t0 + seconds * 0.9
    for r in range(max(1, max_replications)):
        start = time.perf_counter()
        day = day_within(sim, scenario, plan, seed, r, deadline)
        if day is None:  # this day would not finish in time
            break
        days.append(day)
        if time.perf_counter() + (time.perf_counter() - start) > deadline:
            break
    if not days:
        return _formula_preview(scenario, pmap, full, t0)
    kpis = {k: mean([d[k] for d in days]) for k in days[0]}
    return Preview(kpis, "simulation", len(days), time.perf_counter() - t0)



def _formula_preview(scenario: Scenario, pmap: ProcessMap | None, rules: Rules, t0: float) -> Preview:
    """Steady-state estimates per service step (Erlang A with the callers' patience, else Erlang C).

    Each service step's arrival rate is the day's mean arrival rate times the visits per arrival the
    map's flow gives it (`engine.maps.flows.edge_flows`); it is served by its first pool, whose agents are
    shared between the steps that pool serves first in proportion to their offered load."""
    sc = apply_rules(scenario, rules) if scenario.rules else scenario
    pm = pmap if pmap is not None else sc.reference
    total = expected_arrivals(sc, pm) / sc.time.horizon if sc.time.horizon else 0.0
    visits: dict[str, float] = {}
    for e, f in edge_flows(sc, pm).items():
        visits[e.dst] = visits.get(e.dst, 0.0) + f
    services = [(sid, sc.steps[sid]) for sid in pm.steps
                if sid in sc.steps and sc.steps[sid].kind == "service" and sc.steps[sid].pools]
    load: dict[str, float] = {}
    rows = []
    for sid, s in services:
        pool = s.pools[0]
        lam = total * visits.get(sid, 0.0)
        mean = s.duration_for(pool).mean()
        rows.append((sid, s, pool, lam, mean))
        load[pool] = load.get(pool, 0.0) + lam * mean
    patience = [e.patience.mean() for e in sc.entities.values() if e.patience is not None]
    theta = 1.0 / patience[0] if patience and patience[0] > 0 else 0.0
    slw = sc.run.service_level_wait
    lam_sum = sl = ab = asa = pw = 0.0
    busy: dict[str, float] = {}
    for sid, s, pool, lam, mean in rows:
        if lam <= 0 or mean <= 0:
            continue
        share = lam * mean / load[pool] if load[pool] > 0 else 1.0
        agents = max(1, int(round(sc.resources[pool].count * share)))
        mu = 1.0 / mean
        if theta > 0:
            q = queueing.ErlangA(lam, mu, agents, theta)
            p_ab, p_wait, a, level = q.p_abandon, q.p_wait, q.asa, q.service_level(slw)
        else:
            q = queueing.MMc(lam, mu, agents)
            p_ab, p_wait, a, level = 0.0, (q.p_wait if q.stable else 1.0), q.asa, q.service_level(slw)
        lam_sum += lam
        sl += lam * level
        ab += lam * p_ab
        asa += lam * a
        pw += lam * p_wait
        busy[pool] = busy.get(pool, 0.0) + lam * (1 - p_ab) * mean
    kpis: dict[str, float] = {}
    if lam_sum > 0:
        kpis.update(service_level=float(sl / lam_sum), asa=float(asa / lam_sum), p_wait=float(pw / lam_sum),
                    abandon_rate=float(ab / total) if total else 0.0)
    for pid, pool in sc.resources.items():
        if pool.count > 0:
            kpis[f"utilization.{pid}"] = float(min(1.0, busy.get(pid, 0.0) / pool.count))
    return Preview(kpis, "formulas", 0, time.perf_counter() - t0)
