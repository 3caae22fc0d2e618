"""A scenario and a map compiled into integer-indexed tables: what the event loop reads per event.

The loop never looks a step up by name: each placed step gets an index, each port its target index, each
pool an index, and the numbers a rule may change (rates, counts, probabilities, durations) sit in plain
lists. Compiling costs a few hundred microseconds and is done once per (scenario, map, rules); every
replication of a run reuses it.

Adding a step kind (inventory, batch) means a code in `KIND_CODES`, its tables in `_compile_step` and its
branch in the event loop (engine.sim.loop); nothing else changes.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Callable, Final, Mapping

from engine.model import (Batch, Branch, Delay, Exit, Inventory, ProcessMap, Route, Scenario, Service, Source)

SOURCE: Final = 0
DELAY: Final = 1
BRANCH: Final = 2
ROUTE: Final = 3
SERVICE: Final = 4
EXIT: Final = 5
INVENTORY: Final = 6
BATCH: Final = 7
KIND_CODES = {"source": SOURCE, "delay": DELAY, "branch": BRANCH, "route": ROUTE, "service": SERVICE,
              "exit": EXIT, "inventory": INVENTORY, "batch": BATCH}
#: Kinds whose semantics belong to a later issue: a map that places one is refused with this message.
NOT_YET: dict[int, str] = {}

#: Target of an unconnected `abandoned` port: the entity ends there, as abandoned.
END_ABANDONED: Final = -1
#: A port the step does not have.
NO_PORT: Final = -2

OUTCOME_CODES = {"completed": 0, "abandoned": 1, "lost": 2}


class MapError(ValueError):
    """The map cannot be simulated; the message has one readable line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Plan:
    """Everything the loop needs, by index. Lists indexed by step unless said otherwise."""

    scenario: Scenario
    pmap: ProcessMap
    ids: list[str]  # step index -> step id
    index: dict[str, int]
    kind: list[int]
    # single-exit steps: source.out, delay.out, service.done
    out: list[int]
    # service ports
    unresolved: list[int]
    overflow: list[int]
    abandoned: list[int]
    # branch: cumulative probabilities and targets, the port names for the trace
    branch_cum: list[list[float] | None]
    branch_to: list[list[int] | None]
    branch_ports: list[list[str] | None]
    # route: per entity type index, the attribute's position (or -1); value -> target
    route_pos: list[list[int] | None]
    route_to: list[dict[str, int] | None]
    # service
    svc_pools: list[list[int] | None]
    prio_pos: list[list[int] | None]  # per entity type: attribute position (-1: no such attribute)
    prio_class: list[dict[str, int] | None]
    n_classes: list[int]
    overflow_after: list[float | None]
    resolve: list[list[float] | None]  # per pool index: probability of `done`
    revenue_chance: list[list[float] | None]  # per pool index
    revenue_amount: list[float]
    cost_per_entity: list[float]
    durations: list[Any]  # delay: Distribution; service: list per pool index of Distribution or None
    # exits
    outcome: list[int]
    exit_revenue: list[float]
    exit_penalty: list[float]
    late_after: list[float | None]
    late_penalty: list[float]
    # steps inside a cycle of the map: repeat visits draw from rework streams
    in_cycle: list[bool]
    # sources (by source number, in step order)
    sources: list[int]  # source number -> step index
    source_etype: list[int]
    # entity types
    etypes: list[str]
    attr_names: list[list[str]]
    attr_values: list[list[tuple[str, ...]]]
    attr_cum: list[list[list[float]]]
    patience: list[Any]  # per entity type: Distribution or None
    # pools
    pools: list[str]
    pool_steps: list[list[int]] = field(default_factory=list)  # service steps each pool serves, in order
    # inventory: the target of `out` (a lost sale); `out` above holds `ok` (inventory) and `out` (batch)
    stock_out: list[int] = field(default_factory=list)
    # the events after which a day of this plan is stopped (engine.budget.day_limit); 0: never
    work_limit: int = 0


def compile_for(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None) -> Plan:
    """The plan for a scenario with rule values applied and a map (the reference by default)."""
    if rules:
        from engine.rules import apply_rules

        scenario = apply_rules(scenario, dict(rules))
    return compile_plan(scenario, pmap if pmap is not None else scenario.reference)


def compile_plan(scenario: Scenario, pmap: ProcessMap) -> Plan:
    """The tables of `scenario` on map `pmap`; MapError when the map cannot be simulated."""
    # Whether a map can run is engine.maps' one judgement, in the player's words; past it, every
    # step, port and edge below is known to be sound.
    from engine.maps import map_problems

    problems = [p.message for p in map_problems(scenario, pmap)]
    if problems:
        raise MapError(problems)
    placed = set(pmap.steps)
    ids = [sid for sid in scenario.steps if sid in placed]
    steps = [scenario.steps[sid] for sid in ids]
    for s in steps:
        code = KIND_CODES.get(s.kind)
        if code in NOT_YET:
            raise NotImplementedError(
                f"step {s.id!r} is an {NOT_YET[code]} step; the engine simulates inventory and batch steps "
                "from a later issue on")
    plan = _empty_plan(scenario, pmap, ids)
    to = _port_targets(pmap, plan.index)
    et_index = {e: i for i, e in enumerate(plan.etypes)}
    pool_index = {p: i for i, p in enumerate(plan.pools)}
    for i, s in enumerate(steps):
        _compile_step(plan, i, s, to, et_index, pool_index)
    n = len(steps)
    plan.pool_steps = [[i for i in range(n) if plan.svc_pools[i] and p in plan.svc_pools[i]]  # type: ignore[operator]
                       for p in range(len(plan.pools))]
    plan.in_cycle = _in_cycle(n, [(plan.index[e.src], plan.index[e.dst]) for e in pmap.edges])
    plan.work_limit = _work_limit(scenario, pmap)
    return plan


def _empty_plan(scenario: Scenario, pmap: ProcessMap, ids: list[str]) -> Plan:
    """A plan of the placed steps `ids` whose per-step tables hold "nothing here" (no port, no pools...)."""
    n = len(ids)
    etypes = list(scenario.entities)
    return Plan(
        scenario=scenario, pmap=pmap, ids=ids, index={sid: i for i, sid in enumerate(ids)},
        kind=[KIND_CODES[scenario.steps[sid].kind] for sid in ids],
        out=[NO_PORT] * n, unresolved=[NO_PORT] * n, overflow=[NO_PORT] * n, abandoned=[NO_PORT] * n,
        branch_cum=[None] * n, branch_to=[None] * n, branch_ports=[None] * n,
        route_pos=[None] * n, route_to=[None] * n,
        svc_pools=[None] * n, prio_pos=[None] * n, prio_class=[None] * n, n_classes=[1] * n,
        overflow_after=[None] * n, resolve=[None] * n, revenue_chance=[None] * n, revenue_amount=[0.0] * n,
        cost_per_entity=[0.0] * n, durations=[None] * n,
        outcome=[0] * n, exit_revenue=[0.0] * n, exit_penalty=[0.0] * n, late_after=[None] * n,
        late_penalty=[0.0] * n, in_cycle=[False] * n,
        sources=[], source_etype=[],
        etypes=etypes, attr_names=[[a.name for a in scenario.entities[e].attributes] for e in etypes],
        attr_values=[[a.values for a in scenario.entities[e].attributes] for e in etypes],
        attr_cum=[[_cumulative(a.probs) for a in scenario.entities[e].attributes] for e in etypes],
        patience=[scenario.entities[e].patience for e in etypes],
        pools=list(scenario.resources), stock_out=[NO_PORT] * n,
    )


def _port_targets(pmap: ProcessMap, index: dict[str, int]) -> Callable[[Any, str], int]:
    """`to(step, port)`: the index of the step a port of `step` leads to, NO_PORT for a port the step does
    not have, END_ABANDONED for an optional port left open."""
    targets = {(e.src, e.port): index[e.dst] for e in pmap.edges}

    def to(step, port) -> int:
        if port not in step.ports:
            return NO_PORT
        t = targets.get((step.id, port))
        if t is None:  # only an optional port can be open here (map_problems saw to the rest)
            return END_ABANDONED
        return t

    return to


def _compile_step(plan: Plan, i: int, s, to, et_index: dict[str, int], pool_index: dict[str, int]) -> None:
    """Fill the tables of step `s`, index `i`."""
    if isinstance(s, Source):
        plan.out[i] = to(s, "out")
        plan.sources.append(i)
        plan.source_etype.append(et_index[s.entity])
    elif isinstance(s, Delay):
        plan.out[i] = to(s, "out")
        plan.durations[i] = s.duration
        plan.cost_per_entity[i] = s.cost_per_entity
    elif isinstance(s, Branch):
        plan.branch_ports[i] = [name for name, _ in s.branches]
        plan.branch_cum[i] = _cumulative([p for _, p in s.branches])
        plan.branch_to[i] = [to(s, name) for name, _ in s.branches]
    elif isinstance(s, Route):
        plan.route_pos[i] = [names.index(s.by) if s.by in names else -1 for names in plan.attr_names]
        plan.route_to[i] = {v: to(s, v) for v in s.values}
    elif isinstance(s, Service):
        _compile_service(plan, i, s, pool_index, plan.attr_names, to)
    elif isinstance(s, (Inventory, Batch)):  # simulated by engine.sim.stock
        plan.out[i] = to(s, s.ports[0])
        plan.stock_out[i] = to(s, "out") if isinstance(s, Inventory) else NO_PORT
    elif isinstance(s, Exit):
        plan.outcome[i] = OUTCOME_CODES[s.outcome]
        plan.exit_revenue[i] = s.revenue
        plan.exit_penalty[i] = s.penalty
        if s.late is not None:
            plan.late_after[i] = s.late.after
            plan.late_penalty[i] = s.late.penalty


def _work_limit(scenario: Scenario, pmap: ProcessMap) -> int:
    """The day's work limit, from its expected work (engine.budget): once per plan, not per day."""
    from engine.budget import day_limit, estimate

    return day_limit(estimate(scenario, pmap))


def _compile_service(plan: Plan, i: int, s: Service, pool_index, attr_names, to) -> None:
    plan.out[i] = to(s, "done")
    plan.unresolved[i] = to(s, "unresolved")
    plan.overflow[i] = to(s, "overflow")
    plan.abandoned[i] = to(s, "abandoned") if s.patience_port else END_ABANDONED
    n_pools = len(plan.pools)
    plan.svc_pools[i] = [pool_index[p] for p in s.pools
                         if p in pool_index and plan.scenario.resources[p].serves(s.skill)]
    if not plan.svc_pools[i]:
        raise MapError([f"no pool of {list(s.pools)} has the skill {s.skill!r} that step {s.id!r} needs"])
    durations: list[Any] = [None] * n_pools
    resolve = [1.0] * n_pools
    chance = [0.0] * n_pools
    for p in plan.svc_pools[i]:  # type: ignore[union-attr]
        name = plan.pools[p]
        durations[p] = s.duration_for(name)
        resolve[p] = s.resolve_for(name)
        if s.revenue is not None:
            chance[p] = s.revenue.chance.get(name, 0.0)
    plan.durations[i] = durations
    plan.resolve[i] = resolve
    plan.revenue_chance[i] = chance
    plan.revenue_amount[i] = s.revenue.amount if s.revenue is not None else 0.0
    plan.cost_per_entity[i] = s.cost_per_entity
    plan.overflow_after[i] = s.overflow_after
    if s.priority is not None:
        attr, order = s.priority
        plan.prio_pos[i] = [names.index(attr) if attr in names else -1 for names in attr_names]
        plan.prio_class[i] = {v: c for c, v in enumerate(order)}
        plan.n_classes[i] = len(order) + 1  # values not listed come last


def _cumulative(probs) -> list[float]:
    cum = list(accumulate(probs))
    if cum:
        cum[-1] = max(cum[-1], 1.0)  # `rest` and rounding: the last choice takes what is left
    return cum


def pick(cum: list[float], u: float) -> int:
    """The index of the choice a uniform `u` falls on (cumulative probabilities)."""
    return min(bisect_right(cum, u), len(cum) - 1)


def _in_cycle(n: int, edges: list[tuple[int, int]]) -> list[bool]:
    """Which steps lie on a cycle of the map (Tarjan's strongly connected components, iteratively)."""
    succ: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        succ[a].append(b)
    index = [-1] * n
    low = [0] * n
    on = [False] * n
    stack: list[int] = []
    out = [False] * n
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on[v] = True
            recurse = False
            for j in range(pi, len(succ[v])):
                w = succ[v][j]
                if index[w] < 0:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if on[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on[w] = False
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in succ[v]:
                    for w in comp:
                        out[w] = True
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return out
