"""Sales demo mode headless: it opens on scenario select, keys jump to any phase of any scenario, and the
what-if screen runs two rule settings of the same map on the same seed."""
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from engine import sim
from engine.load import builtin_dir, load
from game.modes.demo.mode import Demo, WhatIfScene, expert_round, install, what_if_rules

DT = 1 / 30
ROOT = Path(__file__).resolve().parents[2]




@pytest.fixture
def app(mode_app):
    a = mode_app
    install(a)
    opts = a.settings
    opts.background_par, opts.par_seconds = False, 1.0
    return a


@pytest.fixture
def demo(app):
    """The demo's own state: the layer it put above the screens."""
    layers = [layer for layer in app.layers if isinstance(layer, Demo)]
    assert len(layers) == 1
    return layers[0]


def press(app, k, mod=0):
    app.step(DT, [pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)])
    return app.stack.top


def test_demo_opens_on_scenario_select(app):
    app.step(DT, [])
    assert app.mode == "demo" and app.stack.top.name == "select"


def test_keys_jump_to_any_phase_of_any_scenario(app, demo):
    ids = [s.id for s in demo.scenarios()]
    assert len(ids) >= 2
    assert press(app, pygame.K_F2).name == "briefing"
    top = press(app, pygame.K_F3)
    assert top.name == "map" and top.round.edges == list(top.round.scenario.start_map.edges)
    top = press(app, pygame.K_F4)
    assert top.name == "rules" and top.round.edges == list(top.round.scenario.reference.edges)
    assert top.round.map_score == 100
    assert press(app, pygame.K_F5).name == "run"
    assert press(app, pygame.K_F6).name == "results"
    top = press(app, pygame.K_PAGEDOWN)  # the next scenario, same phase, from scratch
    assert top.name == "results" and top.round.scenario.id == ids[1]
    top = press(app, pygame.K_1, pygame.KMOD_CTRL)
    assert top.round.scenario.id == ids[0] and top.name == "results"
    first = top.round
    top = press(app, pygame.K_r, pygame.KMOD_CTRL)  # restart the phase: a new round
    assert top.name == "results" and top.round is not first
    assert press(app, pygame.K_HOME).name == "select"
    press(app, pygame.K_F1)
    assert demo.help
    app.step(DT, [])  # the shortcut card drawn


def test_what_if_runs_two_settings_on_the_evaluation_days(app):
    sc = load(builtin_dir() / "customer_service.yaml")
    rnd = expert_round(sc, seed=4242)
    scene = app.stack.replace(WhatIfScene(app, rnd))
    b = what_if_rules(sc, rnd.rules)
    assert b["seniors"] == rnd.rules["seniors"] + 2  # "what if we hired two more seniors?"
    assert scene.wait(120), scene.error
    a_res, b_res = scene.results
    from engine.scoring import evaluation_days

    seed, reps = evaluation_days(sc, 4242)
    assert a_res.seed == b_res.seed == seed == 4242 and a_res.replications == b_res.replications == reps == 10
    assert a_res.rules["seniors"] + 2 == b_res.rules["seniors"]
    # the same days: identical to running each setting alone on them (common random numbers)
    alone = sim.run(sc, rnd.pmap, b, replications=reps, seed=seed)
    assert alone.summary == b_res.summary
    assert a_res.summary != b_res.summary
    # each column's headline is its profit in money, with its composition
    from engine.money import money_lines

    (pa, sa), (pb, sb) = scene.headlines()
    assert pb == f"{alone.means()['profit']:,.0f} USD"
    assert sb == money_lines(sc, b, alone.means()).sentence()
    assert pa == f"{a_res.means()['profit']:,.0f} USD"
    app.step(DT, [])  # drawn
    # a lever moved on screen: the what-if column reruns with it, the "as set" one stays
    scene.set_rule("juniors", sc.rules[0].values()[0])
    assert scene.stale
    scene.run()
    assert scene.wait(120) and scene.results[1].rules["juniors"] == sc.rules[0].values()[0]
    assert scene.results[0].rules == a_res.rules


def test_f7_opens_what_if_and_same_rules_give_the_same_day(app):
    top = press(app, pygame.K_F7)
    assert isinstance(top, WhatIfScene)
    top.reset()
    top.run()
    assert top.wait(120)
    a_res, b_res = top.results
    assert a_res.summary == b_res.summary  # nothing differs but the rules, and they are the same


def test_main_demo_headless_exits_0(tmp_path):
    r = subprocess.run([sys.executable, "main.py", "--demo", "--headless", "--frames", "60", "--data", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
