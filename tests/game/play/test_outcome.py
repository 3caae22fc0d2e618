"""A round's outcome (game.play.outcome) is the engine's, on the evaluation days: the player's profit is
`engine.sim.run` on `evaluation_days(scenario, seed)`, the defaults and par are
`engine.optimize.references` on those days, the grade is `engine.scoring.grade` of those, the money lines
are `engine.money.money_lines`, and the watched day is replication 0 of the same run."""
import pytest

from engine import sim
from engine.load import builtin_dir, load
from engine.money import money_lines
from engine.optimize import load_par, references
from engine.scoring import evaluation_days, grade
from game.play.outcome import map_score_of, tally, watched_of
from game.play.round import Round

SEED = 4242  # a daily challenge's seed: not the scenario's own, so "the same days" is tested


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "tutorial.yaml")


def expert_round(scenario, seed=SEED):
    rnd = Round(scenario, seed=seed)
    rnd.edges = list(scenario.reference.edges)
    rnd.map_score = 100
    return rnd


@pytest.fixture(scope="module")
def par(scenario):
    """The kept par, or one found quickly on the test's days (while a scenario's par file is being remade)."""
    from engine.optimize import optimize

    return load_par(scenario) or optimize(scenario, None, seconds=1.0, seed=SEED)


@pytest.fixture(scope="module")
def moved(scenario, par):
    """A round on the expert map with one lever moved, tallied against that par."""
    rnd = expert_round(scenario)
    rule = scenario.rules[0]
    rnd.rules[rule.id] = rule.max if rule.kind == "slider" else rule.options[-1]
    return rnd, tally(rnd, par)


def test_profit_is_the_engines_on_the_evaluation_days_to_the_cent(scenario, moved):
    rnd, o = moved
    seed, reps = evaluation_days(scenario, SEED)
    assert (o.result.seed, o.result.replications) == (seed, reps) == (SEED, scenario.run.replications)
    player = sim.run(scenario, rnd.pmap, rnd.rules, replications=reps, seed=seed)
    assert o.kpis == player.means()
    assert round(o.grade.score, 2) == round(player.means()["profit"], 2)
    assert o.grade.profit == player.means()["profit"]


def test_defaults_and_par_are_the_references_on_the_same_days(scenario, moved, par):
    rnd, o = moved
    refs = references(scenario, par, SEED)
    assert (o.grade.baseline, o.grade.par) == (refs.baseline, refs.par)
    assert o.baseline_kpis == refs.baseline_kpis and o.par_kpis == refs.par_kpis
    assert o.references.days == (SEED, scenario.run.replications)
    assert o.grade == grade(scenario, o.result.summary, refs.baseline, refs.par, 100)
    assert o.par_source == "kept"  # a par given is kept: no search here


def test_the_quick_search_feeds_the_references(scenario):
    rnd = expert_round(scenario, seed=77)
    o = tally(rnd, None, par_seconds=1.0)
    assert o.par_source == "quick"
    assert o.references.days == evaluation_days(scenario, 77)
    found = {k: v for k, v in o.references.par_rules.items() if k in {r.id for r in scenario.rules}}
    again = sim.run(scenario, None, {**scenario.default_rules(), **found}, replications=scenario.run.replications,
                    seed=77).means()
    assert o.grade.par == again["profit"] or o.grade.par == o.grade.baseline


def test_money_lines_and_the_map_points(scenario, moved):
    rnd, o = moved
    assert o.money == money_lines(scenario, rnd.rules, o.kpis)
    assert sum(v for _, v in o.money.revenue) - sum(v for _, v in o.money.cost) == pytest.approx(o.grade.score,
                                                                                                    abs=0.01)
    assert map_score_of(rnd) == 100 == o.grade.map_score
    fresh = Round(scenario)  # nothing drawn yet: the engine scores the start map
    from engine.maps import score_map

    assert map_score_of(fresh) == score_map(scenario, fresh.pmap)


def test_the_watched_day_is_day_1_of_the_evaluation_days(scenario, moved):
    rnd, o = moved
    day = sim.Day(scenario, pmap=rnd.pmap, rules=rnd.rules, seed=SEED, replication=0)
    for _ in day.advance():
        pass
    own = day.kpis()["profit"]
    w = o.watched
    assert (w.number, w.days, w.rules_changed) == (1, scenario.run.replications, False)
    assert w.profit == pytest.approx(own, abs=0.005) and w.average == o.grade.score
    gap = own - o.grade.score
    text = w.sentence()
    assert text.startswith(f"The day you watched: day 1 of {scenario.run.replications} — profit {own:,.0f} USD")
    assert f"{abs(gap):,.0f} {'above' if gap > 0 else 'below'} the average of the 10 days" in text


def test_a_day_with_rule_changes_says_so(scenario, moved):
    rnd, o = moved
    changed = expert_round(scenario)
    changed.start_rules = dict(changed.rules)
    changed.played = [(30.0, "rules", {scenario.rules[0].id: 2})]
    w = watched_of(changed, o.result)
    assert w.rules_changed and w.profit == pytest.approx(o.result.per_replication[0]["profit"])
    assert "Your changes play on all 10 days" in w.sentence()


def test_nothing_in_the_game_overrides_the_evaluation_days():
    import dataclasses
    import inspect

    from game.core.settings import Settings
    from game.data.report import prepare, write_debrief
    from game.modes.demo.mode import compare
    from game.modes.kiosk.options import KioskOptions
    from game.scenes.run.scene import RunScene

    for holder in (Settings, KioskOptions):
        assert not [f.name for f in dataclasses.fields(holder) if "replications" in f.name], holder
    for way in (tally, compare, prepare, write_debrief, RunScene.__init__):
        assert "replications" not in inspect.signature(way).parameters, way
