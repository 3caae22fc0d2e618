"""The results screen shows the engine's numbers exactly: the player's KPIs, the defaults and par on the
same seed and replications, the grade, the bottlenecks and the charts by hour."""
import math

import pygame
import pytest

from engine import sim
from engine.load import builtin_dir, load
from engine.optimize import baseline_and_par, bottlenecks, load_par
from engine.scoring import grade
from game.play import flow, par as par_module
from game.core.app import App
from game.play.daystats import hourly
from game.play.round import Round

REPS = 2
CS = builtin_dir() / "customer_service.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load(CS)


@pytest.fixture(scope="module")
def played(scenario):
    """A round on the expert map with two levers moved, tallied by the results screen."""
    pygame.init()
    app = App((1920, 1080), headless=True)
    opts = app.settings
    opts.replications = REPS
    opts.background_par = False
    opts.par_seconds = 1.0
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    rnd.map_score = 100
    rnd.rules.update({"juniors": 40, "ivr": "speech"})
    flow.go(app, rnd, "results")
    scene = app.stack.top
    assert scene.name == "results"
    app.step(1 / 60, [])
    assert scene.wait(60)
    app.step(1 / 60, [])  # drawn once with everything
    return app, rnd, scene


def test_results_match_the_engine_kpis_exactly(scenario, played):
    app, rnd, scene = played
    engine_run = sim.run(scenario, rnd.pmap, rnd.rules, replications=REPS, seed=rnd.run_seed)
    shown = scene.outcome.kpis
    assert set(shown) == set(engine_run.summary)
    for name, (mean, _) in engine_run.summary.items():
        assert shown[name] == mean or (math.isnan(mean) and math.isnan(shown[name])), name


def test_defaults_and_par_are_the_engines_on_the_same_days(scenario, played):
    app, rnd, scene = played
    o = scene.outcome
    par = load_par(scenario)
    assert par is not None, "the built-in scenario keeps its par beside it"
    base, par_score = baseline_and_par(scenario, par.best_rules, rnd.run_seed, REPS)
    assert o.baseline.mean("score") == base
    assert max(base, o.par_run.mean("score")) == par_score
    g = grade(scenario, o.result.summary, base, par_score, 100)
    assert o.grade == g
    assert 0 <= o.grade.headline <= 1000 and 0 <= o.grade.stars <= 3


def test_bottlenecks_and_hours_are_the_engines(scenario, played):
    app, rnd, scene = played
    o = scene.outcome
    expected = bottlenecks(scenario, rnd.pmap, rnd.rules, replications=2, seed=rnd.run_seed)
    assert [x.message("USD") for x in o.losses] == [x.message("USD") for x in expected]
    # the hourly service level adds up to the engine's own service level of the day
    one = hourly(scenario, rnd.pmap, rnd.rules, rnd.run_seed, days=1)
    day = sim.Day(scenario, pmap=rnd.pmap, rules={**scenario.default_rules(), **rnd.rules}, seed=rnd.run_seed,
                  replication=0).finish()
    assert sum(one.served_in_time) / sum(one.offered) == pytest.approx(day["service_level"], abs=1e-12)
    assert len(o.hourly.labels) == len(o.hourly.queue) == len(o.hourly.service_level) == 8
    assert o.hourly.labels[0] == "08"


def test_money_rows_add_up_to_revenue_and_cost(played):
    app, rnd, scene = played
    o = scene.outcome
    assert sum(v for _, v in o.money["revenue"]) == pytest.approx(o.kpis["revenue"], abs=1)
    assert sum(v for _, v in o.money["cost"]) == pytest.approx(o.kpis["cost"], abs=1)


def test_results_buttons(scenario, played):
    app, rnd, scene = played
    try_again = scene.buttons[1]
    app.step(1 / 60, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=try_again.rect.center, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=try_again.rect.center, button=1)])
    top = app.stack.top
    assert top.name == "map" and top.round is not rnd and top.round.scenario is scenario
    flow.go(app, rnd, "results")
    assert app.stack.top.ready  # the outcome is kept with the round: no second tally
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0)])
    assert app.stack.top.name == "select"


def test_losses_on_the_map_view(played):
    app, rnd, scene = played
    flow.go(app, rnd, "results")
    scene = app.stack.top
    assert scene.ready and scene.view == "charts"
    app.step(1 / 60, [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_m, mod=0, unicode="m", scancode=0)])
    assert scene.view == "map"
    app.step(1 / 60, [])
    assert scene._map_image is not None  # drawn once, then kept
    app.step(1 / 60, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=scene.view_button.rect.center, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=scene.view_button.rect.center, button=1)])
    assert scene.view == "charts"


def test_cards_show_the_engines_values(scenario, played):
    app, rnd, scene = played
    flow.go(app, rnd, "results")
    scene = app.stack.top
    engine_run = sim.run(scenario, rnd.pmap, rnd.rules, replications=REPS, seed=rnd.run_seed)
    shown = scene.card_values()
    assert list(shown)[:2] == ["score", "profit"]
    assert shown["profit"] == f"{engine_run.mean('profit'):,.0f} USD"
    assert shown["score"] == f"{engine_run.mean('score'):,.0f}"
    assert shown["service_level"] == f"{engine_run.mean('service_level') * 100:.1f} %"
    assert shown["abandon_rate"] == f"{engine_run.mean('abandon_rate') * 100:.1f} %"


class FakeParJob:
    """Stands for engine.optimize.ParJob: par computed in another process, not finished yet."""

    def __init__(self):
        self.progress, self.result, self.error = 0.4, None, None

    @property
    def done(self):
        return self.result is not None

    def poll(self):
        return self.done


def test_results_wait_for_par_computed_in_the_background(monkeypatch):
    from engine.optimize import OptimizeResult

    import engine.optimize

    sc = load(CS)
    monkeypatch.setattr(engine.optimize, "load_par", lambda *a, **k: None)  # as if no par were kept
    job = FakeParJob()
    monkeypatch.setitem(par_module._par_jobs, sc.path, job)
    pygame.init()
    app = App((1920, 1080), headless=True)
    app.settings.replications = 1
    rnd = Round(sc)
    rnd.edges = list(sc.reference.edges)
    flow.go(app, rnd, "results")
    scene = app.stack.top
    for _ in range(30):
        app.step(1 / 60, [])
    assert scene.tally.job is None and not scene.ready  # waiting for par, not tallying without it
    assert par_module.par_progress(sc) == 0.4
    job.result = OptimizeResult(0.0, 0.0, sc.default_rules())
    assert scene.wait(60)
    assert scene.outcome.par_source == "kept"
