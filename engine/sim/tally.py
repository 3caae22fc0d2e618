"""What a day has counted so far, as it happened: the counts its KPIs are read from (engine.sim.kpis).

Plain floats over the entities counted (born at or after warmup), except `born_before_warmup`; the compiled
engine keeps them unboxed. Counts by exit are kept per exit step, and what follows from them (completed,
revenue at exits...) is worked out when the KPIs are asked for, with the money in force at the end of the day.
"""
from __future__ import annotations

from .entity import Entity


class Tally:
    """The counts of one day (see the module docstring)."""

    __slots__ = ("warmup", "born_before_warmup", "offered", "answered", "answered_late", "answer_wait_total",
                 "waited", "wait_total", "abandoned_unconnected", "time_in_system_total", "revenue", "cost",
                 "exits", "exits_counted", "late")

    def __init__(self, warmup: float, n_steps: int):
        self.warmup = warmup
        self.born_before_warmup = 0.0  # the entities born before warmup (never counted)
        self.offered = 0.0  # reached a service
        self.answered = 0.0  # started a first service
        self.answered_late = 0.0  # ... after waiting longer than the service-level wait
        self.answer_wait_total = 0.0  # waits before a first service
        self.waited = 0.0  # waited in a queue (or for stock) at all
        self.wait_total = 0.0  # every wait in a queue (or for stock)
        self.abandoned_unconnected = 0.0  # ended at an unconnected `abandoned` port
        self.time_in_system_total = 0.0  # of the entities that ended
        self.revenue = 0.0  # cross-sell revenue at services (revenue at exits is added in the KPIs)
        self.cost = 0.0  # per-entity costs of steps
        self.exits = [0] * n_steps  # entities that ended at each exit step
        self.exits_counted = [0] * n_steps  # of those, the ones counted
        self.late = [0] * n_steps  # of those, the ones later than the exit's `late.after`

    def count_wait(self, e: Entity, now: float) -> None:
        """Entity `e` stops waiting (in a queue, or for stock) at `now`: its wait counts."""
        w = now - e.queued_at
        if w > 0:
            if e.born >= self.warmup:
                if not e.wait:
                    self.waited += 1
                self.wait_total += w
            e.wait += w
