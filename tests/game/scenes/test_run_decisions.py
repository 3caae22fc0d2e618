"""The run scene's decisions at the shocks and its mid-day rule changes, headless, on the customer-service
day (its storm asks what to do): the day stops at the decision with its clock frozen, a card decides and
the day's script holds it, the chosen card's forecast is the results' profit to the digit, the kiosk's
timer takes the default, a slider dragged across four values is one change, and the results measure the
day as played (a lever pulled late counts from then on)."""
from __future__ import annotations

import pygame
import pytest

from engine.load import builtin_dir, load
from engine.scoring import evaluation_days
from engine.sim import run
from game.core.app import App
from game.play.round import Round
from game.scenes.mapeditor import LAYOUT_RECT
from game.scenes.run import RunScene
from game.ui.layout import auto_layout
from taps import settle

DOWN, UP, MOTION = pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "customer_service.yaml")


def storm(scenario) -> int:
    return next(i for i, ev in enumerate(scenario.events) if ev.decision is not None)


def make(scenario, **kw):
    pygame.init()
    app = App((1920, 1080), headless=True)
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    rnd.layout = auto_layout(scenario, rnd.edges, None, LAYOUT_RECT)
    done = []
    kw.setdefault("background", False)
    kw.setdefault("hold", 0.0)
    scene = RunScene(app, rnd, on_done=lambda: done.append(True), **kw)
    app.stack.push(scene)
    settle(app)  # a player's first tap comes after the screen is up (the tap guard)
    return app, scene, rnd, done


def tap(app, pos):
    app.step(1 / 60, [pygame.event.Event(DOWN, {"pos": pos, "button": 1}),
                      pygame.event.Event(UP, {"pos": pos, "button": 1})])


def to_the_decision(app, scene):
    scene.set_speed(400)
    for _ in range(2000):
        if scene.dialog is not None:
            return
        app.step(1 / 60, [])
    raise AssertionError("the day never stopped at its decision")


def card(scene, choice_id):
    ids = [c.id for c in scene.dialog.view.choices]
    return scene.dialog.cards[ids.index(choice_id)]


def measured(scenario, rnd):
    seed, reps = evaluation_days(scenario, rnd.seed)
    return run(scenario, rnd.pmap, rnd.start_rules, replications=reps, seed=seed, script=tuple(rnd.played))


def test_the_day_stops_at_the_decision_with_its_clock_frozen(scenario):
    app, scene, rnd, _ = make(scenario)
    to_the_decision(app, scene)
    i = storm(scenario)
    assert scene.day.asking == i and scene.day.now == pytest.approx(scenario.events[i].at)
    frozen = (scene.day.now, scene.sim_time)
    for _ in range(30):
        app.step(1 / 60, [])
    assert (scene.day.now, scene.sim_time) == frozen and scene.dialog is not None
    scene.skip()  # Skip to the end waits for the decision too
    app.step(1 / 60, [])
    assert scene.day.now == frozen[0] and scene.ended_at is None


def test_a_card_decides_and_its_forecast_is_the_results_profit(scenario):
    app, scene, rnd, done = make(scenario)
    to_the_decision(app, scene)
    assert scene.outlooks.ready  # in this thread (background=False) the forecasts are made at once
    forecasts = scene.outlooks.profits()
    assert set(forecasts) == {c.id for c in scene.dialog.view.choices}
    assert len({round(p, 6) for p in forecasts.values()}) == len(forecasts)  # the choices differ
    i = storm(scenario)
    tap(app, card(scene, "temps").rect.center)
    assert scene.dialog is None
    assert (scenario.events[i].at, "decide", (i, "temps")) in [(float(t), k, tuple(w)) for t, k, w in scene.day.played]
    assert rnd.decisions == [(pytest.approx(scenario.events[i].at), i, "temps", forecasts)]
    assert any("Call in 6 temps" in b[1] for b in scene.banners)
    scene.skip()
    app.step(1 / 60, [])
    assert done == [True]
    assert rnd.result.means()["profit"] == pytest.approx(forecasts["temps"], abs=1e-6)
    assert rnd.result.summary == measured(scenario, rnd).summary
    assert "decision" in scene.day_changes_sentence() and "1 decision" in scene.day_changes_sentence()


def test_after_a_decision_the_clock_goes_on_from_the_decision_not_from_where_the_frame_aimed(scenario):
    """The frame that met the decision aimed past it; the scout, starting again after the choice, has proven
    nothing further yet: the clock must wait at the decision, not jump to where that frame aimed."""
    app, scene, rnd, _ = make(scenario)
    to_the_decision(app, scene)
    at = scene.day.now
    scene.decide(scene.dialog.view.choices[-1].id)
    scene.proven = at  # as a restarted scout: proven up to the decision, no further
    for _ in range(5):
        app.step(1 / 60, [])
        assert scene.sim_time == pytest.approx(scene.day.now) and scene.day.now == pytest.approx(at)
    scene.proven = float("inf")
    app.step(1 / 60, [])
    assert scene.day.now > at and scene.sim_time == pytest.approx(scene.day.now, abs=scene.rate_1x)


def test_keys_pick_a_choice_and_its_rules_hold_from_then(scenario):
    app, scene, rnd, _ = make(scenario)
    to_the_decision(app, scene)
    second = scene.dialog.view.choices[1]
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, {"key": pygame.K_2, "mod": 0, "unicode": "2"})])
    assert scene.dialog is None and rnd.decisions[0][2] == second.id
    taken = scenario.events[storm(scenario)].decision.choice(second.id)
    assert taken.rules and all(rnd.rules[k] == v and scene.day.rules[k] == v for k, v in taken.rules.items())
    assert rnd.start_rules != rnd.rules  # the day began with the rules it was given
    scene.open_levers()  # the panel shows the rules in force now
    assert all(w.value == rnd.rules[w.rule.id] for w in scene.widgets)


def test_the_kiosk_timer_takes_the_default(scenario):
    app, scene, rnd, _ = make(scenario, decide_within=True)
    to_the_decision(app, scene)
    d = scenario.events[storm(scenario)].decision
    seconds = scene.dialog.left
    assert seconds == pytest.approx(d.seconds)
    steps = 0
    while scene.dialog is not None and steps < 10_000:
        app.step(0.1, [])
        steps += 1
    assert steps * 0.1 >= d.seconds - 1e-9  # not before its time
    assert rnd.decisions[0][2] == d.default
    assert any(k == "decide" and tuple(w)[1] == d.default for _, k, w in scene.day.played)
    assert any("as time ran out" in b[1] for b in scene.banners)


def test_a_slider_dragged_across_four_values_is_one_change(scenario):
    app, scene, rnd, _ = make(scenario)
    scene.set_speed(60)
    while scene.day.now < 60:
        app.step(1 / 60, [])
    scene.open_levers()
    slider = next(w for w in scene.widgets if w.rule.id == "seniors")
    start = slider.index
    xs = [slider.track.left + slider.track.width * (start + k) / (len(slider.values) - 1) for k in range(5)]
    app.step(1 / 60, [pygame.event.Event(DOWN, {"pos": (slider.knob_x(), slider.track.centery), "button": 1})])
    for x in xs[1:]:
        app.step(1 / 60, [pygame.event.Event(MOTION, {"pos": (int(x) + 1, slider.track.centery), "buttons": (1, 0, 0)})])
    app.step(1 / 60, [pygame.event.Event(UP, {"pos": (int(xs[-1]) + 1, slider.track.centery), "button": 1})])
    new = slider.values[start + 4]
    assert slider.value == new
    assert rnd.rules["seniors"] == slider.values[start] and not scene.changes  # pending until the panel closes
    app.step(1 / 60, [])
    assert scene.outlooks.ready  # the change against keeping the rules, forecast once the slider was let go
    keep, change = scene.outlooks.outlook("keep"), scene.outlooks.outlook("change")
    assert keep.kpis["profit"] != change.kpis["profit"]
    banners = len(scene.banners)
    tap(app, scene.b_close_levers.rect.center)
    assert not scene.levers_open
    assert rnd.rules["seniors"] == new and scene.day.rules["seniors"] == new
    assert len(scene.banners) == banners + 1 and rnd.changes_made == 1
    assert scene.changes and scene.changes[0][1:] == ("seniors", slider.values[start], new)
    assert "once" in scene.day_changes_sentence()
    scene.skip()  # the storm's decision: the default
    if scene.dialog is not None:
        scene.decide(scene.dialog.view.default)
    app.step(1 / 60, [])
    # nothing changed after the lever: the change's forecast is the results' profit
    assert rnd.result.means()["profit"] == pytest.approx(change.kpis["profit"], abs=1e-6)


def test_keep_the_rules_closes_without_a_change(scenario):
    app, scene, rnd, _ = make(scenario)
    app.step(0.2, [])
    scene.open_levers()
    ivr = next(w for w in scene.widgets if w.rule.id == "ivr")
    tap(app, ivr.segments()[1].center)
    assert scene.lever_panel.changes()
    tap(app, scene.lever_panel.b_keep.rect.center)
    assert not scene.levers_open and not scene.changes and rnd.changes_made == 0


def test_the_results_measure_the_day_as_played(scenario):
    """A lever pulled near the end of the day changes the profit less than the same rule from the start."""
    app, scene, rnd, done = make(scenario)
    default = rnd.rules["seniors"]
    more = max(scenario.rule("seniors").values())
    scene.set_speed(400)
    late = scenario.time.horizon * 0.9
    while scene.day.now < late:
        if scene.dialog is not None:
            scene.decide(scene.dialog.view.default)
        app.step(1 / 60, [])
    scene.change_rule("seniors", more)
    scene.skip()
    app.step(1 / 60, [])
    assert done == [True]
    assert rnd.start_rules["seniors"] == default and rnd.rules["seniors"] == more
    late_profit = rnd.result.means()["profit"]
    assert rnd.result.summary == measured(scenario, rnd).summary
    seed, reps = evaluation_days(scenario, rnd.seed)
    base = run(scenario, rnd.pmap, rnd.start_rules, replications=reps, seed=seed).means()["profit"]
    whole = run(scenario, rnd.pmap, dict(rnd.start_rules, seniors=more), replications=reps,
                seed=seed).means()["profit"]
    assert abs(late_profit - base) < abs(whole - base)
    assert rnd.outcome is None
    from game.play.outcome import players_run, watched_of

    result = players_run(rnd)
    assert result is rnd.result
    w = watched_of(rnd, result)
    assert w.rules_changed and w.profit == pytest.approx(result.per_replication[0]["profit"])
    # the day watched is day 1 of the days measured, levers and all
    assert rnd.watched_kpis["profit"] == pytest.approx(result.per_replication[0]["profit"], abs=1e-9)


def test_in_the_background_the_forecasts_come_from_a_child_and_the_scout_starts_again(scenario):
    import time

    app, scene, rnd, _ = make(scenario, background=True)
    scene.seek(scenario.events[storm(scenario)].at + 1e-6)
    assert scene.dialog is not None and scene.outlooks.job is not None  # off the frame's thread
    assert not scene.outlooks.ready and all(o is None for o in scene._choice_outlooks().values())
    end = time.monotonic() + 120
    while not scene.outlooks.ready and time.monotonic() < end:
        app.step(1 / 60, [])
        time.sleep(0.01)
    assert scene.outlooks.ready and scene.day.now == pytest.approx(scenario.events[storm(scenario)].at)
    before = scene.scout
    scene.decide("temps")
    assert scene.scout is not None and scene.scout is not before and scene.proven <= scene.day.now
    scene.stop_work()
