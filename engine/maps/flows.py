"""Where the work goes on a map: how often, per arriving entity, each edge is travelled on average.

The map as a Markov chain (`edge_flows`): each step sends its visitors on through its ports in the shares
the scenario gives them (`port_shares`: branch probabilities, a route's attribute values, a service's
resolve chance, a small share for ports only some runs take), sources inject in proportion to their mean
rate, exits absorb; the visits solve one linear system. The comparison ranks a missing edge by its flow
(`engine.maps.compare`), the work budget counts a day's events with it (`engine.budget`), and the
formula preview spreads the arrivals over the service steps with it (`engine.optimize`).
"""
from __future__ import annotations

import numpy as np

from ..model import Edge, ProcessMap, Scenario
from .graph import unique_edges


#: The share of an entity's exits assumed for ports whose traffic the model cannot tell in advance
#: (`overflow`, `abandoned`, an inventory's `out`): small, so the main flow decides what matters.
SIDE_PORT_SHARE = 0.05


def port_shares(scenario: Scenario, step_id: str) -> dict[str, float]:
    """Roughly what share of the entities leaving a step takes each port: branch probabilities, an
    attribute's value probabilities for a route, the first pool's resolve chance for a service, and
    `SIDE_PORT_SHARE` for ports that depend on the run (overflow, abandoned, out of stock)."""
    step = scenario.steps[step_id]
    ports = step.ports
    if not ports:
        return {}
    if step.kind == "branch":
        return dict(step.branches)
    if step.kind == "route":
        for ent in scenario.entities.values():
            attr = ent.attribute(step.by)
            if attr is not None:
                probs = dict(zip(attr.values, attr.probs))
                return {v: probs.get(v, 0.0) for v in ports}
        return {v: 1 / len(ports) for v in ports}
    side = [p for p in ports if p in ("overflow", "abandoned") or (step.kind == "inventory" and p == "out")]
    main = [p for p in ports if p not in side]
    rest = 1.0 - SIDE_PORT_SHARE * len(side)
    shares = {p: SIDE_PORT_SHARE for p in side}
    if step.kind == "service" and "unresolved" in main:
        r = step.resolve_for(step.pools[0]) if step.pools else 1.0
        shares["done"], shares["unresolved"] = rest * r, rest * (1 - r)
    else:
        shares.update({p: rest / len(main) for p in main})
    return shares


def edge_flows(scenario: Scenario, pmap: ProcessMap) -> dict[Edge, float]:
    """How many times, per arriving entity, each edge of `pmap` is travelled on average.

    The map as a Markov chain: each step sends its visitors on through its ports with `port_shares`,
    sources inject in proportion to their mean rate, exits absorb. Solved exactly with numpy; a map whose
    flow cannot settle (a closed loop) gets the plain reachability count instead.
    """
    edges = [e for e in unique_edges(pmap.edges) if e.src in scenario.steps and e.dst in scenario.steps]
    nodes = list(dict.fromkeys([e.src for e in edges] + [e.dst for e in edges]))
    index = {s: i for i, s in enumerate(nodes)}
    n = len(nodes)
    trans = np.zeros((n, n))
    inject = np.zeros(n)
    for s in nodes:
        step = scenario.steps[s]
        if step.kind == "source":
            inject[index[s]] = mean_rate(step, scenario.time.horizon)
    if inject.sum() > 0 and np.isfinite(inject.sum()):
        inject /= inject.sum()
    shares = {s: port_shares(scenario, s) for s in nodes}
    for e in edges:
        trans[index[e.src], index[e.dst]] += shares[e.src].get(e.port, 0.0)
    try:
        visits = np.linalg.solve(np.eye(n) - trans.T, inject)
        if not np.all(np.isfinite(visits)) or visits.min() < -1e-9:
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        return {e: 0.0 for e in edges}
    return {e: float(visits[index[e.src]] * shares[e.src].get(e.port, 0.0)) for e in edges}


def mean_rate(source, horizon: float) -> float:
    """A source's arrivals per time unit, averaged over the day (its rate pieces over [0, horizon])."""
    pieces = list(source.rate) or [(0.0, 0.0)]
    total = 0.0
    for (t0, r), nxt in zip(pieces, pieces[1:] + [(max(horizon, pieces[-1][0]), 0.0)]):
        total += r * max(0.0, nxt[0] - t0)
    return total / horizon if horizon > 0 else pieces[0][1]
