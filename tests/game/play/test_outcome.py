"""A round's outcome (game.play.outcome) is the engine's: baseline and par are `engine.optimize.baseline_and_par`
on the player's own seed and replications, the grade is `engine.scoring.grade` of those, and the money lines
add up to the KPIs they split."""
import pytest

from engine import sim
from engine.load import builtin_dir, load
from engine.optimize import baseline_and_par, load_par
from engine.scoring import grade
from game.play.outcome import map_score_of, tally
from game.play.round import Round

SEED = 4242  # a daily challenge's seed: not the scenario's own, so "the same days" is tested
REPS = 3


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "tutorial.yaml")


def expert_round(scenario, seed=SEED):
    rnd = Round(scenario, seed=seed)
    rnd.edges = list(scenario.reference.edges)
    rnd.map_score = 100
    return rnd


def test_baseline_and_par_are_the_engines_on_the_players_seed(scenario):
    par = load_par(scenario)
    assert par is not None, "the built-in scenario keeps its par beside it"
    rnd = expert_round(scenario)
    rule = scenario.rules[0]
    rnd.rules[rule.id] = rule.max if rule.kind == "slider" else rule.options[-1]
    o = tally(rnd, REPS, par)
    base, par_score = baseline_and_par(scenario, par.best_rules, SEED, REPS)
    assert (o.grade.baseline, o.grade.par) == (base, par_score)
    # the cards' other KPIs come from runs of the same two settings on the same days: their scores agree
    assert o.result.seed == o.baseline.seed == o.par_run.seed == SEED
    assert o.baseline.replications == o.par_run.replications == REPS
    assert o.baseline.mean("score") == base and max(base, o.par_run.mean("score")) == par_score
    player = sim.run(scenario, rnd.pmap, rnd.rules, replications=REPS, seed=SEED)
    assert o.kpis == player.means()
    assert o.grade == grade(scenario, player.summary, base, par_score, 100)
    assert o.par_source == "kept"


def test_without_a_kept_par_a_quick_search_is_graded_on_the_same_days(scenario):
    rnd = expert_round(scenario, seed=77)
    o = tally(rnd, 2, None, par_seconds=1.0)
    assert o.par_source == "quick"
    found = {k: v for k, v in o.par_run.rules.items() if k in {r.id for r in scenario.rules}}
    assert (o.grade.baseline, o.grade.par) == baseline_and_par(scenario, found, 77, 2)


def test_money_lines_add_up_and_the_map_points_are_the_best_attempts(scenario):
    rnd = expert_round(scenario)
    o = tally(rnd, 2, load_par(scenario))
    assert sum(v for _, v in o.money["revenue"]) == pytest.approx(o.kpis["revenue"], abs=1)
    assert sum(v for _, v in o.money["cost"]) == pytest.approx(o.kpis["cost"], abs=1)
    assert map_score_of(rnd) == 100 == o.grade.map_score
    fresh = Round(scenario)  # nothing drawn yet: the engine scores the start map
    from engine.maps import score_map

    assert map_score_of(fresh) == score_map(scenario, fresh.pmap)
