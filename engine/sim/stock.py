"""Stock and batches in a day: shelves, replenishment orders, backorders, trucks that wait to fill.

`Stock` holds the state of every inventory step a day needs (the ones the map places, and the suppliers
behind them, placed or not) and of every batch step on the map. The event loop (engine.sim.loop) calls two
methods as entities arrive, and the day's agenda (engine.sim.agenda) brings back everything that takes time:

- `demand(e, s, now)`: entity `e` arriving at inventory step `s` takes one unit. It returns `MET` (it goes
  on through `ok` at once), `LOST` (the shelf is empty and the step loses the sale: it goes through `out`)
  or `WAITS` (a backorder: it waits, first come first served, until stock arrives).
- `join(e, s, now)`: entity `e` waits at batch step `s` until `size` are together or the first has waited
  `max_wait`.

Entities that waited (a backorder filled, a batch leaving) come back to the loop as heap entries of the
release kind at the moment they leave. Deliveries, periodic reviews and batch timers are heap entries of
the change kind whose callback is a method here.

The model, as the format reads (see docs/scenario-format.md, "inventory"):
- The inventory position is on hand + on order - owed (entities waiting and units owed to downstream
  steps). Continuous review checks it after every demand; periodic review every `period` from time 0.
  `sS`: at or below s, order up to S. `rQ`: at or below r, order as many Q as bring it above r.
  `base_stock`: below S, order up to S (every unit used is ordered again). A `forecast` on base_stock
  raises the level to S + cover x the smoothed demand per time unit (exponential smoothing at each
  review): the order-up-to rule of the beer game, and the classic cause of the bullwhip effect.
- An order from an outside supplier arrives a lead time later (drawn from the step's own stream, so a
  policy changes neither the demand nor the lead times the n-th order meets). An order from a supplier
  step is a demand for that many units there: what is on its shelf ships at once, the rest is owed and
  ships (first come, first served, with waiting entities) as stock arrives; each shipment reaches the
  ordering step a lead time (the ordering step's) after it ships. Orders may cross.
- Money (values in force at the end of the day, like exits): `unit_cost` per unit ordered, `order_cost`
  per order, `holding_cost` per unit on the shelf per time unit over the whole day (warmup included, as
  staff), `cost_per_batch` per group that leaves.
- KPIs count the entities born after warmup: `fill_rate` (met at once / demands), `stockouts` (found no
  stock), `backorders` (of those, the ones that waited). `mean_on_hand.STEP` is the time average from
  warmup to the end of the day. A backorder's wait counts as a queue wait (`p_wait`, `mean_wait`); a
  wait for a batch does not (it shows in `mean_time_in_system`).
- Under `close: drain`, when nothing else is left to happen, partly filled batches leave (the last
  truck goes), and periodic reviews go on after the horizon while entities still wait for stock.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from typing import Any, Final

from engine.distributions import as_distribution

from . import rng as rngs
from .agenda import CHANGE, RELEASE, Agenda
from .entity import Entity
from .knobs import Knob
from .plan import BATCH, INVENTORY, Plan
from .tally import Tally

MET: Final = 0
LOST: Final = 1
WAITS: Final = 2
_EPS = 1e-9


class _Point:
    """One inventory step: its shelf, what it has on order, what it owes, and its counters."""

    __slots__ = ("sid", "step", "s", "sup", "on_hand", "on_order", "owed", "waiting", "owed_orders",
                 "lead", "lead_scale", "lead_sets", "orders", "units", "demands", "met", "stockouts",
                 "backorders", "area", "mark", "warm_area", "post", "since", "forecast", "review_pending")

    def __init__(self, sid: str, step, s: int):
        self.sid = sid
        self.step = step
        self.s = s  # plan index, or -1 when only a supplier (not placed on the map)
        self.sup = -1  # point index of the supplier step, or -1 for an outside supplier
        self.on_hand = float(step.initial)
        self.on_order = 0.0
        self.owed = 0.0  # entities waiting + units owed to downstream steps
        self.waiting: deque[Entity] = deque()  # entities waiting for stock, in arrival order
        self.owed_orders: deque = deque()  # [time, point, units left] owed to downstream steps
        self.lead: Any = None  # a SequentialStream of lead times
        self.lead_scale = 1.0
        self.lead_sets: list = []  # (event index, distribution) set by scripted events
        self.orders = 0  # replenishment orders placed (whole day)
        self.units = 0.0  # units ordered (whole day)
        self.demands = self.met = self.stockouts = self.backorders = 0  # entities counted
        self.area = 0.0  # integral of on hand from 0 to `mark`
        self.mark = 0.0
        self.warm_area: float | None = None  # the integral up to warmup, once passed
        self.post: list[tuple[float, float, float]] = []  # (t, area, level) after the horizon (drain)
        self.since = 0.0  # demand since the last review (forecast)
        self.forecast = float(step.policy.forecast_initial)
        self.review_pending = False

    def position(self) -> float:
        return self.on_hand + self.on_order - self.owed


class _Batch:
    __slots__ = ("sid", "step", "members", "gen", "count")

    def __init__(self, sid: str, step):
        self.sid = sid
        self.step = step
        self.members: list[Entity] = []
        self.gen = 0  # bumped at each departure: a timer of an earlier group is ignored
        self.count = 0  # groups that left (whole day)


class Stock:
    """The inventory and batch steps of one day (see the module docstring)."""

    def __init__(self, plan: Plan, agenda: Agenda, tally: Tally, trace: list[tuple] | None, seed: int,
                 replication: int, horizon: float, warmup: float, cutoff: bool):
        sc = plan.scenario
        self.agenda = agenda
        self.tally = tally  # a backorder's wait counts as a queue wait
        self.trace = trace
        self.horizon, self.warmup, self.cutoff = horizon, warmup, cutoff
        # Inventory points: the placed ones, then their suppliers up the chain.
        self.points: list[_Point] = []
        self.point_of: dict[str, int] = {}
        self.at_step: list[int] = [-1] * len(plan.ids)  # plan index -> point index
        todo = [sid for sid, s in zip(plan.ids, plan.kind) if s == INVENTORY]
        while todo:
            sid = todo.pop(0)
            if sid in self.point_of:
                continue
            step: Any = sc.steps[sid]  # an inventory step
            j = len(self.points)
            self.point_of[sid] = j
            self.points.append(_Point(sid, step, plan.index.get(sid, -1)))
            if plan.index.get(sid) is not None:
                self.at_step[plan.index[sid]] = j
            if step.supplier:
                todo.append(step.supplier)
        for pt in self.points:
            pt.sup = self.point_of[pt.step.supplier] if pt.step.supplier else -1
            pt.lead = rngs.SequentialStream(rngs.generator(seed, replication, "lead_time", pt.sid),
                                            pt.step.lead_time.sample)
        self.batches: list[_Batch | None] = [
            _Batch(sid, sc.steps[sid]) if k == BATCH else None for sid, k in zip(plan.ids, plan.kind)]
        self.any_batch = any(b is not None for b in self.batches)
        self.lead_knobs = {pt.sid: Knob(1.0, self._lead_scaler(j)) for j, pt in enumerate(self.points)}
        for j, pt in enumerate(self.points):
            if self.trace is not None:
                self.trace.append(("stock", 0.0, pt.sid, pt.on_hand, pt.owed))
            if pt.step.review_period is None:
                self._review(j, 0.0)
            else:
                self._schedule_review(j, 0.0)

    # ---- entities arriving -----------------------------------------------------------------

    def demand(self, e: Entity, s: int, now: float) -> int:
        """Entity `e` wants one unit at inventory step `s`: MET, LOST or WAITS."""
        j = self.at_step[s]
        pt = self.points[j]
        counted = e.born >= self.warmup
        if counted:
            pt.demands += 1
        pt.since += 1
        if pt.on_hand >= 1 - _EPS and pt.owed <= _EPS:
            self._level(pt, now, -1.0)
            if counted:
                pt.met += 1
            if pt.step.review_period is None:
                self._review(j, now)
            return MET
        if counted:
            pt.stockouts += 1
        if pt.step.when_out == "lost":
            return LOST
        if counted:
            pt.backorders += 1
        e.step = s
        e.queued_at = now
        pt.waiting.append(e)
        pt.owed += 1
        if self.trace is not None:
            self.trace.append(("stock", now, pt.sid, pt.on_hand, pt.owed))
        if pt.step.review_period is None:
            self._review(j, now)
        elif not pt.review_pending:  # after the horizon reviews stop; someone waiting restarts them
            self._schedule_review(j, now)
        return WAITS

    def join(self, e: Entity, s: int, now: float) -> None:
        """Entity `e` joins the group forming at batch step `s`."""
        b = self.batches[s]
        assert b is not None
        e.step = s
        b.members.append(e)
        step = b.step
        if len(b.members) >= step.size:
            self._depart(s, now)
        elif len(b.members) == 1 and step.max_wait is not None:
            self._push(now + step.max_wait, self._timeout, (s, b.gen))

    # ---- batches -----------------------------------------------------------------------------

    def _depart(self, s: int, now: float) -> None:
        b = self.batches[s]
        assert b is not None
        members, b.members = b.members, []
        b.gen += 1
        b.count += 1
        agenda = self.agenda
        for e in members:
            agenda.push(now, RELEASE, e, s)
        if self.trace is not None:
            self.trace.append(("batch", now, b.sid, len(members)))

    def _timeout(self, now: float, arg) -> None:
        s, gen = arg
        b = self.batches[s]
        assert b is not None
        if b.gen == gen and b.members:
            self._depart(s, now)

    def flush(self, now: float) -> bool:
        """Send every partly filled group on its way (the end of a drained day); whether any left."""
        if not self.any_batch:
            return False
        left = False
        for s, b in enumerate(self.batches):
            if b is not None and b.members:
                self._depart(s, now)
                left = True
        return left

    # ---- shelves and orders ------------------------------------------------------------------

    def _push(self, t: float, fn, arg) -> None:
        self.agenda.push(t, CHANGE, fn, arg)

    def _level(self, pt: _Point, now: float, delta: float) -> None:
        """Change the units on the shelf by `delta` at `now`, integrating the level so far."""
        if now > pt.mark:
            if pt.warm_area is None and now >= self.warmup:
                pt.warm_area = pt.area + pt.on_hand * (self.warmup - pt.mark)
            if now > self.horizon and not self.cutoff and (not pt.post or pt.post[-1][0] < self.horizon):
                pt.post.append((self.horizon, pt.area + pt.on_hand * (self.horizon - pt.mark), pt.on_hand))
            pt.area += pt.on_hand * (now - pt.mark)
            pt.mark = now
        pt.on_hand += delta
        if now > self.horizon:
            pt.post.append((now, pt.area, pt.on_hand))
        if self.trace is not None:
            self.trace.append(("stock", now, pt.sid, pt.on_hand, pt.owed))

    def _review(self, j: int, now: float) -> bool:
        """Check the policy of point `j` and order if it says so; whether an order was placed."""
        pt = self.points[j]
        pol = pt.step.policy
        pos = pt.on_hand + pt.on_order - pt.owed
        if pol.type == "rQ":
            if pos > pol.s + _EPS:
                return False
            q = (math.floor((pol.s - pos) / pol.Q + _EPS) + 1) * pol.Q
        elif pol.type == "sS":
            if pos > pol.s + _EPS:
                return False
            q = pol.S - pos
        else:  # base_stock: order up to the level (S, or S + cover x forecast)
            level = pol.S
            cover = pol.forecast_cover
            if cover:
                level = round(level + cover * pt.forecast)
            q = level - pos
        if q <= _EPS:
            return False
        self._order(j, q, now)
        return True

    def _order(self, j: int, q: float, now: float) -> None:
        pt = self.points[j]
        pt.on_order += q
        pt.orders += 1
        pt.units += q
        sup = pt.sup
        if self.trace is not None:
            self.trace.append(("order", now, pt.sid, q, self.points[sup].sid if sup >= 0 else None))
        if sup < 0:  # an outside supplier: the units arrive a lead time later
            self.agenda.push(now + pt.lead.next() * pt.lead_scale, CHANGE, self._receive, (j, q))
            return
        # A demand of q units at the supplier: what is on its shelf ships now, the rest is owed.
        up = self.points[sup]
        up.since += q
        ship = 0.0
        if up.owed <= _EPS and up.on_hand > _EPS:
            ship = min(up.on_hand, q)
            self._level(up, now, -ship)
            self._ship(j, ship, now)
        if q - ship > _EPS:
            up.owed_orders.append([now, j, q - ship])
            up.owed += q - ship
            if self.trace is not None:
                self.trace.append(("stock", now, up.sid, up.on_hand, up.owed))
        if up.step.review_period is None:
            self._review(sup, now)
        elif not up.review_pending:
            self._schedule_review(sup, now)

    def _ship(self, j: int, q: float, now: float) -> None:
        """`q` units leave for point `j`; they arrive a lead time later."""
        pt = self.points[j]
        self.agenda.push(now + pt.lead.next() * pt.lead_scale, CHANGE, self._receive, (j, q))

    def _receive(self, now: float, arg) -> None:
        """A delivery reaches point `j`: fill what is owed, first come first served, then the shelf."""
        j, q = arg
        pt = self.points[j]
        pt.on_order -= q
        self._level(pt, now, q)
        waiting, owed_orders = pt.waiting, pt.owed_orders
        while (waiting or owed_orders) and pt.on_hand > _EPS:
            if waiting and (not owed_orders or waiting[0].queued_at <= owed_orders[0][0]):
                if pt.on_hand < 1 - _EPS:
                    break
                e = waiting.popleft()
                pt.owed -= 1
                self._level(pt, now, -1.0)
                self.tally.count_wait(e, now)
                self.agenda.push(now, RELEASE, e, pt.s)
            else:
                item = owed_orders[0]
                ship = min(pt.on_hand, item[2])
                item[2] -= ship
                pt.owed -= ship
                if item[2] <= _EPS:
                    owed_orders.popleft()
                self._level(pt, now, -ship)
                self._ship(item[1], ship, now)

    def _schedule_review(self, j: int, now: float) -> None:
        """The next review of periodic point `j` at the next multiple of its period from `now` on."""
        pt = self.points[j]
        period = pt.step.review_period
        k = math.ceil(now / period - _EPS)
        pt.review_pending = True
        self._push(k * period, self._periodic, j)

    def _periodic(self, now: float, j: int) -> None:
        pt = self.points[j]
        pt.review_pending = False
        period = pt.step.review_period
        if period is None:  # a rule switched it to continuous review
            self._review(j, now)
            return
        pol = pt.step.policy
        alpha = pol.forecast_smoothing
        if alpha and now > 0:
            pt.forecast += alpha * (pt.since / period - pt.forecast)
        pt.since = 0.0
        ordered = self._review(j, now)
        nxt = now + period
        # Reviews run to the horizon; after it (drain) only while an entity or a downstream step waits
        # and something can still change.
        if nxt < self.horizon or (not self.cutoff and pt.owed > _EPS and (ordered or pt.on_order > _EPS)):
            pt.review_pending = True
            self._push(nxt, self._periodic, j)

    # ---- changes during the day ------------------------------------------------------------------

    def _lead_scaler(self, j: int):
        def apply(now: float, value: float) -> None:
            self.points[j].lead_scale = max(0.0, value)
        return apply

    def set_lead(self, sid: str, i: int, value, starting: bool) -> None:
        """An event sets another lead-time distribution for a while (event `i`)."""
        pt = self.points[self.point_of[sid]]
        if starting:
            pt.lead_sets.append((i, as_distribution(value)))
        else:
            pt.lead_sets[:] = [x for x in pt.lead_sets if x[0] != i]
        self._resample(pt)

    def _resample(self, pt: _Point) -> None:
        dist = pt.lead_sets[-1][1] if pt.lead_sets else pt.step.lead_time
        st = pt.lead
        if st.sampler != dist.sample:
            st.sampler = dist.sample
            st.values, st.pos = [], 0

    def adopt(self, scenario) -> None:
        """Rule values changed mid-day: policies, lead times and money from now on."""
        for pt in self.points:
            old = pt.step
            pt.step = scenario.steps[pt.sid]
            if pt.step.lead_time != old.lead_time:
                self._resample(pt)
        for b in self.batches:
            if b is not None:
                b.step = scenario.steps[b.sid]

    # ---- what the KPIs read --------------------------------------------------------------------

    def waiting(self) -> list[Entity]:
        """Entities waiting for stock now."""
        return [e for pt in self.points for e in pt.waiting]

    def _area(self, pt: _Point, t: float) -> float:
        """The integral of the shelf level from 0 to `t`."""
        if t >= pt.mark:
            return pt.area + pt.on_hand * (t - pt.mark)
        i = bisect_right(pt.post, (t, math.inf, math.inf)) - 1
        if i < 0:  # cannot happen: t is at least the horizon when changes came after it
            return pt.area
        t0, a0, level = pt.post[i]
        return a0 + level * (t - t0)

    def cost(self, t_end: float) -> float:
        total = 0.0
        for pt in self.points:
            st = pt.step
            total += st.unit_cost * pt.units + st.order_cost * pt.orders + st.holding_cost * self._area(pt, t_end)
        for b in self.batches:
            if b is not None:
                total += b.step.cost_per_batch * b.count
        return total

    def kpis(self, t_end: float) -> dict[str, float]:
        demands = sum(pt.demands for pt in self.points)
        k: dict[str, Any] = {
            "fill_rate": sum(pt.met for pt in self.points) / demands if demands else 1.0,
            "stockouts": float(sum(pt.stockouts for pt in self.points)),
            "backorders": float(sum(pt.backorders for pt in self.points)),
        }
        span = t_end - self.warmup
        for pt in self.points:
            if span > 0:
                warm = pt.warm_area if pt.warm_area is not None else self._area(pt, self.warmup)
                k[f"mean_on_hand.{pt.sid}"] = (self._area(pt, t_end) - warm) / span
            else:
                k[f"mean_on_hand.{pt.sid}"] = pt.on_hand
        return k

    def orders_placed(self) -> dict[str, int]:
        """Replenishment orders placed so far, by inventory step."""
        return {pt.sid: pt.orders for pt in self.points}

    def on_hand(self) -> dict[str, float]:
        """Units on each shelf now."""
        return {pt.sid: pt.on_hand for pt in self.points}


