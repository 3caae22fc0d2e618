"""The bottleneck view: where the day's money and minutes go, step by step and pool by pool.

`bottlenecks` runs a few traced days (the first replications of the seed: the same days as a full run's
first ones) and reads their records (`engine.sim.trace`): moves say when an entity joined and left each step
and through which port, starts when its service began, ends its exit, busy records the pools' busy and
staffed counts over time, stock records the shelves. From those, per step: the minutes waited, who hung
up or found no stock, what that cost (penalties, lost revenue, holding), and per pool the pay for idle
hours; ranked by money lost, then minutes. The loop needs no bookkeeping of its own for this.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..model import ProcessMap, Scenario


@dataclass(frozen=True)
class Loss:
    """What was lost at one step (`kind` "step") or in one pool (`kind` "pool"), per day on average.

    For a step: `wait_minutes` the time entities spent waiting there (in the scenario's time unit,
    named minutes because it usually is): in a service's queue, for stock at an inventory step, for the
    group at a batch; `abandoned` how many hung up there and `lost_sales` how many an empty shelf turned
    away; `penalty` what those cost at their exit and in the contract's fines per hang-up or lost order
    (`penalties` on `abandoned` or `lost`), `lost_revenue` what they would have brought (the mean
    exit revenue of those who passed the step and completed, plus the step's expected cross-sell);
    `overflowed` how many left the queue by its overflow; `holding_cost` what the stock on an inventory
    step's shelf cost to hold. For a pool: `idle_cost` the pay for staffed time nobody was served in.
    `money` sums what applies.
    """

    kind: str
    id: str
    label: str
    money: float
    wait_minutes: float = 0.0
    abandoned: float = 0.0
    penalty: float = 0.0
    lost_revenue: float = 0.0
    overflowed: float = 0.0
    idle_cost: float = 0.0
    idle_hours: float = 0.0
    lost_sales: float = 0.0
    holding_cost: float = 0.0

    def message(self, currency: str = "") -> str:
        """One line for a screen: "Billing desk: 1,840 USD lost to hang-ups"."""
        cur = f" {currency}" if currency else ""
        if self.kind == "pool":
            return f"{self.label}: {self.money:,.0f}{cur} paid for {self.idle_hours:,.1f} idle hours"
        causes = []
        if self.abandoned >= 0.5:
            causes.append(f"{self.abandoned:,.0f} hang-ups")
        if self.lost_sales >= 0.5:
            causes.append(f"{self.lost_sales:,.0f} lost sales")
        if self.holding_cost >= 0.5:
            causes.append(f"{self.holding_cost:,.0f}{cur} of stock holding")
        waiting = f"{self.wait_minutes:,.0f} minutes of waiting" if self.wait_minutes >= 0.5 else ""
        if causes:
            return f"{self.label}: {self.money:,.0f}{cur} lost to {' and '.join(causes)}" + (f", {waiting}" if waiting else "")
        return f"{self.label}: {waiting or 'no waiting'}"


def bottlenecks(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
                replications: int = 3, seed: int | None = None, script: Sequence[tuple] = ()) -> list[Loss]:
    """Money and minutes lost at each waiting step (service, inventory, batch) and in each paid pool,
    averaged over a few traced days (the first `replications` of the seed, the same days as a full
    run's first ones), ranked by money lost, then minutes of waiting. Steps and pools that lost nothing
    are left out.

    Read from the engine's trace (`engine.sim.Day(trace=True)`, records as `engine.sim.trace` lists them),
    so it needs no bookkeeping in the loop: move records give when an entity joined and left each step
    and through which port, start records when its service began, end records its exit, busy records
    the pools' busy and staffed counts over time, stock records the shelves. The days play `script` (the
    levers pulled and decisions taken during the day, engine.sim.day): the same days the results measure;
    money per unit is read at the rules the day began with.
    """
    from engine import sim

    sc0 = scenario
    full = {**sc0.default_rules(), **(rules or {})}
    plan = sim.compile_for(sc0, pmap, full if sc0.rules else None)
    sc = plan.scenario
    seed = sc.run.seed if seed is None else seed
    n = max(1, int(replications))
    steps: dict[str, dict[str, float]] = {}
    pools: dict[str, dict[str, float]] = {}
    for r in range(n):
        day = sim.Day(sc0, rules=full, seed=seed, replication=r, plan=plan, trace=True, script=script)
        _tally_day(sc, day, steps, pools)
    out = []
    for sid, t in steps.items():
        step = sc.steps[sid]
        money = (t["penalty"] + t["lost_revenue"] + t["holding"]) / n
        out.append(Loss("step", sid, step.label or sid, money, t["wait"] / n, t["abandoned"] / n,
                        t["penalty"] / n, t["lost_revenue"] / n, t["overflowed"] / n,
                        lost_sales=t["lost"] / n, holding_cost=t["holding"] / n))
    hours = sc.time.hours_per_unit
    for pid, t in pools.items():
        pool = sc.resources[pid]
        idle_h = t["idle"] * hours / n
        out.append(Loss("pool", pid, pool.label or pid, idle_h * pool.cost_per_hour, idle_cost=idle_h *
                        pool.cost_per_hour, idle_hours=idle_h))
    out = [x for x in out if x.money > 1e-9 or x.wait_minutes > 1e-9]
    out.sort(key=lambda x: (-x.money, -x.wait_minutes, x.kind, x.id))
    return out


def _integral(changes: Sequence[tuple[float, float]], end: float) -> float:
    """The integral from the first change to `end` of a step function given as (time, value) changes."""
    total = 0.0
    for (t0, v), (t1, _) in zip(changes, [*changes[1:], (end, 0.0)]):
        hi = min(t1, end)
        if hi > t0:
            total += v * (hi - t0)
    return total


#: Step kinds where entities wait: a service's queue (until the service starts), an inventory step's
#: backorders (until stock arrives), a batch (until the group leaves).
_WAITING_KINDS = ("service", "inventory", "batch")


def _tally_day(sc: Scenario, day, totals: dict, pools: dict) -> None:
    """Add one traced day's losses into `totals` (per step) and `pools` (sums over days)."""
    tally = _DayTally(sc, day)
    by_kind = {"move": tally.moved, "start": tally.started, "end": tally.ended, "busy": tally.busy,
               "stock": tally.stock}
    last_t = 0.0
    for rec in day.advance(None):
        last_t = rec[1]
        handle = by_kind.get(rec[0])
        if handle is not None:
            handle(rec)
    # The day ends, for pay and holding, as the engine's costs say: at the horizon under cutoff, else
    # when the last entity moved (not before the horizon).
    horizon = float(sc.time.horizon)
    end = horizon if sc.time.close == "cutoff" else max(horizon, getattr(day, "end_time", last_t))
    tally.close(end, pools)
    for sid, row in tally.steps.items():
        total = totals.setdefault(sid, dict.fromkeys(row, 0.0))
        for k, v in row.items():
            total[k] += v


class _DayTally:
    """One traced day's losses, record by record (the records `engine.sim.trace` lists)."""

    def __init__(self, sc: Scenario, day):
        self.sc = sc
        self.steps: dict[str, dict[str, float]] = {}  # this day's rows, per step
        self.kinds = {sid: s.kind for sid, s in sc.steps.items()}
        self.warmup = sc.time.warmup
        self.counted: dict[int, bool] = {}
        self.waiting: dict[int, tuple[str, float]] = {}  # entity -> (step it waits at, since)
        self.visited: dict[int, list[str]] = {}
        self.left_at: dict[int, str] = {}  # entity -> step where it hung up or the sale was lost
        self.completed_revenue: dict[str, list[float]] = {}
        # (time, staff, busy) per pool and (time, on hand) per shelf, integrated up to the day's end
        self.staffing = {pid: [(0.0, float(day.staff[p]), 0.0)] for p, pid in enumerate(day.plan.pools)}
        self.shelves: dict[str, list[tuple[float, float]]] = {}
        self.starts: dict[str, dict[str, int]] = {}

    def row(self, sid) -> dict[str, float]:
        return self.steps.setdefault(sid, {"wait": 0.0, "abandoned": 0.0, "lost": 0.0, "penalty": 0.0,
                                           "lost_revenue": 0.0, "overflowed": 0.0, "holding": 0.0})

    def moved(self, rec) -> None:
        _, t, eid, src, port, dst = rec
        if eid not in self.counted:
            self.counted[eid] = t >= self.warmup
        w = self.waiting.get(eid)
        if w is not None and w[0] == src:  # left without being served (or stock came, or the group left)
            del self.waiting[eid]
            if self.counted[eid]:
                row = self.row(src)
                row["wait"] += t - w[1]
                if port == "abandoned":
                    row["abandoned"] += 1
                    self.left_at[eid] = src
                elif port == "overflow":
                    row["overflowed"] += 1
                elif port == "out" and self.kinds.get(src) == "inventory":
                    row["lost"] += 1  # no stock: the sale is lost
                    self.left_at[eid] = src
        if dst is not None and self.kinds.get(dst) in _WAITING_KINDS:
            self.waiting[eid] = (dst, t)
            self.visited.setdefault(eid, []).append(dst)

    def started(self, rec) -> None:
        _, t, eid, sid, pool = rec
        w = self.waiting.get(eid)
        if w is not None and w[0] == sid:
            del self.waiting[eid]
            if self.counted.get(eid):
                self.row(sid)["wait"] += t - w[1]
        if pool is not None:
            per = self.starts.setdefault(sid, {})
            per[pool] = per.get(pool, 0) + 1

    def ended(self, rec) -> None:
        _, _, eid, exit_id, outcome = rec
        self.waiting.pop(eid, None)
        if not self.counted.get(eid):
            return
        step = self.sc.steps.get(exit_id) if exit_id is not None else None
        if eid in self.left_at:
            self.row(self.left_at[eid])["penalty"] += step.penalty if step is not None else 0.0
        elif outcome == "completed":
            rev = step.revenue if step is not None else 0.0
            for sid in set(self.visited.get(eid, ())):
                self.completed_revenue.setdefault(sid, []).append(rev)

    def busy(self, rec) -> None:
        _, t, pid, busy, staff = rec
        self.staffing[pid].append((t, float(staff), float(busy)))

    def stock(self, rec) -> None:
        _, t, sid, on_hand = rec[:4]
        self.shelves.setdefault(sid, []).append((t, float(on_hand)))

    def close(self, end: float, pools: dict) -> None:
        """The day ended at `end`: idle pay into `pools`; holding, the waits still open and the revenue
        those who left would have brought into this day's rows."""
        sc = self.sc
        for pid, changes in self.staffing.items():
            idle = _integral([(t, max(0.0, staff - busy)) for t, staff, busy in changes], end)
            if sc.resources[pid].cost_per_hour > 0 and idle > 0:
                pools.setdefault(pid, {"idle": 0.0})["idle"] += idle
        for sid, changes in self.shelves.items():
            cost = getattr(sc.steps.get(sid), "holding_cost", 0.0) * _integral(
                [(t, max(0.0, x)) for t, x in changes], end)
            if cost > 0:
                self.row(sid)["holding"] += cost
        for eid, (sid, since) in self.waiting.items():  # still waiting when the day ended
            if self.counted.get(eid):
                self.row(sid)["wait"] += max(0.0, end - since)
        fines = {kpi: sum(p.amount for p in sc.penalties if p.kpi == kpi and p.below is None and p.above is None)
                 for kpi in ("abandoned", "lost")}  # the contract's fine for each one, where it is one per unit
        for sid, row in self.steps.items():
            gone = row["abandoned"] + row["lost"]
            if gone:
                row["lost_revenue"] += gone * self._value_lost(sid)
                row["penalty"] += row["abandoned"] * fines["abandoned"] + row["lost"] * fines["lost"]

    def _value_lost(self, sid: str) -> float:
        """What one entity that hung up or found no stock at `sid` would have brought: the mean exit
        revenue of those who passed the step and completed, plus the step's expected cross-sell."""
        revs = self.completed_revenue.get(sid, [])
        value = math.fsum(revs) / len(revs) if revs else 0.0
        rv = getattr(self.sc.steps[sid], "revenue", None)
        if rv is not None and self.starts.get(sid):
            used = self.starts[sid]
            value += rv.amount * sum(rv.chance.get(p, 0.0) * k for p, k in used.items()) / sum(used.values())
        return value
