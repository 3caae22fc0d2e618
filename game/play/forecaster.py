"""The rules screen's live forecast, computed off the frame: worker processes run the evaluation days.

The forecast of a rule setting is its evaluation days on the player's map (engine.optimize.DayByDay), each
day run in slices. Working them out on the frame's thread would stall the screen (a compiled day holds the
interpreter ~20 ms; a map that loops would hold it for good), so `Forecaster` keeps `WORKERS` forked worker
processes (game.core.jobs.Worker) for as long as the screen is up, each running its share of every setting's
days (worker i the replications r with r % WORKERS == i), so the first estimate comes after one day and the
full set after N / WORKERS days.

Requests and answers. `ask(rules)` makes a setting the one wanted now; `poll()` (every frame) reads what
the workers streamed back and hands each worker the first setting, in priority order (the one asked for
last, then the default rules; the default rules first until the player moves a lever), whose share that
worker has not finished. A request carries the days the screen already has for it, so a worker restarted
from scratch does not run them again. A worker reads its mailbox between two slices of a day: a newer
setting supersedes the one it was computing within a slice (about 1/8 of a day), and the day it left stays
half-run in the worker, to be resumed where it stopped if the player comes back to that setting. The days
are kept on both sides per setting (replication -> KPIs), so a setting seen before is shown at once.

Answers: ("working", key, r) as a day starts, ("day", key, r, kpis) when it ends, ("formulas", key,
Forecast) for a setting whose day is too big to simulate in a preview (or a step kind the engine does not
simulate yet), ("error", key, message) for a map the engine refuses (its own words).

Guards: a day running more than `DAY_DEADLINE` seconds of wall time (a map that keeps work going round in
a loop) or a worker past its memory allowance gets the worker killed (SIGKILL) and restarted; the setting
is marked with `SLOW_FORECAST`, which the screen shows instead of a figure. A worker that dies on its own
is restarted too, the setting it was on marked `STOPPED` (not tried again: it might kill every worker).
`stop()` ends them all; nothing here ever blocks the frame (`wait` is for tests and tools). Where the
platform cannot fork, `InPlace` does one worker's work on the frame's thread, a few milliseconds of slices
per frame.
"""
from __future__ import annotations

import os
import time
from typing import Any, Mapping

from engine.optimize import DayByDay, Forecast, forecast_of, formula_forecast
from engine.optimize.evaluate import rules_key
from engine.scoring import evaluation_days
from game.core.jobs import Worker, can_fork, describe

#: Worker processes: one per core this machine gives us, at most two (the frame's thread needs one too).
try:
    WORKERS = max(1, min(2, len(os.sched_getaffinity(0))))
except AttributeError:  # not Linux
    WORKERS = max(1, min(2, os.cpu_count() or 1))
#: Wall seconds one day of a forecast may take before its worker is stopped.
DAY_DEADLINE = 20.0
#: Settings asked for before the current one that idle workers still finish.
EARLIER = 3
#: Settings a worker keeps (with their half-run day); older ones it forgets, so a long session's memory stays
#: bounded: their finished days are kept by the screen, which sends them with a new request.
KEPT_RUNS = 8
SLOW_FORECAST = ("This map takes far too long to forecast: it may keep work going round in a loop. "
                 "Go back to the map to check it, or start the day.")
STOPPED = "The forecast stopped unexpectedly for these levers. Move a lever, or start the day."


# ---- in the worker ------------------------------------------------------------------------------------

def serve(conn, scenario, pmap, seed: int | None, share: tuple[int, int], parent: int) -> None:
    """A worker's life: take the newest wanted setting, run its share of days slice by slice, send each day.

    `share` = (i, n): this worker runs the replications r with r % n == i. Requests: ("want", key, rules,
    known days) and ("stop",). Between two slices it reads every request waiting and keeps the newest. It
    says ("working", key, r) when it starts or resumes a day, ("idle", None) when it has nothing to do."""
    import gc

    gc.freeze()  # what the game had when it forked stays out of the collector's sweeps (and unshared pages)
    runs: dict[tuple, Any] = {}  # key -> DayByDay, or None once answered otherwise; the latest used last
    wanted, switched = None, False
    while True:
        if wanted is None:
            conn.send(("idle", None))
            while not conn.poll(1.0):  # wait for work, and leave if the game has gone
                if os.getppid() != parent:
                    return
        while conn.poll():
            message = conn.recv()
            if message[0] == "stop":
                return
            wanted, switched = message[1:], True
        if wanted is None:
            continue
        key, rules, known = wanted
        if switched:  # a new request: its setting is the latest used, with every day the screen has
            runs[key] = runs.pop(key) if key in runs else _start(conn, scenario, pmap, rules, seed, share, key)
            while len(runs) > KEPT_RUNS:  # the oldest go (their finished days are the screen's to send again)
                del runs[next(iter(runs))]
            if isinstance(runs[key], DayByDay):
                runs[key].days.update(known)
        run = runs[key]
        if run is None or run.done:
            wanted = None
            continue
        if switched or run.replication is None:
            conn.send(("working", key, run.next_replication))
            switched = False
        if not _one_slice(conn, run, key):
            runs[key] = None


def _start(conn, scenario, pmap, rules, seed, share, key):
    """A setting's days in this worker, or None after answering with the formulas or an error."""
    i, n = share
    try:
        _, total = evaluation_days(scenario, seed)
        run = DayByDay(scenario, pmap, rules, seed, replications=range(i, total, n))
        if not run.too_big:
            return run
    except NotImplementedError:  # a step kind the engine does not simulate yet
        pass
    except Exception as exc:  # the map cannot run: the engine says why
        conn.send(("error", key, describe(exc)))
        return None
    try:
        conn.send(("formulas", key, formula_forecast(scenario, pmap, rules, seed)))
    except Exception as exc:
        conn.send(("error", key, describe(exc)))
    return None


def _one_slice(conn, run, key) -> bool:
    """One slice of the setting's day in progress, and the day sent if that ended it; False if the engine
    stopped the day (its work limit, a loop in one instant): the error is sent instead."""
    try:
        r = run.step()
    except Exception as exc:
        conn.send(("error", key, describe(exc)))
        return False
    if r is not None:
        conn.send(("day", key, r, run.days[r]))
    return True


class _Outbox:
    """The `send` of a worker's end of the pipe, for work done in this process."""

    def __init__(self, into: list):
        self.send = into.append


class InPlace:
    """Where the platform cannot fork: a worker's work done on the frame's thread instead, `BUDGET` seconds
    of slices each time the screen reads it, with the same requests and answers as a `Worker` (a day that
    runs away there is stopped by the engine's own work limit, not by a kill)."""

    BUDGET = 0.008

    def __init__(self, scenario, pmap, seed: int | None, share: tuple[int, int]):
        self.args = (scenario, pmap, seed, share)
        self.runs: dict[tuple, Any] = {}
        self.wanted = None
        self.sent: list = []  # the answers, as a Worker's child would send them
        self.outbox = _Outbox(self.sent)
        self.alive = True

    def send(self, message) -> bool:
        _, key, rules, known = message
        self.wanted = (key, rules)
        if isinstance(self.runs.get(key), DayByDay):
            self.runs[key].days.update(known)
        return True

    def received(self) -> list:
        scenario, pmap, seed, share = self.args
        end = time.perf_counter() + self.BUDGET
        while self.wanted is not None and time.perf_counter() < end:
            key, rules = self.wanted
            if key not in self.runs:
                self.runs[key] = _start(self.outbox, scenario, pmap, rules, seed, share, key)
            run = self.runs[key]
            if run is None or run.done:
                self.wanted = None
                self.sent.append(("idle", None))
            else:
                if run.replication is None:
                    self.sent.append(("working", key, run.next_replication))
                if not _one_slice(self.outbox, run, key):
                    self.runs[key] = None
        out = list(self.sent)
        self.sent.clear()
        return out

    def memory_exceeded(self) -> bool:
        return False

    def kill(self) -> None:
        self.alive = False


# ---- on the screen's side -----------------------------------------------------------------------------

class Forecaster:
    """Forecasts of rule settings on one map and one set of evaluation days, streamed from worker processes.

    `forecast(rules)`: a `Forecast` (the mean of the days done so far, `complete` once all N are; or the
    formulas' estimate), a message (the engine refused the map; `SLOW_FORECAST`), or None before the first
    day. See the module docstring for the mechanism."""

    def __init__(self, scenario, pmap, seed: int | None = None, workers: int = WORKERS,
                 day_deadline: float = DAY_DEADLINE):
        self.scenario, self.pmap = scenario, pmap
        self.run_seed = seed
        self.seed, self.total = evaluation_days(scenario, seed)
        self.defaults = scenario.default_rules()
        self.day_deadline = day_deadline
        self.days: dict[tuple, dict[int, dict[str, float]]] = {}
        self.answers: dict[tuple, Forecast | str] = {}  # settings answered otherwise than by days
        self._made: dict[tuple, Forecast] = {}  # the last forecast averaged from each setting's days
        self.rules_of: dict[tuple, dict[str, Any]] = {}
        self.current: tuple | None = None
        self.earlier: list[tuple] = []  # settings asked for before the current one, the latest last
        self.moved = False  # the player asked for a setting: it goes before the default rules
        self.share = max(1, int(workers)) if can_fork() else 1
        self.workers: list[Worker | InPlace | None] = [None] * self.share
        self.serving: list[tuple | None] = [None] * self.share  # the key each worker was last sent
        self.working: list[tuple | None] = [None] * self.share  # (key, replication, since) of its day
        self.restarts = 0
        self.stopped = False
        self._remember(self.defaults)

    # ---- asking ----
    def _remember(self, rules: Mapping[str, Any]) -> tuple:
        full = {**self.defaults, **dict(rules)}
        key = rules_key(full)
        self.rules_of.setdefault(key, full)
        self.days.setdefault(key, {})
        return key

    def ask(self, rules: Mapping[str, Any], moved: bool = True) -> None:
        """Make `rules` the setting wanted now (a newer one supersedes it); `moved`: the player set it."""
        key = self._remember(rules)
        if self.current is not None and self.current != key:
            self.earlier = [k for k in self.earlier if k not in (key, self.current)][-(EARLIER - 1):] + [self.current]
        self.current = key
        self.moved = self.moved or (moved and self.current != rules_key(self.defaults))
        self.poll()

    def priority(self) -> list[tuple]:
        """The settings to work on, first first: the one wanted now and the default rules (those first until
        the player moves a lever), then the few asked for before, latest first (idle workers finish them,
        so going back to one is instant)."""
        defaults = rules_key(self.defaults)
        order = [self.current, defaults] if self.moved else [defaults, self.current]
        order += self.earlier[::-1]
        return [k for i, k in enumerate(order) if k is not None and k not in order[:i]]

    # ---- reading ----
    def forecast(self, rules: Mapping[str, Any]) -> Forecast | str | None:
        key = rules_key({**self.defaults, **dict(rules)})
        if key in self.answers:
            return self.answers[key]
        days = self.days.get(key)
        if not days:
            return None
        made = self._made.get(key)
        if made is None or made.days != len(days):  # averaged again only when a day came in
            made = self._made[key] = forecast_of(days, self.total, self.seed)
        return made

    def settled(self, rules: Mapping[str, Any]) -> bool:
        f = self.forecast(rules)
        return f is not None and (not isinstance(f, Forecast) or f.complete or f.method != "simulation")

    def _settled_key(self, key: tuple) -> bool:
        return key in self.answers or len(self.days.get(key, ())) >= self.total

    def _share_done(self, key: tuple, i: int) -> bool:
        have = self.days.get(key, {})
        return all(r in have for r in range(i, self.total, self.share))

    # ---- every frame ----
    def poll(self) -> None:
        """Take what the workers sent, stop a runaway one, and give every worker its next setting."""
        if self.stopped:
            return
        for i in range(self.share):
            self._read(i)
            self._guard(i)
        for i in range(self.share):
            self._dispatch(i)

    def _read(self, i: int) -> None:
        worker = self.workers[i]
        if worker is None:
            return
        for message in worker.received():
            kind, key = message[0], message[1]
            if kind == "working":
                self.working[i] = (key, message[2], time.perf_counter())
            elif kind == "idle":
                self.working[i] = None
            elif kind == "day":
                self.days.setdefault(key, {})[message[2]] = message[3]
                self.working[i] = None
            elif kind in ("formulas", "error"):
                self.answers.setdefault(key, message[2])
                self.working[i] = None
        if not worker.alive:  # it died (or could not send an answer back): start afresh
            lost = self.working[i][0] if self.working[i] is not None else self.serving[i]
            if lost is not None:  # the setting it was on is not tried again (it may kill every worker)
                self.answers.setdefault(lost, STOPPED)
            self._drop(i)

    def _guard(self, i: int) -> None:
        worker, working = self.workers[i], self.working[i]
        if worker is None or working is None:
            return
        key, _, since = working
        if time.perf_counter() - since > self.day_deadline or worker.memory_exceeded():
            self.answers.setdefault(key, SLOW_FORECAST)
            for j in range(self.share):  # every worker on that setting would run away the same way
                if self.working[j] is not None and self.working[j][0] == key:
                    self._drop(j)

    def _drop(self, i: int, restart: bool = True) -> None:
        """Kill worker i; `restart`: it ran away or died, and a fresh one takes its place when needed."""
        worker = self.workers[i]
        if worker is not None:
            worker.kill()
            self.restarts += restart
        self.workers[i], self.serving[i], self.working[i] = None, None, None

    def _dispatch(self, i: int) -> None:
        target = next((k for k in self.priority() if not self._settled_key(k) and not self._share_done(k, i)), None)
        if target is None or target == self.serving[i]:
            return
        if self.workers[i] is None:
            self.workers[i] = self._start(i)
        if self.workers[i].send(("want", target, self.rules_of[target], dict(self.days.get(target, {})))):
            self.serving[i] = target

    def _start(self, i: int) -> Worker | InPlace:
        """Worker i: a forked child, or the frame's own thread where there is no fork (or no more processes)."""
        if can_fork():
            try:
                return Worker(serve, self.scenario, self.pmap, self.run_seed, (i, self.share), os.getpid(),
                              name=f"forecast-{i}")
            except OSError:  # no process to be had (a sandbox, a full process table)
                pass
        return InPlace(self.scenario, self.pmap, self.run_seed, (i, self.share))

    # ---- ending ----
    def stop(self) -> None:
        """End every worker now (the screen is leaving)."""
        self.stopped = True
        for i in range(self.share):
            self._drop(i, restart=False)

    def resume(self) -> None:
        """After `stop`: work again (fresh workers start as needed; every day kept is still here)."""
        self.stopped = False

    def wait(self, rules: Mapping[str, Any], timeout: float = 60.0) -> Forecast | str | None:
        """Poll until `rules` is settled or `timeout` seconds pass (tests and tools; blocks). A setting
        never asked for is asked for now."""
        if rules_key({**self.defaults, **dict(rules)}) not in self.rules_of:
            self.ask(rules, moved=False)
        end = time.monotonic() + timeout
        while not self.settled(rules) and time.monotonic() < end and not self.stopped:
            self.poll()
            time.sleep(0.002)
        return self.forecast(rules)
