"""The results screen shows the engine's numbers exactly, on the evaluation days: the player's profit (to
the cent of `engine.sim.run` on `evaluation_days`), the defaults and par of `engine.optimize.references`
on those days, the score's composition (`engine.money`), the watched day against the average, the grade,
the bottlenecks and the charts by hour; and nothing out of 1,000."""
import math
from types import SimpleNamespace

import pygame
import pytest

from engine import sim
from engine.load import builtin_dir, load
from engine.money import money_lines
from engine.optimize import bottlenecks, load_par, references
from engine.scoring import evaluation_days, grade
from game.play import flow, par as par_module
from game.scenes.results import HEAD_W
from game.ui import theme as T
from game.core.app import App
from game.play.daystats import hourly
from game.play.round import Round
from taps import settle

CS = builtin_dir() / "customer_service.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load(CS)


def drawn_texts(app, scene, monkeypatch) -> list[str]:
    """Every string `scene` draws in one frame."""
    from game.ui import theme

    seen: list[str] = []
    real = theme.text
    monkeypatch.setattr(theme, "text", lambda surface, s, *a, **k: (seen.append(s), real(surface, s, *a, **k))[1])
    scene.draw(app.surface)
    return seen


def the_par(scenario, o):
    """The par the tally measured against: the kept one, or the quick search's rules."""
    kept = load_par(scenario)
    return kept if kept is not None else SimpleNamespace(best_rules=o.references.par_rules, extra=None)


@pytest.fixture(scope="module")
def played(scenario):
    """A round on the expert map with two levers moved, tallied by the results screen."""
    pygame.init()
    app = App((1920, 1080), headless=True)
    opts = app.settings
    opts.background_par = False
    opts.par_seconds = 6.0
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    rnd.map_score = 100
    rnd.rules.update({"juniors": 40, "ivr": "speech"})
    flow.go(app, rnd, "results")
    scene = app.stack.top
    assert scene.name == "results"
    app.step(1 / 60, [])
    assert scene.wait(120), scene.error
    app.step(1 / 60, [])  # drawn once with everything
    return app, rnd, scene


def test_results_match_the_engine_kpis_exactly_on_the_evaluation_days(scenario, played):
    app, rnd, scene = played
    seed, reps = evaluation_days(scenario, rnd.seed)
    engine_run = sim.run(scenario, rnd.pmap, rnd.rules, replications=reps, seed=seed)
    shown = scene.outcome.kpis
    assert (scene.outcome.result.seed, scene.outcome.result.replications) == (seed, reps)
    assert set(shown) == set(engine_run.summary)
    for name, (mean, _) in engine_run.summary.items():
        assert shown[name] == mean or (math.isnan(mean) and math.isnan(shown[name])), name
    # the headline: the profit, to the cent
    assert round(scene.outcome.grade.score, 2) == round(engine_run.means()["profit"], 2)
    assert scene.headline_texts()["profit"] == f"{engine_run.means()['profit']:,.0f} USD"


def test_defaults_and_par_drawn_are_the_references(scenario, played, monkeypatch):
    app, rnd, scene = played
    o = scene.outcome
    refs = references(scenario, the_par(scenario, o), rnd.seed)
    assert (o.grade.baseline, o.grade.par) == (refs.baseline, refs.par)
    assert o.grade == grade(scenario, o.result.summary, refs.baseline, refs.par, 100)
    scene.revealed_at = scene.age - 10  # the count-up over
    texts = drawn_texts(app, scene, monkeypatch)
    assert f"Defaults {refs.baseline:,.0f} USD" in texts and f"Par {refs.par:,.0f} USD" in texts
    sentence = money_lines(scenario, rnd.rules, o.kpis).sentence()
    lines = T.wrap(sentence, HEAD_W - 60, T.SIZE_SMALL, "semibold")  # the headline's inner width
    assert " ".join(lines) == sentence and all(line in texts for line in lines)
    assert sentence.endswith(f"= profit {o.grade.score:,.0f} USD")
    assert f"{o.grade.score:,.0f} USD" in texts  # the headline, counted up
    assert not any("1,000" in t or "Business score" in t or "/ 1" in t for t in texts)
    assert o.watched.sentence() in texts


def test_the_money_panel_lists_each_penalty_by_name(scenario, played):
    app, rnd, scene = played
    o = scene.outcome
    labels = [name for name, _ in o.money.cost]
    for p in scenario.penalties:
        if abs(o.kpis.get(f"penalty.{p.id}", 0.0)) >= 0.5:
            assert p.label in labels
    assert sum(v for _, v in o.money.revenue) == pytest.approx(o.kpis["revenue"], abs=0.01)
    assert sum(v for _, v in o.money.cost) == pytest.approx(o.kpis["cost"], abs=0.01)


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


def test_results_buttons(scenario, played):
    app, rnd, scene = played
    try_again = scene.buttons[1]
    settle(app)
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
    settle(app)
    app.step(1 / 60, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=scene.view_button.rect.center, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=scene.view_button.rect.center, button=1)])
    assert scene.view == "charts"


def test_cards_show_the_engines_values(scenario, played):
    app, rnd, scene = played
    flow.go(app, rnd, "results")
    scene = app.stack.top
    seed, reps = evaluation_days(scenario, rnd.seed)
    engine_run = sim.run(scenario, rnd.pmap, rnd.rules, replications=reps, seed=seed)
    shown = scene.card_values()
    assert "score" not in shown and list(shown)[:2] == ["service_level", "abandon_rate"]
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


def test_save_as_bpmn_keeps_the_map_in_the_data_folder_and_says_where(scenario, tmp_path):
    """A tap on "Save as BPMN": the round's map, at its own card places, as a BPMN file that SpiffWorkflow
    validates and parses, in the data folder's bpmn folder; the screen names the file; the kiosk has no
    such button (a stranger's kiosk keeps no files)."""
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator

    from game.modes.kiosk.results import KioskResults
    from game.ui import textfit

    pygame.init()
    app = App((1920, 1080), headless=True)
    app.data_dir = tmp_path / "data"
    app.settings.background_par = False
    rnd = Round(scenario)
    rnd.edges = list(scenario.reference.edges)
    flow.go(app, rnd, "results")
    scene = app.stack.top
    assert scene.wait(120), scene.error
    settle(app)
    at = scene.bpmn_button.rect.center
    app.step(1 / 60, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=at, button=1),
                      pygame.event.Event(pygame.MOUSEBUTTONUP, pos=at, button=1)])
    [saved] = (tmp_path / "data" / "bpmn").iterdir()
    assert saved.name.startswith("customer-service-") and saved.suffix == ".bpmn"
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(saved))
    assert parser.get_spec("Process_customer-service").task_specs
    with textfit.recording() as recorder:
        app.step(1 / 60, [])  # the note drawn, read whole
    assert scene.bpmn_button.label == "Saved ✓" and not recorder.findings
    assert saved.name in scene.bpmn_said[0] and str(saved.parent) in scene.bpmn_said[0]
    kiosk = KioskResults(app, rnd, SimpleNamespace(finish=lambda: None))
    assert kiosk.bpmn_button not in kiosk.buttons  # no file written by a stranger's tap
