"""The forecast's worker processes (game.play.forecaster): real forked workers, killed with SIGKILL.

No wall-clock assertion here (speed is benchmarks/forecast.py's): what is checked is what the workers
send back (the results' figure, to the bit), that a newer setting goes before an older one, that a half-run
setting resumes, and that a runaway day gets its worker killed and the forecast goes on.
"""
import time

import pytest

from engine import sim
from engine.load import builtin_dir, load
from engine.optimize.evaluate import rules_key
from engine.scoring import evaluation_days
from game.core.jobs import can_fork
from game.play.forecaster import SLOW_FORECAST, STOPPED, Forecaster

forked = pytest.mark.skipif(not can_fork(), reason="the forecast workers are forked")


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "customer_service.yaml")


def results(scenario, rules):
    seed, n = evaluation_days(scenario)
    return sim.run(scenario, scenario.reference, rules, seed=seed, replications=n).means()


def day_started(f, rules) -> bool:
    """With the default rules settled, ask for `rules` and wait until a worker's day of it has begun."""
    f.wait(f.defaults)
    f.ask(rules)
    return until(lambda: any(w is not None and w[0] == f.current for w in f.working), f)


def until(condition, forecaster, timeout=60.0):
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        forecaster.poll()
        time.sleep(0.002)
    return condition()


@forked
def test_the_workers_stream_the_days_and_settle_on_the_results_figure(scenario):
    f = Forecaster(scenario, scenario.reference)
    try:
        rules = dict(scenario.default_rules(), juniors=44, pitch="hard_sell")
        f.ask(rules)
        seen = set()
        while not f.settled(rules):
            f.poll()
            got = f.forecast(rules)
            if got is not None:
                seen.add(got.days)
            time.sleep(0.002)
        final = f.forecast(rules)
        assert final.complete and final.kpis == results(scenario, rules)
        assert min(seen) < final.of  # estimates came before the full set
        assert all(w is not None and w.alive for w in f.workers)  # they stay, for the next setting
    finally:
        f.stop()
    assert all(w is None for w in f.workers)


@forked
def test_a_superseded_setting_does_not_block_the_new_one_and_resumes_later(scenario):
    f = Forecaster(scenario, scenario.reference, workers=1)
    try:
        old = dict(scenario.default_rules(), juniors=30)
        new = dict(scenario.default_rules(), juniors=46)
        assert day_started(f, old)
        f.ask(new)
        assert f.wait(new).complete
        # the one worker left the old setting after at most the day it was in: the new one did not wait
        assert len(f.days[rules_key(old)]) <= 1
        assert f.forecast(new).kpis == results(scenario, new)
        # idle, the worker finishes the old setting (going back to it is then instant), from where it was
        assert f.wait(old).kpis == results(scenario, old)
        assert f.restarts == 0
    finally:
        f.stop()


@forked
def test_going_back_to_a_setting_is_answered_from_the_kept_days(scenario):
    f = Forecaster(scenario, scenario.reference)
    try:
        a = dict(scenario.default_rules(), seniors=10)
        first = f.wait(a)
        f.ask(scenario.default_rules())
        f.ask(a)
        assert f.settled(a) and f.forecast(a) == first  # no worker asked again
    finally:
        f.stop()


@forked
def test_a_runaway_day_gets_its_worker_killed_and_the_forecast_goes_on(scenario):
    """A day past its deadline (as a map looping for ever would be) is stopped: SIGKILL, a fresh worker."""
    f = Forecaster(scenario, scenario.reference, workers=1, day_deadline=0.0)
    try:
        stuck = dict(scenario.default_rules(), juniors=33)
        assert f.wait(stuck) == SLOW_FORECAST
        assert f.restarts >= 1
        f.day_deadline = 60.0
        fine = dict(scenario.default_rules(), juniors=35)
        assert f.wait(fine).kpis == results(scenario, fine)
        assert f.forecast(stuck) == SLOW_FORECAST  # still said of that setting
    finally:
        f.stop()


@forked
def test_a_map_the_engine_refuses_is_answered_in_its_words(scenario):
    from engine.model import ProcessMap

    broken = ProcessMap(tuple(scenario.reference.edges[:1]), {}, scenario.id)
    f = Forecaster(scenario, broken)
    try:
        answer = f.wait(scenario.default_rules())
        assert isinstance(answer, str) and answer != SLOW_FORECAST and answer
        with pytest.raises(sim.MapError) as refused:
            sim.run(scenario, broken, replications=1)
        assert str(refused.value) in answer
    finally:
        f.stop()


def test_without_fork_the_same_days_are_run_on_the_frames_thread(scenario, monkeypatch):
    from game.play import forecaster

    monkeypatch.setattr(forecaster, "can_fork", lambda: False)
    f = Forecaster(scenario, scenario.reference)
    rules = dict(scenario.default_rules(), seniors=7)
    f.ask(rules)
    polls = 0
    while not f.settled(rules) and polls < 100_000:
        f.poll()  # each poll runs a few milliseconds of slices, then hands the frame back
        polls += 1
    assert polls > 1 and isinstance(f.workers[0], forecaster.InPlace) and f.share == 1
    assert f.forecast(rules).kpis == results(scenario, rules)
    f.stop()


@forked
def test_a_worker_that_dies_is_replaced_and_its_setting_said_to_have_stopped(scenario):
    f = Forecaster(scenario, scenario.reference, workers=1)
    try:
        lost = dict(scenario.default_rules(), juniors=31)
        assert day_started(f, lost)
        f.workers[0]._proc.kill()  # as if the child had crashed
        assert until(lambda: f.forecast(lost) == STOPPED, f)
        assert f.restarts == 1
        after = dict(scenario.default_rules(), juniors=32)
        assert f.wait(after).kpis == results(scenario, after)
    finally:
        f.stop()


@forked
def test_a_worker_forgets_old_settings_and_the_screen_sends_their_days_back(scenario, monkeypatch):
    """Workers keep few settings (memory stays bounded in a long session); one they forgot and are asked
    for again starts from the days the screen kept, and still ends on the results' figure."""
    from game.play import forecaster

    monkeypatch.setattr(forecaster, "KEPT_RUNS", 1)
    f = Forecaster(scenario, scenario.reference, workers=1)
    try:
        first = dict(scenario.default_rules(), seniors=12)
        assert day_started(f, first)
        assert until(lambda: len(f.days[rules_key(first)]) >= 2, f)
        f.ask(dict(scenario.default_rules(), seniors=13))  # the worker forgets `first`
        f.wait(dict(scenario.default_rules(), seniors=13))
        assert f.wait(first).kpis == results(scenario, first)
    finally:
        f.stop()
