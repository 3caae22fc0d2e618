"""An entity: one caller, order or request on its way through the map, and what the loop knows of it."""
from __future__ import annotations

from typing import Final

#: `Entity.service_state`: it has not reached a service yet; it was offered to one; one served it.
NOT_OFFERED: Final = 0
OFFERED: Final = 1
ANSWERED: Final = 2


class Entity:
    """One caller, order or request on its way through the map."""

    __slots__ = ("id", "source", "number", "entity_type", "born", "attributes", "patience", "wait",
                 "service_state", "queued_at", "token", "step", "seen", "repeat")

    def __init__(self, eid: int, source: int, number: int, entity_type: int, born: float, attributes: tuple,
                 patience: float | None):
        self.id = eid  # unique within the day (the trace's entity)
        self.source = source  # source number
        self.number = number  # its arrival number at that source: the index of every per-entity draw
        self.entity_type = entity_type  # entity type index (engine.sim.plan.Plan.etypes)
        self.born = born  # counted in the KPIs when born at or after warmup
        self.attributes = attributes  # attribute values, in the entity type's order
        self.patience = patience
        self.wait = 0.0  # total time in queues so far (waits are only ever added when positive)
        self.service_state = NOT_OFFERED
        self.queued_at = 0.0  # when it joined its current queue (or began to wait for stock)
        self.token = 0  # bumped whenever it leaves a queue: stale queue entries and timers are ignored
        self.step = -1  # the step it is at
        self.seen: set[int] | None = None  # steps on a cycle already visited (repeat visits: rework streams)
        self.repeat = False  # this visit of a service is a repeat visit


def repeat_visit(e: Entity, s: int) -> bool:
    """Whether this is a repeat visit of `e` to step `s`, a step on a cycle of the map (marks the visit)."""
    seen = e.seen
    if seen is None:
        e.seen = {s}
        return False
    if s in seen:
        return True
    seen.add(s)
    return False
