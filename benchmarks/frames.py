"""Game frames: how long a frame of the run takes with 1,000 tokens moving, and how long the game takes
to show its first frame.

    python benchmarks/frames.py [--frames 300] [--tokens 1000]

Frame time: the run scene on the customer-service reference map at 1920x1080 (the logical surface),
headless, the day advancing at 10x, with the token buffer kept full (1,000 callers gliding along links)
by topping it up before each frame. A frame is `App.step`: the scene's update (engine advance, trace
records, tokens, live KPIs) and its whole drawing. Median and 95th percentile, after a warm-up.

Start-up: a fresh `python` process that imports the game, opens the app headless, builds the first
scene and draws it, timed from before the process starts to the first frame (so interpreter start and
imports count), for the title screen and for the run screen (scenario load, Day, board, first frame).
Targets (issue 6): median frame <= 8 ms on the 2-core machine; start-up <= 1.5 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

FIRST_FRAME = r"""
import os, sys, time
sys.path.insert(0, {root!r})
import pygame
from game.core.app import App
from game.play import flow
pygame.init()
app = App((1920, 1080), headless=True)
which = {which!r}
if which == "title":
    flow.title(app)
else:
    from engine.load import builtin_dir, load
    from game.play.round import Round
    from game.ui.layout import auto_layout
    from game.scenes.mapeditor import LAYOUT_RECT
    from game.scenes.run import RunScene
    sc = load(builtin_dir() / "customer_service.yaml")
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    rnd.layout = auto_layout(sc, rnd.edges, None, LAYOUT_RECT)
    app.stack.push(RunScene(app, rnd))
app.step(1 / 60, [])
print("first-frame")
"""


def startup(which: str, repeats: int = 5) -> float:
    """Median wall seconds from launching a fresh interpreter to its first frame."""
    code = FIRST_FRAME.format(root=str(ROOT), which=which)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
        t1 = time.perf_counter()
        if "first-frame" not in out.stdout:
            raise RuntimeError(out.stderr)
        times.append(t1 - t0)
    return statistics.median(times)


def frames(n_frames: int, tokens: int) -> dict[str, float]:
    import numpy as np
    import pygame

    from engine.load import builtin_dir, load
    from game.core.app import App
    from game.ui.layout import auto_layout
    from game.scenes.mapeditor import LAYOUT_RECT
    from game.scenes.run import RunScene
    from game.play.round import Round

    pygame.init()
    app = App((1920, 1080), headless=True)
    sc = load(builtin_dir() / "customer_service.yaml")
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    rnd.layout = auto_layout(sc, rnd.edges, None, LAYOUT_RECT)
    scene = RunScene(app, rnd)
    app.stack.push(scene)
    scene.set_speed(10)
    toks = scene.tokens
    toks.capacity = tokens + tokens // 5  # room for the day's own tokens as well as the top-up
    toks.link = np.zeros(toks.capacity, dtype=np.int32)
    toks.born = np.full(toks.capacity, -1e9)
    n_links = len(scene.board.edges)
    rng = np.random.default_rng(1)
    dt = 1 / 60
    times, drawn = [], []
    for i in range(n_frames + 30):
        # keep the buffer full: replace the tokens that arrived with new ones at random links
        now = scene.wall + dt
        dead = max(0, tokens - len(toks.alive(now)))
        if dead:
            toks.spawn(rng.integers(0, n_links, dead).tolist(),
                       (now - rng.uniform(0, toks.travel - 2 * dt, dead)).tolist())
        t0 = time.perf_counter()
        app.step(dt, [])
        t1 = time.perf_counter()
        if i >= 30:
            times.append(t1 - t0)
            drawn.append(len(toks.alive(scene.wall)))
        if scene.ended_at is not None:
            break
    times.sort()
    return {"median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
            "frames": len(times), "tokens": statistics.median(drawn), "sim_minutes": scene.day.now}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--tokens", type=int, default=1000)
    ap.add_argument("--startup-repeats", type=int, default=5)
    args = ap.parse_args(argv)
    f = frames(args.frames, args.tokens)
    print(f"run frame, {f['tokens']:.0f} tokens moving, 1920x1080 headless, day at 10x: "
          f"median {f['median_ms']:.2f} ms, p95 {f['p95_ms']:.2f} ms over {f['frames']} frames "
          f"(target <= 8 ms)")
    for which in ("title", "run"):
        s = startup(which, args.startup_repeats)
        print(f"start-up to first frame ({which} screen), fresh interpreter: {s:.2f} s (target <= 1.5 s)")
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
