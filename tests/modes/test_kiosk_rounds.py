"""Whole kiosk rounds, the kiosk's clock simulated: a stranger's, and the attract loop's.

A scripted stranger plays a kiosk round of every built-in scenario through the real screens, with human
pauses (game.tools.autoplay.STRANGER: 2 s a card or a link, 3 s a lever, no speed buttons, no skip), and
finishes within the scenario's `kiosk.round_seconds`, having seen the whole day and then the results.

The kiosk's clock is simulated: frames of `DT` seconds, each given the engine work a second of a 60 fps
kiosk gives the watched day (`FRAME_BUDGET` scaled), so a 180 s round does not take 180 wall seconds. The
day's background work is real (the scout that proves the day, the results run); while the screen waits
on it the clock does not move, as on a kiosk fast enough for it.

The attract loop plays the built-ins in turn, the tutorial first, with the leaderboard between rounds; a
visitor who taps meets the tutorial first on scenario select."""
import time

import pytest

from engine.load import builtin_dir, load
from game.modes.kiosk.budget import plan
from game.modes.kiosk.mode import BoardsScene, KioskOptions, install
from game.modes.shared import store
from game.play.catalogue import catalogue
from game.scenes.results import ResultsScene
from game.scenes.run import RunScene
from game.scenes.run import scene as run_scene
from game.tools.autoplay import STRANGER, Autoplay
from game.ui import theme as T

DT = 0.1
BUILTIN = sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def wait_for_background(top) -> None:
    """The day waiting on its scout or its results run: wait for them, the kiosk's clock standing still."""
    end = time.monotonic() + 120
    if isinstance(top, RunScene):
        while time.monotonic() < end and top.ended_at is None and top.scout is not None \
                and top.proven < top.sim_time + DT * top.rate_1x * top.speed:
            time.sleep(0.003)
            top._watch_scout()
        while time.monotonic() < end and top.ended_at is not None and top.stuck is None and not top.tallied:
            time.sleep(0.01)
    elif isinstance(top, ResultsScene) and not top.settled:
        top.wait(120)


def play_a_round(app, kiosk, scenario_id: str, limit: float = 400.0):
    """The stranger's round from the attract screen to the results; what was seen on the way."""
    stranger = Autoplay(app, scenario_id=scenario_id, pauses=STRANGER, human=True)
    app.step(DT, stranger.tap((T.W // 2, 680)))  # "Tap to play"
    assert kiosk.state == "play" and app.stack.top.name == "select"
    seen = {"runs": [], "times_up": False, "skipped": False, "run_started_at": None}
    clock = 0.0
    while clock < limit:
        top = app.stack.top
        wait_for_background(top)
        app.step(DT, stranger.events(DT))
        clock += DT
        top = app.stack.top
        seen["times_up"] |= kiosk.times_up is not None
        if isinstance(top, RunScene):
            if top not in seen["runs"]:
                seen["runs"].append(top)
                seen["run_started_at"] = kiosk.elapsed
            seen["skipped"] |= top.skipping
        if isinstance(top, ResultsScene) and top.settled:
            assert kiosk.state == "play"
            return top, seen
    raise AssertionError(f"no results within {limit} s of the kiosk's clock; on {app.stack.top.name}")


@pytest.mark.parametrize("name", BUILTIN)
def test_a_stranger_finishes_a_kiosk_round_within_its_time_and_sees_the_whole_day(mode_app, monkeypatch, name):
    monkeypatch.setattr(run_scene, "FRAME_BUDGET", run_scene.FRAME_BUDGET * DT * 60)
    app = mode_app
    kiosk = install(app, KioskOptions())
    app.settings.background_par = False
    sc = load(builtin_dir() / f"{name}.yaml")
    results, seen = play_a_round(app, kiosk, sc.id)

    rnd = results.round
    assert rnd.scenario.id == sc.id and type(results).__name__ == "KioskResults"
    # the round's map came from the kiosk's start map and the stranger placed the rest: the expert map
    assert set(rnd.scenario.start_map.edges) == set(sc.kiosk.start_map.edges)
    assert set(rnd.edges) == set(sc.reference.edges) and rnd.map_score == 100
    # in time: the day started before the budget's "Time's up", and ended within the round's seconds
    budget = plan(rnd.scenario, sc.kiosk.round_seconds)
    assert not seen["times_up"] and seen["run_started_at"] <= budget.before_run
    assert kiosk.day_ended_at is not None and kiosk.day_ended_at <= sc.kiosk.round_seconds
    # the whole day, once, never cut nor skipped
    assert len(seen["runs"]) == 1 and not seen["skipped"]
    day = seen["runs"][0]
    assert day.day.done and day.stuck is None and day.ended_at is not None
    assert day.sim_time >= day.day.now >= sc.time.horizon
    # and the results of that day, tallied
    assert results.ready and rnd.result is not None and rnd.run_error is None
    assert rnd.outcome is not None and rnd.outcome.grade.map_score == 100


def test_the_attract_loop_plays_each_built_in_in_turn_with_the_leaderboard_between(mode_app):
    app = mode_app
    kiosk = install(app, KioskOptions(attract_pace=0.05, boards_seconds=2.0))
    app.settings.background_par = False
    store(app).add_score("ADA", "customer-service", 4105.0, 3, 100)
    ids = [e.scenario.id for e in catalogue() if e.scenario is not None]
    played, between, after_boards = [], [], []
    clock = 0.0
    while clock < 600 and len(between) < 3:
        top = app.stack.top
        wait_for_background(top)
        app.step(DT, [])
        clock += DT
        top = app.stack.top
        rnd = getattr(top, "round", None)
        if top.name == "map" and (not played or played[-1][1] is not rnd):
            played.append((rnd.scenario.id, rnd))
        if isinstance(top, BoardsScene) and top not in between:
            between.append(top)
        if between and top.name == "title" and len(after_boards) < len(between):
            after_boards.append(top)
    assert kiosk.state == "attract" and len(between) == 3, (clock, [p[0] for p in played])
    assert [p[0] for p in played[:3]] == ids[:3] and ids[0] == "tutorial"  # in turn, the tutorial first
    for boards in between:  # the leaderboard between rounds: nobody's entry, no buttons, today's scores
        assert boards.attract and boards.buttons == [] and boards.my_profit is None
        assert [e.initials for e in boards.today] == ["ADA"]
    assert len(after_boards) >= 2  # then the title and the next round
    # a visitor's round after it, and attract mode again: the loop goes on with the next scenario
    app.step(DT, Autoplay(app).tap((900, 500)))
    assert kiosk.state == "play"
    select = app.stack.top
    assert select.name == "select" and select.entries[0].scenario.id == "tutorial"  # first for a new player
    assert 0 in select.card_rects() and select.focus == 0
    kiosk.to_attract()
    assert kiosk.driver.scenarios[0] == ids[3 % len(ids)]
