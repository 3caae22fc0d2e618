"""Par: the best rule values we can find, by simulation, for a scenario and a map.

The search is a coordinate search. It takes the levers (sliders and choices) one at a time and tries a few
values of that lever with the others held: for a slider, the current value and one stride either side
(the stride starts at a quarter of its range and halves when neither side helps, down to one notch); for a
choice, every option. Among the values tried it keeps the best by **successive halving**: all are run on
a couple of replications, the better half goes on to twice as many, and so on; a value replaces the
current one only if it is better on the full number of replications. Every run uses the same seed and
replication numbers (common random numbers): the same callers arrive in every trial, so two settings are
compared on the same day and small differences are real, not luck. `optimize` runs the search from a few
start points and keeps the best. A pass over all levers repeats until
no lever moves and every stride is one notch; then moves of one notch on two sliders at once are tried
(levers that trade off, like one more junior for one less senior, form ridges a one-lever search cannot
climb), and if one wins the passes resume. It ends there, or when the budget is spent.

Scores are cached per rule setting and replication: asking for more replications of a setting runs only
the new ones, and the incumbent is never run twice.

Also here, because they answer the same question (what do these rules give?) with the same engine calls:
the bottleneck view (`bottlenecks`), the live preview (`preview`), par kept beside a scenario
(`save_par`, `load_par`), par computed in the background (`ParJob`), and baseline and par on a player's own
seed (`baseline_and_par`).
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .budget import CannotRun as _CannotRun
from engine.sim.stats import mean
from .model import Choice, ProcessMap, Scenario, Slider
from .scoring import objective_score

__all__ = [
    "OptimizeResult", "Evaluator", "SimEvaluator", "optimize", "search", "start_points", "ProgressFn", "Loss",
    "bottlenecks",
    "Preview", "preview", "HEADLINE_KPIS", "fingerprint", "par_path", "save_par", "load_par", "ParJob",
    "baseline_and_par",
]

#: progress(fraction_done, message): fraction from 0 to 1, a short line for a status bar.
ProgressFn = Callable[[float, str], None]

Rules = dict[str, Any]


def _key(rules: Mapping[str, Any]) -> tuple:
    return tuple(sorted(rules.items()))


class Evaluator:
    """Per-replication objective scores of rule settings, on common random numbers, cached.

    Subclasses implement `_run(rules, start, stop) -> list[float]`: the scores of replications
    start..stop-1 under those rules, all with the same seed, so asking for more replications of a
    setting only runs the new ones. `used` counts the replications actually run, which is what the
    search's budget limits.
    """

    def __init__(self):
        self.cache: dict[tuple, list[float]] = {}
        self.used = 0

    def scores(self, rules: Mapping[str, Any], replications: int) -> list[float]:
        k = _key(rules)
        have = self.cache.setdefault(k, [])
        if len(have) < replications:
            self.used += replications - len(have)
            have.extend(self._run(dict(rules), len(have), replications))
        return have[:replications]

    def mean(self, rules: Mapping[str, Any], replications: int) -> float:
        s = self.scores(rules, replications)
        return mean(s)

    def _run(self, rules: Rules, start: int, stop: int) -> list[float]:  # pragma: no cover - abstract
        raise NotImplementedError


class SimEvaluator(Evaluator):
    """Scores from the engine on one map and one seed: the objective of each replication.

    Each rule setting is compiled once (`engine.sim.compile_for`) and its replications run one `Day` at
    a time, replication r with the seed's child r, exactly as `engine.sim.run` does; so the search's
    numbers are the ones a full run reports.
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None = None, seed: int | None = None,
                 deadline: float | None = None, work_limit: bool = True):
        super().__init__()
        self.scenario = scenario
        self.pmap = pmap
        self.seed = scenario.run.seed if seed is None else seed
        self._plans: dict[tuple, Any] = {}
        # A `time.monotonic()` value: no day is started after it, and a day running past it is dropped
        # (checked between slices of the day), so the search ends on time whatever a day costs.
        self.deadline = deadline
        self.work_limit = work_limit

    def _run(self, rules: Rules, start: int, stop: int) -> list[float]:
        from . import sim

        full = {**self.scenario.default_rules(), **rules}
        if not hasattr(sim, "Day") or not hasattr(sim, "compile_for"):  # only the contract's run()
            result = sim.run(self.scenario, self.pmap, rules=full, replications=stop, seed=self.seed)
            return [per_rep_score(self.scenario, k) for k in _per_replication(result)[start:stop]]
        k = _key(full)
        plan = self._plans.get(k)
        if plan is None:
            plan = self._plans[k] = sim.compile_for(self.scenario, self.pmap,
                                                    full if self.scenario.rules else None)
            if not self.work_limit:
                plan.work_limit = 0
        if self.deadline is None:
            return [per_rep_score(plan.scenario, sim.Day(self.scenario, seed=self.seed, replication=r,
                                                         plan=plan).finish())
                    for r in range(start, stop)]
        out = []
        for r in range(start, stop):
            left = self.deadline - time.monotonic()
            day = _day_within(sim, self.scenario, plan, self.seed, r, time.perf_counter() + left) if left > 0 else None
            if day is None:
                raise OutOfTime(f"the search's {len(out) + start} replication(s) of a setting took all its time")
            out.append(per_rep_score(plan.scenario, day))
        return out


class OutOfTime(Exception):
    """The search's deadline passed during an evaluation: the setting's scores are incomplete."""


def _per_replication(result) -> Sequence[Mapping[str, float]]:
    for name in ("per_replication", "replications", "reps", "runs"):
        reps = getattr(result, name, None)
        if isinstance(reps, (list, tuple)) and reps and isinstance(reps[0], Mapping):
            return reps
    raise TypeError("engine.sim.run's result has no per-replication KPI dicts")


def per_rep_score(scenario: Scenario, kpis: Mapping[str, float]) -> float:
    """The objective of one replication; the engine may already report it as the `score` KPI."""
    if "score" in kpis and kpis["score"] is not None:
        return float(kpis["score"])
    return objective_score(scenario, kpis)


# --------------------------------------------------------------------------------------------------
# The search


@dataclass
class _Stride:
    """How far, in notches of the slider's grid, the next trial steps from the current value."""

    notches: int


def _grid(rule: Slider) -> tuple:
    return rule.values()


def _nearest(values: Sequence, v) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


def _candidates(rule, current, stride: _Stride | None) -> list:
    if isinstance(rule, Choice):
        return list(rule.values())
    grid = _grid(rule)
    i = _nearest(grid, current)
    out = [grid[i]]
    for j in (i - stride.notches, i + stride.notches):
        if 0 <= j < len(grid) and grid[j] not in out:
            out.append(grid[j])
    return out


def _halving(evaluator: Evaluator, incumbent: Rules, settings: list[Rules], first: int, full: int,
             over_budget: Callable[[], bool]) -> Rules:
    """The best of `settings` by successive halving of replications: all run on `first` replications,
    the better half on twice as many, and so on up to `full`. The incumbent keeps its place unless the
    winner beats it on `full` replications."""
    pool = list(settings)
    reps = min(first, full)
    while True:
        means = [evaluator.mean(r, reps) for r in pool]
        if reps >= full or len(pool) <= 1 or over_budget():
            break
        order = sorted(range(len(pool)), key=lambda i: -means[i])
        pool = [pool[i] for i in order[:max(1, math.ceil(len(pool) / 2))]]
        reps = min(2 * reps, full)
    best = pool[max(range(len(pool)), key=lambda i: means[i])]
    if _key(best) == _key(incumbent):
        return incumbent
    if evaluator.mean(best, full) > evaluator.mean(incumbent, full):
        return best
    return incumbent


def _pair_moves(levers: Sequence, current: Rules) -> list[Rules]:
    """Settings one notch away on two sliders at once: what a one-lever-at-a-time search cannot see
    when two levers trade off (one more junior, one less senior)."""
    sliders = [r for r in levers if isinstance(r, Slider)]
    out = []
    for i, a in enumerate(sliders):
        ga = _grid(a)
        ia = _nearest(ga, current[a.id])
        for b in sliders[i + 1:]:
            gb = _grid(b)
            ib = _nearest(gb, current[b.id])
            for da, db in ((1, -1), (-1, 1), (1, 1), (-1, -1)):
                ja, jb = ia + da, ib + db
                if 0 <= ja < len(ga) and 0 <= jb < len(gb):
                    out.append({**current, a.id: ga[ja], b.id: gb[jb]})
    return out


def search(rules: Sequence, start: Mapping[str, Any], evaluator: Evaluator, full: int, *,
           first: int = 2, budget: int | None = None, deadline: float | None = None,
           progress: ProgressFn | None = None) -> Rules:
    """Coordinate search with successive halving (see the module's docstring) from `start`.

    `full` is the number of replications a move must win on; `first` the replications of the first
    rung; `budget` caps the replications run in total and `deadline` (a `time.monotonic()` value) the
    time; when either is reached the best setting so far is returned.
    """
    current = dict(start)
    levers = [r for r in rules if isinstance(r, Choice) or len(_grid(r)) > 1]
    strides = {r.id: _Stride(max(1, (len(_grid(r)) - 1) // 4)) for r in levers if isinstance(r, Slider)}

    def over_budget() -> bool:
        return ((budget is not None and evaluator.used >= budget)
                or (deadline is not None and time.monotonic() >= deadline))

    # The search usually ends a pass or two after the widest stride has halved down to one notch:
    # that many passes is the progress bar's expectation (the budget's share spent, if larger, wins).
    expected = 2 + max((math.ceil(math.log2(st.notches)) for st in strides.values() if st.notches > 1),
                       default=0)
    t_start = time.monotonic()

    def report(msg: str, done_levers: int):
        if progress is None:
            return
        frac = min(0.95, (passes - 1 + done_levers / max(1, len(levers))) / expected)
        if budget:
            frac = max(frac, evaluator.used / budget)
        if deadline is not None:
            frac = max(frac, (time.monotonic() - t_start) / max(1e-9, deadline - t_start))
        progress(min(0.99, frac), msg)

    evaluator.scores(current, full)
    passes = 0
    try:
        while not over_budget():
            passes += 1
            if passes > expected:
                expected = passes + 1
            moved = False
            for n_done, rule in enumerate(levers, 1):
                if over_budget():
                    break
                stride = strides.get(rule.id)
                values = _candidates(rule, current[rule.id], stride)
                settings = [{**current, rule.id: v} for v in values]
                best = _halving(evaluator, current, settings, first, full, over_budget)[rule.id]
                if best != current[rule.id]:
                    current[rule.id] = best
                    moved = True
                elif stride is not None and stride.notches > 1:
                    stride.notches = max(1, stride.notches // 2)
                    moved = True  # a finer look is still to come
                report(f"pass {passes}: {rule.label or rule.id} = {current[rule.id]}", n_done)
            if not moved and not over_budget():
                # Converged one lever at a time: look one notch away on two sliders at once.
                pairs = _pair_moves(levers, current)
                if pairs:
                    best = _halving(evaluator, current, [current, *pairs], first, full, over_budget)
                    if _key(best) != _key(current):
                        current = dict(best)
                        moved = True
                        report(f"pass {passes}: two levers together", len(levers))
            if not moved:
                break
    except OutOfTime:  # an evaluation met the deadline: the last setting scored in full stands
        pass
    return current


# --------------------------------------------------------------------------------------------------
# What the command line and the game call


@dataclass(frozen=True)
class OptimizeResult:
    """Baseline (default rules) and par (best rules found) objective scores, on the same seed and
    replications; `best_rules` gives every rule's value (defaults included). `par >= baseline` always:
    when nothing beats the defaults, par is the baseline and the best rules are the defaults."""

    baseline: float
    par: float
    best_rules: dict[str, Any]
    baseline_ci: float = 0.0
    par_ci: float = 0.0
    replications: int = 0
    seed: int = 0
    simulated: int = 0  # replications run by the search, the cache's hits not counted
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self, scenario_id: str) -> dict:
        """The contract's `optimize --json` object."""
        return {"scenario": scenario_id, "baseline": self.baseline, "par": self.par,
                "best_rules": dict(self.best_rules)}


def _ci(values: Sequence[float]) -> float:
    from engine.sim.stats import mean_ci

    return mean_ci(list(values))[1]


def start_points(scenario: Scenario) -> list[Rules]:
    """Where the search starts: the default rules, then every slider a quarter and three quarters of the
    way up its range (choices at their defaults). Several starts find what one start's local search
    misses when levers trade off against each other; the cache makes the overlap free."""
    defaults = scenario.default_rules()
    out = [defaults]
    for q in (0.25, 0.75):
        point = dict(defaults)
        for r in scenario.rules:
            if isinstance(r, Slider):
                grid = _grid(r)
                point[r.id] = grid[int(round(q * (len(grid) - 1)))]
        if all(_key(point) != _key(o) for o in out):
            out.append(point)
    return out


def optimize(scenario: Scenario, pmap: ProcessMap | None = None, budget: int | None = None,
             progress: ProgressFn | None = None, *, seconds: float | None = 50.0, seed: int | None = None,
             replications: int | None = None, first: int = 2, starts: Sequence[Mapping] | None = None,
             evaluator: Evaluator | None = None, work_limit: bool = True) -> OptimizeResult:
    """Find par for `scenario` on `pmap` (the reference map by default).

    The search (see `search`) runs from each of `starts` (default `start_points`: the defaults and two
    spread-out points) and keeps the best. `budget` caps the replications simulated in all (default:
    200 per lever and per start, times the replications, at most 6,000) and `seconds` the time (50 by
    default, so `optimize` ends within a minute); baseline and par are reported on `replications` (the
    scenario's `run.replications` by default) with `seed` (its `run.seed`), the same days for both.
    `progress(fraction, message)` is called after each lever is tried, and once with 1.0 at the end.

    The time limit holds whatever a day costs: the deadline is checked between evaluations, and the
    simulator (`SimEvaluator`) also between days and between slices of a day. A scenario whose run is out
    of reach (`engine.budget`) is refused before anything runs (`OverBudget`), and one whose first setting
    cannot be scored in time ends with `CannotRun`, unless `work_limit` is False.
    """
    from .budget import CannotRun, check

    t0 = time.monotonic()
    reps = replications or scenario.run.replications
    deadline = t0 + seconds if seconds else None
    if work_limit and evaluator is None:
        check(scenario, pmap, reps)
    ev = evaluator or SimEvaluator(scenario, pmap, seed, deadline=deadline, work_limit=work_limit)
    defaults = scenario.default_rules()
    points = [{**defaults, **p} for p in starts] if starts is not None else start_points(scenario)
    if budget is None:
        budget = min(6000, reps * 20 * max(1, len(scenario.rules)) * len(points))
    best = dict(defaults)
    for i, point in enumerate(points):
        if i and ((deadline is not None and time.monotonic() >= deadline) or ev.used >= budget):
            break

        def inner(frac, msg, i=i):
            if progress is not None:
                progress(min(0.99, (i + frac) / len(points)), f"start {i + 1} of {len(points)}, {msg}")

        try:
            found = search(scenario.rules, point, ev, reps, first=first, budget=budget, deadline=deadline,
                           progress=inner)
        except OutOfTime:  # even the start point could not be scored in time
            if i == 0:
                raise CannotRun(f"{reps} replications of one setting take longer than the {seconds:g} s the "
                                "search may use: give it more time (--seconds) or fewer replications "
                                "(run.replications)") from None
            break
        if ev.mean(found, reps) > ev.mean(best, reps):
            best = found
    try:
        base_scores = ev.scores(defaults, reps)
        best_scores = ev.scores(best, reps)
    except OutOfTime:
        raise CannotRun(f"the search ran out of its {seconds:g} s before the default rules were scored: give it "
                        "more time (--seconds)") from None
    baseline = mean(base_scores)
    par = mean(best_scores)
    if not par > baseline:
        best, par, best_scores = dict(defaults), baseline, base_scores
    if progress is not None:
        progress(1.0, f"par {par:,.0f} (baseline {baseline:,.0f})")
    return OptimizeResult(baseline, par, best, _ci(base_scores), _ci(best_scores), reps,
                          getattr(ev, "seed", 0), ev.used, time.monotonic() - t0)


# --------------------------------------------------------------------------------------------------
# The bottleneck view: where the day's money and minutes go


@dataclass(frozen=True)
class Loss:
    """What was lost at one step (`kind` "step") or in one pool (`kind` "pool"), per day on average.

    For a step: `wait_minutes` the time entities spent waiting there (in the scenario's time unit,
    named minutes because it usually is): in a service's queue, for stock at an inventory step, for the
    group at a batch; `abandoned` how many hung up there and `lost_sales` how many an empty shelf turned
    away; `penalty` what those cost at their exit, `lost_revenue` what they would have brought (the mean
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
                replications: int = 3, seed: int | None = None) -> list[Loss]:
    """Money and minutes lost at each waiting step (service, inventory, batch) and in each paid pool,
    averaged over a few traced days (the first `replications` of the seed, the same days as a full
    run's first ones), ranked by money lost, then minutes of waiting. Steps and pools that lost nothing
    are left out.

    Read from the engine's trace (`engine.sim.Day(trace=True)`, records as `engine.trace` lists them),
    so it needs no bookkeeping in the loop: move records give when an entity joined and left each step
    and through which port, start records when its service began, end records its exit, busy records
    the pools' busy and staffed counts over time, stock records the shelves.
    """
    from . import sim

    sc0 = scenario
    full = {**sc0.default_rules(), **(rules or {})}
    plan = sim.compile_for(sc0, pmap, full if sc0.rules else None)
    sc = plan.scenario
    seed = sc.run.seed if seed is None else seed
    n = max(1, int(replications))
    steps: dict[str, dict[str, float]] = {}
    pools: dict[str, dict[str, float]] = {}
    for r in range(n):
        day = sim.Day(sc0, seed=seed, replication=r, plan=plan, trace=True)
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
    steps: dict[str, dict[str, float]] = {}  # this day's
    kinds = {sid: s.kind for sid, s in sc.steps.items()}
    warmup = sc.time.warmup
    counted: dict[int, bool] = {}
    waiting: dict[int, tuple[str, float]] = {}  # entity -> (step it waits at, since)
    visited: dict[int, list[str]] = {}
    left_at: dict[int, str] = {}  # entity -> step where it hung up or the sale was lost
    completed_revenue: dict[str, list[float]] = {}
    # (time, staff, busy) per pool and (time, on hand) per shelf, integrated up to the day's end below
    staffing = {pid: [(0.0, float(day.staff[p]), 0.0)] for p, pid in enumerate(day.plan.pools)}
    shelves: dict[str, list[tuple[float, float]]] = {}
    starts: dict[str, dict[str, int]] = {}

    def row_of(sid):
        return steps.setdefault(sid, {"wait": 0.0, "abandoned": 0.0, "lost": 0.0, "penalty": 0.0,
                                      "lost_revenue": 0.0, "overflowed": 0.0, "holding": 0.0})

    last_t = 0.0
    for rec in day.advance(None):
        what, t = rec[0], rec[1]
        last_t = t
        if what == "move":
            _, _, eid, src, port, dst = rec
            if eid not in counted:
                counted[eid] = t >= warmup
            w = waiting.get(eid)
            if w is not None and w[0] == src:  # left without being served (or stock came, or the group left)
                del waiting[eid]
                if counted[eid]:
                    row = row_of(src)
                    row["wait"] += t - w[1]
                    if port == "abandoned":
                        row["abandoned"] += 1
                        left_at[eid] = src
                    elif port == "overflow":
                        row["overflowed"] += 1
                    elif port == "out" and kinds.get(src) == "inventory":
                        row["lost"] += 1  # no stock: the sale is lost
                        left_at[eid] = src
            if dst is not None and kinds.get(dst) in _WAITING_KINDS:
                waiting[eid] = (dst, t)
                visited.setdefault(eid, []).append(dst)
        elif what == "start":
            _, _, eid, sid, pool = rec
            w = waiting.get(eid)
            if w is not None and w[0] == sid:
                del waiting[eid]
                if counted.get(eid):
                    row_of(sid)["wait"] += t - w[1]
            if pool is not None:
                per = starts.setdefault(sid, {})
                per[pool] = per.get(pool, 0) + 1
        elif what == "end":
            _, _, eid, exit_id, outcome = rec
            waiting.pop(eid, None)
            if not counted.get(eid):
                continue
            step = sc.steps.get(exit_id) if exit_id is not None else None
            if eid in left_at:
                row_of(left_at[eid])["penalty"] += step.penalty if step is not None else 0.0
            elif outcome == "completed":
                rev = step.revenue if step is not None else 0.0
                for sid in set(visited.get(eid, ())):
                    completed_revenue.setdefault(sid, []).append(rev)
        elif what == "busy":
            _, _, pid, busy, staff = rec
            staffing[pid].append((t, float(staff), float(busy)))
        elif what == "stock":
            _, _, sid, on_hand = rec[:4]
            shelves.setdefault(sid, []).append((t, float(on_hand)))
    # The day ends, for pay and holding, as the engine's costs say: at the horizon under cutoff, else
    # when the last entity moved (not before the horizon).
    horizon = float(sc.time.horizon)
    end = horizon if sc.time.close == "cutoff" else max(horizon, getattr(day, "end_time", last_t))
    for pid, changes in staffing.items():
        idle = _integral([(t, max(0.0, staff - busy)) for t, staff, busy in changes], end)
        if sc.resources[pid].cost_per_hour > 0 and idle > 0:
            pools.setdefault(pid, {"idle": 0.0})["idle"] += idle
    for sid, changes in shelves.items():
        cost = getattr(sc.steps.get(sid), "holding_cost", 0.0) * _integral(
            [(t, max(0.0, x)) for t, x in changes], end)
        if cost > 0:
            row_of(sid)["holding"] += cost
    for eid, (sid, since) in waiting.items():  # still waiting when the day ended
        if counted.get(eid):
            row_of(sid)["wait"] += max(0.0, end - since)
    for sid, row in steps.items():
        gone = row["abandoned"] + row["lost"]
        if not gone:
            continue
        revs = completed_revenue.get(sid, [])
        value = math.fsum(revs) / len(revs) if revs else 0.0
        rv = getattr(sc.steps[sid], "revenue", None)
        if rv is not None and starts.get(sid):
            used = starts[sid]
            value += rv.amount * sum(rv.chance.get(p, 0.0) * k for p, k in used.items()) / sum(used.values())
        row["lost_revenue"] += gone * value
    for sid, row in steps.items():
        total = totals.setdefault(sid, dict.fromkeys(row, 0.0))
        for k, v in row.items():
            total[k] += v


# --------------------------------------------------------------------------------------------------
# The live preview: headline KPIs for new rule values while the player is still sliding


#: The KPIs a rules screen shows as the player moves a lever.
HEADLINE_KPIS = ("score", "profit", "revenue", "cost", "service_level", "abandon_rate", "asa", "mean_wait")
#: A generous guess of the engine's cost per arriving entity (measured about 12 us), to decide before
#: running whether one simulated day fits in the preview's time.
SECONDS_PER_ARRIVAL = 30e-6


@dataclass(frozen=True)
class Preview:
    """A quick estimate of a run's KPIs. `method` is "simulation" (the mean of the first
    `replications` days of the full run's seed, so the full run refines it) or "formulas" (steady-state
    Erlang estimates for the service steps, when even one simulated day would take too long: only
    service_level, abandon_rate, asa, p_wait and utilization.POOL)."""

    kpis: dict[str, float]
    method: str
    replications: int
    seconds: float


def expected_arrivals(scenario: Scenario, pmap: ProcessMap | None = None) -> float:
    """Entities a day brings, from the sources' mean rates over the horizon (events not counted)."""
    from .maps import _mean_rate

    placed = set((pmap or scenario.reference).steps)
    h = scenario.time.horizon
    return sum(_mean_rate(s, h) * h for sid, s in scenario.steps.items()
               if s.kind == "source" and sid in placed)


def preview(scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
            seconds: float = 0.3, max_replications: int = 8, seed: int | None = None) -> Preview:
    """Headline KPIs for `rules` within about `seconds`: as many simulated days as fit (at most
    `max_replications`, at least one), or the queueing formulas when one day would not fit."""
    from . import sim

    t0 = time.perf_counter()
    full = {**scenario.default_rules(), **(rules or {})}
    try:
        plan = sim.compile_for(scenario, pmap, full if scenario.rules else None)
    except NotImplementedError:  # a step kind the engine does not simulate yet
        return _formula_preview(scenario, pmap, full, t0)
    guess = expected_arrivals(plan.scenario, pmap) * SECONDS_PER_ARRIVAL
    if guess > seconds:
        return _formula_preview(scenario, pmap, full, t0)
    seed = scenario.run.seed if seed is None else seed
    days: list[dict[str, float]] = []
    deadline = t0 + seconds * 0.9
    for r in range(max(1, max_replications)):
        start = time.perf_counter()
        day = _day_within(sim, scenario, plan, seed, r, deadline)
        if day is None:  # this day would not finish in time
            break
        days.append(day)
        if time.perf_counter() + (time.perf_counter() - start) > deadline:
            break
    if not days:
        return _formula_preview(scenario, pmap, full, t0)
    kpis = {k: mean([d[k] for d in days]) for k in days[0]}
    return Preview(kpis, "simulation", len(days), time.perf_counter() - t0)


#: A preview's day runs in this many slices of the horizon, the clock checked between them.
PREVIEW_SLICES = 8


def _day_within(sim, scenario: Scenario, plan, seed: int, replication: int, deadline: float):
    """One simulated day's KPIs, or None as soon as the clock passes `deadline` (checked between
    slices of the day, so an unexpectedly long day costs at most one slice more)."""
    day = sim.Day(scenario, seed=seed, replication=replication, plan=plan)
    h = float(plan.scenario.time.horizon)
    for k in range(1, PREVIEW_SLICES + 1):
        for _ in day.advance(h * k / PREVIEW_SLICES if k < PREVIEW_SLICES else None):
            pass
        if time.perf_counter() > deadline:
            return None
    return day.kpis()


def _formula_preview(scenario: Scenario, pmap: ProcessMap | None, rules: Rules, t0: float) -> Preview:
    """Steady-state estimates per service step (Erlang A with the callers' patience, else Erlang C).

    Each service step's arrival rate is the day's mean arrival rate times the visits per arrival the
    map's flow gives it (`engine.maps.edge_flows`); it is served by its first pool, whose agents are
    shared between the steps that pool serves first in proportion to their offered load."""
    from . import queueing
    from .maps import edge_flows
    from .scenario import apply_rules

    sc = apply_rules(scenario, rules) if scenario.rules else scenario
    pm = pmap if pmap is not None else sc.reference
    total = expected_arrivals(sc, pm) / sc.time.horizon if sc.time.horizon else 0.0
    visits: dict[str, float] = {}
    for e, f in edge_flows(sc, pm).items():
        visits[e.dst] = visits.get(e.dst, 0.0) + f
    services = [(sid, sc.steps[sid]) for sid in pm.steps
                if sid in sc.steps and sc.steps[sid].kind == "service" and sc.steps[sid].pools]
    load: dict[str, float] = {}
    rows = []
    for sid, s in services:
        pool = s.pools[0]
        lam = total * visits.get(sid, 0.0)
        mean = s.duration_for(pool).mean()
        rows.append((sid, s, pool, lam, mean))
        load[pool] = load.get(pool, 0.0) + lam * mean
    patience = [e.patience.mean() for e in sc.entities.values() if e.patience is not None]
    theta = 1.0 / patience[0] if patience and patience[0] > 0 else 0.0
    slw = sc.run.service_level_wait
    lam_sum = sl = ab = asa = pw = 0.0
    busy: dict[str, float] = {}
    for sid, s, pool, lam, mean in rows:
        if lam <= 0 or mean <= 0:
            continue
        share = lam * mean / load[pool] if load[pool] > 0 else 1.0
        agents = max(1, int(round(sc.resources[pool].count * share)))
        mu = 1.0 / mean
        if theta > 0:
            q = queueing.ErlangA(lam, mu, agents, theta)
            p_ab, p_wait, a, level = q.p_abandon, q.p_wait, q.asa, q.service_level(slw)
        else:
            q = queueing.MMc(lam, mu, agents)
            p_ab, p_wait, a, level = 0.0, (q.p_wait if q.stable else 1.0), q.asa, q.service_level(slw)
        lam_sum += lam
        sl += lam * level
        ab += lam * p_ab
        asa += lam * a
        pw += lam * p_wait
        busy[pool] = busy.get(pool, 0.0) + lam * (1 - p_ab) * mean
    kpis: dict[str, float] = {}
    if lam_sum > 0:
        kpis.update(service_level=float(sl / lam_sum), asa=float(asa / lam_sum), p_wait=float(pw / lam_sum),
                    abandon_rate=float(ab / total) if total else 0.0)
    for pid, pool in sc.resources.items():
        if pool.count > 0:
            kpis[f"utilization.{pid}"] = float(min(1.0, busy.get(pid, 0.0) / pool.count))
    return Preview(kpis, "formulas", 0, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------------
# Par kept beside a scenario, par computed in the background, and par on the player's own seed


def fingerprint(scenario: Scenario) -> str:
    """A digest of the scenario's content: a par file made for other content is not trusted."""

    def plain(x):
        if isinstance(x, Mapping):
            return {str(k): plain(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        return x

    text = json.dumps(plain(scenario.raw), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def par_path(scenario_path) -> Path:
    """Where a scenario's par is kept: `customer_service.yaml` -> `customer_service.par.json`."""
    p = Path(scenario_path)
    return p.with_name(p.name.rsplit(".", 1)[0] + ".par.json")


def save_par(scenario: Scenario, result: OptimizeResult, path=None) -> None:
    """Write the par file beside the scenario (atomically: a temporary file, then a rename)."""
    if path is None:
        if not scenario.path:
            raise ValueError("the scenario has no file to keep its par beside; give a path")
        path = par_path(scenario.path)
    data = {**result.to_json(scenario.id), "fingerprint": fingerprint(scenario), "seed": result.seed,
            "replications": result.replications, "baseline_ci": result.baseline_ci,
            "par_ci": result.par_ci}
    from .files import write_text

    write_text(path, json.dumps(data, indent=2) + "\n")


def load_par(scenario: Scenario, path=None) -> OptimizeResult | None:
    """The kept par of a scenario, or None when there is none, it is unreadable, or it was made for
    other content (then compute it again, e.g. with `ParJob`)."""
    if path is None:
        if not scenario.path:
            return None
        path = par_path(scenario.path)
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("fingerprint") != fingerprint(scenario) or data.get("scenario") != scenario.id:
            return None
        return OptimizeResult(float(data["baseline"]), float(data["par"]), dict(data["best_rules"]),
                              float(data.get("baseline_ci", 0.0)), float(data.get("par_ci", 0.0)),
                              int(data.get("replications", 0)), int(data.get("seed", 0)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


#: Seconds a background par search may run past its own time limit (starting a process, reading the
#: scenario, scoring the winner) before the parent stops it.
PAR_GRACE = 15.0


def _par_worker(path: str, budget, seconds, queue) -> None:  # runs in the child process
    try:
        from .budget import MAX_DAY_BYTES, cap_address_space
        from .scenario import load

        sc = load(path)
        from . import sim  # noqa: F401  (imported before the cap: the engine's own size is not the search's)

        cap_address_space(MAX_DAY_BYTES)
        res = optimize(sc, budget=budget, seconds=seconds,
                       progress=lambda f, m: queue.put(("progress", f, m)))
        queue.put(("done", res))
    except BaseException as exc:  # the parent shows it; the child has nobody else to tell
        if isinstance(exc, MemoryError):
            queue.put(("error", "the par search ran out of the memory it may use"))
        elif isinstance(exc, _CannotRun):  # said for a person already
            queue.put(("error", str(exc)))
        else:
            queue.put(("error", f"{type(exc).__name__}: {exc}"))


class ParJob:
    """Par computed in another process, so the game keeps its frame rate meanwhile (the engine is pure
    Python: a thread would share the interpreter with the game). Call `poll()` each frame: it returns
    True once `result` (an OptimizeResult) or `error` (a message) is set; `progress` and `message`
    follow the search. `cancel()` stops it."""

    def __init__(self, scenario_path, budget: int | None = None, seconds: float | None = 50.0):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # a clean child: no copy of the game's window
        self._queue = ctx.Queue()
        self._proc = ctx.Process(target=_par_worker, args=(str(scenario_path), budget, seconds, self._queue),
                                 daemon=True)
        self._proc.start()
        # the parent's own clock: a child that overruns its time limit (a day that would not end, a
        # machine swapping) is stopped after `seconds` + PAR_GRACE, whatever happens inside it
        self._stop_at = None if not seconds else time.monotonic() + seconds + PAR_GRACE
        self.seconds = seconds
        self.progress = 0.0
        self.message = ""
        self.result: OptimizeResult | None = None
        self.error: str | None = None

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    def poll(self) -> bool:
        import queue as _queue

        while not self.done:
            try:
                item = self._queue.get_nowait()
            except _queue.Empty:
                if not self._proc.is_alive() and self._queue.empty():
                    self.error = self.error or f"the par computation stopped (exit code {self._proc.exitcode})"
                elif self._stop_at is not None and time.monotonic() > self._stop_at:
                    self._proc.kill()
                    self.error = (f"the par computation took longer than its {self.seconds:g} s and was "
                                  "stopped")
                break
            if item[0] == "progress":
                self.progress, self.message = item[1], item[2]
            elif item[0] == "done":
                self.result, self.progress = item[1], 1.0
            else:
                self.error = item[1]
        if self.done:
            self._proc.join(timeout=1.0)
        return self.done

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (or `timeout` seconds): for scripts and tests."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.05)
        return True

    def cancel(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(timeout=1.0)
        self.error = self.error or "cancelled"


def baseline_and_par(scenario: Scenario, best_rules: Mapping[str, Any], seed: int,
                     replications: int | None = None) -> tuple[float, float]:
    """Baseline and par scores on the player's own seed (a daily challenge, a kiosk run), so the
    player's run is compared with them on the same days (common random numbers).

    Both on the reference map: the player's map is what the player's run used, so a poor map shows
    as a score below what the expert map would have given. `best_rules` are the kept par's rules."""
    ev = SimEvaluator(scenario, None, seed)
    reps = replications or scenario.run.replications
    base = ev.mean(scenario.default_rules(), reps)
    par = ev.mean({**scenario.default_rules(), **best_rules}, reps)
    return base, max(base, par)
