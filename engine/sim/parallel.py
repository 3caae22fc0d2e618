"""Replications across cores.

Replication r of a run always uses the seed's child r, so the days are independent of one another and of
which process simulates them: spreading them over worker processes gives the same numbers, to the last
digit, as simulating them in a loop. Workers are forked (where the platform allows) after the plan is
compiled, so nothing but the KPI dicts crosses between processes. Small runs stay in one process: forking
costs more than it saves below a few replications per worker.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import threading
from typing import Any, Callable, Mapping, Sequence

from .day import Day

#: At least this many replications per worker before forking pays for itself.
MIN_PER_WORKER = 4
#: Replications handed to a worker at once: enough to make the hand-over cheap, few enough that a huge run
#: (`--reps 1000000000 --no-work-limit`) never ships a worker a chunk too big to hold (a MemoryError
#: there used to leave the pool waiting for ever).
MAX_CHUNK = 64

_JOB: tuple | None = None  # (scenario, rules, seed, plan, script), set before forking, read by the workers


def default_workers() -> int:
    """Worker processes to use: PROCESSPLAY_WORKERS if set, else the cores this process may use."""
    env = os.environ.get("PROCESSPLAY_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    return "fork" in mp.get_all_start_methods() and mp.current_process().name == "MainProcess"


def _default_signals() -> None:
    """In a worker: SIGTERM and SIGINT back to their defaults. A parent that started pygame has SDL's
    handlers, which turn these signals into quit events; inherited, they would leave `terminate` unable
    to stop a worker, and the pool's shutdown waiting forever."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _one(replication: int, job: tuple | None = None) -> dict[str, float]:
    scenario, rules, seed, plan, script = job if job is not None else _JOB
    return Day(scenario, rules=rules, seed=seed, replication=replication, plan=plan, script=script).finish()


def replicate(scenario, rules: Mapping[str, Any] | None, seed: int, plan, reps: int,
              workers: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              script: Sequence[tuple] = ()) -> list[dict[str, float]]:
    """The KPI dicts of replications 0..reps-1, in order, on `workers` processes (default: all cores); each
    day plays `script` (engine.sim.day; decisions it does not take take their defaults)."""
    global _JOB
    workers = default_workers() if workers is None else max(1, int(workers))
    workers = min(workers, reps // MIN_PER_WORKER)
    job = (scenario, rules, seed, plan, tuple(script))
    if workers <= 1 or not _can_fork() or threading.active_count() > 1:
        # (forking a process that runs other threads can copy a lock some thread holds: the game's
        # background days stay in their own process)
        # in this process the job is passed along, not put in the global: the game runs days on several
        # threads at once (a forecast, the results, a what-if), and one must not run another's job
        out = []
        for r in range(reps):
            out.append(_one(r, job))
            if progress is not None:
                progress(r + 1, reps)
        return out
    _JOB = job  # forked workers inherit it
    try:
        ctx = mp.get_context("fork")
        out = []
        pool = ctx.Pool(workers, initializer=_default_signals)
        try:
            for kpis in pool.imap(_one, range(reps), chunksize=max(1, min(MAX_CHUNK, reps // (workers * 4)))):
                out.append(kpis)
                if progress is not None:
                    progress(len(out), reps)
            pool.close()  # the workers finish and leave on their own
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
        return out
    finally:
        _JOB = None
