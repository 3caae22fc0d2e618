"""Exact queueing and inventory formulas: what a long, steady day would give, without simulating it.

They serve twice. The tests use them as oracles: a simulated contact centre or stock room must agree with
them within its confidence interval. And a screen can show them at once, before a run, as a live preview
("with 12 agents, about 77 % of callers are answered within 20 seconds").

The business words used throughout:

- `arrival_rate` (lambda): callers (or demands) per time unit; `service_rate` (mu): calls one agent
  finishes per time unit of talk, the inverse of the mean handling time; `agents` (c): people on shift.
- offered load `a = lambda / mu`: the work arriving, in agents' worth ("erlangs"); utilisation `a / c`.
- `abandon_rate` (theta): the inverse of callers' mean patience; a waiting caller hangs up at this rate.
- every wait is the time in the queue before an agent picks up, in the same time unit as the rates.

Pure Python with numpy; no scipy. Every formula is for the steady state (a long day after the morning's
empty start has been forgotten).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "erlang_b",
    "erlang_c",
    "MMc",
    "ErlangA",
    "agents_needed",
    "BaseStockLostSales",
    "base_stock_lost_sales",
    "RQBackorders",
    "rq_backorders",
]


# --------------------------------------------------------------------------------------------------
# Erlang B and C


def erlang_b(servers: int, load: float) -> float:
    """Erlang B: the share of callers turned away when `servers` lines carry `load` erlangs and nobody
    can wait (a busy signal). Also the stockout probability of a lost-sales base-stock policy.

    Computed by the recursion B(k) = a B(k-1) / (k + a B(k-1)), which never overflows, even for
    thousands of servers.
    """
    if servers < 0 or int(servers) != servers:
        raise ValueError(f"servers must be a whole number >= 0, got {servers!r}")
    if load < 0:
        raise ValueError(f"load must be >= 0, got {load!r}")
    b = 1.0
    for k in range(1, int(servers) + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Erlang C: the probability that a caller has to wait (finds every agent busy) in an M/M/c queue
    with `servers` agents and `load` erlangs offered, callers never hanging up.

    When the load reaches the number of agents the queue grows without end and every caller waits: 1.
    """
    if servers < 1:
        raise ValueError(f"an Erlang C queue needs at least one agent, got {servers!r}")
    if load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


# --------------------------------------------------------------------------------------------------
# M/M/c: the contact centre whose callers never hang up


@dataclass(frozen=True, slots=True)
class MMc:
    """A contact centre with Poisson arrivals, exponential talk times, `agents` agents and callers who wait
    as long as it takes (M/M/c, Erlang C).

    `MMc(arrival_rate=10, service_rate=1, agents=12).service_level(1/3)` is the share of callers answered
    within 20 seconds when 10 calls a minute arrive and a call takes a minute on average.
    """

    arrival_rate: float
    service_rate: float
    agents: int

    def __post_init__(self) -> None:
        if self.arrival_rate < 0 or self.service_rate <= 0 or self.agents < 1:
            raise ValueError("need arrival_rate >= 0, service_rate > 0 and at least one agent")

    @property
    def load(self) -> float:
        """Offered load in erlangs: how many agents the arriving work would keep busy."""
        return self.arrival_rate / self.service_rate

    @property
    def utilization(self) -> float:
        """Share of staffed time the agents spend talking (capped at 1 when overloaded)."""
        return min(1.0, self.load / self.agents)

    @property
    def stable(self) -> bool:
        """Whether the agents keep up: otherwise the queue, and every wait, grows without end."""
        return self.load < self.agents

    @property
    def p_wait(self) -> float:
        """Share of callers who wait at all before an agent answers (Erlang C)."""
        return erlang_c(self.agents, self.load)

    @property
    def _drain_rate(self) -> float:
        # How fast a queue empties when every agent is busy: c mu - lambda.
        return self.agents * self.service_rate - self.arrival_rate

    @property
    def asa(self) -> float:
        """Average speed of answer: the mean wait over all callers (they are all served), C / (c mu - lambda)."""
        if not self.stable:
            return math.inf
        return self.p_wait / self._drain_rate

    mean_wait = asa

    def service_level(self, within: float) -> float:
        """Share of callers answered within `within` time units: 1 - C exp(-(c mu - lambda) t)."""
        if within < 0:
            raise ValueError("within must be >= 0")
        if not self.stable:
            return 0.0
        return 1.0 - self.p_wait * math.exp(-self._drain_rate * within)

    @property
    def mean_queue(self) -> float:
        """Mean number of callers on hold (Little's law: lambda x mean wait)."""
        return self.arrival_rate * self.asa if self.stable else math.inf

    @property
    def mean_in_system(self) -> float:
        """Mean number of callers on hold or talking."""
        return self.mean_queue + self.load

    @property
    def mean_time_in_system(self) -> float:
        """Mean time from ringing to hanging up after the call: wait plus talk."""
        return self.asa + 1.0 / self.service_rate


# --------------------------------------------------------------------------------------------------
# Erlang A (M/M/c+M): callers who hang up when their patience runs out

#: Relative mass below which the tail of the queue-length distribution is dropped.
_TAIL = 1e-16
#: Longest queue the numerical chain will hold before giving up (an overloaded centre with nearly infinite
#: patience: the queue would be astronomically long, and no preview needs that number).
_MAX_STATES = 200_000


class ErlangA:
    """A contact centre whose callers hang up after an exponential patience (M/M/c+M, Palm's Erlang A).

    `abandon_rate` is 1 / mean patience: with a mean patience of 2 minutes, 0.5 per minute. With
    `abandon_rate=0` this is M/M/c again (and then it needs `arrival_rate < agents x service_rate`).
    Unlike Erlang C, the queue stays finite even when the agents cannot keep up: impatient callers leave.

    The numbers come from the birth-death chain of the number of callers in the centre: a new caller
    arrives at rate lambda, and with k callers present someone leaves at rate min(k, c) mu (a call ends)
    + max(k - c, 0) theta (a waiting caller gives up). Its stationary distribution, truncated where the
    tail is below 1e-16, is exact for this model; a caller arriving sees it too (Poisson arrivals see time
    averages). The tests check it against Palm's closed form.
    """

    __slots__ = (
        "arrival_rate", "service_rate", "agents", "abandon_rate",
        "_states", "_ahead", "_p_served_from",
    )

    def __init__(self, arrival_rate: float, service_rate: float, agents: int, abandon_rate: float):
        if arrival_rate < 0 or service_rate <= 0 or agents < 1 or abandon_rate < 0:
            raise ValueError("need arrival_rate >= 0, service_rate > 0, abandon_rate >= 0, agents >= 1")
        if abandon_rate == 0 and arrival_rate >= agents * service_rate:
            raise ValueError("with no abandonment the agents must keep up (arrival_rate < agents x service_rate)")
        self.arrival_rate = float(arrival_rate)
        self.service_rate = float(service_rate)
        self.agents = int(agents)
        self.abandon_rate = float(abandon_rate)
        self._states = self._stationary()
        c, mu, theta = self.agents, self.service_rate, self.abandon_rate
        # A caller who must wait, with m callers ahead of them, moves up while the c agents finish calls
        # and those ahead give up (rate c mu + m theta) and gives up themselves at rate theta. Each rung of
        # that ladder is a race of exponentials: its length does not depend on who wins it.
        m = np.arange(len(self._states) - c)
        climb = c * mu + m * theta
        stay = climb / (climb + theta)  # chance of surviving the rung with m ahead
        self._ahead = self._states[c:]  # an arriving caller finds m = k - c callers ahead
        self._p_served_from = np.cumprod(stay)  # survive rungs m, m-1, ..., 0

    # -- the chain ---------------------------------------------------------------------------------

    def _stationary(self) -> np.ndarray:
        """P(k callers in the centre), k = 0..N, with N where the tail no longer matters."""
        lam, mu, c, theta = self.arrival_rate, self.service_rate, self.agents, self.abandon_rate
        log_terms = [0.0]
        log_p = 0.0
        peak = 0.0
        k = 0
        while True:
            k += 1
            death = min(k, c) * mu + max(k - c, 0) * theta
            if lam == 0:
                break
            ratio = lam / death
            log_p += math.log(ratio)
            log_terms.append(log_p)
            peak = max(peak, log_p)
            if k >= c and ratio < 1:
                # Terms now shrink at least geometrically by `ratio`: the rest of the tail is below
                # term x ratio / (1 - ratio).
                tail = log_p + math.log(ratio / (1 - ratio))
                if tail - peak < math.log(_TAIL):
                    break
            if k > _MAX_STATES:
                raise ValueError("the queue would be too long to compute: add agents or lower the patience")
        p = np.exp(np.array(log_terms) - peak)
        return p / p.sum()

    # -- what a manager asks -----------------------------------------------------------------------

    @property
    def load(self) -> float:
        """Offered load in erlangs."""
        return self.arrival_rate / self.service_rate

    @property
    def p_wait(self) -> float:
        """Share of callers who find every agent busy and so wait (some of whom will hang up)."""
        return float(self._ahead.sum())

    @property
    def mean_queue(self) -> float:
        """Mean number of callers on hold."""
        return float(np.dot(np.arange(len(self._ahead)), self._ahead))

    @property
    def p_abandon(self) -> float:
        """Share of callers who hang up before an agent answers: theta x mean queue / lambda (each caller
        on hold gives up at rate theta)."""
        if self.arrival_rate == 0:
            return 0.0
        return self.abandon_rate * self.mean_queue / self.arrival_rate

    @property
    def p_served(self) -> float:
        """Share of callers who reach an agent."""
        return 1.0 - self.p_abandon

    @property
    def mean_wait(self) -> float:
        """Mean time on hold per caller, over all callers: those answered at once count 0, those who hung
        up count the time they waited (Little's law: mean queue / lambda)."""
        if self.arrival_rate == 0:
            return 0.0
        return self.mean_queue / self.arrival_rate

    @property
    def asa(self) -> float:
        """Average speed of answer: the mean wait of the callers who were answered.

        On a rung with m ahead the time spent does not depend on how the rung ends, so a caller who is
        answered spends sum_j 1 / (c mu + (j+1) theta) over the rungs m..0 it climbed.
        """
        if self.p_served == 0:
            return math.nan
        c, mu, theta = self.agents, self.service_rate, self.abandon_rate
        rung_time = 1.0 / (c * mu + (np.arange(len(self._ahead)) + 1) * theta)
        climb_time = np.cumsum(rung_time)
        waited_and_served = float(np.dot(self._ahead, self._p_served_from * climb_time))
        return waited_and_served / self.p_served

    @property
    def utilization(self) -> float:
        """Share of staffed time the agents spend talking: the calls that reach an agent, in erlangs, per agent."""
        return self.load * self.p_served / self.agents

    def service_level(self, within: float) -> float:
        """Share of all callers answered within `within` time units (callers who hang up never count as
        answered, however early they left): the contract's `service_level` KPI.

        Computed by uniformising the ladder a waiting caller climbs (see `asa`): P(answered by t) is a
        Poisson-weighted sum of the discrete chain's answered mass after n steps.
        """
        if within < 0:
            raise ValueError("within must be >= 0")
        at_once = 1.0 - self.p_wait
        if within == 0 or len(self._ahead) == 0:
            return at_once
        c, mu, theta = self.agents, self.service_rate, self.abandon_rate
        m = np.arange(len(self._ahead))
        climb = c * mu + m * theta
        rate = float(climb[-1] + theta)  # the fastest rung: a clock that ticks at least as often as any
        p_climb = climb / rate
        p_leave = theta / rate
        p_stay = np.maximum(1.0 - p_climb - p_leave, 0.0)  # 0 on the fastest rung, bar rounding
        x = self._ahead.astype(float).copy()  # mass of waiting callers by how many are ahead of them
        mean_ticks = rate * within
        # P(N >= n) for N ~ Poisson(rate t), n = 1, 2, ...: the chance that the nth tick came in time.
        log_pmf = -mean_ticks  # log P(N = 0)
        tail = 1.0 - math.exp(log_pmf)  # P(N >= 1)
        answered = 0.0
        n = 0
        while True:
            n += 1
            newly = x[0] * p_climb[0]
            x_next = x * p_stay
            x_next[:-1] += x[1:] * p_climb[1:]
            x = x_next
            answered += newly * tail
            log_pmf += math.log(mean_ticks) - math.log(n)
            tail -= math.exp(log_pmf)
            if tail <= 1e-17 or x.sum() < 1e-17:
                break
        return float(at_once + answered)


def agents_needed(arrival_rate: float, service_rate: float, target: float, within: float,
                  abandon_rate: float = 0.0, max_agents: int = 10_000) -> int:
    """The fewest agents whose service level within `within` reaches `target` (e.g. 0.8 within 1/3 min).

    With `abandon_rate` 0 this is Erlang C staffing; otherwise Erlang A, where impatient callers thin the
    queue and fewer agents may do.
    """
    if not 0 <= target < 1:
        raise ValueError("target must be in [0, 1)")
    start = max(1, math.floor(arrival_rate / service_rate) + (1 if abandon_rate == 0 else 0))
    for c in range(start, max_agents + 1):
        if abandon_rate == 0:
            level = MMc(arrival_rate, service_rate, c).service_level(within)
        else:
            level = ErlangA(arrival_rate, service_rate, c, abandon_rate).service_level(within)
        if level >= target:
            return c
    raise ValueError(f"no staffing up to {max_agents} agents reaches the target")


# --------------------------------------------------------------------------------------------------
# Inventory


@dataclass(frozen=True, slots=True)
class BaseStockLostSales:
    """A shelf kept at `base_stock` units: every sale orders one replacement, a demand that finds the shelf
    empty is lost. With Poisson demand the units on order behave like busy lines of an Erlang loss system,
    for any lead-time distribution with that mean."""

    stockout_probability: float  # share of demands that find the shelf empty (and are lost)
    fill_rate: float  # share of demands served from the shelf
    mean_on_order: float  # replacements in transit, on average
    mean_on_hand: float  # units on the shelf, on average


def base_stock_lost_sales(base_stock: int, demand_rate: float, mean_lead_time: float) -> BaseStockLostSales:
    """Stockouts of a lost-sales base-stock policy: ErlangB(S, lambda x E[lead time])."""
    load = demand_rate * mean_lead_time
    b = erlang_b(base_stock, load)
    on_order = load * (1.0 - b)
    return BaseStockLostSales(b, 1.0 - b, on_order, base_stock - on_order)


@dataclass(frozen=True, slots=True)
class RQBackorders:
    """The long-run performance of an (r, Q) policy with backorders."""

    fill_rate: float  # share of demands met from the shelf at once
    stockout_probability: float  # share of time the shelf is empty (= 1 - fill rate, Poisson demand)
    mean_on_hand: float  # units on the shelf, time average
    mean_backorders: float  # demands waiting for stock, time average
    order_frequency: float  # replenishment orders per time unit
    mean_backorder_delay: float  # mean wait per demand (Little's law: backorders / demand rate)


def rq_backorders(reorder_point: int, order_quantity: int, demand_rate: float, lead_time: float) -> RQBackorders:
    """An (r, Q) policy with unit Poisson demand, backorders and a constant lead time: when the inventory
    position (on hand + on order - backorders) falls to r, order Q more.

    The inventory position is uniform on r+1..r+Q; a lead time later the net stock is that position less
    the lead-time demand D ~ Poisson(lambda L) (Hadley-Whitin; Zipkin, Foundations of Inventory Management,
    ch. 6). A demand is met at once when the net stock it finds is positive.
    """
    r, q = int(reorder_point), int(order_quantity)
    if q < 1:
        raise ValueError("order_quantity must be >= 1")
    if demand_rate <= 0 or lead_time < 0:
        raise ValueError("need demand_rate > 0 and lead_time >= 0")
    mean_demand = demand_rate * lead_time
    positions = np.arange(r + 1, r + q + 1)
    top = max(int(positions[-1]), 0)
    # Poisson pmf up to the highest position, by the stable recursion in log space.
    d = np.arange(top + 1)
    if mean_demand > 0:
        log_pmf = d * math.log(mean_demand) - mean_demand - np.array([math.lgamma(k + 1) for k in d])
        pmf = np.exp(log_pmf)
    else:
        pmf = (d == 0).astype(float)
    cdf = np.minimum(np.cumsum(pmf), 1.0)  # rounding may push the sum a hair past 1
    # E[(y - D)^+] = sum_{d < y} (y - d) p(d); negative positions have nothing on hand.
    on_hand = np.array([float(np.dot(y - d[:y], pmf[:y])) if y > 0 else 0.0 for y in positions])
    fill = np.array([cdf[y - 1] if y > 0 else 0.0 for y in positions])
    mean_on_hand = float(on_hand.mean())
    # Net stock = position - D, so E[backorders] = E[on hand] - E[position - D].
    mean_backorders = mean_on_hand - (float(positions.mean()) - mean_demand)
    fill_rate = float(fill.mean())
    return RQBackorders(
        fill_rate=fill_rate,
        stockout_probability=1.0 - fill_rate,
        mean_on_hand=mean_on_hand,
        mean_backorders=mean_backorders,
        order_frequency=demand_rate / q,
        mean_backorder_delay=mean_backorders / demand_rate,
    )
