"""What a day is made of while it runs, and how it is set up from a plan.

`DayState` holds everything of one replication: the clock, the agenda (engine.sim.agenda), the counts
(engine.sim.tally), the queues and pools of the services, the sources' next arrivals, the random streams
(engine.sim.streams), the knobs that changes move (engine.sim.knobs), and the shelves and batches
(engine.sim.stock). Lists are indexed like the plan's: by step, by pool, by source number.

The parts of a day are functions over this state, each in its module: the event loop (engine.sim.loop), the
services (engine.sim.service), the arrivals (engine.sim.sources), changes during the day (engine.sim.changes)
and the read-outs (engine.sim.kpis). `engine.sim.day.Day` is this state with the public face.
"""
from __future__ import annotations

import math
from collections import deque
from itertools import count
from typing import Any, Final, Iterator

from .agenda import Agenda
from .entity import Entity
from .knobs import Knob
from .plan import SERVICE, Plan
from .stock import Stock
from .streams import DayStreams
from .tally import Tally

INF: Final = math.inf
#: The work left of a day without a limit: more events than any day could process.
UNLIMITED: Final = 1 << 60  # within mypyc's unboxed integers (63 bits with the tag)


class DayState:
    """One replication of a plan's day: its state (see the module docstring)."""

    def __init__(self, plan: Plan, seed: int, replication: int, trace: bool, work_limit: int | None):
        self.plan = plan
        self.scenario = sc = plan.scenario
        self.seed = seed
        self.replication = replication
        self.horizon = float(sc.time.horizon)
        self.warmup = float(sc.time.warmup)
        self.cutoff = sc.time.close == "cutoff"
        self.service_level_wait = float(sc.run.service_level_wait)
        self.now = 0.0
        self.done = False
        self.end_time = 0.0  # the last moment an entity moved
        self.trace: list[tuple] | None = [] if trace else None
        self.fired: list[tuple[float, int, Any]] = []  # scripted events that started: (time, index, say line)
        self.agenda = Agenda()
        n = len(plan.ids)
        self.tally = Tally(self.warmup, n)
        self.entity_ids: Iterator[int] = count()
        # Events this day may still process before it is stopped (engine.budget): the plan's limit unless
        # given here; 0 for none (--no-work-limit).
        limit = plan.work_limit if work_limit is None else int(work_limit)
        self.work_limit = limit
        self.work_left = limit if limit > 0 else UNLIMITED
        self._set_up_services(plan)
        self._set_up_sources(plan)
        # Changes during the day (engine.sim.changes fills the knobs)
        self.generation = 0  # bumped when rules change mid-day: stale schedule pieces are ignored
        self.duration_sets: dict[int, list] = {}  # step -> [(event index, distribution)] set by events
        self.pool_knobs: dict[str, Knob] = {}
        self.rate_knobs: dict[str, Knob] = {}
        self.duration_knobs: dict[str, Knob] = {}
        self.decision_cost = 0.0  # the one-off costs of the choices taken at the shocks (engine.decisions)
        self.streams = DayStreams(plan, seed, replication)
        self.stock = Stock(plan, self.agenda, self.tally, self.trace, seed, replication, self.horizon,
                           self.warmup, self.cutoff)

    def _set_up_services(self, plan: Plan) -> None:
        n, n_pools = len(plan.ids), len(plan.pools)
        # per service step, one queue per priority class of (entity, its token when it joined)
        self.queues: list[list[deque[tuple[Entity, int]]] | None] = [
            [deque() for _ in range(plan.n_classes[s])] if plan.kind[s] == SERVICE else None for s in range(n)]
        self.queue_length = [0] * n  # entities waiting at each service step
        self.busy = [0] * n_pools  # units of each pool serving now
        self.staff = [0] * n_pools  # units of each pool on shift now
        self.busy_time = [0.0] * n_pools  # after warmup
        self.staffed = [0.0] * n_pools  # unit-time over the whole day (cost)
        self.staffed_measured = [0.0] * n_pools  # unit-time after warmup (utilization)
        self.staff_mark = [0.0] * n_pools  # staffed unit-time is integrated up to here
        self.duration_scale = [1.0] * n  # per step (scripted events)
        # The one step a pool serves (its queue can be checked before feeding the pool), or -1; and the same
        # when that step has no priorities (a plain first-come-first-served queue).
        self.pool_queue = [steps[0] if len(steps) == 1 else -1 for steps in plan.pool_steps]
        self.fifo_queue = [q if q >= 0 and plan.n_classes[q] == 1 else -1 for q in self.pool_queue]

    def _set_up_sources(self, plan: Plan) -> None:
        ns = len(plan.sources)
        self.rate = [0.0] * ns
        self.arrival_at = [INF] * ns  # next arrival time per source (not on the heap: the loop merges them)
        self.unit_time_left = [0.0] * ns  # unit-rate time to the next arrival while the rate is zero
        self.arrived = [0] * ns  # entities born at each source so far
