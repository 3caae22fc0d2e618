"""The rest of the day under each of a few options, forecast off the frame from the moment the day is in.

When the watched day stops at a decision, or the player is about to pull a lever mid-day, the run screen
shows what each option would lead to by the end of the day: `engine.optimize.rest_of_day` plays every
evaluation day with the script so far (`Day.played`) followed by the option's changes at the current
moment, on the same random numbers, and gives each option's `Outlook` (the KPI means over the evaluation
days, their money lines, and the watched day's own KPIs). These are the very days the results measure, so
the option taken, with no later change, ends exactly at its forecast.

It takes seconds, so `Outlooks` runs it in a forked child (game.core.jobs.Job, process=True: a compiled
day holds the interpreter, and a child can be killed), one job at a time: `want(options)` names the
options wanted now; the ones already known are kept (an option is known by its changes), the others go to
a job, and a newer request supersedes a job still running. `poll()` (every frame) takes a finished job's
answers; `outlook(name)` is the answer for an option of the latest request, or None while it is being
worked out; `error` says why there is none. Nothing here blocks the frame (`wait` is for tests and tools).
"""
from __future__ import annotations

import time
from typing import Any, Mapping

from game.core.jobs import Job

#: Wall seconds a rest-of-day forecast may take before it is given up (a map that loops).
DEADLINE = 120.0


def option_key(changes) -> str:
    """An option known by its changes (the same changes at the same moment are the same forecast)."""
    return repr(tuple(tuple(c) if isinstance(c, list) else c for c in changes))


def forecast_rest(scenario, pmap, rules, played, options, seed):
    """In the child: `engine.optimize.rest_of_day` of each option (name -> Outlook)."""
    from engine.optimize.outlook import rest_of_day

    return rest_of_day(scenario, pmap, dict(rules), list(played), options, seed=seed)


def profit_of(outlook) -> float | None:
    """The profit an Outlook leads to: the mean over the evaluation days."""
    if outlook is None:
        return None
    value = outlook.kpis.get("profit")
    return None if value is None else float(value)


class Outlooks:
    """Rest-of-day forecasts of options from one moment of one day (see the module docstring)."""

    def __init__(self, scenario, pmap, rules: Mapping[str, Any], seed: int | None, background: bool = True):
        self.scenario, self.pmap = scenario, pmap
        self.rules = dict(rules)  # the rules the day began with
        self.seed = seed
        self.background = background
        self.known: dict[str, Any] = {}  # option key -> Outlook
        self.names: dict[str, str] = {}  # the latest request: name -> option key
        self.job: Job | None = None
        self._job_keys: dict[str, str] = {}  # the running job's names -> option keys
        self.error: str | None = None
        self.played: tuple = ()

    def want(self, played, options: Mapping[str, list]) -> None:
        """The options wanted now, from the day's script `played` so far: what is not known is worked out."""
        played = tuple(played)
        if played != self.played:  # another moment of the day: nothing known holds
            self.known.clear()
            self.played = played
        self.names = {name: option_key(changes) for name, changes in options.items()}
        missing = {name: list(changes) for name, changes in options.items() if self.names[name] not in self.known}
        if self.job is not None and set(self._job_keys.values()) >= {self.names[n] for n in missing}:
            return  # the running job is already on them
        self.cancel()
        self.error = None
        if not missing:
            return
        self._job_keys = {name: self.names[name] for name in missing}
        args = (self.scenario, self.pmap, self.rules, played, missing, self.seed)
        if self.background:
            self.job = Job(forecast_rest, *args, name="rest-of-day", process=True, deadline=DEADLINE)
        else:
            self._take(forecast_rest(*args))

    def _take(self, answers: Mapping[str, Any]) -> None:
        for name, outlook in answers.items():
            key = self._job_keys.get(name)
            if key is not None:
                self.known[key] = outlook

    def poll(self) -> None:
        job = self.job
        if job is None or not job.done:
            return
        self.job = None
        if job.error is None:
            self._take(job.result)
        else:
            self.error = ("Working this out took far too long." if job.timed_out else job.error)

    def outlook(self, name: str):
        """The Outlook of option `name` of the latest request, None while it is worked out."""
        key = self.names.get(name)
        return None if key is None else self.known.get(key)

    @property
    def ready(self) -> bool:
        """Every option of the latest request is known."""
        return bool(self.names) and all(k in self.known for k in self.names.values())

    def profits(self) -> dict[str, float]:
        """name -> forecast profit, for the options known."""
        out = {}
        for name in self.names:
            p = profit_of(self.outlook(name))
            if p is not None:
                out[name] = p
        return out

    def wait(self, timeout: float = 120.0) -> bool:
        """Poll until every option wanted is known (tests and tools; blocks)."""
        end = time.monotonic() + timeout
        while not self.ready and self.error is None and time.monotonic() < end:
            if self.job is not None:
                self.job.wait(max(0.0, end - time.monotonic()))
            self.poll()
            if self.job is None and not self.ready:
                break
        return self.ready

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self._job_keys = {}
