"""Kiosk soak: half an hour of trade-show use at top speed, to find what only shows after a while.

    python benchmarks/soak.py [--minutes 30] [--fps 30] [--seed 1]

The kiosk (game.modes.kiosk.mode, with its crash guard) runs headless on a throw-away data folder. Simulated
visitors come and go: each taps and drags at random places for a while (sometimes with a finger, so the
touch path and SDL's mouse copies are exercised too), then leaves; between visitors the stand stays
alone long enough for "Still there?" and the idle reset. Frames are stepped as fast as the machine goes,
each advancing the game by 1/fps of a second, so 30 simulated minutes take a few real minutes.

Checked: no exception reached the crash guard (it would have been caught, logged and the kiosk reset:
the soak counts those and fails on any), and the process's memory (resident set size) grew by less than
10 % from the end of a warm-up to the end. The warm-up is the first third: the first rounds load modules,
fill the caches (rendered text within its byte budget, cards) and the allocator's per-thread arenas,
after which a healthy kiosk stays flat; the memory of every simulated minute is printed to show it.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def rss_bytes() -> int:
    """The process's resident memory now (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Visitors:
    """Random input as people at a stand make it: bursts of taps and drags, then nobody for a while."""

    def __init__(self, rng: random.Random, size=(1920, 1080)):
        self.rng = rng
        self.w, self.h = size
        self.present = False
        self.left = rng.uniform(2, 20)  # seconds until the next change (arrive or leave)
        self.wait = 0.0  # seconds until this visitor's next gesture
        self.drag: list | None = None  # the rest of a drag in progress
        self.gestures = 0

    def _point(self):
        # most taps land where the buttons and cards are: the bottom band and the middle
        r = self.rng
        if r.random() < 0.4:
            return (r.randrange(40, self.w - 40), r.randrange(self.h - 150, self.h - 30))
        return (r.randrange(0, self.w), r.randrange(0, self.h))

    def _finger(self, kind, pos, mouse):
        import pygame

        ev = {"down": pygame.FINGERDOWN, "up": pygame.FINGERUP, "move": pygame.FINGERMOTION}[kind]
        out = [pygame.event.Event(ev, x=pos[0] / self.w, y=pos[1] / self.h, dx=0.0, dy=0.0, finger_id=0,
                                  touch_id=1, pressure=1.0)]
        if mouse is not None:  # SDL's synthesised copy, which the app must drop
            out.append(pygame.event.Event(mouse, pos=pos, button=1, touch=True, buttons=(1, 0, 0), rel=(0, 0)))
        return out

    def events(self, dt: float) -> list:
        import pygame

        r = self.rng
        self.left -= dt
        if self.left <= 0:
            self.present = not self.present
            # a visit of up to four minutes; an empty stand long enough for the idle reset, or not
            self.left = r.uniform(20, 240) if self.present else r.choice((3, 30, 70, 90))
        if not self.present:
            return []
        if self.drag:
            kind, pos, touch = self.drag.pop(0)
            if touch:
                mouse = {"move": pygame.MOUSEMOTION, "up": pygame.MOUSEBUTTONUP}[kind]
                return self._finger(kind, pos, mouse)
            if kind == "move":
                return [pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0))]
            return [pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)]
        self.wait -= dt
        if self.wait > 0:
            return []
        self.wait = r.uniform(0.15, 2.5)
        self.gestures += 1
        a, touch = self._point(), r.random() < 0.3
        if r.random() < 0.7:  # a tap
            if touch:
                return self._finger("down", a, pygame.MOUSEBUTTONDOWN) + self._finger("up", a, pygame.MOUSEBUTTONUP)
            return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=a, button=1),
                    pygame.event.Event(pygame.MOUSEBUTTONUP, pos=a, button=1)]
        b = self._point()  # a drag from a to b over a few frames
        n = r.randrange(3, 12)
        path = [(int(a[0] + (b[0] - a[0]) * k / n), int(a[1] + (b[1] - a[1]) * k / n)) for k in range(1, n + 1)]
        self.drag = [("move", p, touch) for p in path] + [("up", b, touch)]
        if touch:
            return self._finger("down", a, pygame.MOUSEBUTTONDOWN)
        return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=a, button=1)]


def soak(minutes: float = 30.0, fps: int = 30, seed: int = 1, data_dir=None, warmup: float = 1 / 3,
         progress=None) -> dict:
    """Run the kiosk for `minutes` of simulated time; returns what was measured."""
    import pygame

    from game.core.app import App
    from game.modes.kiosk.mode import KioskOptions, install

    pygame.init()
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory()
        data_dir = tmp.name
    app = App((1920, 1080), headless=True)
    app.data_dir = Path(data_dir)
    kiosk = install(app, KioskOptions())
    opts = app.settings
    opts.background_par = False  # no par processes: the soak is about the kiosk, not the optimiser
    opts.par_seconds = 2.0
    visitors = Visitors(random.Random(seed))
    dt = 1.0 / fps
    total = int(minutes * 60 * fps)
    warm_at = int(total * warmup)
    rss_warm = rss_start = rss_bytes()
    started = time.perf_counter()
    scenes: dict[str, int] = {}
    trace: list[int] = []  # memory each simulated minute
    for frame in range(total):
        app.step(dt, visitors.events(dt))
        name = getattr(app.stack.top, "name", "?")
        scenes[name] = scenes.get(name, 0) + 1
        if frame == warm_at:
            rss_warm = rss_bytes()
        if frame % (fps * 60) == 0:
            trace.append(rss_bytes())
        if progress and frame % (fps * 60) == 0:
            progress(frame / total)
        if not app.running:
            break
    for t in threading.enumerate():  # let background tallies end before measuring and cleaning up
        if t is not threading.main_thread() and t.daemon:
            t.join(timeout=60)
    rss_end = rss_bytes()
    st = app.store
    scores = len(st.top_all_time(n=10_000)) if st is not None else 0
    leads = len(st.leads()) if st is not None else 0
    if st is not None:
        st.close()
    log = ""
    from game.modes.shared import log_path

    if log_path(app).exists():
        log = log_path(app).read_text()
    out = {"frames": app.frames, "simulated_s": app.frames * dt, "seconds": time.perf_counter() - started,
           "crashes": app.on_error.crashes, "running": app.running, "rss_start": rss_start, "rss_warm": rss_warm,
           "rss_end": rss_end, "growth": (rss_end - rss_warm) / max(1, rss_warm), "plays": kiosk.plays,
           "resets": kiosk.resets, "gestures": visitors.gestures, "scores": scores, "leads": leads,
           "scenes": scenes, "log": log, "trace": trace}
    if tmp is not None:
        tmp.cleanup()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=30.0, help="simulated minutes of kiosk use (30)")
    p.add_argument("--fps", type=int, default=30, help="frames per simulated second (30)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    r = soak(args.minutes, args.fps, args.seed,
             progress=lambda f: print(f"  {f:4.0%}", file=sys.stderr, flush=True))
    mb = 1024 * 1024
    print(f"{r['simulated_s'] / 60:.1f} simulated minutes in {r['seconds']:.0f} s ({r['frames']:,} frames): "
          f"{r['gestures']:,} gestures, {r['plays']} rounds started, {r['resets']} idle resets, "
          f"{r['scores']} scores saved, {r['leads']} leads")
    print("time on screens: " + ", ".join(f"{k} {v / r['frames']:.0%}" for k, v in
                                           sorted(r["scenes"].items(), key=lambda kv: -kv[1])))
    print(f"memory: {r['rss_start'] / mb:.0f} MB at start, {r['rss_warm'] / mb:.0f} MB after warm-up, "
          f"{r['rss_end'] / mb:.0f} MB at the end: {r['growth']:+.1%}")
    print("memory each minute (MB): " + " ".join(f"{b / mb:.0f}" for b in r["trace"]))
    print(f"exceptions caught by the crash guard: {r['crashes']}")
    if r["crashes"]:
        print(r["log"][-4000:])
    ok = r["crashes"] == 0 and r["growth"] < 0.10 and r["running"]
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
