"""The game never waits on the engine: maps whose day cannot end, an engine day that raises or that hangs
in one piece, a results tally that never comes. Every frame returns, Skip to the end is a fast-forward
over a bounded number of frames, the run screen and the results end in a readable state, and the kiosk
goes back to attract mode (logged) when its clock runs out.

The two maps are the ones of issue 10, built from the scenario's reference map and the bad edge: the
customer-service `route_need.billing -> route_need` (callers routed back to the router, round and round
in no time; the engine piece that routes them never returns) and the tutorial `desk.done -> desk`
(callers served again and again: the clock runs on for ever in the drain). Where the engine already
refuses such a map, the run screen must say so instead; either way the game goes on.
"""
from __future__ import annotations

import faulthandler
import multiprocessing
import time

import pygame
import pytest

from engine.load import builtin_dir, load
from engine.model import Edge
from engine.sim import Day
from game.play import flow
from game.core.app import App
from game.core.jobs import TOO_LONG, Job
from game.modes.kiosk.mode import KioskOptions, install
from game.ui.layout import auto_layout
from game.play import outcome as tally_module
from game.scenes.run import scout as run_scene  # the watched day and its scout: where the run makes its Day
from game.scenes.mapeditor import LAYOUT_RECT
from game.scenes.results import ResultsScene
from game.scenes.run import RUNAWAY, NoDay, RunScene
from game.play.round import Round
from taps import settle

SAFETY = 300  # seconds: a hang fails the test run with tracebacks instead of blocking it (each test takes
# a few seconds; the margin is for a loaded CI machine, where killing the whole run would be worse)


@pytest.fixture(autouse=True)
def judge_blind(monkeypatch):
    """The engine's map judge refuses these maps now (engine.maps.loops); here it looks away, so the game meets a
    day that cannot end, as it would if a judge missed a loop: defence in depth is what is tested. The
    engine's own guards (engine.budget) still run; a forked child inherits the patch."""
    import engine.maps.loops

    monkeypatch.setattr(engine.maps.loops, "loop_problems", lambda scenario, pmap: [])


@pytest.fixture(autouse=True)
def no_hang():
    faulthandler.dump_traceback_later(SAFETY, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()
    for child in multiprocessing.active_children():  # nothing left running behind a test
        child.kill()


def gone(*names: str) -> bool:
    """No child process of these names is left (a killed one may take a moment to be reaped)."""
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if not any(c.name in names for c in multiprocessing.active_children()):
            return True
        time.sleep(0.05)
    return False


def bad_round(name: str, src: str, port: str, dst: str) -> Round:
    """The scenario's reference map with `src.port` sent to `dst` (a card nothing reaches any more taken off)."""
    sc = load(builtin_dir() / name)
    old = [e for e in sc.reference.edges if e.src == src and e.port == port]
    rest = [e for e in sc.reference.edges if e not in old]
    gone = {e.dst for e in old} - {dst} - {e.dst for e in rest}
    rnd = Round(sc)
    rnd.edges = [e for e in rest if e.src not in gone and e.dst not in gone] + [Edge(src, port, dst)]
    rnd.layout = auto_layout(sc, rnd.edges, None, LAYOUT_RECT)
    return rnd


def loop_in_no_time() -> Round:
    return bad_round("customer_service.yaml", "route_need", "billing", "route_need")


def loop_for_ever() -> Round:
    return bad_round("tutorial.yaml", "desk", "done", "desk")


def run_app(rnd: Round, **kw):
    pygame.init()
    app = App((1920, 1080), headless=True)
    calls = []
    kw.setdefault("scout_stall", 1.0)
    scene = RunScene(app, rnd, on_done=lambda: calls.append("done"), on_back=lambda: calls.append("back"),
                     on_map=lambda: calls.append("map"), **kw)
    app.stack.push(scene)
    return app, scene, calls


def frames_until(app, condition, limit: int = 5000, pause: float = 0.005) -> int:
    """Step frames (as a real loop would: a little wall time each) until `condition()`; the frame count."""
    for n in range(1, limit + 1):
        app.step(1 / 60, [])
        if condition():
            return n
        time.sleep(pause)
    raise AssertionError(f"not after {limit} frames")


def tap(app, pos):
    settle(app)
    app.step(1 / 60, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)])


def assert_ends_calmly(app, scene, rnd, calls, words: str) -> None:
    """The end card of a day that cannot finish: the words, no result, what ran kept, the ways on."""
    assert scene.stuck is not None and words in scene.stuck
    assert rnd.day_unfinished and rnd.result is None and rnd.run_error == scene.stuck
    assert rnd.timeline is not None and rnd.watched_kpis is not None
    for _ in range(30):  # the card stays: no results run, no automatic way on
        app.step(1 / 60, [])
    assert calls == [] and scene._tally_job is None and scene.scout is None
    assert [b.label for b in scene.buttons()] == ["Back to the map", "See the results"]
    tap(app, scene.b_after.rect.center)
    tap(app, scene.b_fix.rect.center)
    assert calls == ["done", "map"]


def refused(scene) -> bool:
    """The engine refused the map before the day began (a map judge that knows such loops)."""
    if isinstance(scene.day, NoDay):
        assert "cannot run" in scene.error and scene.ended_at is not None
        return True
    return False


# --- the two maps of the issue ---------------------------------------------------------------------------


def test_a_loop_in_no_time_never_holds_a_frame_and_ends_calmly():
    rnd = loop_in_no_time()
    app, scene, calls = run_app(rnd)
    assert not refused(scene)
    frames = frames_until(app, lambda: scene.ended_at is not None)
    assert frames > 1  # frames kept coming while the scout was stuck in its first piece of the day
    assert scene.day.now == 0.0  # the watched day never ran the piece that does not return
    assert_ends_calmly(app, scene, rnd, calls, "keeps callers going round in a loop")


def test_skip_on_a_day_that_never_drains_is_a_fast_forward_over_a_few_frames():
    rnd = loop_for_ever()
    app, scene, calls = run_app(rnd)
    assert not refused(scene)
    frames_until(app, lambda: scene.day.now > 0)
    scene.skip()
    frames = frames_until(app, lambda: scene.ended_at is not None, limit=3000)
    assert frames < 3000
    assert scene.horizon < scene.day.now <= scene.horizon * RUNAWAY * 1.01  # stopped, not 4.8 million minutes
    assert not scene.skipping
    assert_ends_calmly(app, scene, rnd, calls, "keeps callers going round in a loop")


def test_the_results_of_a_day_that_could_not_finish_say_so_without_tallying():
    rnd = loop_for_ever()
    app, scene, calls = run_app(rnd)
    assert not refused(scene)
    scene.skip()
    frames_until(app, lambda: scene.ended_at is not None)
    results = ResultsScene(app, rnd)
    app.stack.replace(results)
    for _ in range(5):
        app.step(1 / 60, [])
    assert results.settled and not results.ready and results.tally.job is None
    assert results.unfinished and "going round in a loop" in results.error


# --- an engine day that misbehaves (test doubles of a failing engine day) ----------------------------------


class FailingDay:
    """An engine day that raises once it gets a quarter into the day (a wrapper: a compiled Day cannot be
    subclassed)."""

    def __init__(self, *args, **kwargs):
        self._day = Day(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._day, name)

    def advance(self, until=None):
        if until is None or until > self._day.horizon / 4:
            raise RuntimeError("the engine broke at a quarter past")
        return self._day.advance(until)


class HangingDay(FailingDay):
    """An engine day whose piece past a quarter of the day never returns and yields nothing, as a compiled
    engine stuck in one loop (it would also hold the interpreter)."""

    def advance(self, until=None):
        if until is None or until > self._day.horizon / 4:
            while True:
                time.sleep(0.01)
        return self._day.advance(until)


@pytest.mark.parametrize("background", [True, False])
def test_a_day_that_raises_ends_with_its_message(monkeypatch, background):
    monkeypatch.setattr(run_scene, "Day", FailingDay)
    sc = load(builtin_dir() / "tutorial.yaml")
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    app, scene, calls = run_app(rnd, background=background)
    scene.set_speed(400)
    frames_until(app, lambda: scene.ended_at is not None)
    assert scene.day.now <= scene.horizon / 4
    assert_ends_calmly(app, scene, rnd, calls, "The day stopped with a problem")
    assert "the engine broke at a quarter past" in scene.stuck
    assert "Traceback" not in scene.stuck and "RuntimeError" not in scene.stuck


def test_an_engine_piece_that_never_returns_is_never_run_by_a_frame(monkeypatch):
    monkeypatch.setattr(run_scene, "Day", HangingDay)
    sc = load(builtin_dir() / "tutorial.yaml")
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    app, scene, calls = run_app(rnd)
    scene.skip()
    frames_until(app, lambda: scene.ended_at is not None)
    assert 0 < scene.day.now <= scene.horizon / 4  # played up to where the scout got stuck
    assert_ends_calmly(app, scene, rnd, calls, "taking far too long to simulate")  # a stall: not blamed on the map


def test_a_healthy_day_still_ends_with_its_results_after_a_lever():
    sc = load(builtin_dir() / "tutorial.yaml")
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    app, scene, calls = run_app(rnd, hold=0.0, scout_stall=30.0)
    scene.seek(10.0)
    rule = sc.rules[0]
    value = rule.max if rule.kind == "slider" else rule.options[-1]
    scene.change_rule(rule.id, value)  # the scout starts again with the lever at this moment
    scene.skip()
    frames_until(app, lambda: calls == ["done"])
    assert scene.stuck is None and rnd.result is not None and not rnd.day_unfinished


# --- the results screen's tally -------------------------------------------------------------------------


def never_ends(*args, **kwargs):
    while True:
        time.sleep(0.05)


def test_results_give_up_calmly_past_their_deadline(monkeypatch):
    monkeypatch.setattr(tally_module, "tally", never_ends)
    monkeypatch.setattr(tally_module, "deadline_for", lambda par_seconds: 1.0)
    pygame.init()
    app = App((1920, 1080), headless=True)
    app.settings.background_par = False
    rnd = loop_for_ever()
    scene = ResultsScene(app, rnd)
    app.stack.push(scene)
    frames_until(app, lambda: scene.settled)
    assert not scene.ready and TOO_LONG in scene.error and "loop" in scene.error
    assert gone("results")  # the child was killed


# --- the kiosk -------------------------------------------------------------------------------------------


def kiosk(app, **kw):
    k = install(app, KioskOptions(**kw))
    app.settings.background_par = False
    app.settings.par_seconds = 1.0
    app.step(1 / 30, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(300, 300), button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(300, 300), button=1)])
    assert k.state == "play"
    return k


def kiosk_frames_until(app, condition, seconds: float) -> float:
    """Kiosk frames of 1/30 s of its clock (a little wall time each) until `condition()`; the clock spent."""
    spent = 0.0
    while spent < seconds:
        app.step(1 / 30, [])
        spent += 1 / 30
        if condition():
            return spent
        time.sleep(0.002)
    raise AssertionError(f"not within {seconds} s of the kiosk's clock")


@pytest.mark.parametrize("make", [loop_in_no_time, loop_for_ever], ids=["customer-service", "tutorial"])
def test_the_kiosk_with_a_looping_map_returns_to_attract(mode_app, make):
    """The visitor skips to the end and waits: the round timer ends the round (the results say there is
    no result, or the watchdog ends a tally that cannot finish), then the kiosk goes back to attract."""
    app = mode_app
    k = kiosk(app, round_seconds=3.0, idle_seconds=5.0, countdown=1.0)
    bad = make()
    rnd = flow.start(app, bad.scenario, briefing=False)
    rnd.edges, rnd.layout = bad.edges, bad.layout
    flow.go(app, rnd, "run")
    run = app.stack.top
    run.skip()
    kiosk_frames_until(app, lambda: type(app.stack.top).__name__ == "KioskResults", 10.0)
    results = app.stack.top
    assert results.round is rnd and not results.ready and not results.save_button.enabled
    kiosk_frames_until(app, lambda: k.state == "attract", 30.0)
    assert results.settled or k.watchdog_trips == 1  # "no result" then the idle reset, or the watchdog
    if results.settled:  # the engine's judge refuses the map, or the day was stopped: said in words
        assert "round and round" in results.error or "loop" in results.error
        assert "Error" not in results.error
    assert gone("results", "scout", "results-run")


def test_the_watchdog_ends_a_results_screen_that_never_settles(mode_app, monkeypatch):
    monkeypatch.setattr(tally_module, "tally", never_ends)
    app = mode_app
    k = kiosk(app, round_seconds=3.0)
    rnd = flow.start(app, load(builtin_dir() / "tutorial.yaml"), briefing=False)
    rnd.edges = list(rnd.scenario.reference.edges)
    flow.go(app, rnd, "results")
    spent = kiosk_frames_until(app, lambda: k.state == "attract", 30.0)
    assert spent >= 3.0 and k.watchdog_trips == 1
    from game.modes.shared import log_path

    log = log_path(app).read_text(encoding="utf-8")
    assert "watchdog: the results screen lasted" in log and "back to attract mode" in log
    assert gone("results")


def test_time_up_never_cuts_the_day_a_paused_one_plays_its_end(mode_app):
    app = mode_app
    k = kiosk(app, round_seconds=2.0)
    sc = load(builtin_dir() / "tutorial.yaml")
    rnd = flow.start(app, sc, briefing=False)
    rnd.edges = list(sc.reference.edges)
    flow.go(app, rnd, "run")
    run = app.stack.top
    run.seek(sc.time.horizon * 0.5)
    run.paused = True  # the visitor paused the day: it would not end by itself here
    kiosk_frames_until(app, lambda: k.left == 0.0, 5.0)
    assert app.stack.top is run and run.ended_at is None  # the time is out, and the day goes on
    kiosk_frames_until(app, lambda: app.stack.top is not run, 30.0)
    assert run.day.done and run.stuck is None and run.sim_time >= run.day.now >= sc.time.horizon
    assert app.stack.top.name == "results" and k.day_ended_at is not None


# --- the job itself -------------------------------------------------------------------------------------


def grow_for_ever():
    hoard = []
    while True:
        hoard.append(bytearray(10 ** 7))
        time.sleep(0.001)


def test_a_job_in_a_child_is_killed_past_its_deadline_or_its_memory():
    job = Job(never_ends, name="slow", process=True, deadline=0.5)
    assert job.wait(30) and job.timed_out and job.error == TOO_LONG
    assert gone("slow")
    job = Job(grow_for_ever, name="hungry", process=True, memory_mb=200)
    assert job.wait(30) and job.error is not None and job.result is None
    assert gone("hungry")


def test_a_job_in_a_child_returns_its_result_progress_and_errors():
    def count(n, progress):
        for i in range(n):
            progress(i + 1, n)
        return sum(range(n))

    job = Job(count, 5, process=True, with_progress=True)
    assert job.wait(30) and job.result == 10 and job.progress == (5, 5) and job.in_process
    job = Job(int, "nope", process=True)
    assert job.wait(30) and job.error.startswith("ValueError") and job.result is None
    job = Job(never_ends, process=True)
    job.cancel()
    assert job.done and job.cancelled and job.error == "Stopped."
