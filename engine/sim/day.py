"""`Day`: one replication of a scenario's day, which the game advances a little at a time.

A day is set up from a plan (engine.sim.plan: the scenario, the map and the rule values compiled into
tables): its state (engine.sim.state), its knobs, schedules and scripted events (engine.sim.changes) and its
sources' first arrivals (engine.sim.sources). `advance` runs the event loop (engine.sim.loop) up to a time and
streams what happened as trace records (engine.sim.trace); `set` and `apply_rules` change the day from the
current moment on; `kpis` reads the KPIs of the day so far (engine.sim.kpis).

The day's script. A change made to a day after it began is `(t, "rules", {rule: value})` (a lever pulled at
t) or `(t, "decide", (event_index, choice_id))` (a decision taken at t, the event's `at`); a script is a list
of them in time order. A day given one plays it: `advance(until)` runs the loop up to each change's time
(everything at that time processed, as `advance(t)` always does), applies the change, and goes on; the
loop itself never sees a script. A decision event (engine.decisions) whose choice is not in the script
takes its default at its time, or, with `ask=True`, stops the day there: `asking` is the event's index and
`advance` goes no further until `decide(choice_id)`. What was applied, by the script or by `apply_rules` and
`decide`, defaults taken included, is `played`; a day rebuilt from the same scenario, map, initial rules,
seed and replication that plays `played` is the same day, to the last digit (the engine is deterministic):
that is `fork`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterator, Mapping, Sequence

from engine.model import ProcessMap, Scenario

from . import changes
from .entity import Entity
from .kpis import day_kpis, in_service, waiting
from .loop import run_events
from .plan import SERVICE, Plan, compile_for, compile_plan
from .sources import next_arrival, start_sources
from .state import INF, DayState

TRACE_CHUNK = 4096  # trace records buffered before `Day.advance` hands them out


class Day(DayState):
    """One replication of a scenario's day, advanced incrementally.

    `advance(until)` processes every event up to time `until` (the whole day when None) and yields the
    trace records of what happened (when built with `trace=True`), playing the day's `script` on the way.
    `set(path, value)`, `apply_rules(values)` and `decide(choice_id)` change the day from the current moment
    on. `kpis()` gives the KPIs of the day so far (the final ones once `done`).
    """

    def __init__(self, scenario: Scenario, pmap: ProcessMap | None = None, rules: Mapping[str, Any] | None = None,
                 seed: int | None = None, replication: int = 0, trace: bool = False,
                 plan: Plan | None = None, work_limit: int | None = None, script: Sequence[tuple] = (),
                 ask: bool = False):
        self.base_scenario = scenario
        self.rules = dict(rules or {})
        self.initial_rules = dict(self.rules)  # the rules the day began with
        self.script: list[tuple] = checked_script(scenario, script)
        self.ask = bool(ask)
        self.asking: int | None = None  # the event whose decision the day waits for (with ask=True)
        self.played: list[tuple] = []  # the changes applied so far, in the script's form
        self.next_change = 0  # the first change of the script not applied yet
        decided = {c[2][0] for c in self.script if c[1] == "decide"}
        # decisions the script does not take: (time, event index), in time order
        self.open_decisions: list[tuple[float, int]] = sorted(
            (float(ev.at), i) for i, ev in enumerate(scenario.events) if ev.decision is not None and i not in decided)
        if plan is None:
            plan = compile_for(scenario, pmap, self.rules)
        elif _changes_rules(scenario, self.script):
            plan = own_tables(plan)  # new rules are written into the plan's tables: not into a shared plan's
        super().__init__(plan, plan.scenario.run.seed if seed is None else int(seed), replication, trace,
                         work_limit)
        changes.set_up_knobs(self)
        start_sources(self)

    @property
    def stop_time(self) -> float:
        return self.horizon if self.cutoff else INF

    def advance(self, until: float | None = None) -> Iterator[tuple]:
        """Run the day up to time `until` (to its end when None), yielding trace records as they come, and
        playing the script's changes at their times; with `ask=True`, no further than a decision to take.

        Memory stays bounded: records are handed out in chunks of at most `TRACE_CHUNK`.
        """
        stop = self.stop_time if until is None else min(float(until), self.stop_time)
        while self.asking is None:
            t = self._next_change_time()
            if t > stop or t == INF:
                break
            yield from self._run_to(t)
            self._apply_due(t)
        if self.asking is not None:
            return
        yield from self._run_to(stop)
        if (self.cutoff and self.now >= self.horizon) or (not self.agenda.heap and next_arrival(self)[0] == INF):
            self.done = True

    def _run_to(self, stop: float) -> Iterator[tuple]:
        if self.trace is None:
            run_events(self, stop, TRACE_CHUNK)
        else:
            while not run_events(self, stop, TRACE_CHUNK):
                chunk, self.trace[:] = list(self.trace), []
                yield from chunk
            chunk, self.trace[:] = list(self.trace), []
            yield from chunk

    def _next_change_time(self) -> float:
        """When the next change is due: the script's next, or a decision it does not take (INF: none)."""
        t = INF
        if self.next_change < len(self.script):
            t = float(self.script[self.next_change][0])
        if self.open_decisions and self.open_decisions[0][0] < t:
            t = self.open_decisions[0][0]
        return t

    def _apply_due(self, t: float) -> None:
        """Apply the script's changes due by `t`, then the decisions due by `t` it does not take: each its
        default, or (with `ask`) the first stops the day. (Now is `t` unless the day had nothing left to do.)"""
        while self.next_change < len(self.script) and self.script[self.next_change][0] <= t:
            t, kind, what = self.script[self.next_change]
            self.next_change += 1
            if kind == "rules":
                self.apply_rules(what)
            else:
                self._take(int(what[0]), str(what[1]))
        while self.open_decisions and self.open_decisions[0][0] <= t:
            _, i = self.open_decisions.pop(0)
            if self.ask:
                self.asking = i
                return
            decision = self.scenario.events[i].decision
            assert decision is not None
            self._take(i, decision.default)

    def finish(self) -> dict[str, float]:
        """Run to the end of the day and return its KPIs (decisions not in the script take their defaults)."""
        for _ in self.advance(None):
            pass
        while self.asking is not None:
            decision = self.scenario.events[self.asking].decision
            assert decision is not None
            self.decide(decision.default)
            for _ in self.advance(None):
                pass
        return self.kpis()

    def set(self, path: str, value: float) -> None:
        """Change `resources.POOL.count`, `steps.SOURCE.rate`, or `steps.STEP.duration` or `.lead_time` (a scale),
        from now on."""
        changes.set_value(self, path, value)

    def apply_rules(self, values: Mapping[str, Any]) -> None:
        """Rule values changed mid-day: staffing, rates, durations, probabilities and money from now on.

        Entities keep their draws: a caller needing a long call still needs it. Recorded in `played`.
        """
        self.played.append((self.now, "rules", dict(values)))
        self._adopt_rules(values)

    def _adopt_rules(self, values: Mapping[str, Any]) -> None:
        from engine.rules import apply_rules as _apply

        self.rules.update(values)
        changes.adopt(self, compile_plan(_apply(self.base_scenario, self.rules), self.plan.pmap))

    def decide(self, choice_id: str) -> None:
        """Take a choice of the decision the day is asking (`asking`), now; recorded in `played`."""
        if self.asking is None:
            raise ValueError("no decision is being asked now")
        i, self.asking = self.asking, None
        self._take(i, choice_id)

    def _take(self, i: int, choice_id: str) -> None:
        """Choice `choice_id` of event `i`'s decision, now: its cost and knobs (engine.sim.changes), its rules."""
        decision = self.scenario.events[i].decision
        assert decision is not None
        choice = decision.choice(choice_id)
        self.played.append((self.now, "decide", (i, choice.id)))
        changes.take_choice(self, i, choice)
        if choice.rules:
            self._adopt_rules(choice.rules)

    def fork(self, trace: bool = False, ask: bool | None = None) -> "Day":
        """An independent day at the same moment in the same state: rebuilt from the same scenario, map,
        initial rules, seed and replication, playing `played`, advanced to now (exact: the engine is
        deterministic). It asks as this day does unless `ask` says otherwise."""
        day = Day(self.base_scenario, self.plan.pmap, self.initial_rules, self.seed, self.replication, trace,
                  work_limit=self.work_limit, script=list(self.played), ask=self.ask if ask is None else ask)
        for _ in day.advance(self.now):
            pass
        return day

    def kpis(self) -> dict[str, float]:
        """The KPIs of the day so far (final once `done`): entities still inside count as unfinished."""
        return day_kpis(self)

    def queue_lengths(self) -> dict[str, int]:
        return {self.plan.ids[s]: n for s, n in enumerate(self.queue_length) if self.plan.kind[s] == SERVICE}

    def busy_counts(self) -> dict[str, tuple[int, int]]:
        """pool -> (busy, staff)."""
        return {pid: (self.busy[p], self.staff[p]) for p, pid in enumerate(self.plan.pools)}

    def _waiting(self) -> list[Entity]:
        """Entities waiting in a queue (or for stock) now."""
        return waiting(self)

    def _in_service(self) -> Iterator[tuple[Entity, int, float]]:
        """(entity, pool, when its service ends) of every service running now."""
        return in_service(self)


def checked_script(scenario: Scenario, script: Sequence[tuple]) -> list[tuple]:
    """The script as a list, each change checked: ValueError for a change of another kind, a decision the
    scenario does not have or takes twice, a choice it does not offer, changes out of time order."""
    out: list[tuple] = []
    decided: set[int] = set()
    last = -INF
    for change in script:
        t, kind, what = change
        if float(t) < last:
            raise ValueError(f"the script's changes are not in time order ({float(t):g} after {last:g})")
        last = float(t)
        if kind == "decide":
            i, cid = what
            events = scenario.events
            decision = events[i].decision if 0 <= i < len(events) else None
            if decision is None:
                raise ValueError(f"the script decides event {i}, which asks no decision")
            if i in decided:
                raise ValueError(f"the script decides event {i} twice")
            decision.choice(cid)
            decided.add(i)
        elif kind != "rules":
            raise ValueError(f"a change of the script is 'rules' or 'decide', not {kind!r}")
        out.append((float(t), kind, what))
    return out


def _changes_rules(scenario: Scenario, script: Sequence[tuple]) -> bool:
    """Whether a day of this scenario playing this script may change its rules mid-day."""
    return any(c[1] == "rules" for c in script) or any(
        ev.decision is not None and any(ch.rules for ch in ev.decision.choices) for ev in scenario.events)


def own_tables(plan: Plan) -> Plan:
    """A plan sharing `plan`'s fixed parts, with its own copy of the tables new rule values replace in place
    (engine.sim.changes.adopt), so that a day changing its rules leaves the other days of a run as they were."""
    mine = replace(plan)
    for name in (*changes.TABLES, "durations"):
        setattr(mine, name, list(getattr(plan, name)))
    return mine
