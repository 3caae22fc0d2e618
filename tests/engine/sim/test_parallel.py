"""Replications spread over processes give the same numbers, to the last digit, as a loop."""
from __future__ import annotations

from pathlib import Path

from engine.load import load
from engine.sim.parallel import replicate
from engine.sim import compile_for, run

ROOT = Path(__file__).resolve().parents[3]


def test_workers_do_not_change_the_numbers():
    scenario = load(ROOT / "tests" / "data" / "base.yaml")
    one = run(scenario, replications=8, seed=5, workers=1)
    two = run(scenario, replications=8, seed=5, workers=2)
    assert one.per_replication == two.per_replication
    assert one.summary == two.summary


def test_progress_counts_every_replication_in_order():
    scenario = load(ROOT / "tests" / "data" / "base.yaml")
    plan = compile_for(scenario)
    seen = []
    out = replicate(scenario, None, 3, plan, 8, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert len(out) == 8 and seen == [(i, 8) for i in range(1, 9)]


def test_workers_stop_even_when_pygame_holds_the_signals():
    # pygame (SDL) turns SIGTERM into a quit event; forked workers must not inherit that, or the pool
    # could never be shut down. Run in a subprocess so this test's pygame leaves the others alone.
    import subprocess
    import sys

    code = ("import pygame; pygame.init()\n"
            "from engine.load import load; from engine.sim import run\n"
            "s = load('tests/data/base.yaml')\n"
            "for _ in range(3): r = run(s, replications=8, workers=2)\n"
            "print(len(r.per_replication))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("8")
