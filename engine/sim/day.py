"""`Day`: one replication of a scenario's day, which the game advances a little at a time.

A day is set up from a plan (engine.sim.plan: the scenario, the map and the rule values compiled into
tables): its state (engine.sim.state), its knobs, schedules and scripted events (engine.sim.changes) and its
sources' first arrivals (engine.sim.sources). `advance` runs the event loop (engine.sim.loop) up to a time and
streams what happened as trace records (engine.sim.trace); `set` and `apply_rules` change the day from the
current moment on; `kpis` reads the KPIs of the day so far (engine.sim.kpis).
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from engine.model import ProcessMap, Scenario

from . import changes
from .entity import Entity
from .kpis import day_kpis, in_service, waiting
from .loop import run_events
from .plan import SERVICE, Plan, compile_for, compile_plan
from .sources import next_arrival, start_sources
from .state import INF, DayState

TRACE_CHUNK = 4096  # trace records buffered before `Day.advance` hands them out


class Day(DayState):
    """One replication of a scenario's day, advanced incrementally.

    `advance(until)` processes every event up to time `until` (the whole day when None) and yields the
    trace records of what happened (when built with `trace=True`). `set(path, value)` and
    `apply_rules(values)` change the day from the current moment on. `kpis()` gives the KPIs of the day so
    far (the final ones once `done`).
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
                 seed: int | None = None, replication: int = 0, trace: bool = False,
                 plan: Plan | None = None, work_limit: int | None = None):
        self.base_scenario = scenario
        self.rules = dict(rules or {})
        plan = plan if plan is not None else compile_for(scenario, pmap, self.rules)
        super().__init__(plan, plan.scenario.run.seed if seed is None else int(seed), replication, trace,
                         work_limit)
        changes.set_up_knobs(self)
        start_sources(self)

    @property
    def stop_time(self) -> float:
        return self.horizon if self.cutoff else INF

    def advance(self, until: float | None = None) -> Iterator[tuple]:
        """Run the day up to time `until` (to its end when None), yielding trace records as they come.

        Memory stays bounded: records are handed out in chunks of at most `TRACE_CHUNK`.
        """
        stop = self.stop_time if until is None else min(float(until), self.stop_time)
        if self.trace is None:
            run_events(self, stop, TRACE_CHUNK)
        else:
            while not run_events(self, stop, TRACE_CHUNK):
                chunk, self.trace[:] = list(self.trace), []
                yield from chunk
            chunk, self.trace[:] = list(self.trace), []
            yield from chunk
        if (self.cutoff and self.now >= self.horizon) or (not self.agenda.heap and next_arrival(self)[0] == INF):
            self.done = True

    def finish(self) -> dict[str, float]:
        """Run to the end of the day and return its KPIs."""
        for _ in self.advance(None):
            pass
        return self.kpis()

    def set(self, path: str, value: float) -> None:
        """Change `resources.POOL.count`, `steps.SOURCE.rate`, or `steps.STEP.duration` or `.lead_time` (a scale),
        from now on."""
        changes.set_value(self, path, value)

    def apply_rules(self, values: Mapping[str, Any]) -> None:
        """Rule values changed mid-day: staffing, rates, durations, probabilities and money from now on.

        Entities keep their draws: a caller needing a long call still needs it.
        """
        from engine.rules import apply_rules as _apply

        self.rules.update(values)
        changes.adopt(self, compile_plan(_apply(self.base_scenario, self.rules), self.plan.pmap))

    def kpis(self) -> dict[str, float]:
        """The KPIs of the day so far (final once `done`): entities still inside count as unfinished."""
        return day_kpis(self)

    def queue_lengths(self) -> dict[str, int]:
        return {self.plan.ids[s]: n for s, n in enumerate(self.queue_length) if self.plan.kind[s] == SERVICE}

    def busy_counts(self) -> dict[str, tuple[int, int]]:
        """pool -> (busy, staff)."""
        return {pid: (self.busy[p], self.staff[p]) for p, pid in enumerate(self.plan.pools)}

    def _waiting(self) -> list[Entity]:
        """Entities waiting in a queue (or for stock) now."""
        return waiting(self)

    def _in_service(self) -> Iterator[tuple[Entity, int, float]]:
        """(entity, pool, when its service ends) of every service running now."""
        return in_service(self)
