"""Title, scenario select, briefing and rules, driven headless by posted pointer and key events.

The app is made at the logical size, so window and logical positions are the same. Assertions are on
the screens' and the round's state, not on pixels.
"""
import re
from pathlib import Path

import pygame
import pytest

from engine.load import builtin_dir, load
from game.play import flow
from game.core.app import App
from taps import has_tap, settle

DT = 1 / 60
CS = builtin_dir() / "customer_service.yaml"


@pytest.fixture
def app():
    pygame.init()
    a = App((1920, 1080), headless=True)
    opts = a.settings
    opts.background_par = False
    opts.par_seconds = 1.0
    return a


@pytest.fixture(scope="module")
def scenario():
    return load(CS)


def tap(pos):
    return [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)]


def key(k, mod=0):
    return [pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)]


def step(app, events=(), frames=1):
    if has_tap(events):
        settle(app)  # the screen that has just appeared drops taps for a moment (game.core.scene.TapGuard)
    for i in range(frames):
        app.step(DT, list(events) if i == 0 else [])
    return app.stack.top


# --- title ------------------------------------------------------------------------------------------


def test_title_tap_opens_scenario_select(app):
    flow.title(app)
    step(app, frames=30)
    assert app.stack.top.name == "title"
    assert step(app, tap((200, 900))).name == "select"


def test_title_enter_plays_and_esc_quits(app):
    flow.title(app)
    assert step(app, key(pygame.K_RETURN)).name == "select"
    flow.title(app)
    step(app, key(pygame.K_ESCAPE))
    assert not app.running


# --- scenario select ----------------------------------------------------------------------------------


def test_select_lists_builtin_scenarios_and_tap_starts_one(app):
    flow.select(app)
    scene = step(app)
    ids = [e.scenario.id for e in scene.entries if e.scenario is not None]
    assert "customer-service" in ids
    i = next(i for i, e in enumerate(scene.entries) if e.scenario and e.scenario.id == "customer-service")
    while i not in scene.card_rects():
        scene.move(1)
    top = step(app, tap(scene.card_rects()[i].center))
    assert top.name == "briefing"
    assert top.round.scenario.id == "customer-service"
    assert scene.chosen.id == "customer-service"


def test_select_keyboard_moves_focus_and_enter_plays(app):
    flow.select(app)
    scene = step(app)
    first = scene.focus
    step(app, key(pygame.K_RIGHT))
    assert scene.focus == min(first + 1, len(scene.entries) - 1)
    step(app, key(pygame.K_LEFT))
    assert scene.focus == first
    assert step(app, key(pygame.K_RETURN)).name == "briefing"


def test_invalid_custom_scenario_is_a_card_with_line_col_problems(app, tmp_path):
    (tmp_path / "broken.yaml").write_text("format: 1\nid: broken\nsteps:\n  a: {kind: nope}\n")
    (tmp_path / "copy.yaml").write_text(CS.read_text())
    app.settings.scenario_dirs = [tmp_path]
    flow.select(app)
    scene = step(app)
    broken = [e for e in scene.entries if e.scenario is None]
    assert [e.path.name for e in broken] == ["broken.yaml"]
    assert broken[0].problems and all(re.match(r"\d+:\d+: ", p) for p in broken[0].problems)
    assert any(p.startswith("4:") for p in broken[0].problems)  # the bad kind, on its line
    custom = [e for e in scene.entries if e.custom and e.scenario is not None]
    assert [e.path.name for e in custom] == ["copy.yaml"]
    # tapping the broken card only focuses it; nothing starts
    i = scene.entries.index(broken[0])
    while i not in scene.card_rects():
        scene.move(1)
    assert step(app, tap(scene.card_rects()[i].center)) is scene
    assert scene.focus == i and not scene.play_button.enabled


def test_select_esc_goes_back_to_title(app):
    flow.select(app)
    step(app)
    assert step(app, key(pygame.K_ESCAPE)).name == "title"


# --- briefing -----------------------------------------------------------------------------------------


def test_briefing_tap_finishes_the_line_then_advances(app, scenario):
    rnd = flow.start(app, scenario)
    scene = step(app)
    assert scene.name == "briefing" and scene.index == 0
    step(app, frames=5)
    assert scene.typing
    step(app, tap((1200, 600)))  # first tap: the whole line at once
    assert not scene.typing and scene.index == 0
    step(app, tap((1200, 600)))  # second tap: the next line
    assert scene.index == 1 and scene.typing
    step(app, key(pygame.K_SPACE))
    step(app, key(pygame.K_RETURN))
    assert scene.index == 2
    for _ in range(2 * len(scenario.briefing)):
        if app.stack.top is not scene:
            break
        step(app, key(pygame.K_RETURN))
    assert app.stack.top.name == "map"
    assert app.stack.top.round is rnd


def test_briefing_skip_goes_to_the_map_and_esc_back_to_select(app, scenario):
    flow.start(app, scenario)
    scene = step(app)
    assert step(app, tap(scene.skip_button.rect.center)).name == "map"
    flow.start(app, scenario)
    step(app)
    assert step(app, key(pygame.K_ESCAPE)).name == "select"


# --- rules --------------------------------------------------------------------------------------------


def rules_scene(app, scenario):
    rnd = flow.Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    flow.go(app, rnd, "rules")
    return step(app), rnd


def test_every_lever_has_a_widget_with_label_unit_and_help(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    assert set(scene.widgets) == {r.id for r in scenario.rules}
    for rule in scenario.rules:
        w = scene.widgets[rule.id]
        assert w.label == rule.label
        assert scene.help[rule.id]
        if rule.kind == "slider":
            assert w.unit == rule.unit and w.value == rule.default
        else:
            assert w.value == rule.default and w.options == list(rule.values())


def test_dragging_a_slider_changes_the_rule(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    rule = next(r for r in scenario.rules if r.kind == "slider")
    w = scene.widgets[rule.id]
    track = w.track
    step(app, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(track.left + 2, track.centery), button=1)])
    assert rnd.rules[rule.id] == rule.min
    step(app, [pygame.event.Event(pygame.MOUSEMOTION, pos=(track.right, track.centery), rel=(1, 0),
                                  buttons=(1, 0, 0))])
    step(app, [pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(track.right, track.centery), button=1)])
    assert rnd.rules[rule.id] == rule.max
    assert scene.focus == list(scene.widgets).index(rule.id)


def test_tapping_a_choice_changes_the_rule(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    rule = next(r for r in scenario.rules if r.kind == "choice")
    w = scene.widgets[rule.id]
    option = next(o for o in w.options if o != rule.default)
    seg = w.segments()[w.options.index(option)]
    step(app, tap(seg.center))
    assert rnd.rules[rule.id] == option


def test_keyboard_moves_between_levers_and_changes_them(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    first = scenario.rules[0]
    step(app, key(pygame.K_RIGHT))
    assert rnd.rules[first.id] != first.default
    step(app, key(pygame.K_DOWN))
    assert scene.focus == 1
    second = scenario.rules[1]
    step(app, key(pygame.K_LEFT))
    assert rnd.rules[second.id] != second.default
    step(app, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=scene.buttons[2].rect.center, button=1),
               pygame.event.Event(pygame.MOUSEBUTTONUP, pos=scene.buttons[2].rect.center, button=1)])
    assert rnd.rules == scenario.default_rules()  # Reset levers


def test_forecast_follows_the_levers(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    base = scene.wait_forecast()
    assert base is not None and not isinstance(base, str) and base.complete
    assert {"profit", "revenue", "cost", "service_level", "abandon_rate"} <= set(base.kpis)
    rule = next(r for r in scenario.rules if r.kind == "slider")
    scene.set_rule(rule.id, rule.max)
    assert scene.forecast() is None  # nothing kept for a setting not seen before
    moved = scene.wait_forecast()
    assert moved is not None and moved.complete and moved is not base
    assert scene.baseline_forecast == base
    assert moved.kpis["cost"] != base.kpis["cost"]
    from engine.scoring import check_targets, stars

    met = all(t.met for t in check_targets(scenario, moved.kpis))
    assert scene.forecast_stars(moved.kpis) == stars(moved.kpis["profit"], scene.refs.baseline, scene.refs.par, met)


def test_the_settled_forecast_is_the_results_figure_and_its_delta_the_defaults_marker(app, scenario):
    """After a lever move the screen's figure is, to the cent, what the results will measure on the same
    days (sim.run), and its delta is that figure minus the very defaults marker drawn (references)."""
    from engine import sim
    from engine.optimize import references
    from engine.scoring import evaluation_days

    scene, rnd = rules_scene(app, scenario)
    choice = next(r for r in scenario.rules if r.kind == "choice")
    scene.set_rule(choice.id, next(v for v in choice.values() if v != choice.default))
    step(app, frames=2)
    scene.wait_forecast()
    assert scene.settled()
    seed, n = evaluation_days(scenario, rnd.seed)
    figure = sim.run(scenario, rnd.pmap, rnd.rules, seed=seed, replications=n).means()["profit"]
    assert round(scene.profit(), 2) == round(figure, 2)
    refs = references(scenario, scene.par, rnd.seed)
    assert (scene.refs.baseline, scene.refs.par) == (refs.baseline, refs.par)
    assert scene.delta() == scene.profit() - refs.baseline
    scene.reset()  # the default rules on the expert map: the defaults marker itself, to the cent
    assert round(scene.wait_forecast().kpis["profit"], 2) == round(refs.baseline, 2) and round(scene.delta(), 2) == 0


def test_the_forecast_stops_with_the_screen(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    scene.wait_forecast()
    workers = [w for w in scene.forecaster.workers if w is not None]
    assert workers and all(w.alive for w in workers)
    scene.on_back()
    step(app)
    assert app.stack.top.name == "map" and not any(w.alive for w in workers)


def test_rules_enter_runs_the_day_and_esc_goes_back_to_the_map(app, scenario):
    scene, rnd = rules_scene(app, scenario)
    assert step(app, key(pygame.K_RETURN)).name in ("run", "results")
    scene, rnd = rules_scene(app, scenario)
    assert step(app, key(pygame.K_ESCAPE)).name == "map"


# --- the flow: every screen built with its ways on, no stand-ins ---------------------------------------


def test_a_screen_that_fails_to_import_is_an_error_not_a_stand_in():
    """The flow imports every screen: a map editor that crashes on import stops the game with its own
    error (there is no stand-in telling the player the editor "is not installed")."""
    import subprocess
    import sys

    code = ("import sys\n"
            "class Broken:\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        if name == 'game.scenes.mapeditor':\n"
            "            raise RuntimeError('the map editor broke on import')\n"
            "sys.meta_path.insert(0, Broken())\n"
            "import game.play.flow\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0 and "the map editor broke on import" in r.stderr


def test_the_map_editor_hands_the_round_on_to_the_rules_through_the_flow(app, scenario):
    rnd = flow.start(app, scenario, briefing=False)
    editor = step(app)
    assert type(editor).__name__ == "MapEditorScene" and editor.round is rnd
    rnd.edges = list(scenario.reference.edges)
    editor.on_done()
    assert app.stack.top.name == "rules" and app.stack.top.round is rnd and rnd.phase == "rules"
    app.stack.top.on_back()
    assert app.stack.top.name == "map" and app.stack.top.round is rnd


def test_briefing_last_line_offers_the_map(app, scenario):
    flow.start(app, scenario)
    scene = step(app)
    while scene.index + 1 < len(scene.lines) or scene.typing:
        scene.advance()
    step(app)
    assert scene.next_button.label.startswith("Start mapping")


def test_a_finger_picks_a_scenario_once(app):
    """A touch arrives as finger events plus SDL's mouse copies; the card is picked by the finger."""
    flow.select(app)
    scene = step(app)
    i = scene.focus
    x, y = scene.card_rects()[i].center
    fx, fy = x / 1920, y / 1080
    events = [pygame.event.Event(pygame.FINGERDOWN, x=fx, y=fy, dx=0, dy=0, finger_id=1, touch_id=1, pressure=1),
              pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1, touch=True),
              pygame.event.Event(pygame.FINGERUP, x=fx, y=fy, dx=0, dy=0, finger_id=1, touch_id=1, pressure=0),
              pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x, y), button=1, touch=True)]
    top = step(app, events)
    assert top.name == "briefing" and top.round.scenario is scene.entries[i].scenario


def test_a_mode_gives_a_phase_its_own_screen_from_the_first_frame():
    # the kiosk's results ("Save my score") are built by the flow itself, not swapped in a frame later
    from engine.load import builtin_dir, load
    from game.play import flow
    from game.core.app import App
    from game.play.round import Round

    app = App((1280, 720), headless=True)
    rnd = Round(load(builtin_dir() / "tutorial.yaml"))
    made = []
    app.settings.screens["results"] = lambda a, r, **ways: made.append((a, r)) or "kiosk results"
    assert flow.build(app, rnd, "results") == "kiosk results"
    assert made == [(app, rnd)]
    assert type(flow.build(app, rnd, "briefing")).__name__ == "BriefingScene"
