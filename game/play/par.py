"""Par for the game: kept beside the scenario, or computed once in a background process.

`par_for(scenario, settings)` gives the scenario's par (an `engine.optimize.OptimizeResult`) when it is kept
beside the scenario file (`engine.optimize.load_par`) or already computed here; otherwise it starts a
background search (`engine.optimize.ParJob`, about 50 s in another process) the first time, when the
session's settings allow it (not in attract rounds, not with `background_par` off), and returns None
until that search is done. `par_progress(scenario)` says how far it is. The jobs are kept per scenario
file for the whole process: every round of a scenario after the first finds its par ready.

The flow asks for par when a round starts (so it is ready by the results); the rules screen (its gauge
and stars) and the results' tally (game.play.outcome) ask again.
"""
from __future__ import annotations

from typing import Any

from game.core.settings import Settings

_par_jobs: dict[str, Any] = {}  # scenario path -> engine.optimize.ParJob


def par_for(scenario, settings: Settings | None = None):
    """The scenario's par (an OptimizeResult) if kept beside it or already computed, else None; starts
    a background computation the first time when `settings` allow it."""
    from engine.optimize import ParJob, load_par

    kept = load_par(scenario)
    if kept is not None or not scenario.path or not scenario.rules:
        return kept
    job = _par_jobs.get(scenario.path)
    if job is None:
        if settings is None or not settings.background_par or settings.attract:
            return None
        try:
            job = _par_jobs[scenario.path] = ParJob(scenario.path, seconds=50.0)
        except Exception:  # no processes here (a sandbox): play without par
            return None
    job.poll()
    return job.result


def par_progress(scenario) -> float | None:
    """How far the background par computation of `scenario` is (0..1), None when none runs."""
    job = _par_jobs.get(scenario.path or "")
    return None if job is None or job.done else job.progress
