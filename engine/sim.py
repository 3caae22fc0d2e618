"""The simulation engine: a day of the business, event by event, and runs of many days.

`run(scenario, ...)` simulates replications and returns KPIs per replication with their means and 95 %
half-widths. `Day` is one replication the game advances a little at a time: it streams what happens (trace
records, see `engine.trace`) and accepts changes mid-day.

How the loop works. Pending happenings sit in a `heapq` of `(time, sequence, kind, a, b)` tuples; the
sequence number makes ties deterministic (first scheduled, first done). Only things that take time are
events: the end of a delay, the end of a service, a caller's patience running out, an overflow timer, a
change (a staffing piece, a scripted event, a rate piece). Arrivals are not on the heap: each source keeps
its next arrival time and the loop takes whichever comes first. Steps that take no time (branch, route,
exit) are handled inline as the entity moves on, in the same loop turn. A caller served before their
patience runs out leaves their timer on the heap; the timer carries a token, and a token that no longer
matches the caller's is ignored when it comes up (lazy cancellation, no search).

Randomness (see `engine.rng`) is drawn per purpose and, for everything about an entity (attributes,
patience, the work it needs at each step, its branch, resolve and cross-sell draws), indexed by the
entity's arrival number at its source: two rule settings meet the same callers. A source's arrivals are
unit-rate exponential gaps mapped through its rate, so a rate piece or a storm changes when callers come,
never which callers come.

How the KPIs read the contract where it leaves a choice:
- `service_level` is over the arrivals offered to a service (a caller the IVR solves was never in a
  queue); `asa` over those answered; both use the total wait before the first service.
- patience applies afresh in each queue; overflow and patience race, the earlier timer wins.
- `utilization.POOL` is busy time over staffed time after warmup (drain time included under drain); a unit
  still finishing a call after its shift ended counts as staffed (and paid) until it finishes.
- staff cost covers the whole day from time 0, warmup included; money per entity counts entities born
  after warmup; money at exits uses the values in force at the end of the day.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field
from heapq import heappop, heappush
from itertools import count
from typing import Any, Callable, Final, Iterator, Mapping

import numpy as np

from . import rng as rngs
from .rng import BLOCK_BITS, MASK
from .kpis import ratio, summarize
from .parallel import replicate
from .distributions import as_distribution
from .model import ProcessMap, Scenario
from .plan import (BATCH, BRANCH, DELAY, END_ABANDONED, EXIT, INVENTORY, ROUTE, SERVICE, MapError, Plan,
                   compile_plan)
from .stock import LOST, MET, Stock
from .budget import MAX_INSTANT_HOPS, StuckInLoop, WorkLimitExceeded

__all__ = ["run", "RunResult", "Day", "Entity", "MapError", "kpi_names", "compile_for"]

# Heap entry kinds
# arrivals are not on the heap
_DELAY_DONE: Final = 0
_SERVICE_DONE: Final = 1
_ABANDON: Final = 2
_OVERFLOW: Final = 3
_CHANGE: Final = 4
_RELEASE: Final = 5  # an entity leaves a step where it waited for stock or for its batch (engine.stock)

INF: Final = math.inf
#: The work left of a day without a limit: more events than any day could process.
_UNLIMITED: Final = 1 << 60  # within mypyc's unboxed integers (63 bits with the tag)
#: A heap entry: (time, sequence, kind, a, b).
_Ev = tuple[float, int, int, Any, Any]
TRACE_CHUNK = 4096  # trace records buffered before `Day.advance` hands them out


class Entity:
    """One caller, order or request on its way through the map."""

    __slots__ = ("id", "src", "k", "etype", "born", "attrs", "patience", "wait", "sv", "tq", "tok", "at", "seen",
                 "rw")

    def __init__(self, eid: int, src: int, k: int, etype: int, born: float, attrs: tuple, patience: float | None):
        self.id = eid
        self.src = src  # source number
        self.k = k  # arrival number at that source: the index of every per-entity draw
        self.etype = etype
        self.born = born  # counted in the KPIs when born at or after warmup
        self.attrs = attrs  # attribute values, in the entity type's order
        self.patience = patience
        self.wait = 0.0  # total time in queues so far (waits are only ever added when positive)
        self.sv = 0  # 0: never reached a service; 1: offered to one; 2: served at least once
        self.tq = 0.0  # when it joined its current queue
        self.tok = 0  # bumped whenever it leaves a queue: stale queue entries and timers are ignored
        self.at = -1  # the step it is at
        self.seen: set[int] | None = None  # steps on a cycle already visited (repeat visits: rework streams)
        self.rw = False  # this visit is a repeat visit


def kpi_names(scenario: Scenario) -> tuple[str, ...]:
    return scenario.kpi_names()


# --------------------------------------------------------------------------------------------------
# Knobs: quantities that schedules, scripted events and mid-day changes move


class _Knob:
    """A number with a base (the rules and schedules), `set`s (the latest active wins) and `scale`s."""

    __slots__ = ("base", "sets", "scales", "apply")

    def __init__(self, base: float, apply: Callable[[float, float], None]):
        self.base = base
        self.sets: list[tuple[int, float]] = []
        self.scales: list[tuple[int, float]] = []
        self.apply = apply  # (now, value) -> None

    def value(self) -> float:
        v = self.sets[-1][1] if self.sets else self.base
        for _, f in self.scales:
            v *= f
        return v

    def update(self, now: float) -> None:
        self.apply(now, self.value())


def _rate_at(pieces, t: float) -> float:
    r = pieces[0][1]
    for frm, rate in pieces:
        if frm <= t:
            r = rate
    return r


def _count_at(pieces, t: float) -> int:
    c = pieces[0][1]
    for frm, n in pieces:
        if frm <= t:
            c = n
    return c


# --------------------------------------------------------------------------------------------------
# One day


class Day:
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
        self.plan = plan if plan is not None else compile_for(scenario, pmap, self.rules)
        self.scenario = sc = self.plan.scenario
        self.seed = sc.run.seed if seed is None else int(seed)
        self.replication = replication
        self.horizon = float(sc.time.horizon)
        self.warmup = float(sc.time.warmup)
        self.cutoff = sc.time.close == "cutoff"
        self.slw = float(sc.run.service_level_wait)
        self.now = 0.0
        self.done = False
        self.end_time = 0.0  # the last moment an entity moved
        self.trace: list[tuple] | None = [] if trace else None
        self.fired: list[tuple[float, int, Any]] = []  # (time, event index, say line)
        self._heap: list[_Ev] = []
        self._seq = 0  # the sequence number of the last heap entry: entries at one time go in order
        # The day's counts, plain floats over the entities counted (born at or after warmup), except `n_pre`,
        # the entities born before warmup. Counts by exit are kept per exit step (`exits_counted`, `late`), and
        # what follows from them (completed, revenue at exits...) is worked out when the KPIs are asked for.
        self.n_pre = 0.0
        self.n_offered = 0.0  # reached a service
        self.n_answered = 0.0  # started a first service
        self.n_answered_late = 0.0  # ... after waiting longer than the service-level wait
        self.answer_wait_total = 0.0  # waits before a first service
        self.n_waited = 0.0  # waited in a queue (or for stock) at all
        self.wait_total = 0.0  # every wait in a queue (or for stock)
        self.n_abandoned_unconnected = 0.0  # ended at an unconnected `abandoned` port
        self.time_in_system_total = 0.0  # of the entities that ended
        self.revenue_total = 0.0  # cross-sell revenue at services (revenue at exits is added in `kpis`)
        self.cost_total = 0.0  # per-entity costs of steps
        self._ids: Iterator[int] = count()
        # Events this day may still process before it is stopped (engine.budget): the plan's limit unless
        # given here; 0 for none (--no-work-limit).
        limit = self.plan.work_limit if work_limit is None else int(work_limit)
        self.work_limit = limit
        self._work_left = limit if limit > 0 else _UNLIMITED
        self._generation = 0  # bumped when rules change mid-day: stale schedule pieces are ignored
        self._duration_sets: dict[int, list] = {}  # step -> [(event index, distribution)] set by events
        self._setup_state()
        self._setup_streams()
        self.stock = Stock(self, _RELEASE, _CHANGE, _Knob)
        self._setup_knobs()
        self._build_handlers()
        self._start_sources()

    # ---- setup ---------------------------------------------------------------------------------

    def _setup_state(self) -> None:
        P = self.plan
        n, n_pools = len(P.ids), len(P.pools)
        self.queues: list[list[deque[tuple[Entity, int]]] | None] = [
            [deque() for _ in range(P.n_classes[s])] if P.kind[s] == SERVICE else None for s in range(n)]
        self.qlen = [0] * n
        self.busy = [0] * n_pools
        self.staff = [0] * n_pools
        self.busy_time = [0.0] * n_pools  # after warmup
        self.staffed = [0.0] * n_pools  # unit-time over the whole day (cost)
        self.staffed_measured = [0.0] * n_pools  # unit-time after warmup (utilization)
        self._staff_mark = [0.0] * n_pools
        self.dscale = [1.0] * n  # duration scale per step (scripted events)
        self.exits = [0] * n  # entities that ended at each exit
        self.exits_counted = [0] * n  # of those, the ones counted
        self.late = [0] * n  # of those, the ones later than the exit's `late.after`
        ns = len(P.sources)
        self.rate = [0.0] * ns
        self._next = [INF] * ns  # next arrival time per source (not on the heap: the loop merges them)
        self._mass = [0.0] * ns  # unit-rate time left when the rate is zero
        self._k = [0] * ns

    def _setup_streams(self) -> None:
        """One stream per purpose; per-entity draws indexed by arrival number (common random numbers)."""
        P, seed, rep = self.plan, self.seed, self.replication
        sids = [P.ids[s] for s in P.sources]
        gen = rngs.generator
        Seq, Idx = rngs.SequentialStream, rngs.IndexedStream

        def indexed(purpose, step, sampler):
            return [Idx(seed, (rep, *rngs.key(purpose, step, src)), sampler) for src in sids]

        def rework(purpose, step, sampler):
            return Seq(gen(seed, rep, "rework-" + purpose, step), sampler)

        self.s_arrive = [Seq(gen(seed, rep, "arrivals", sid), rngs.unit_exponential) for sid in sids]
        self.s_entity = []
        for j, sid in enumerate(sids):
            et = P.source_etype[j]
            attrs = [Seq(gen(seed, rep, "attribute", sid, a), rngs.uniform) for a in P.attr_names[et]]
            pat = P.patience[et]
            patience = Seq(gen(seed, rep, "patience", sid), pat.sample) if pat is not None else None
            self.s_entity.append(_EntityDraws(attrs, P.attr_values[et], P.attr_cum[et], patience))
        n = len(P.ids)
        self.s_dur: list[Any] = [None] * n
        self.s_dur_rw: list[Any] = [None] * n
        self.s_branch: list[Any] = [None] * n
        self.s_branch_rw: list[Any] = [None] * n
        self.s_resolve: list[Any] = [None] * n
        self.s_resolve_rw: list[Any] = [None] * n
        self.s_revenue: list[Any] = [None] * n
        self.s_revenue_rw: list[Any] = [None] * n
        for s, sid in enumerate(P.ids):
            kind = P.kind[s]
            if kind == DELAY:
                d = P.durations[s]
                self.s_dur[s] = indexed("duration", sid, d.sample)
                self.s_dur_rw[s] = rework("duration", sid, d.sample)
            elif kind == SERVICE:
                # Every pool reads the same seeds: a caller needing long work needs it from anyone.
                self.s_dur[s] = [indexed("duration", sid, d.sample) if d is not None else None
                                 for d in P.durations[s]]
                self.s_dur_rw[s] = [rework("duration", sid + "/" + P.pools[p], d.sample) if d is not None else None
                                    for p, d in enumerate(P.durations[s])]
                self.s_resolve[s] = indexed("resolve", sid, rngs.uniform)
                self.s_resolve_rw[s] = rework("resolve", sid, rngs.uniform)
                self.s_revenue[s] = indexed("revenue", sid, rngs.uniform)
                self.s_revenue_rw[s] = rework("revenue", sid, rngs.uniform)
            elif kind == BRANCH:
                self.s_branch[s] = indexed("branch", sid, rngs.uniform)
                self.s_branch_rw[s] = rework("branch", sid, rngs.uniform)

    def _setup_knobs(self) -> None:
        P, sc = self.plan, self.scenario
        self.pool_knobs = {}
        for p, pid in enumerate(P.pools):
            pieces = sc.resources[pid].staffing()
            knob = _Knob(float(_count_at(pieces, 0.0)), self._pool_applier(p))
            self.pool_knobs[pid] = knob
            self.staff[p] = max(0, int(round(knob.value())))
        self.rate_knobs = {}
        for j, s in enumerate(P.sources):
            pieces = sc.steps[P.ids[s]].rate  # type: ignore[attr-defined]
            knob = _Knob(float(_rate_at(pieces, 0.0)), self._rate_applier(j))
            self.rate_knobs[P.ids[s]] = knob
            self.rate[j] = max(0.0, knob.value())
        self.duration_knobs = {sid: _Knob(1.0, self._duration_applier(s)) for s, sid in enumerate(P.ids)
                               if P.kind[s] in (DELAY, SERVICE)}
        self._schedule_pieces(0.0)
        for i, ev in enumerate(sc.events):
            self._schedule_event(i, ev)

    def _schedule_pieces(self, after: float) -> None:
        """Changes of staffing and of source rates the scenario schedules, from `after` on."""
        P, sc, gen = self.plan, self.scenario, self._generation
        for pid, knob in self.pool_knobs.items():
            for frm, n in sc.resources[pid].staffing():
                if after < frm < self.horizon:
                    self._push(frm, _CHANGE, self._set_base, (knob, float(n), gen))
        for j, s in enumerate(P.sources):
            knob = self.rate_knobs[P.ids[s]]
            for frm, r in sc.steps[P.ids[s]].rate:  # type: ignore[attr-defined]
                if after < frm < self.horizon:
                    self._push(frm, _CHANGE, self._set_base, (knob, float(r), gen))

    def _set_base(self, now: float, arg) -> None:
        knob, value, gen = arg
        if gen == self._generation:
            knob.base = value
            knob.update(now)

    def _knob(self, path: str, what: str):
        parts = path.split(".")
        knob = None
        if len(parts) == 3 and parts[0] == "resources" and parts[2] == "count":
            if parts[1] in self.pool_knobs:
                return self.pool_knobs[parts[1]]
            knob = False if parts[1] in self.scenario.resources else None
        elif len(parts) == 3 and parts[0] == "steps" and parts[2] in ("rate", "duration", "lead_time"):
            table = {"rate": self.rate_knobs, "duration": self.duration_knobs,
                     "lead_time": self.stock.lead_knobs}[parts[2]]
            if parts[1] in table:
                return table[parts[1]]
            knob = False if parts[1] in self.scenario.steps else None  # a step not on this map
        if knob is False:
            return None
        raise ValueError(f"{what}: cannot change {path!r} during a day (resources.POOL.count, "
                         "steps.SOURCE.rate, steps.STEP.duration and steps.STEP.lead_time can change)")

    def _schedule_event(self, i: int, ev) -> None:
        for path, _ in (*ev.scale, *ev.set):
            self._knob(path, f"event {i + 1} at {ev.at:g}")  # refuse what cannot change before the day starts
        if ev.at < self.horizon or (not self.cutoff and ev.at == self.horizon):
            self._push(float(ev.at), _CHANGE, self._fire, (i, ev, True))
            if ev.duration is not None:
                self._push(float(ev.at + ev.duration), _CHANGE, self._fire, (i, ev, False))

    def _fire(self, now: float, arg) -> None:
        i, ev, starting = arg
        changed = []
        for path, factor in ev.scale:
            knob = self._knob(path, "event")
            if knob is not None:
                if starting:
                    knob.scales.append((i, float(factor)))
                else:
                    knob.scales = [x for x in knob.scales if x[0] != i]
                changed.append(knob)
        for path, value in ev.set:
            knob = self._knob(path, "event")
            if knob is None:
                continue
            if path.endswith(".lead_time"):  # another lead-time distribution for a while
                self.stock.set_lead(path.split(".")[1], i, value, starting)
                continue
            if path.endswith(".duration"):  # another distribution for a while
                s = self.plan.index[path.split(".")[1]]
                sets = self._duration_sets.setdefault(s, [])
                if starting:
                    sets.append((i, as_distribution(value)))
                else:
                    sets[:] = [x for x in sets if x[0] != i]
                self._apply_durations(s)
                continue
            if isinstance(value, (list, tuple)):  # a rate given as pieces: the piece running now
                value = _rate_at(value, now)
            if starting:
                knob.sets.append((i, float(value)))
            else:
                knob.sets = [x for x in knob.sets if x[0] != i]
            changed.append(knob)
        for knob in changed:
            knob.update(now)
        if starting:
            self.fired.append((now, i, ev.say))
            if self.trace is not None:
                say = ev.say
                self.trace.append(("event", now, i, say.advisor if say else None, say.text if say else None))

    def _apply_durations(self, s: int) -> None:
        """Draw the durations of step `s` from the distribution an event sets (or the step's own again).

        The entities keep their seeds, so each keeps its place in whichever distribution is in force."""
        P = self.plan
        sets = self._duration_sets.get(s)
        if P.kind[s] == DELAY:
            dist = sets[-1][1] if sets else P.durations[s]
            for st in self.s_dur[s]:
                st.resample(dist.sample)
            self.s_dur_rw[s].sampler = dist.sample
            return
        for p, base in enumerate(P.durations[s]):
            if base is not None:
                dist = sets[-1][1] if sets else base
                for st in self.s_dur[s][p]:
                    st.resample(dist.sample)
                self.s_dur_rw[s][p].sampler = dist.sample

    def _pool_applier(self, p: int):
        def apply(now: float, value: float) -> None:
            self._set_staff(p, max(0, int(round(value))), now)
        return apply

    def _rate_applier(self, j: int):
        def apply(now: float, value: float) -> None:
            self._set_rate(j, max(0.0, value), now)
        return apply

    def _duration_applier(self, s: int):
        def apply(now: float, value: float) -> None:
            self.dscale[s] = max(0.0, value)
        return apply

    def next_seq(self) -> int:
        """The sequence number of a new heap entry (engine.stock schedules on the same heap)."""
        self._seq += 1
        return self._seq

    def _push(self, t: float, kind: int, a, b) -> None:
        heappush(self._heap, (t, self.next_seq(), kind, a, b))

    # ---- changes of staffing and rates ---------------------------------------------------------

    def _account_staff(self, p: int, now: float) -> None:
        """Integrate staffed unit-time up to `now`: the staff on shift, plus units finishing a last job
        after their shift ended (they are paid until they finish)."""
        mark = self._staff_mark[p]
        if now <= mark:
            return
        level = max(self.staff[p], self.busy[p])
        self.staffed[p] += level * (now - mark)
        lo = max(mark, self.warmup)
        if now > lo:
            self.staffed_measured[p] += level * (now - lo)
        self._staff_mark[p] = now

    def _set_staff(self, p: int, n: int, now: float) -> None:
        self._account_staff(p, now)
        old = self.staff[p]
        self.staff[p] = n
        if self.trace is not None:
            self.trace.append(("busy", now, self.plan.pools[p], self.busy[p], n))
        if n > old:
            self._feed(p, now)

    def _set_rate(self, j: int, r: float, now: float) -> None:
        """A new arrival rate from `now`: the time left to the next arrival, in unit-rate time, is kept,
        so the arrival process stays the same stream of unit-rate gaps (exact for piecewise rates).

        From the horizon on the source is closed: its pending arrival, if any, lies beyond the horizon and
        is never taken, and a change then (an event that outlasts the day, a rule changed while the day
        drains) must not move it. Rescaling it would put it in the past, before `now`: the clock would run
        backwards and arrivals start again (issue 10: 1,991 arrivals for 1,500 expected)."""
        old = self.rate[j]
        if now >= self.horizon:
            self.rate[j] = r
            return
        mass = (self._next[j] - now) * old if (old > 0 and self._next[j] < INF) else self._mass[j]
        self.rate[j] = r
        if r > 0:
            self._next[j] = now + mass / r
        else:
            self._mass[j] = mass
            self._next[j] = INF

    def _start_sources(self) -> None:
        for j in range(len(self.plan.sources)):
            self._mass[j] = self.s_arrive[j].next()
            self._next[j] = INF
            self._set_rate(j, self.rate[j], 0.0)

    # ---- the handlers the loop calls -----------------------------------------------------------

    def _build_handlers(self) -> None:
        """`_start` and `_feed` as closures over the state, for speed in the loop."""
        P = self.plan
        heap = self._heap
        busy, staff, qlen = self.busy, self.staff, self.qlen
        queues: list[list[deque[tuple[Entity, int]]]] = self.queues  # type: ignore[assignment]
        busy_time, dscale = self.busy_time, self.dscale
        s_dur, s_dur_rw = self.s_dur, self.s_dur_rw
        in_cycle, cost_pe, pool_steps = P.in_cycle, P.cost_per_entity, P.pool_steps
        ids, pools = P.ids, P.pools
        # The one step a pool serves (its queue can be checked before calling `feed`), or -1; and the same
        # when that step has no priorities (a plain first-come-first-served queue).
        self._pool_q = [steps[0] if len(steps) == 1 else -1 for steps in pool_steps]
        fifo = [q if q >= 0 and P.n_classes[q] == 1 else -1 for q in self._pool_q]
        warmup, slw = self.warmup, self.slw
        clip_end = self.horizon if self.cutoff else INF
        trace = self.trace
        push = heappush

        def start(e: Entity, s: int, p: int, now: float) -> None:
            """`e` starts its service at step `s` with a unit of pool `p`."""
            st: rngs.IndexedStream
            d: float
            busy[p] += 1
            if e.sv != 2:  # the first service: answered
                e.sv = 2
                if e.born >= warmup:
                    self.n_answered += 1
                    w = e.wait
                    if w:
                        self.answer_wait_total += w
                        if w > slw:
                            self.n_answered_late += 1
            if in_cycle[s]:
                e.rw = _repeat(e, s)
                d = s_dur_rw[s][p].next() if e.rw else s_dur[s][p][e.src].at(e.k)
            else:
                st = s_dur[s][p][e.src]
                k = e.k
                d = st.cur[k & MASK] if k >> BLOCK_BITS == st.cur_index else st.at(k)  # IndexedStream.at, inlined
            end = now + d * dscale[s]
            if now >= warmup and end <= clip_end:
                busy_time[p] += end - now
            else:  # busy time is measured after warmup (and, under cutoff, until the horizon)
                lo = now if now > warmup else warmup
                hi = end if end < clip_end else clip_end
                if hi > lo:
                    busy_time[p] += hi - lo
            if cost_pe[s] and e.born >= warmup:
                self.cost_total += cost_pe[s]
            self._seq += 1
            push(heap, (end, self._seq, _SERVICE_DONE, e, p))
            if trace is not None:
                trace.append(("start", now, e.id, ids[s], pools[p]))
                trace.append(("busy", now, pools[p], busy[p], staff[p]))

        def feed(p: int, now: float) -> None:
            """Give free units of pool `p` to waiting entities: best priority class, then longest wait,
            ties to the step listed first."""
            e: Entity
            t: float
            q = fifo[p]
            if q >= 0:  # the pool serves one queue without priorities: first come, first served
                dq = queues[q][0]
                while dq and busy[p] < staff[p]:
                    e, tok = dq.popleft()
                    if e.tok != tok:
                        continue  # left the queue earlier (abandoned, overflowed)
                    e.tok += 1
                    qlen[q] -= 1
                    w = now - e.tq
                    if w > 0:
                        if e.born >= warmup:
                            if not e.wait:
                                self.n_waited += 1
                            self.wait_total += w
                        e.wait += w
                    if trace is not None:
                        trace.append(("queue", now, ids[q], qlen[q]))
                    start(e, q, p, now)
                return
            steps_p = pool_steps[p]
            while busy[p] < staff[p]:
                best = None
                bs = bc = -1
                bt = 0.0
                for s in steps_p:
                    if not qlen[s]:
                        continue
                    c = -1
                    for dq in queues[s]:
                        c += 1
                        while dq:
                            head = dq[0]
                            if head[0].tok == head[1]:
                                break
                            dq.popleft()  # left the queue earlier (abandoned, overflowed)
                        if dq:
                            t = dq[0][0].tq
                            if best is None or c < bc or (c == bc and t < bt):
                                best, bs, bc, bt = dq, s, c, t
                            break
                if best is None:
                    return
                e = best.popleft()[0]
                e.tok += 1
                qlen[bs] -= 1
                w = now - e.tq
                if w > 0:
                    if e.born >= warmup:
                        if not e.wait:
                            self.n_waited += 1
                        self.wait_total += w
                    e.wait += w
                if trace is not None:
                    trace.append(("queue", now, ids[bs], qlen[bs]))
                start(e, bs, p, now)

        self._start, self._feed = start, feed

    def _next_arrival(self) -> tuple[float, int]:
        """The next arrival over all sources: (time, source number), or (inf, -1) after the horizon."""
        best, jb = INF, -1
        for j, t in enumerate(self._next):
            if t < best:
                best, jb = t, j
        return (best, jb) if best < self.horizon else (INF, -1)

    # ---- the loop ------------------------------------------------------------------------------

    def _run(self, stop: float, limit: int = TRACE_CHUNK) -> bool:
        """Process events up to time `stop`; return False early when the trace holds `limit` records.

        Arrivals are not on the heap: each source's next arrival time is kept apart and merged here,
        which saves a push and a pop per entity.
        """
        P = self.plan
        heap = self._heap
        pop, push = heappop, heappush
        kind, out, ids = P.kind, P.out, P.ids
        unresolved, overflow_to, abandoned_to = P.unresolved, P.overflow, P.abandoned
        branch_cum: list[list[float]] = P.branch_cum  # type: ignore[assignment]
        branch_to: list[list[int]] = P.branch_to  # type: ignore[assignment]
        branch_ports: list[list[str]] = P.branch_ports  # type: ignore[assignment]
        route_pos: list[list[int]] = P.route_pos  # type: ignore[assignment]
        route_to: list[dict[Any, int]] = P.route_to  # type: ignore[assignment]
        svc_pools: list[list[int]] = P.svc_pools  # type: ignore[assignment]
        prio_class: list[dict[Any, int]] = P.prio_class  # type: ignore[assignment]
        prio_pos, n_classes = P.prio_pos, P.n_classes
        overflow_after, rev_amount = P.overflow_after, P.revenue_amount
        resolve: list[list[float]] = P.resolve  # type: ignore[assignment]
        rev_chance: list[list[float]] = P.revenue_chance  # type: ignore[assignment]
        cost_pe, in_cycle, pools = P.cost_per_entity, P.in_cycle, P.pools
        outcome, late_after = P.outcome, P.late_after
        exits_counted, late = self.exits_counted, self.late
        sources, source_etype = P.sources, P.source_etype
        busy, staff, qlen, exits = self.busy, self.staff, self.qlen, self.exits
        queues: list[list[deque[tuple[Entity, int]]]] = self.queues  # type: ignore[assignment]
        pool_q = self._pool_q
        s_arrive, s_entity = self.s_arrive, self.s_entity
        s_dur, s_dur_rw = self.s_dur, self.s_dur_rw
        s_branch, s_branch_rw = self.s_branch, self.s_branch_rw
        s_resolve, s_resolve_rw, s_revenue, s_revenue_rw = (self.s_resolve, self.s_resolve_rw, self.s_revenue,
                                                            self.s_revenue_rw)
        rate, nxt_arrival, karr = self.rate, self._next, self._k
        one_source = len(nxt_arrival) == 1
        # services whose end needs a draw (resolve below 1, a cross-sell chance) for some pool
        draws_at_done = [r is not None and (min(r) < 1.0 or max(c) > 0.0)  # type: ignore[arg-type]
                         for r, c in zip(P.resolve, P.revenue_chance)]
        dscale = self.dscale
        start, feed = self._start, self._feed
        stock = self.stock
        stock_demand, stock_join, stock_out = stock.demand, stock.join, P.stock_out
        ids_next = self._ids
        horizon, warmup = self.horizon, self.warmup
        trace = self.trace
        account = self._account_staff
        end_time = self.end_time
        now = self.now
        ta, ja = self._next_arrival()
        # The guards (engine.budget): events left to this day, and steps an entity may pass in one move
        # without time passing. Two integer operations per event: within the noise of the benchmark.
        work_left: int = self._work_left
        max_hops: int = MAX_INSTANT_HOPS
        hops: int
        # The types of the loop's locals (read by compiled builds; nothing at run time in Python)
        e: Entity
        st: rngs.IndexedStream
        ev: _Ev
        ht: float
        what: int
        p: int
        s: int
        nxt: int
        k: int
        d: float
        u: float
        w: float

        while True:
            if trace is not None and len(trace) >= limit:
                self.now, self.end_time = now, end_time
                self._work_left = work_left
                return False
            work_left -= 1
            if work_left < 0:
                self._over_budget(now)
            ht = heap[0][0] if heap else INF
            if ta < ht:  # ---- an arrival
                now = ta
                if now > stop:
                    break
                j = ja
                n = karr[j]
                karr[j] = n + 1
                dr = s_entity[j]
                i = n & MASK
                if not i:
                    dr.refill()
                e = Entity(next(ids_next), j, n, source_etype[j], now, dr.attrs[i], dr.patience[i])
                if now < warmup:
                    self.n_pre += 1
                t = now + s_arrive[j].next() / rate[j]
                nxt_arrival[j] = t
                if one_source:
                    ta = t if t < horizon else INF
                else:
                    ta, ja = self._next_arrival()
                s = sources[j]
                port: Any = "out"
                nxt = out[s]
            else:
                if ht == INF:
                    if not self.cutoff and stock.flush(now):  # drained: the last partly filled batches leave
                        continue
                    break  # nothing left to happen
                now = ht
                if now > stop:
                    break
                ev = pop(heap)
                what = ev[2]
                if what == _SERVICE_DONE:  # ---- a service ends; the unit takes the next waiting entity
                    e = ev[3]
                    p = ev[4]
                    s = e.at
                    if busy[p] > staff[p]:  # a unit finishing after its shift ended
                        account(p, now)
                    busy[p] -= 1
                    q = pool_q[p]
                    if q < 0 or qlen[q]:
                        feed(p, now)
                    if trace is not None:
                        trace.append(("finish", now, e.id, ids[s], pools[p]))
                        trace.append(("busy", now, pools[p], busy[p], staff[p]))
                    port = "done"
                    nxt = out[s]
                    if draws_at_done[s]:
                        rp = resolve[s][p]
                        if rp < 1.0:
                            if e.rw:
                                u = s_resolve_rw[s].next()
                            else:
                                st = s_resolve[s][e.src]
                                k = e.k
                                u = st.cur[k & MASK] if k >> BLOCK_BITS == st.cur_index else st.at(k)
                            if u >= rp:
                                port = "unresolved"
                                nxt = unresolved[s]
                        rc = rev_chance[s][p]
                        if rc > 0.0:
                            if e.rw:
                                u = s_revenue_rw[s].next()
                            else:
                                st = s_revenue[s][e.src]
                                k = e.k
                                u = st.cur[k & MASK] if k >> BLOCK_BITS == st.cur_index else st.at(k)
                            if u < rc and e.born >= warmup:
                                self.revenue_total += rev_amount[s]
                elif what == _ABANDON or what == _OVERFLOW:  # ---- patience or the overflow timer runs out
                    e = ev[3]
                    tok = ev[4]
                    if tok != e.tok:
                        continue  # served (or gone) before the timer ran out
                    e.tok += 1
                    s = e.at
                    qlen[s] -= 1
                    w = now - e.tq
                    if w > 0:
                        if e.born >= warmup:
                            if not e.wait:
                                self.n_waited += 1
                            self.wait_total += w
                        e.wait += w
                    if trace is not None:
                        trace.append(("queue", now, ids[s], qlen[s]))
                    if what == _ABANDON:
                        port = "abandoned"
                        nxt = abandoned_to[s]
                    else:
                        port = "overflow"
                        nxt = overflow_to[s]
                elif what == _RELEASE:  # ---- stock came for a backorder, or a batch leaves
                    e = ev[3]
                    s = ev[4]
                    port = "ok" if kind[s] == INVENTORY else "out"
                    nxt = out[s]
                elif what == _DELAY_DONE:  # ---- a delay ends
                    e = ev[3]
                    s = ev[4]
                    if trace is not None:
                        trace.append(("finish", now, e.id, ids[s], None))
                    port = "out"
                    nxt = out[s]
                else:  # ---- a change: staffing, rates, a scripted event
                    ev[3](now, ev[4])
                    ta, ja = self._next_arrival()
                    continue

            # ---- entity e leaves step s through `port` for step `nxt`; zero-time steps are done here
            hops = 0
            while True:
                if trace is not None:
                    trace.append(("move", now, e.id, ids[s], port, ids[nxt] if nxt >= 0 else None))
                if nxt < 0:  # an unconnected `abandoned` port: it ends there, as abandoned
                    end_time = now
                    if e.born >= warmup:
                        self.n_abandoned_unconnected += 1
                        self.time_in_system_total += now - e.born
                    if trace is not None:
                        trace.append(("end", now, e.id, None, "abandoned"))
                    break
                kd = kind[nxt]
                if kd == SERVICE:
                    e.at = nxt
                    if not e.sv:
                        e.sv = 1
                        if e.born >= warmup:
                            self.n_offered += 1
                    for p in svc_pools[nxt]:  # pools in order: the first free one serves
                        if busy[p] < staff[p]:
                            start(e, nxt, p, now)
                            break
                    else:  # all busy: join the queue of its priority class
                        pp = prio_pos[nxt]
                        if pp is None:
                            c = 0
                        else:
                            pos = pp[e.etype]
                            c = n_classes[nxt] - 1 if pos < 0 else prio_class[nxt].get(e.attrs[pos],
                                                                                        n_classes[nxt] - 1)
                        e.tq = now
                        tok = e.tok
                        queues[nxt][c].append((e, tok))
                        qlen[nxt] += 1
                        pt = e.patience
                        oa = overflow_after[nxt]
                        if pt is not None and (oa is None or pt < oa):
                            self._seq += 1
                            push(heap, (now + pt, self._seq, _ABANDON, e, tok))
                        elif oa is not None:
                            self._seq += 1
                            push(heap, (now + oa, self._seq, _OVERFLOW, e, tok))
                        if trace is not None:
                            trace.append(("queue", now, ids[nxt], qlen[nxt]))
                    break
                if kd == EXIT:
                    end_time = now
                    exits[nxt] += 1
                    if e.born >= warmup:
                        exits_counted[nxt] += 1
                        tis = now - e.born
                        self.time_in_system_total += tis
                        la = late_after[nxt]
                        if la is not None and tis > la:
                            late[nxt] += 1
                    if trace is not None:
                        trace.append(("end", now, e.id, ids[nxt], _OUTCOME_NAMES[outcome[nxt]]))
                    break
                if kd == BRANCH:
                    s = nxt
                    rw = _repeat(e, s) if in_cycle[s] else False
                    if rw:
                        u = s_branch_rw[s].next()
                    else:
                        st = s_branch[s][e.src]
                        k = e.k
                        u = st.cur[k & MASK] if k >> BLOCK_BITS == st.cur_index else st.at(k)
                    b = bisect_right(branch_cum[s], u)  # the last cumulative probability is 1: b is in range
                    port = branch_ports[s][b]
                    nxt = branch_to[s][b]
                    hops += 1
                    if hops > max_hops:
                        self._stuck(e, s, now)
                    continue
                if kd == ROUTE:
                    s = nxt
                    pos = route_pos[s][e.etype]
                    port = e.attrs[pos] if pos >= 0 else None
                    nxt = route_to[s].get(port, END_ABANDONED)
                    hops += 1
                    if hops > max_hops:
                        self._stuck(e, s, now)
                    continue
                if kd == DELAY:
                    e.at = nxt
                    rw = _repeat(e, nxt) if in_cycle[nxt] else False
                    if rw:
                        d = s_dur_rw[nxt].next()
                    else:
                        st = s_dur[nxt][e.src]
                        k = e.k
                        d = st.cur[k & MASK] if k >> BLOCK_BITS == st.cur_index else st.at(k)
                    if cost_pe[nxt] and e.born >= warmup:
                        self.cost_total += cost_pe[nxt]
                    self._seq += 1
                    push(heap, (now + d * dscale[nxt], self._seq, _DELAY_DONE, e, nxt))
                    if trace is not None:
                        trace.append(("start", now, e.id, ids[nxt], None))
                    break
                if kd == INVENTORY:  # one unit from the shelf (engine.stock)
                    s = nxt
                    got = stock_demand(e, s, now)
                    hops += 1
                    if hops > max_hops:
                        self._stuck(e, s, now)
                    if got == MET:
                        port = "ok"
                        nxt = out[s]
                        continue
                    if got == LOST:
                        port = "out"
                        nxt = stock_out[s]
                        continue
                    break  # waits for stock
                if kd == BATCH:
                    stock_join(e, nxt, now)
                    break
                raise NotImplementedError(f"step {ids[nxt]!r}: kind {kind[nxt]} is not simulated yet")

        if now > stop:
            self.now = stop
        else:  # nothing left to happen
            self.now = max(now, self.now)
        self.end_time = end_time
        self._work_left = work_left
        return True

    def _over_budget(self, now: float) -> None:
        """Stop a day that did far more work than expected (engine.budget), saying what to look at."""
        self.now = now
        unit = self.scenario.time.unit
        raise WorkLimitExceeded(
            f"the day was stopped at {now:,.6g} {unit}s of {self.horizon:g}, after {self.work_limit:,} events, "
            f"far more than it should take: something in it never ends (work going round a loop for ever, "
            f"a rate or a replenishment far too high). Check the map and the scenario, or run with "
            f"--no-work-limit to let it go on")

    def _stuck(self, e: Entity, s: int, now: float) -> None:
        """Stop a day in which an entity passes step after step without time passing (engine.budget)."""
        self.now = now
        label = getattr(self.scenario.steps.get(self.plan.ids[s]), "label", "") or self.plan.ids[s]
        raise StuckInLoop(
            f"at {now:,.6g} {self.scenario.time.unit}s an entity passed {MAX_INSTANT_HOPS:,} steps without time "
            f"passing, last '{label}': the map has a loop that takes no time. Break the loop, or let it pass "
            f"a step that takes time")

    # ---- public --------------------------------------------------------------------------------

    @property
    def stop_time(self) -> float:
        return self.horizon if self.cutoff else INF

    def advance(self, until: float | None = None) -> Iterator[tuple]:
        """Run the day up to time `until` (to its end when None), yielding trace records as they come.

        Memory stays bounded: records are handed out in chunks of at most `TRACE_CHUNK`.
        """
        stop = self.stop_time if until is None else min(float(until), self.stop_time)
        if self.trace is None:
            self._run(stop)
        else:
            while not self._run(stop, TRACE_CHUNK):
                chunk, self.trace[:] = list(self.trace), []
                yield from chunk
            chunk, self.trace[:] = list(self.trace), []
            yield from chunk
        if (self.cutoff and self.now >= self.horizon) or (not self._heap and self._next_arrival()[0] == INF):
            self.done = True

    def finish(self) -> dict[str, float]:
        """Run to the end of the day and return its KPIs."""
        for _ in self.advance(None):
            pass
        return self.kpis()

    def set(self, path: str, value: float) -> None:
        """Change `resources.POOL.count`, `steps.SOURCE.rate`, or `steps.STEP.duration` or `.lead_time` (a scale),
        from now on."""
        knob = self._knob(path, "set")
        if knob is None:
            return
        knob.base = float(value)
        knob.update(self.now)

    def apply_rules(self, values: Mapping[str, Any]) -> None:
        """Rule values changed mid-day: staffing, rates, durations, probabilities and money from now on.

        Entities keep their draws: a caller needing a long call still needs it.
        """
        from engine.rules import apply_rules as _apply

        self.rules.update(values)
        new = compile_plan(_apply(self.base_scenario, self.rules), self.plan.pmap)
        self._adopt(new)

    def _adopt(self, new: Plan) -> None:
        old = self.plan
        now = self.now
        # Tables the loop reads are replaced in place, so the handlers see the new values.
        for name in ("out", "unresolved", "overflow", "abandoned", "branch_cum", "branch_to", "resolve",
                     "revenue_chance", "revenue_amount", "cost_per_entity", "outcome", "exit_revenue",
                     "exit_penalty", "late_after", "late_penalty", "overflow_after", "stock_out"):
            getattr(old, name)[:] = getattr(new, name)
        for s in range(len(old.ids)):
            if old.kind[s] == DELAY and new.durations[s] != old.durations[s]:
                for st in self.s_dur[s]:
                    st.resample(new.durations[s].sample)
            elif old.kind[s] == SERVICE:
                for p, (d0, d1) in enumerate(zip(old.durations[s], new.durations[s])):
                    if d1 is not None and d0 != d1:
                        for st in self.s_dur[s][p]:
                            st.resample(d1.sample)
        old.durations[:] = new.durations
        for s in self._duration_sets:  # an event's distribution stays in force until the event ends
            self._apply_durations(s)
        sc = new.scenario
        self._generation += 1
        self.scenario = old.scenario = sc
        self.stock.adopt(sc)
        for pid, knob in self.pool_knobs.items():
            knob.base = float(_count_at(sc.resources[pid].staffing(), now))
            knob.update(now)
        for j, s in enumerate(old.sources):
            knob = self.rate_knobs[old.ids[s]]
            knob.base = float(_rate_at(sc.steps[old.ids[s]].rate, now))  # type: ignore[attr-defined]
            knob.update(now)
        self._schedule_pieces(now)

    # ---- KPIs ----------------------------------------------------------------------------------

    def kpis(self) -> dict[str, float]:
        """The KPIs of the day so far (final once `done`): entities still inside count as unfinished."""
        P, sc = self.plan, self.scenario
        n_waited, wait_total = self.n_waited, self.wait_total
        t_end = self.now
        if self.done:
            t_end = self.horizon if self.cutoff else max(self.horizon, self.end_time)
        # Entities still waiting: their waits so far count (everything else was counted as it happened).
        for e in self._waiting():
            w = t_end - e.tq
            if e.born >= self.warmup and w > 0:
                if not e.wait:
                    n_waited += 1
                wait_total += w
        staffed = list(self.staffed)
        measured = list(self.staffed_measured)
        for p in range(len(P.pools)):
            mark = self._staff_mark[p]
            if t_end > mark:
                level = max(self.staff[p], self.busy[p])
                staffed[p] += level * (t_end - mark)
                lo = max(mark, self.warmup)
                if t_end > lo:
                    measured[p] += level * (t_end - lo)
        hours = sc.time.hours_per_unit
        staff_cost = sum(staffed[p] * hours * sc.resources[pid].cost_per_hour for p, pid in enumerate(P.pools))
        fixed = sum(sc.fixed_costs.values())
        arrivals = sum(self._k) - self.n_pre
        by_outcome = [0, 0, 0]
        revenue, cost = self.revenue_total, self.cost_total + staff_cost + fixed + self.stock.cost(t_end)
        n_late = 0
        for s, n in enumerate(self.exits_counted):
            if n:
                by_outcome[P.outcome[s]] += n
                revenue += n * P.exit_revenue[s]
                cost += n * P.exit_penalty[s] + self.late[s] * P.late_penalty[s]
                n_late += self.late[s]
        left = sum(self.exits_counted) + self.n_abandoned_unconnected
        k: dict[str, float] = {
            "arrivals": arrivals,
            "completed": by_outcome[0],
            "abandoned": by_outcome[1] + self.n_abandoned_unconnected,
            "lost": by_outcome[2],
            "abandon_rate": ratio(by_outcome[1] + self.n_abandoned_unconnected, arrivals),
            "p_wait": ratio(n_waited, arrivals),
            "mean_wait": ratio(wait_total, arrivals),
            "asa": ratio(self.answer_wait_total, self.n_answered),
            "service_level": ratio(self.n_answered - self.n_answered_late, self.n_offered, 1.0),
            "mean_time_in_system": ratio(self.time_in_system_total, left),
            "on_time_rate": ratio(left - n_late, left, 1.0),
            "revenue": revenue,
            "cost": cost,
            "profit": revenue - cost,
        }
        k.update(self.stock.kpis(t_end))  # fill_rate, stockouts, backorders, mean_on_hand.STEP
        busy_time = list(self.busy_time)
        if not self.done:
            # services still running count up to now only
            clip_end = self.horizon if self.cutoff else INF
            for e, p, t_done in self._in_service():
                busy_time[p] -= max(0.0, min(t_done, clip_end) - max(self.now, self.warmup))
        for p, pid in enumerate(P.pools):
            k[f"utilization.{pid}"] = ratio(busy_time[p], measured[p])
        for sid, step in sc.steps.items():
            if step.kind == "exit":
                si = P.index.get(sid)
                k[f"exits.{sid}"] = float(self.exits_counted[si]) if si is not None else 0.0
            elif step.kind == "inventory":
                k.setdefault(f"mean_on_hand.{sid}", 0.0)  # an inventory step this day does not use
        k["score"] = _score(sc, k)
        names = sc.kpi_names()
        return {name: float(k.get(name, 0.0)) for name in names}

    def _waiting(self) -> list[Entity]:
        """Entities waiting in a queue now."""
        return [e for qs in self.queues if qs for dq in qs for e, tok in dq if e.tok == tok] + self.stock.waiting()

    def _in_service(self):
        for ev in self._heap:
            if ev[2] == _SERVICE_DONE:
                yield ev[3], ev[4], ev[0]

    def queue_lengths(self) -> dict[str, int]:
        return {self.plan.ids[s]: n for s, n in enumerate(self.qlen) if self.plan.kind[s] == SERVICE}

    def busy_counts(self) -> dict[str, tuple[int, int]]:
        """pool -> (busy, staff)."""
        return {pid: (self.busy[p], self.staff[p]) for p, pid in enumerate(self.plan.pools)}


_OUTCOME_NAMES = ("completed", "abandoned", "lost")


class _EntityDraws:
    """What a source's entities are born with (attributes, patience), a block of entities at a time.

    Entity n of the source takes row n % BLOCK of block n // BLOCK, whatever the rules: attributes come
    from uniforms mapped through the cumulative probabilities, patience from its distribution.
    """

    __slots__ = ("attr_streams", "values", "cums", "patience_stream", "attrs", "patience")

    def __init__(self, attr_streams, values, cums, patience_stream) -> None:
        self.attr_streams = attr_streams
        self.values = [np.asarray(v, dtype=object) for v in values]
        self.cums = [np.asarray(c) for c in cums]
        self.patience_stream = patience_stream
        self.attrs: list[tuple] = []
        self.patience: list[float | None] = []

    def refill(self) -> None:
        B = rngs.BLOCK
        if self.attr_streams:
            cols = []
            for st, vals, cum in zip(self.attr_streams, self.values, self.cums):
                idx = np.minimum(np.searchsorted(cum, st.block(), side="right"), len(cum) - 1)
                cols.append(vals[idx].tolist())
            self.attrs = list(zip(*cols))
        else:
            self.attrs = [()] * B
        ps = self.patience_stream
        self.patience = ps.block().tolist() if ps is not None else [None] * B


def _repeat(e: Entity, s: int) -> bool:
    """Whether this is a repeat visit of `e` to step `s` (marks the visit)."""
    seen = e.seen
    if seen is None:
        e.seen = {s}
        return False
    if s in seen:
        return True
    seen.add(s)
    return False


def _score(sc: Scenario, k: Mapping[str, float]) -> float:
    objective = getattr(sc, "objective", None)
    expr = getattr(objective, "score", None) if objective is not None else None
    if expr is None or not hasattr(expr, "evaluate"):
        return 0.0
    return float(expr.evaluate(k))


# --------------------------------------------------------------------------------------------------
# Runs


def compile_for(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None) -> Plan:
    """The plan for a scenario with rule values applied and a map (the reference by default)."""
    if rules:
        from engine.rules import apply_rules

        scenario = apply_rules(scenario, dict(rules))
    return compile_plan(scenario, pmap if pmap is not None else scenario.reference)


@dataclass
class RunResult:
    """KPIs of a run: one dict per replication, and {name: (mean, 95 % half-width)}."""

    scenario: str
    seed: int
    replications: int
    rules: dict[str, Any]
    names: tuple[str, ...]
    per_replication: list[dict[str, float]]
    summary: dict[str, tuple[float, float]] = field(default_factory=dict)

    def mean(self, name: str) -> float:
        return self.summary[name][0]

    def ci95(self, name: str) -> float:
        return self.summary[name][1]

    def means(self) -> dict[str, float]:
        return {k: v[0] for k, v in self.summary.items()}

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape of the contract."""
        return {"scenario": self.scenario, "replications": self.replications, "seed": self.seed,
                "rules": self.rules,
                "kpis": {k: {"mean": m, "ci95": h} for k, (m, h) in self.summary.items()}}


def run(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
        replications: int | None = None, seed: int | None = None,
        progress: Callable[[int, int], None] | None = None, workers: int | None = 1,
        work_limit: bool = True) -> RunResult:
    """Simulate `replications` days (the scenario's `run.replications` by default) of the scenario with
    a map (the reference by default) and rule values (the defaults by default).

    Replication r uses the seed's child r, so replication r of two runs with the same seed meets the same
    entities whatever the rules. `progress(done, total)` is called after each replication. `workers`
    spreads replications over processes (None: every core; see engine.parallel), with the same numbers.
    `work_limit=False` lets a day go on past its work limit (engine.budget; the command line's
    --no-work-limit); it is stopped with WorkLimitExceeded otherwise.
    """
    all_rules = scenario.default_rules()
    all_rules.update(rules or {})
    plan = compile_for(scenario, pmap, rules)
    if not work_limit:
        plan.work_limit = 0
    reps = scenario.run.replications if replications is None else int(replications)
    seed = scenario.run.seed if seed is None else int(seed)
    per_rep = replicate(scenario, rules, seed, plan, reps, workers, progress)
    names = plan.scenario.kpi_names()
    return RunResult(scenario=scenario.id, seed=seed, replications=reps, rules=all_rules, names=names,
                     per_replication=per_rep, summary=summarize(per_rep, names))
