"""The kiosk round's budget (game.modes.kiosk.budget), the run's pace from `play_seconds`
(game.scenes.run.pace), and what the time running out before the day does with the visitor's map
(game.modes.kiosk.timer.settle_map)."""
from types import SimpleNamespace

import pytest

from engine.kiosk import kiosk_scenario
from engine.load import builtin_dir, load
from engine.maps import Attempts, score_map
from engine.model import Edge, ProcessMap
from game.modes.kiosk import budget as B
from game.modes.kiosk.timer import next_words, settle_map
from game.play.round import Round

BUILTIN = sorted(p.stem for p in builtin_dir().glob("*.yaml"))


@pytest.mark.parametrize("name", BUILTIN)
def test_the_budget_adds_up_and_leaves_the_day_its_share(name):
    sc = kiosk_scenario(load(builtin_dir() / f"{name}.yaml"))
    total = sc.kiosk.round_seconds
    b = B.plan(sc, total)
    assert b.before_run + b.decisions + b.times_up + b.end + b.run == pytest.approx(total)
    free = total - b.decisions - b.times_up - b.end
    assert b.run >= max(B.MIN_RUN_SECONDS, B.RUN_SHARE * free) - 0.2  # rounding to a tenth, three times
    cards, links = B.to_place(sc)
    assert 4 <= links <= 6 and cards == len({s for e in sc.reference.edges for s in (e.src, e.dst)}
                                             - set(sc.start_map.steps))
    # deadlines in order; the phases' words
    assert 0 < b.deadline("briefing") <= b.deadline("map") <= b.deadline("rules") == b.before_run < total
    assert b.phase_words("map", b.briefing) == (pytest.approx(b.map), "to build your map")
    late = b.deadline("map") + 1.0
    assert b.phase_words("map", late) == (pytest.approx(b.before_run - late), "until the day starts")
    assert b.phase_words("run", 100.0) == (pytest.approx(max(0.0, total - 100.0)), "for the day to play")
    assert sum(s for _, s in b.parts()) == pytest.approx(total)


def test_a_stranger_s_needs_are_what_the_budget_gives_when_there_is_room():
    sc = kiosk_scenario(load(builtin_dir() / "customer_service.yaml"))
    b = B.plan(sc, 600.0)  # room for everything: nothing scaled
    cards, links = B.to_place(sc)
    assert b.briefing == B.READ_SECONDS * len(sc.briefing)
    assert b.map == B.PLACE_SECONDS * (cards + links) + B.CHECK_SECONDS
    assert b.rules == B.LEVER_SECONDS * len(sc.rules) + B.START_SECONDS
    short = B.plan(sc, 60.0)  # too short: the phases before the day scaled down together, the day keeps its share
    assert short.briefing / short.map == pytest.approx(b.briefing / b.map, rel=0.02)
    assert short.run >= B.MIN_RUN_SECONDS - 0.2


def test_decisions_seconds_are_reserved_from_the_day():
    sc = kiosk_scenario(load(builtin_dir() / "customer_service.yaml"))
    parts = {f: getattr(sc, f) for f in ("briefing", "rules", "reference", "start_map")}
    plain = B.plan(SimpleNamespace(**parts, events=[SimpleNamespace(at=100.0)]), 180.0)  # no decision
    asked = [SimpleNamespace(at=300.0, decision=SimpleNamespace(seconds=15)),
             SimpleNamespace(at=400.0, decision=SimpleNamespace(seconds=None)),
             SimpleNamespace(at=100.0)]  # an event without a decision
    with_decisions = SimpleNamespace(**parts, events=asked)
    assert plain.decisions == 0
    assert B.decision_seconds(with_decisions) == [15.0, B.DEFAULT_DECISION_SECONDS]
    b = B.plan(with_decisions, 180.0)
    assert b.decisions == 15.0 + B.DEFAULT_DECISION_SECONDS
    # room for the phases before the day either way: the decisions' seconds come out of the day's
    assert b.before_run == plain.before_run and b.run == pytest.approx(plain.run - b.decisions)


# --- the run's pace --------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [20.0, 45.0])
def test_the_day_plays_whole_in_about_its_play_seconds(mode_app, seconds):
    from game.scenes.run import RunScene

    sc = load(builtin_dir() / "tutorial.yaml")
    rnd = Round(sc, edges=list(sc.reference.edges))
    run = RunScene(mode_app, rnd, play_seconds=seconds, background=False, hold=0.0)
    frames = 0
    while run.ended_at is None and frames < 10_000:
        run.update(0.05, [])
        frames += 1
    assert run.day.done and run.stuck is None and run.sim_time >= run.day.now >= sc.time.horizon
    assert 0.8 * seconds <= run.ended_at <= seconds + 0.5  # the day's wall time, on the frames' clock
    assert run.speed > 1.0  # faster than 1x (90 s a day) to fit


def test_a_speed_the_player_picks_is_the_least_and_the_pace_never_slows_it(mode_app):
    from game.scenes.run import RunScene

    sc = load(builtin_dir() / "tutorial.yaml")
    run = RunScene(mode_app, Round(sc, edges=list(sc.reference.edges)), play_seconds=60.0, background=False)
    run.update(0.05, [])
    paced = run.speed
    assert 1.0 <= paced < 10.0
    run.set_speed(10.0)
    run.update(0.05, [])
    assert run.speed == 10.0  # the player's pick, faster than the pace
    run.set_speed(1.0)
    run.update(0.05, [])
    assert run.speed >= paced - 1e-9  # not slower than the day needs


# --- time's up before the day ------------------------------------------------------------------------


def kiosk_round(phase="map"):
    sc = kiosk_scenario(load(builtin_dir() / "customer_service.yaml"))
    rnd = Round(sc)
    rnd.phase = phase
    return sc, rnd


def test_time_up_on_an_unfinished_map_runs_the_expert_map_and_keeps_the_map_s_score():
    sc, rnd = kiosk_round()
    rnd.edges = list(sc.start_map.edges) + [sc.reference.edges[2]]  # one link of the five, ports still open
    expected = score_map(sc, rnd.pmap)
    assert "expert's map" in next_words(rnd)
    settle_map(rnd)
    assert rnd.edges == list(sc.reference.edges) and rnd.map_score == expected > 0


def test_time_up_with_a_checked_map_runs_the_best_attempt():
    sc, rnd = kiosk_round()
    rnd.attempts = Attempts(sc)
    overflow = next(e for e in sc.reference.edges if e.port == "overflow")
    wrong = Edge(overflow.src, overflow.port, "hung_up")  # a runnable map with one link the expert routes elsewhere
    best = ProcessMap(tuple(wrong if e == overflow else e for e in sc.reference.edges), scenario=sc.id)
    assert rnd.attempts.submit(best).counted
    rnd.edges = list(sc.start_map.edges)  # changed since, not checked: the best attempt counts
    assert "best map" in next_words(rnd)
    settle_map(rnd)
    assert rnd.edges == list(best.edges) and rnd.map_score == score_map(sc, best) < 100


def test_time_up_on_the_rules_keeps_the_map_and_rules():
    sc, rnd = kiosk_round("rules")
    rnd.edges, rnd.map_score = list(sc.reference.edges), 100
    rnd.rules["juniors"] = 40
    assert "your map and your rules" in next_words(rnd)
    settle_map(rnd)
    assert rnd.edges == list(sc.reference.edges) and rnd.map_score == 100 and rnd.rules["juniors"] == 40
