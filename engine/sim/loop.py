"""The event loop: a day's next happening, what it does to the entity it concerns, and where that entity goes.

Each turn takes the earliest of the sources' next arrivals (engine.sim.sources) and the first entry of the
agenda (engine.sim.agenda), and handles it by its kind:

- an arrival: a new entity, born with its draws (engine.sim.streams), leaves its source;
- a service ends: the unit takes the next waiting caller (engine.sim.service); the caller leaves through
  `done`, or `unresolved` when its resolve draw says so, with cross-sell revenue by its own draw;
- patience or the overflow timer runs out (unless the token says the caller left the queue already): it
  leaves through `abandoned` or `overflow`;
- stock came for a backorder, or a batch leaves (engine.sim.stock);
- a delay ends;
- a change: a schedule piece, a scripted event, a delivery, a review (engine.sim.changes, engine.sim.stock).

Then the entity moves on, through every step that takes no time (branch, route, exit, a shelf that has
stock), in the same turn, until it waits somewhere (a service, a delay, a shelf, a batch) or ends.

The guards (engine.budget) stop a day that does far more work than it should or an entity that passes step
after step without time passing: two integer operations per event.
"""
from __future__ import annotations

from bisect import bisect_right
from heapq import heappop, heappush
from typing import Any

from engine.budget import MAX_INSTANT_HOPS, StuckInLoop, WorkLimitExceeded

from . import service
from .agenda import ABANDON, DELAY_DONE, OVERFLOW, RELEASE, SERVICE_DONE, Entry
from .entity import NOT_OFFERED, OFFERED, Entity
from .plan import BATCH, BRANCH, DELAY, END_ABANDONED, EXIT, INVENTORY, ROUTE, SERVICE
from .rng import MASK
from .sources import next_arrival
from .state import INF, DayState
from .stock import LOST, MET
from .streams import draw_for, visit_draw

#: How an exit's outcome is named in the trace (engine.sim.plan.OUTCOME_CODES)
OUTCOME_NAMES = ("completed", "abandoned", "lost")


def run_events(day: DayState, stop: float, limit: int) -> bool:
    """Process events up to time `stop`; return False early when the trace holds `limit` records."""
    # The hot loop, one long function on purpose: mypyc compiles it to C, where the tables below stay C
    # locals and each kind of event and of step is a branch, not a call. The same loop with a function per
    # event kind and one for the move through zero-time steps (each fetching its tables from `day` again)
    # took 8 % more instructions compiled and 18 % more in pure Python (docs/performance.md, "Issue 11:
    # the sim package"). Each branch is marked `# ---- ...`; what is long or rare is a function of
    # engine.sim.service.
    plan = day.plan
    agenda = day.agenda
    heap = agenda.heap
    pop, push = heappop, heappush
    kind, out, ids = plan.kind, plan.out, plan.ids
    unresolved, overflow_to, abandoned_to = plan.unresolved, plan.overflow, plan.abandoned
    branch_cum: list[list[float]] = plan.branch_cum  # type: ignore[assignment]
    branch_to: list[list[int]] = plan.branch_to  # type: ignore[assignment]
    branch_ports: list[list[str]] = plan.branch_ports  # type: ignore[assignment]
    route_pos: list[list[int]] = plan.route_pos  # type: ignore[assignment]
    route_to: list[dict[Any, int]] = plan.route_to  # type: ignore[assignment]
    service_pools: list[list[int]] = plan.svc_pools  # type: ignore[assignment]
    resolve: list[list[float]] = plan.resolve  # type: ignore[assignment]
    revenue_chance: list[list[float]] = plan.revenue_chance  # type: ignore[assignment]
    revenue_amount, cost_per_entity, in_cycle, pools = plan.revenue_amount, plan.cost_per_entity, plan.in_cycle, plan.pools
    outcome, late_after, stock_out = plan.outcome, plan.late_after, plan.stock_out
    sources, source_type = plan.sources, plan.source_etype
    # services whose end needs a draw (resolve below 1, a cross-sell chance) for some pool
    draws_at_done = [r is not None and (min(r) < 1.0 or max(c) > 0.0)  # type: ignore[arg-type]
                     for r, c in zip(plan.resolve, plan.revenue_chance)]
    tally = day.tally
    exits, exits_counted, late = tally.exits, tally.exits_counted, tally.late
    busy, staff, queue_length, pool_queue = day.busy, day.staff, day.queue_length, day.pool_queue
    streams = day.streams
    arrive, entity_draws = streams.arrive, streams.entity
    duration, duration_rework = streams.duration, streams.duration_rework
    branch_draw, branch_rework = streams.branch, streams.branch_rework
    resolve_draw, resolve_rework = streams.resolve, streams.resolve_rework
    revenue_draw, revenue_rework = streams.revenue, streams.revenue_rework
    rate, arrival_at, arrived = day.rate, day.arrival_at, day.arrived
    one_source = len(arrival_at) == 1
    duration_scale = day.duration_scale
    stock = day.stock
    entity_ids = day.entity_ids
    horizon, warmup, cutoff = day.horizon, day.warmup, day.cutoff
    trace = day.trace
    end_time = day.end_time
    now = day.now
    next_arrival_at, next_source = next_arrival(day)
    work_left: int = day.work_left  # the guards: events left to this day ...
    max_hops: int = MAX_INSTANT_HOPS  # ... and steps an entity may pass in one move without time passing
    hops: int
    # The types of the loop's locals (read by compiled builds; nothing at run time in Python)
    e: Entity
    entry: Entry
    next_event_at: float
    what: int
    p: int
    s: int
    nxt: int
    number: int
    work: float
    u: float  # a uniform draw

    while True:
        if trace is not None and len(trace) >= limit:
            day.now, day.end_time, day.work_left = now, end_time, work_left
            return False
        work_left -= 1
        if work_left < 0:
            over_budget(day, now)
        next_event_at = heap[0][0] if heap else INF
        if next_arrival_at < next_event_at:  # ---- an arrival
            now = next_arrival_at
            if now > stop:
                break
            source = next_source
            number = arrived[source]
            arrived[source] = number + 1
            draws = entity_draws[source]
            row = number & MASK  # its row in the block of draws (engine.sim.streams.EntityDraws)
            if not row:
                draws.refill()
            e = Entity(next(entity_ids), source, number, source_type[source], now, draws.attrs[row],
                       draws.patience[row])
            if now < warmup:
                tally.born_before_warmup += 1
            following = now + arrive[source].next() / rate[source]  # the source's next arrival
            arrival_at[source] = following
            if one_source:
                next_arrival_at = following if following < horizon else INF
            else:
                next_arrival_at, next_source = next_arrival(day)
            s = sources[source]
            port: Any = "out"
            nxt = out[s]
        else:
            if next_event_at == INF:
                if not cutoff and stock.flush(now):  # drained: the last partly filled batches leave
                    continue
                break  # nothing left to happen
            now = next_event_at
            if now > stop:
                break
            entry = pop(heap)
            what = entry[2]
            if what == SERVICE_DONE:  # ---- a service ends; the unit takes the next waiting entity
                e = entry[3]
                p = entry[4]
                s = e.step
                if busy[p] > staff[p]:  # a unit finishing after its shift ended
                    service.account_staff(day, p, now)
                busy[p] -= 1
                only = pool_queue[p]  # the one step the pool serves, or -1
                if only < 0 or queue_length[only]:
                    service.feed(day, p, now)
                if trace is not None:
                    trace.append(("finish", now, e.id, ids[s], pools[p]))
                    trace.append(("busy", now, pools[p], busy[p], staff[p]))
                port = "done"
                nxt = out[s]
                if draws_at_done[s]:  # resolved or not, cross-sold or not: each by its own draw
                    chance = resolve[s][p]
                    if chance < 1.0 and draw_for(e, resolve_draw[s], resolve_rework[s]) >= chance:
                        port = "unresolved"
                        nxt = unresolved[s]
                    chance = revenue_chance[s][p]
                    if chance > 0.0 and draw_for(e, revenue_draw[s], revenue_rework[s]) < chance and e.born >= warmup:
                        tally.revenue += revenue_amount[s]
            elif what == ABANDON or what == OVERFLOW:  # ---- patience or the overflow timer runs out
                e = entry[3]
                if entry[4] != e.token:
                    continue  # served (or gone) before the timer ran out
                s = e.step
                service.leave_queue(day, e, s, now)
                if what == ABANDON:
                    port = "abandoned"
                    nxt = abandoned_to[s]
                else:
                    port = "overflow"
                    nxt = overflow_to[s]
            elif what == RELEASE:  # ---- stock came for a backorder, or a batch leaves
                e = entry[3]
                s = entry[4]
                port = "ok" if kind[s] == INVENTORY else "out"
                nxt = out[s]
            elif what == DELAY_DONE:  # ---- a delay ends
                e = entry[3]
                s = entry[4]
                if trace is not None:
                    trace.append(("finish", now, e.id, ids[s], None))
                port = "out"
                nxt = out[s]
            else:  # ---- a change: staffing, rates, a scripted event, a delivery, a review
                entry[3](now, entry[4])
                next_arrival_at, next_source = next_arrival(day)
                continue

        # ---- entity e leaves step s through `port` for step `nxt`; the steps that take no time are done here
        hops = 0
        while True:
            if trace is not None:
                trace.append(("move", now, e.id, ids[s], port, ids[nxt] if nxt >= 0 else None))
            if nxt < 0:  # ---- an unconnected `abandoned` port: it ends there, as abandoned
                end_time = now
                if e.born >= warmup:
                    tally.abandoned_unconnected += 1
                    tally.time_in_system_total += now - e.born
                if trace is not None:
                    trace.append(("end", now, e.id, None, "abandoned"))
                break
            step_kind = kind[nxt]
            if step_kind == SERVICE:  # ---- a service: the first pool in order with a free unit serves
                e.step = nxt
                if e.service_state == NOT_OFFERED:
                    e.service_state = OFFERED
                    if e.born >= warmup:
                        tally.offered += 1
                for p in service_pools[nxt]:
                    if busy[p] < staff[p]:
                        service.start(day, e, nxt, p, now)
                        break
                else:  # all busy: it joins the queue of its priority class
                    service.join_queue(day, e, nxt, now)
                break
            if step_kind == EXIT:  # ---- an exit: it ends here
                end_time = now
                exits[nxt] += 1
                if e.born >= warmup:
                    exits_counted[nxt] += 1
                    time_in_system = now - e.born
                    tally.time_in_system_total += time_in_system
                    after = late_after[nxt]
                    if after is not None and time_in_system > after:
                        late[nxt] += 1
                if trace is not None:
                    trace.append(("end", now, e.id, ids[nxt], OUTCOME_NAMES[outcome[nxt]]))
                break
            if step_kind == BRANCH:  # ---- a branch: its draw picks the port
                s = nxt
                u = visit_draw(e, s, in_cycle[s], branch_draw[s], branch_rework[s])
                choice = bisect_right(branch_cum[s], u)  # the last cumulative probability is 1: in range
                port = branch_ports[s][choice]
                nxt = branch_to[s][choice]
                hops += 1
                if hops > max_hops:
                    stuck(day, s, now)
                continue
            if step_kind == ROUTE:  # ---- a route: the entity's attribute picks the port
                s = nxt
                pos = route_pos[s][e.entity_type]
                port = e.attributes[pos] if pos >= 0 else None
                nxt = route_to[s].get(port, END_ABANDONED)
                hops += 1
                if hops > max_hops:
                    stuck(day, s, now)
                continue
            if step_kind == DELAY:  # ---- a delay: its end goes on the agenda
                e.step = nxt
                work = visit_draw(e, nxt, in_cycle[nxt], duration[nxt], duration_rework[nxt])
                if cost_per_entity[nxt] and e.born >= warmup:
                    tally.cost += cost_per_entity[nxt]
                agenda.seq += 1
                push(heap, (now + work * duration_scale[nxt], agenda.seq, DELAY_DONE, e, nxt))
                if trace is not None:
                    trace.append(("start", now, e.id, ids[nxt], None))
                break
            if step_kind == INVENTORY:  # ---- a shelf: one unit (engine.sim.stock)
                s = nxt
                got = stock.demand(e, s, now)
                hops += 1
                if hops > max_hops:
                    stuck(day, s, now)
                if got == MET:
                    port = "ok"
                    nxt = out[s]
                    continue
                if got == LOST:
                    port = "out"
                    nxt = stock_out[s]
                    continue
                break  # waits for stock
            if step_kind == BATCH:  # ---- a batch: it waits for its group (engine.sim.stock)
                stock.join(e, nxt, now)
                break
            raise NotImplementedError(f"step {ids[nxt]!r}: kind {kind[nxt]} is not simulated yet")

    day.now = stop if now > stop else max(now, day.now)  # past `stop`, or nothing left to happen
    day.end_time, day.work_left = end_time, work_left
    return True


def over_budget(day: DayState, now: float) -> None:
    """Stop a day that did far more work than expected (engine.budget), saying what to look at."""
    day.now = now
    unit = day.scenario.time.unit
    raise WorkLimitExceeded(
        f"the day was stopped at {now:,.6g} {unit}s of {day.horizon:g}, after {day.work_limit:,} events, "
        f"far more than it should take: something in it never ends (work going round a loop for ever, "
        f"a rate or a replenishment far too high). Check the map and the scenario, or run with "
        f"--no-work-limit to let it go on")


def stuck(day: DayState, s: int, now: float) -> None:
    """Stop a day in which an entity passes step after step without time passing (engine.budget)."""
    day.now = now
    label = getattr(day.scenario.steps.get(day.plan.ids[s]), "label", "") or day.plan.ids[s]
    raise StuckInLoop(
        f"at {now:,.6g} {day.scenario.time.unit}s an entity passed {MAX_INSTANT_HOPS:,} steps without time "
        f"passing, last '{label}': the map has a loop that takes no time. Break the loop, or let it pass "
        f"a step that takes time")
