"""The live forecast: how long after a lever move the rules screen shows its first estimate, and its settled figure.

    python benchmarks/forecast.py [--moves 8] [--seed 1]

For each built-in scenario: the rules screen (game.scenes.rules, headless at 1920x1080) on the expert map,
driven as the game drives it: `App.step` at 60 frames a second in real time (update and the whole drawing,
sleeping to the next frame like `App.run`), its forecast computed by the screen's own worker processes
(game.play.forecaster). After the default rules have settled, `--moves` lever moves, each one lever set
to a seeded random other value, giving a setting not seen before (nothing cached). Timed from the move (the
frame it happened in) to the first frame that shows an estimate of the new setting ("k of N days") and to
the first frame that shows the settled figure (all N evaluation days): both include the screen's debounce
and at most one frame of waiting. Median and worst over the moves; ms/day is one day in this process,
before the screen opens.
Target (issue 12): settled within 0.3 s of the last lever move, the first estimate sooner.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

FRAME = 1 / 60


def day_ms(scenario) -> float:
    """One evaluation day of the default rules, here (the median of three)."""
    from engine.optimize import DayByDay

    times = []
    for _ in range(3):
        run = DayByDay(scenario, None, None, replications=[0])
        t0 = time.perf_counter()
        while not run.done:
            run.step()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def frames_until(app, scene, condition, limit: float = 30.0) -> float | None:
    """Step the app at 60 fps in real time until `condition()`; seconds from now, None past `limit`."""
    start = last = time.perf_counter()
    while time.perf_counter() - start < limit:
        now = time.perf_counter()
        app.step(now - last, [])
        last = now
        if condition():
            return time.perf_counter() - start
        time.sleep(max(0.0, FRAME - (time.perf_counter() - now)))
    return None


def new_setting(scenario, current: dict, seen: set, rng: random.Random) -> tuple[str, object]:
    """One lever to another value, making a setting not forecast before."""
    for _ in range(1000):
        rule = rng.choice(scenario.rules)
        value = rng.choice([v for v in rule.values() if v != current[rule.id]])
        trial = tuple(sorted({**current, rule.id: value}.items()))
        if trial not in seen:
            seen.add(trial)
            return rule.id, value
    raise RuntimeError("no new setting left")


def measure(app, path: Path, moves: int, seed: int) -> dict:
    from engine.load import load
    from game.play import flow

    scenario = load(path)
    per_day = day_ms(scenario)  # before the screen's workers start (they finish earlier settings when idle)
    rnd = flow.Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    scene = flow.go(app, rnd, "rules")
    frames_until(app, scene, lambda: scene.settled() and scene.refs is not None, limit=120.0)
    rng = random.Random(seed)
    seen = {tuple(sorted(rnd.rules.items()))}
    firsts, settled = [], []
    for _ in range(moves):
        rule_id, value = new_setting(scenario, rnd.rules, seen, rng)
        scene.set_rule(rule_id, value)
        first = frames_until(app, scene, lambda: scene.forecast() is not None)
        rest = frames_until(app, scene, scene.settled)
        firsts.append(first)
        settled.append(None if first is None or rest is None else first + rest)
        frames_until(app, scene, lambda: True)  # a frame between moves
    scene.on_back()
    app.step(FRAME, [])
    return {"scenario": scenario.id, "days": scene.forecaster.total, "ms_day": per_day,
            "first": firsts, "settled": settled, "workers": scene.forecaster.share,
            "restarts": scene.forecaster.restarts}


def fmt(values: list) -> str:
    done = [v for v in values if v is not None]
    if len(done) < len(values):
        return "did not settle"
    return f"{1000 * statistics.median(done):6.0f} {1000 * max(done):6.0f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    import pygame

    import engine
    from engine.load import builtin_dir
    from game.core.app import App

    pygame.init()
    app = App((1920, 1080), headless=True)
    app.settings.background_par = False
    rows = [measure(app, path, args.moves, args.seed) for path in sorted(builtin_dir().glob("*.yaml"))]
    print(f"engine: {engine.BACKEND}; {rows[0]['workers']} worker process(es); {args.moves} moves each; "
          f"times in ms from the lever move (median, worst)")
    print(f"{'scenario':<18} {'days':>4} {'ms/day':>7}   {'first estimate':>14}   {'settled':>13}   restarts")
    for r in rows:
        print(f"{r['scenario']:<18} {r['days']:>4} {r['ms_day']:>7.1f}   {fmt(r['first']):>14}   "
              f"{fmt(r['settled']):>13}   {r['restarts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
