"""A whole round played by the autoplay through the real screens; the command-line entry points of the
game (`--headless --frames`, `play --autoplay`, `screenshots`) exit 0 and do their job."""
import subprocess
import sys
import time
from pathlib import Path

import pygame

from engine.optimize import load_par
from game.play import flow
from game.core.app import App
from game.tools.autoplay import Autoplay

ROOT = Path(__file__).resolve().parents[3]


def test_autoplay_plays_a_round_from_title_to_results():
    pygame.init()
    app = App((1280, 720), headless=True)  # a window smaller than the logical surface: taps are translated
    opts = app.settings
    opts.background_par = False
    opts.par_seconds = 1.0
    driver = Autoplay(app, scenario_id="customer-service", pace=0.02)
    flow.title(app)
    seen = []
    end = time.monotonic() + 60
    while time.monotonic() < end:
        app.step(1 / 60, driver.events(1 / 60))
        name = app.stack.top.name
        if not seen or seen[-1] != name:
            seen.append(name)
        if name == "results" and app.stack.top.ready:
            break
        if name == "results" or name == "run":
            time.sleep(0.005)  # let the background work have the interpreter
    scene = app.stack.top
    assert scene.name == "results" and scene.ready, seen
    assert seen[:4] == ["title", "select", "briefing", "map"], seen
    assert "rules" in seen
    rnd = scene.round
    sc = rnd.scenario
    assert set(rnd.edges) == set(sc.reference.edges)
    assert rnd.map_score == 100
    par = load_par(sc)
    expected = {**sc.default_rules(), **(par.best_rules if par else {})}
    assert rnd.rules == expected
    assert driver.finished
    assert scene.outcome.grade.map_score == 100
    # the attract loop's promise, "Can you beat par?": par's rules on the expert map earn every star
    assert par is not None and scene.outcome.grade.stars == 3
    assert scene.outcome.grade.score == scene.outcome.grade.par


def run_main(*args, timeout=120):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**__import__("os").environ, "SDL_VIDEODRIVER": "dummy",
                                                "SDL_AUDIODRIVER": "dummy"})


def test_main_headless_frames_exits_0():
    r = run_main("--headless", "--frames", "60")
    assert r.returncode == 0, r.stderr


def test_main_play_autoplay_headless_exits_0():
    r = run_main("play", "--autoplay", "--headless", "--frames", "240")
    assert r.returncode == 0, r.stderr
    assert "autoplay: 240 frames" in r.stderr


def test_screenshots_command_writes_every_state(tmp_path):
    r = run_main("screenshots", str(tmp_path), "--size", "640x360")
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    for state in ("title", "select", "briefing", "map_empty", "map_finished", "rules", "results"):
        assert any(n.endswith(f"_{state}.png") for n in names), (state, names)
    img = pygame.image.load(str(tmp_path / names[0]))
    assert img.get_size() == (640, 360)
