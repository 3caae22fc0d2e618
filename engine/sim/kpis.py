"""A day's KPIs, read from what it counted (engine.sim.tally), its pools, its shelves and who is still inside.

How the KPIs read the contract where it leaves a choice:
- `service_level` is over the arrivals offered to a service (a caller the IVR solves was never in a
  queue); `asa` over those answered; both use the total wait before the first service.
- patience applies afresh in each queue; overflow and patience race, the earlier timer wins.
- `utilization.POOL` is busy time over staffed time after warmup (drain time included under drain); a unit
  still finishing a call after its shift ended counts as staffed (and paid) until it finishes.
- staff cost covers the whole day from time 0, warmup included; money per entity counts entities born
  after warmup; money at exits uses the values in force at the end of the day.
- entities still inside when the KPIs are read count as unfinished; their waits so far count.
- penalties (`penalty.ID`) are charged on the day's own KPIs and are part of its cost; so is what the choices
  taken at the shocks cost (`decision_cost`); the score is the profit.
"""
from __future__ import annotations

from typing import Iterator

from .agenda import SERVICE_DONE
from .entity import Entity
from .state import INF, DayState
from .stats import ratio


def day_kpis(day: DayState) -> dict[str, float]:
    """The KPIs of the day so far (final once `done`), in the scenario's order of KPI names."""
    sc, tally = day.scenario, day.tally
    t_end = day.now
    if day.done:
        t_end = day.horizon if day.cutoff else max(day.horizon, day.end_time)
    waited, wait_total = _waits_until(day, t_end)
    arrivals = sum(day.arrived) - tally.born_before_warmup
    revenue, cost, n_late, by_outcome = _money_and_exits(day, t_end)
    abandoned = by_outcome[1] + tally.abandoned_unconnected
    left = sum(tally.exits_counted) + tally.abandoned_unconnected
    k: dict[str, float] = {
        "arrivals": arrivals,
        "completed": by_outcome[0],
        "abandoned": abandoned,
        "lost": by_outcome[2],
        "abandon_rate": ratio(abandoned, arrivals),
        "p_wait": ratio(waited, arrivals),
        "mean_wait": ratio(wait_total, arrivals),
        "asa": ratio(tally.answer_wait_total, tally.answered),
        "service_level": ratio(tally.answered - tally.answered_late, tally.offered, 1.0),
        "mean_time_in_system": ratio(tally.time_in_system_total, left),
        "on_time_rate": ratio(left - n_late, left, 1.0),
        "revenue": revenue,
        "cost": cost,
        "profit": revenue - cost,
    }
    k.update(day.stock.kpis(t_end))  # fill_rate, stockouts, backorders, mean_on_hand.STEP
    k.update(_utilization(day, t_end))
    for sid, step in sc.steps.items():
        if step.kind == "exit":
            si = day.plan.index.get(sid)
            k[f"exits.{sid}"] = float(tally.exits_counted[si]) if si is not None else 0.0
        elif step.kind == "inventory":
            k.setdefault(f"mean_on_hand.{sid}", 0.0)  # an inventory step this day does not use
    charges = 0.0
    for p in sc.penalties:  # the contract's charges: named cost lines, read from the KPIs above
        m = p.charge(k.get(p.kpi, 0.0))
        k[f"penalty.{p.id}"] = m
        charges += m
    k["decision_cost"] = day.decision_cost  # what the choices taken at the shocks cost (engine.decisions)
    k["cost"] = cost + charges + day.decision_cost
    k["profit"] = revenue - cost - charges - day.decision_cost
    k["score"] = k["profit"]  # the score is the money
    return {name: float(k.get(name, 0.0)) for name in sc.kpi_names()}


def _waits_until(day: DayState, t_end: float) -> tuple[float, float]:
    """The entities that waited and their waits, counting the waits so far of those still waiting (everything
    else was counted as it happened)."""
    waited, wait_total = day.tally.waited, day.tally.wait_total
    for e in waiting(day):
        w = t_end - e.queued_at
        if e.born >= day.warmup and w > 0:
            if not e.wait:
                waited += 1
            wait_total += w
    return waited, wait_total


def _staffed_until(day: DayState, t_end: float) -> tuple[list[float], list[float]]:
    """Staffed unit-time of each pool up to `t_end`: over the whole day, and after warmup."""
    staffed = list(day.staffed)
    measured = list(day.staffed_measured)
    for p in range(len(day.plan.pools)):
        mark = day.staff_mark[p]
        if t_end > mark:
            level = max(day.staff[p], day.busy[p])
            staffed[p] += level * (t_end - mark)
            lo = max(mark, day.warmup)
            if t_end > lo:
                measured[p] += level * (t_end - lo)
    return staffed, measured


def _money_and_exits(day: DayState, t_end: float) -> tuple[float, float, int, list[int]]:
    """Revenue, cost, the entities that ended late, and the ended entities by outcome (completed, abandoned,
    lost), with the money in force now."""
    plan, sc, tally = day.plan, day.scenario, day.tally
    staffed, _ = _staffed_until(day, t_end)
    hours = sc.time.hours_per_unit
    staff_cost = sum(staffed[p] * hours * sc.resources[pid].cost_per_hour for p, pid in enumerate(plan.pools))
    fixed = sum(sc.fixed_costs.values())
    by_outcome = [0, 0, 0]
    revenue, cost = tally.revenue, tally.cost + staff_cost + fixed + day.stock.cost(t_end)
    n_late = 0
    for s, n in enumerate(tally.exits_counted):
        if n:
            by_outcome[plan.outcome[s]] += n
            revenue += n * plan.exit_revenue[s]
            cost += n * plan.exit_penalty[s] + tally.late[s] * plan.late_penalty[s]
            n_late += tally.late[s]
    return revenue, cost, n_late, by_outcome


def _utilization(day: DayState, t_end: float) -> dict[str, float]:
    """`utilization.POOL`: busy time over staffed time after warmup; services still running count up to now."""
    _, measured = _staffed_until(day, t_end)
    busy_time = list(day.busy_time)
    if not day.done:
        clip_end = day.horizon if day.cutoff else INF
        for e, p, t_done in in_service(day):
            busy_time[p] -= max(0.0, min(t_done, clip_end) - max(day.now, day.warmup))
    return {f"utilization.{pid}": ratio(busy_time[p], measured[p]) for p, pid in enumerate(day.plan.pools)}


def waiting(day: DayState) -> list[Entity]:
    """Entities waiting in a queue (or for stock) now."""
    return [e for qs in day.queues if qs for dq in qs for e, tok in dq if e.token == tok] + day.stock.waiting()


def in_service(day: DayState) -> Iterator[tuple[Entity, int, float]]:
    """(entity, pool, when its service ends) of every service running now."""
    for entry in day.agenda.heap:
        if entry[2] == SERVICE_DONE:
            yield entry[3], entry[4], entry[0]

