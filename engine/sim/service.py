"""Services: callers offered to pools of units, queues by priority class, a free unit taking the next caller.

A caller reaching a service step is served by the first pool in the step's order with a free unit, or
joins the queue of its priority class there, with a timer for its patience or for the step's overflow,
whichever runs out first (engine.sim.agenda: the timer is cancelled lazily by the caller's token). A unit
that becomes free takes, over the steps its pool serves, the best priority class, then the longest wait,
ties to the step listed first.

How the KPIs read the contract (engine.sim.kpis) starts here: a caller is `offered` when it first reaches a
service, `answered` when its first service starts, after its total wait so far; busy time is measured after
warmup (and, under cutoff, until the horizon); a unit still finishing a call after its shift ended counts as
staffed (and paid) until it finishes.

The event loop (engine.sim.loop) calls these once per service start, per free unit and per caller that
queues; the moves that are cheaper inlined there stay there.
"""
from __future__ import annotations

from collections import deque
from heapq import heappush

from .agenda import ABANDON, OVERFLOW, SERVICE_DONE
from .entity import ANSWERED, Entity, repeat_visit
from .state import INF, DayState
from .streams import by_number, draw_for


def start(day: DayState, e: Entity, s: int, p: int, now: float) -> None:
    """`e` starts its service at step `s` with a unit of pool `p`."""
    d: float
    busy = day.busy
    busy[p] += 1
    warmup = day.warmup
    if e.service_state != ANSWERED:  # the first service: answered
        e.service_state = ANSWERED
        if e.born >= warmup:
            tally = day.tally
            tally.answered += 1
            w = e.wait
            if w:
                tally.answer_wait_total += w
                if w > day.service_level_wait:
                    tally.answered_late += 1
    durations = day.streams.duration[s][p]
    if day.plan.in_cycle[s]:
        e.repeat = repeat_visit(e, s)  # its resolve and cross-sell draws at the end follow it
        d = draw_for(e, durations, day.streams.duration_rework[s][p])
    else:
        d = by_number(e, durations)
    end = now + d * day.duration_scale[s]
    clip_end = day.horizon if day.cutoff else INF
    if now >= warmup and end <= clip_end:
        day.busy_time[p] += end - now
    else:  # busy time is measured after warmup (and, under cutoff, until the horizon)
        lo = now if now > warmup else warmup
        hi = end if end < clip_end else clip_end
        if hi > lo:
            day.busy_time[p] += hi - lo
    cost = day.plan.cost_per_entity[s]
    if cost and e.born >= warmup:
        day.tally.cost += cost
    agenda = day.agenda
    agenda.seq += 1
    heappush(agenda.heap, (end, agenda.seq, SERVICE_DONE, e, p))
    trace = day.trace
    if trace is not None:
        pool = day.plan.pools[p]
        trace.append(("start", now, e.id, day.plan.ids[s], pool))
        trace.append(("busy", now, pool, busy[p], day.staff[p]))


def leave_queue(day: DayState, e: Entity, s: int, now: float) -> None:
    """`e` leaves the queue of service step `s` (taken by a unit, or its timer ran out)."""
    e.token += 1
    qlen = day.queue_length
    qlen[s] -= 1
    day.tally.count_wait(e, now)
    if day.trace is not None:
        day.trace.append(("queue", now, day.plan.ids[s], qlen[s]))


def join_queue(day: DayState, e: Entity, s: int, now: float) -> None:
    """Every unit that could serve `e` at step `s` is busy: it joins the queue of its priority class, with a
    timer for its patience or the step's overflow, whichever runs out first."""
    plan = day.plan
    positions = plan.prio_pos[s]
    last = plan.n_classes[s] - 1  # values not listed come last
    if positions is None:
        c = 0
    else:
        pos = positions[e.entity_type]
        c = last if pos < 0 else plan.prio_class[s].get(e.attributes[pos], last)  # type: ignore[union-attr]
    e.queued_at = now
    token = e.token
    day.queues[s][c].append((e, token))  # type: ignore[index]
    day.queue_length[s] += 1
    patience = e.patience
    overflow_after = plan.overflow_after[s]
    agenda = day.agenda
    if patience is not None and (overflow_after is None or patience < overflow_after):
        agenda.seq += 1
        heappush(agenda.heap, (now + patience, agenda.seq, ABANDON, e, token))
    elif overflow_after is not None:
        agenda.seq += 1
        heappush(agenda.heap, (now + overflow_after, agenda.seq, OVERFLOW, e, token))
    if day.trace is not None:
        day.trace.append(("queue", now, plan.ids[s], day.queue_length[s]))


def feed(day: DayState, p: int, now: float) -> None:
    """Give free units of pool `p` to waiting entities: best priority class, then longest wait, ties to the
    step listed first."""
    e: Entity
    busy, staff = day.busy, day.staff
    q = day.fifo_queue[p]
    if q >= 0:  # the pool serves one queue without priorities: first come, first served
        waiting = day.queues[q][0]  # type: ignore[index]
        while waiting and busy[p] < staff[p]:
            e, token = waiting.popleft()
            if e.token != token:
                continue  # left the queue earlier (abandoned, overflowed)
            leave_queue(day, e, q, now)
            start(day, e, q, p, now)
        return
    while busy[p] < staff[p]:
        best, s = _longest_waiting(day, p)
        if best is None:
            return
        e = best.popleft()[0]
        leave_queue(day, e, s, now)
        start(day, e, s, p, now)


def _longest_waiting(day: DayState, p: int) -> tuple[deque[tuple[Entity, int]] | None, int]:
    """The queue whose head pool `p` serves next, and its step: best class, longest wait, first step."""
    qlen, queues = day.queue_length, day.queues
    best = None
    bs = bc = -1
    bt = 0.0
    for s in day.plan.pool_steps[p]:
        if not qlen[s]:
            continue
        c = -1
        for waiting in queues[s]:  # type: ignore[union-attr]
            c += 1
            while waiting:
                head = waiting[0]
                if head[0].token == head[1]:
                    break
                waiting.popleft()  # left the queue earlier (abandoned, overflowed)
            if waiting:
                t = waiting[0][0].queued_at
                if best is None or c < bc or (c == bc and t < bt):
                    best, bs, bc, bt = waiting, s, c, t
                break
    return best, bs


def account_staff(day: DayState, p: int, now: float) -> None:
    """Integrate staffed unit-time up to `now`: the staff on shift, plus units finishing a last job after
    their shift ended (they are paid until they finish)."""
    mark = day.staff_mark[p]
    if now <= mark:
        return
    level = max(day.staff[p], day.busy[p])
    day.staffed[p] += level * (now - mark)
    lo = max(mark, day.warmup)
    if now > lo:
        day.staffed_measured[p] += level * (now - lo)
    day.staff_mark[p] = now


def set_staff(day: DayState, p: int, n: int, now: float) -> None:
    """Pool `p` has `n` units on shift from `now`; new units take waiting callers at once."""
    account_staff(day, p, now)
    old = day.staff[p]
    day.staff[p] = n
    if day.trace is not None:
        day.trace.append(("busy", now, day.plan.pools[p], day.busy[p], n))
    if n > old:
        feed(day, p, now)
