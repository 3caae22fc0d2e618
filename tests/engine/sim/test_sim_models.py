"""Small scenarios built directly from the model classes, for the engine's tests (no YAML needed)."""
from __future__ import annotations


from engine.distributions import Distribution
from engine.model import (Edge, EntityType, Event, Exit, Kiosk, Objective, Pool, ProcessMap, RunSpec, Scenario,
                          Service, Source, Step, TimeSpec, frozen_map)

Exp = Distribution.exponential


def edges(*texts: str) -> ProcessMap:
    out = []
    for t in texts:
        left, dst = (x.strip() for x in t.split("->"))
        src, port = left.rsplit(".", 1)
        out.append(Edge(src, port, dst))
    return ProcessMap(tuple(out))


def scenario(steps: list[Step], reference: ProcessMap, resources: list[Pool] = (), entities: list[EntityType] = (),
             horizon: float = 480.0, warmup: float = 0.0, close: str = "drain", replications: int = 5,
             seed: int = 1, service_level_wait: float = 0.0, events: tuple[Event, ...] = (),
             fixed_costs: dict | None = None, penalties: tuple = (), unit: str = "minute") -> Scenario:
    entities = list(entities) or [EntityType("call", "Caller")]
    return Scenario(
        id="test", title="Test", summary="", domain="generic", currency="USD",
        time=TimeSpec(unit=unit, horizon=horizon, warmup=warmup, close=close),
        run=RunSpec(replications=replications, seed=seed, service_level_wait=service_level_wait),
        entities=frozen_map({e.id: e for e in entities}),
        resources=frozen_map({p.id: p for p in resources}),
        steps=frozen_map({s.id: s for s in steps}),
        reference=reference, alternatives=(), start_map=ProcessMap(()), hints=frozen_map(), rules=(),
        events=tuple(events), objective=Objective(), fixed_costs=frozen_map(fixed_costs or {}),
        advisors=frozen_map(), briefing=(), kiosk=Kiosk(), penalties=tuple(penalties),
    )


def mmc(lam: float = 10.0, mu: float = 1.0, c: int = 12, patience: float | None = None, horizon: float = 480.0,
        warmup: float = 0.0, close: str = "drain", slw: float = 0.0, seed: int = 1, reps: int = 5,
        cost_per_hour: float = 0.0, events=()) -> Scenario:
    """M/M/c (or M/M/c+M with exponential patience): one source, one service, one exit."""
    call = EntityType("call", "Caller", patience=Exp(patience) if patience else None)
    has_patience = patience is not None
    steps = [
        Source("incoming", "Incoming", entity="call", rate=((0.0, lam),)),
        Service("desk", "Desk", pools=("agents",), duration=Exp(1.0 / mu), patience_port=has_patience),
        Exit("done", "Done"),
        Exit("hung_up", "Hung up", outcome="abandoned"),
    ]
    ref = ["incoming.out -> desk", "desk.done -> done"]
    if has_patience:
        ref.append("desk.abandoned -> hung_up")
    return scenario(steps, edges(*ref), resources=[Pool("agents", "Agents", c, cost_per_hour=cost_per_hour)],
                    entities=[call], horizon=horizon, warmup=warmup, close=close, replications=reps, seed=seed,
                    service_level_wait=slw, events=events)
