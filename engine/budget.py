"""A run's work budget: how much a day will cost, known before it starts, and the limits a run stays within.

Before a run, `estimate` reads the scenario: the expected arrivals of a day (each source's rate pieces over
the horizon, with the events that scale or set a rate while they last), the expected visits of an entity to
each step (the map as a Markov chain, solved with its fundamental matrix: `engine.maps.flows.edge_flows`, so
rework loops count as often as they are gone round on average), the periodic reviews of inventory steps,
and from those the events of a day: an arrival, and about two events per visit to a step that takes
time (its end, a patience or overflow timer). Times the replications, that is the work of a run.

`problems` refuses a run whose work is out of reach, naming the value to change:

- `MAX_RUN_EVENTS`, 50 million events a run: the compiled engine handles about 3 million events a second on
  one core of a modest machine, the pure-Python engine about 1 million, so a run at the limit takes
  15 s to a minute. Far more is a typing slip (a rate of 1e6, a horizon of 1e9) or a wrong unit, not a
  plan, and it used to look like a frozen game.
- `MAX_DAY_BYTES`, 2 GiB for one day: the engine keeps in memory every entity inside the system. In the
  worst case (staffing that cannot keep up, under cutoff or a drain) that is every arrival of the day, at
  about `BYTES_PER_ENTITY` each (the entity, its place in a queue, its timers on the heap: measured about
  450 bytes in CPython 3.11, rounded up). A worker per core holds one day each; kiosks and laptops have
  4 to 8 GB.

`--no-work-limit` (simulate, optimize) takes the responsibility: nothing is refused, and a day is not
stopped either. Without it, the engine also guards while running: `engine.sim.Day` stops a day that
does `SLACK` times its expected events (at least `MIN_DAY_EVENTS`), which no sound day does, with
`WorkLimitExceeded`; and an entity that passes `MAX_INSTANT_HOPS` steps in one move without time passing
is stuck in a loop no check foresaw (`StuckInLoop`). Both are a `CannotRun`: the command line prints it
and exits 2, the game shows its message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .model import ProcessMap, Scenario

__all__ = ["CannotRun", "OverBudget", "WorkLimitExceeded", "StuckInLoop", "Work", "estimate", "problems",
           "check", "day_limit", "cap_address_space", "MAX_RUN_EVENTS", "MAX_DAY_BYTES", "MAX_INSTANT_HOPS"]

MAX_RUN_EVENTS = 50_000_000
MAX_DAY_BYTES = 2 * 1024 ** 3
BYTES_PER_ENTITY = 600
#: A running day is stopped after this many times its expected events...
SLACK = 20
#: ... but never before this many (small days have few events and much relative noise).
MIN_DAY_EVENTS = 2_000_000
#: Steps an entity may pass in one move at one instant (branches, routes, shelves) before it is stuck.
MAX_INSTANT_HOPS = 10_000


def cap_address_space(extra: int) -> None:
    """In a child process that runs days: cap its address space at what it uses now plus `extra` bytes, so
    a runaway day ends in a MemoryError there instead of swapping the machine (Linux; elsewhere the
    parent's time limit alone holds). The background par search and the game's jobs both call it."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = used + int(extra)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError, IndexError, AttributeError):
        pass


class CannotRun(Exception):
    """The engine will not run this (or go on running it): the message says what to change."""


class OverBudget(CannotRun):
    """Refused before starting: `problems` are (path in the scenario file or None, message) pairs."""

    def __init__(self, problems: list[tuple[tuple | None, str]]):
        self.problems = problems
        super().__init__("\n".join(m for _, m in problems))


class WorkLimitExceeded(CannotRun):
    """A running day did far more work than expected and was stopped."""


class StuckInLoop(CannotRun):
    """An entity went round steps that take no time, over and over, in one instant."""


@dataclass(frozen=True, slots=True)
class Work:
    """What a run will cost: per day, then for `replications` days."""

    arrivals: float  # expected arrivals of a day
    by_source: Mapping[str, float]  # of which, by source step
    events: float  # expected events of a day
    replications: int

    @property
    def run_events(self) -> float:
        return self.events * self.replications

    @property
    def day_bytes(self) -> float:
        """Memory of a day in the worst case: every arrival inside at once."""
        return self.arrivals * BYTES_PER_ENTITY


def arrivals_by_source(scenario: Scenario, pmap: ProcessMap | None = None) -> dict[str, float]:
    """Expected arrivals of a day at each source the map places: the rate pieces over [0, horizon], with
    the scripted events that scale or set a source's rate over the part of the day they last."""
    horizon = scenario.time.horizon
    placed = set((pmap or scenario.reference).steps)
    out: dict[str, float] = {}
    for sid, step in scenario.steps.items():
        if step.kind != "source" or sid not in placed:
            continue
        pieces = list(step.rate) or [(0.0, 0.0)]  # type: ignore[attr-defined]
        path = f"steps.{sid}.rate"
        events = [(i, ev) for i, ev in enumerate(scenario.events)
                  if any(p == path for p, _ in (*ev.scale, *ev.set))]
        cuts = {0.0, horizon, *(t for t, _ in pieces if 0 < t < horizon)}
        for _, ev in events:
            for t in (ev.at, ev.at + ev.duration if ev.duration is not None else horizon):
                if 0 < t < horizon:
                    cuts.add(t)
        times = sorted(cuts)
        total = 0.0
        for a, b in zip(times, times[1:]):
            t = (a + b) / 2
            rate = _piece(pieces, t)
            for _, ev in sorted(events, key=lambda x: (x[1].at, x[0])):
                if ev.at <= t and (ev.duration is None or t < ev.at + ev.duration):
                    for p, v in ev.set:
                        if p == path:
                            rate = _piece(v, t) if isinstance(v, (list, tuple)) else float(v)
            for _, ev in events:
                if ev.at <= t and (ev.duration is None or t < ev.at + ev.duration):
                    for p, f in ev.scale:
                        if p == path:
                            rate *= float(f)
            total += max(0.0, rate) * (b - a)
        out[sid] = total
    return out


def _piece(pieces: Any, t: float) -> float:
    rate = float(pieces[0][1]) if pieces else 0.0
    for frm, r in pieces:
        if frm <= t:
            rate = float(r)
    return rate


def estimate(scenario: Scenario, pmap: ProcessMap | None = None, replications: int | None = None) -> Work:
    """The expected work of a run of `scenario` on `pmap` (the reference map by default)."""
    from .maps.flows import edge_flows

    pmap = pmap or scenario.reference
    by_source = arrivals_by_source(scenario, pmap)
    arrivals = sum(by_source.values())
    visits: dict[str, float] = {}
    for edge, flow in edge_flows(scenario, pmap).items():
        visits[edge.dst] = visits.get(edge.dst, 0.0) + flow
    per_entity = 1.0  # the arrival
    for sid, n in visits.items():
        step = scenario.steps.get(sid)
        if step is not None and step.kind != "exit":
            per_entity += 2.0 * n  # the end of the step and a timer, at most, plus the zero-time hops
    events = arrivals * per_entity
    horizon = scenario.time.horizon
    for sid in pmap.steps:
        step = scenario.steps.get(sid)
        period = getattr(step, "review_period", None)
        if period:
            events += horizon / period
    events += 2 * len(scenario.events) + sum(len(p.staffing()) for p in scenario.resources.values())
    reps = scenario.run.replications if replications is None else int(replications)
    return Work(arrivals, by_source, events, reps)


def day_limit(work: Work) -> int:
    """The events after which a running day is stopped (see the module docstring)."""
    return int(min(1e18, max(MIN_DAY_EVENTS, SLACK * work.events)))


def _n(x: float) -> str:
    """A count as a person reads it: 4,800 or 4.8e+08."""
    return f"{x:,.0f}" if x < 1e7 else f"{x:.2g}"


def problems(scenario: Scenario, pmap: ProcessMap | None = None, replications: int | None = None,
             reps_option: str | None = None) -> list[tuple[tuple | None, str]]:
    """Why a run is out of reach, each with the path of the value to change in the scenario file (None
    for a command-line option, named in the message). Empty when the run fits. `reps_option` is how the
    replications were given on the command line (`--reps 1000`), if they were."""
    work = estimate(scenario, pmap, replications)
    unit = scenario.time.unit
    out: list[tuple[tuple | None, str]] = []
    day_events, day_bytes = work.events, work.day_bytes
    biggest = max(work.by_source, key=work.by_source.__getitem__, default=None)
    if day_events > MAX_RUN_EVENTS or day_bytes > MAX_DAY_BYTES:
        what = (f"one day brings about {_n(work.arrivals)} arrivals ({_n(day_events)} events"
                + (f", up to {day_bytes / 1024 ** 3:,.1f} GiB of memory" if day_bytes > MAX_DAY_BYTES else "")
                + f"): more than a run may do ({_n(MAX_RUN_EVENTS)} events, "
                f"{MAX_DAY_BYTES / 1024 ** 3:g} GiB)")
        horizon = scenario.time.horizon
        if biggest is None or (horizon > 1e5 and work.by_source[biggest] / horizon < 1e4):
            out.append((("time", "horizon"), f"{what}: shorten time.horizon ({horizon:g} {unit}s), or pass "
                                             "--no-work-limit"))
        else:
            rate = work.by_source[biggest] / max(horizon, 1e-300)
            out.append((("steps", biggest, "rate"),
                        f"{what}: lower the rate of '{biggest}' (about {rate:,.3g} a {unit} on average over "
                        f"{horizon:g} {unit}s) or time.horizon, or pass --no-work-limit"))
        return out
    if work.run_events > MAX_RUN_EVENTS:
        fit = max(1, int(MAX_RUN_EVENTS // max(day_events, 1.0)))
        what = (f"{work.replications:,} replications of about {_n(day_events)} events a day make "
                f"{_n(work.run_events)} events: more than a run may do ({_n(MAX_RUN_EVENTS)})")
        if reps_option:
            out.append((None, f"{reps_option}: {what}; at most {fit:,} replications fit, or pass --no-work-limit"))
        else:
            out.append((("run", "replications"), f"{what}: lower run.replications (at most {fit:,} fit), or "
                                                  "pass --no-work-limit"))
    return out


def check(scenario: Scenario, pmap: ProcessMap | None = None, replications: int | None = None,
          reps_option: str | None = None) -> Work:
    """`estimate`, or OverBudget when the run is out of reach (see `problems`)."""
    found = problems(scenario, pmap, replications, reps_option)
    if found:
        raise OverBudget(found)
    return estimate(scenario, pmap, replications)

