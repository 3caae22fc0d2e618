"""Par: the best rule values we can find, by simulation, for a scenario and a map.

Par is the best score (the profit) among the settings that meet every target of the objective, when
one does. So "best" is the evaluator's standing (`engine.optimize.evaluate.Standing`): a setting that
meets every target on the days beats one that does not; among settings that miss, the smaller
shortfall wins; then the score.

The search is a coordinate search. It takes the levers (sliders and choices) one at a time and tries a few
values of that lever with the others held: for a slider, the current value and one stride either side
(the stride starts at a quarter of its range and halves when neither side helps, down to one notch); for a
choice, every option. Among the values tried it keeps the best by **successive halving**: all are run on
a couple of replications, the better half goes on to twice as many, and so on; a value replaces the
current one only if it stands better on the full number of replications (the early rungs judge
feasibility roughly, on few days; the last one on every evaluation day). Every run uses the same seed and
replication numbers (common random numbers): the same callers arrive in every trial, so two settings are
compared on the same day and small differences are real, not luck. `optimize` runs the search from a few
start points and keeps the best. A pass over all levers repeats until
no lever moves and every stride is one notch; then moves of one notch on two sliders at once are tried
(levers that trade off, like one more junior for one less senior, form ridges a one-lever search cannot
climb), and if one wins the passes resume. Before it ends, one more pass runs every candidate (and every
pair move) on every day, no halving: a value the early rungs dropped on a couple of unlucky days gets
its fair look. It ends there, or when the budget is spent.

KPIs come from an `Evaluator` (`engine.optimize.evaluate`), cached per rule setting and replication:
asking for more replications of a setting runs only the new ones, and the incumbent is never run twice.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from engine.sim.stats import mean, mean_ci

from ..budget import CannotRun, check
from ..model import Choice, ProcessMap, Scenario, Slider
from ..scoring import evaluation_days
from .evaluate import Evaluator, OutOfTime, Rules, SimEvaluator, kpi_means, rules_key

#: progress(fraction_done, message): fraction from 0 to 1, a short line for a status bar.
ProgressFn = Callable[[float, str], None]


@dataclass
class _Stride:
    """How far, in notches of the slider's grid, the next trial steps from the current value."""

    notches: int


def _grid(rule: Slider) -> tuple:
    """Every value the slider offers, in order."""
    return rule.values()


def _nearest(values: Sequence, v) -> int:
    """The index of the value of `values` nearest `v`."""
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


def _candidates(rule, current, stride: _Stride | None) -> list:
    """The values of one lever to try: every option of a choice; a slider's current value and one stride
    either side."""
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
    the better half on twice as many, and so on up to `full`. "Better" is the evaluator's standing
    (every target met first, then the smaller shortfall, then the score), judged roughly on the early
    rungs' few replications. The incumbent keeps its place unless the winner stands above it on `full`
    replications."""
    pool = list(settings)
    reps = min(first, full)
    while True:
        standings = [evaluator.standing(r, reps) for r in pool]
        if reps >= full or len(pool) <= 1 or over_budget():
            break
        order = sorted(range(len(pool)), key=lambda i: standings[i], reverse=True)
        pool = [pool[i] for i in order[:max(1, math.ceil(len(pool) / 2))]]
        reps = min(2 * reps, full)
    best = pool[max(range(len(pool)), key=lambda i: standings[i])]
    if rules_key(best) == rules_key(incumbent):
        return incumbent
    if evaluator.standing(best, full) > evaluator.standing(incumbent, full):
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

    evaluator.kpis(current, full)
    passes = 0
    confirming = False  # a pass that runs every candidate on every day: the halving's rough cuts checked
    try:
        while not over_budget():
            passes += 1
            if passes > expected:
                expected = passes + 1
            rung = full if confirming else first
            moved = False
            for n_done, rule in enumerate(levers, 1):
                if over_budget():
                    break
                stride = strides.get(rule.id)
                values = _candidates(rule, current[rule.id], stride)
                settings = [{**current, rule.id: v} for v in values]
                best = _halving(evaluator, current, settings, rung, full, over_budget)[rule.id]
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
                    best = _halving(evaluator, current, [current, *pairs], rung, full, over_budget)
                    if rules_key(best) != rules_key(current):
                        current = dict(best)
                        moved = True
                        report(f"pass {passes}: two levers together", len(levers))
            if moved:
                confirming = False
            elif confirming or rung >= full:
                break
            else:
                # Converged on the halving's verdicts, whose first rungs judge the targets on a couple of
                # days only: look once more with every candidate run on every day before stopping.
                confirming = True
    except OutOfTime:  # an evaluation met the deadline: the last setting scored in full stands
        pass
    return current



@dataclass(frozen=True)
class OptimizeResult:
    """Baseline (default rules) and par (best rules found) scores, on the same seed and replications (the
    evaluation days); `best_rules` gives every rule's value (defaults included). Par is the best score
    among the settings found that meet every target, when one does (`targets_met`); otherwise the setting
    nearest to meeting them. When nothing stands above the defaults, par is the baseline and the best
    rules are the defaults; so par is below the baseline only when the defaults miss a target par meets.
    `extra` holds the KPI means of both settings (`baseline_kpis`, `par_kpis`) when they are known."""

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
    targets_met: bool = True  # par's rules meet every target of the objective on these days

    def to_json(self, scenario_id: str) -> dict:
        """The contract's `optimize --json` object."""
        return {"scenario": scenario_id, "baseline": self.baseline, "par": self.par,
                "best_rules": dict(self.best_rules)}


def _ci(values: Sequence[float]) -> float:
    """The 95 % half-width of the mean of `values`."""
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
        if all(rules_key(point) != rules_key(o) for o in out):
            out.append(point)
    return out


def optimize(scenario: Scenario, pmap: ProcessMap | None = None, budget: int | None = None,
             progress: ProgressFn | None = None, *, seconds: float | None = 50.0, seed: int | None = None,
             replications: int | None = None, first: int = 2, starts: Sequence[Mapping] | None = None,
             evaluator: Evaluator | None = None, work_limit: bool = True) -> OptimizeResult:
    """Find par for `scenario` on `pmap` (the reference map by default).

    The search (see `search`) runs from each of `starts` (default `start_points`: the defaults and two
    spread-out points) and keeps the best standing (every target met first: par is the best score among
    settings that meet the targets). `budget` caps the replications simulated in all (default: 20 per
    lever and per start, times the replications, at most 6,000) and `seconds` the time (50 by default, so
    `optimize` ends within a minute). Baseline and par are measured on the evaluation days
    (`engine.scoring.evaluation_days(scenario, seed)`), the same days for both; `replications` is only
    for a caller that still asks for fewer days (a quick estimate), never what a par file keeps.
    `progress(fraction, message)` is called after each lever is tried, and once with 1.0 at the end.

    The time limit holds whatever a day costs: the deadline is checked between evaluations, and the
    simulator (`SimEvaluator`) also between days and between slices of a day. A scenario whose run is out
    of reach (`engine.budget`) is refused before anything runs (`OverBudget`), and one whose first setting
    cannot be scored in time ends with `CannotRun`, unless `work_limit` is False.
    """
    t0 = time.monotonic()
    day_seed, days = evaluation_days(scenario, seed)
    reps = replications or days
    deadline = t0 + seconds if seconds else None
    if work_limit and evaluator is None:
        check(scenario, pmap, reps)
    ev = evaluator or SimEvaluator(scenario, pmap, day_seed, deadline=deadline, work_limit=work_limit)
    if ev.targets is None:
        ev.targets = scenario.objective.targets
    defaults = scenario.default_rules()
    points = [{**defaults, **p} for p in starts] if starts is not None else start_points(scenario)
    if budget is None:
        budget = min(6000, reps * 20 * max(1, len(scenario.rules)) * len(points))
    best = _best_of_starts(scenario, ev, points, reps, first, budget, deadline, seconds, progress)
    try:
        if not ev.standing(best, reps) > ev.standing(defaults, reps):
            best = dict(defaults)
        base_kpis, best_kpis = ev.kpis(defaults, reps), ev.kpis(best, reps)
    except OutOfTime:
        raise CannotRun(f"the search ran out of its {seconds:g} s before the default rules were scored: give it "
                        "more time (--seconds)") from None
    base_scores, best_scores = ev.scores(defaults, reps), ev.scores(best, reps)
    baseline, par = mean(base_scores), mean(best_scores)
    if progress is not None:
        progress(1.0, f"par {par:,.0f} (baseline {baseline:,.0f})")
    extra = {"baseline_kpis": kpi_means(base_kpis), "par_kpis": kpi_means(best_kpis)}
    return OptimizeResult(baseline, par, best, _ci(base_scores), _ci(best_scores), reps,
                          getattr(ev, "seed", day_seed), ev.used, time.monotonic() - t0, extra,
                          ev.standing(best, reps).feasible)


def _best_of_starts(scenario: Scenario, ev: Evaluator, points: Sequence[Rules], reps: int, first: int,
                    budget: int, deadline: float | None, seconds, progress: ProgressFn | None) -> Rules:
    """The best standing the search reaches from any of `points` (the first always searched)."""
    best = dict(points[0])
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
        try:
            if ev.standing(found, reps) > ev.standing(best, reps):
                best = found
        except OutOfTime:
            break
    return best
