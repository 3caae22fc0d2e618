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


def _tap(app, pos):
    from taps import settle

    settle(app)
    pos = tuple(int(v) for v in pos)
    app.step(DT, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                  pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)])


def test_a_lever_moved_marks_the_numbers_stale_until_the_new_run_lands(app):
    from engine.scoring import evaluation_days
    from game.modes.demo.sidebyside import note_text
    from game.modes.demo.whatif import BUTTON, RUNNING

    sc = load(builtin_dir() / "customer_service.yaml")
    rnd = expert_round(sc)
    scene = app.stack.replace(WhatIfScene(app, rnd))
    app.step(DT, [])
    # no numbers yet: the screen says it is running, the button never "Ran both"
    assert scene.results is None and scene.status() == "running" and scene.run_button.label == RUNNING
    assert scene.wait(120), scene.error
    app.step(DT, [])
    assert scene.status() == "fresh" and scene.run_button.label == BUTTON["fresh"]
    assert "only the rules differ" in note_text(scene)
    before = scene.results
    # the presenter taps the start of the juniors' track: fewer juniors
    lever = scene.widgets["juniors"]
    _tap(app, (lever.track.left, lever.track.centery))
    assert scene.rules_b["juniors"] == lever.values[0] != before[1].rules["juniors"]
    # the moment it moved: the numbers on screen are still the previous run's, and say so
    assert scene.results is before and scene.ran == before[1].rules
    assert scene.stale and scene.status() == "stale"
    assert scene.run_button.label == RUNNING and "Ran both" not in scene.run_button.label
    assert "previous setting" in note_text(scene)
    app.step(DT, [])  # drawn stale
    # the new run lands: its numbers replace the old ones, and they are the engine's for the new levers
    assert scene.wait(120), scene.error
    app.step(DT, [])
    a_res, b_res = scene.results
    assert scene.results is not before and b_res.rules["juniors"] == lever.values[0]
    seed, reps = evaluation_days(sc, rnd.seed)
    assert b_res.summary == sim.run(sc, rnd.pmap, scene.rules_b, replications=reps, seed=seed).summary
    assert a_res.summary == before[0].summary  # the rules as set: the same days, the same numbers
    assert scene.status() == "fresh" and scene.run_button.label == BUTTON["fresh"]
    assert "previous setting" not in note_text(scene)
    # the hourly charts are of the same setting and seed (game.play.daystats)
    from game.play.daystats import hourly

    assert scene.hourly[1].queue == hourly(sc, rnd.pmap, scene.rules_b, seed, 2).queue


def test_a_lever_moved_while_a_run_is_under_way_waits_for_it(app):
    sc = load(builtin_dir() / "customer_service.yaml")
    scene = app.stack.replace(WhatIfScene(app, expert_round(sc)))
    first = dict(scene.asked)
    scene.set_rule("juniors", sc.rules[0].values()[0])  # before the first run lands
    assert scene.pending and scene.stale
    assert scene.wait(120), scene.error
    assert scene.ran == scene.rules_b != first and scene.results[1].rules["juniors"] == sc.rules[0].values()[0]


@pytest.mark.parametrize("name", ["tutorial", "supply_chain"])
def test_the_what_if_screen_draws_no_identifier(app, name, monkeypatch):
    from words_check import leaks, record

    drawn = record(monkeypatch)
    sc = load(builtin_dir() / f"{name}.yaml")
    scene = app.stack.replace(WhatIfScene(app, expert_round(sc)))
    assert scene.wait(120), scene.error
    app.step(DT, [])
    assert "Profit" in drawn and len(drawn) > 30
    assert not leaks(drawn, sc), leaks(drawn, sc)
