"""Every built-in scenario is a game worth playing: a kept par well above baseline, measured on the
evaluation days and meeting every target, so that par's rules on the expert map earn three stars and the
defaults none; an expert map that every single-edge deletion makes worse; content for the advisors and
the palette."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.load import builtin_dir, load
from engine.maps import compare_map, map_problems
from engine.model import ProcessMap
from engine.optimize import load_par, references
from engine.scoring import check_targets, evaluation_days, grade, objective_score
from engine.sim import run

FILES = sorted(Path(builtin_dir()).glob("*.yaml"))
IDS = [f.stem for f in FILES]


def test_the_four_built_in_scenarios_are_there():
    assert {"customer_service", "supply_chain", "field_service", "tutorial"} <= set(IDS)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_par_is_kept_fresh_and_clearly_above_baseline(path):
    scenario = load(path)
    par = load_par(scenario)
    assert par is not None, f"{path.name}: no par file, or one made for other content; " \
                            f"run python main.py optimize {path} --write-par"
    assert par.par - par.baseline >= 0.10 * abs(par.baseline), (par.baseline, par.par)
    assert set(par.best_rules) == {r.id for r in scenario.rules}
    assert (par.seed, par.replications) == evaluation_days(scenario), "par must be measured on the evaluation days"
    assert par.targets_met, f"{path.name}: par's rules miss a target; tune the scenario so that some setting meets all"
    assert set(par.extra) == {"baseline_kpis", "par_kpis"}


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_par_rules_on_the_expert_map_earn_three_stars_and_the_defaults_none(path):
    scenario = load(path)
    par = load_par(scenario)
    seed, days = evaluation_days(scenario)
    ref = references(scenario, par)
    assert ref.days == (seed, days) and ref.par_meets_targets
    played = run(scenario, rules=par.best_rules, replications=days, seed=seed).means()
    defaults = run(scenario, rules=scenario.default_rules(), replications=days, seed=seed).means()
    # the kept file is what the engine gives on these days, to the last digit
    assert ref.par == pytest.approx(played["profit"], rel=1e-12)
    assert ref.baseline == pytest.approx(defaults["profit"], rel=1e-12)
    assert ref.par_kpis == pytest.approx(played, rel=1e-12, nan_ok=True)
    best = grade(scenario, played, ref.baseline, ref.par)
    assert best.stars == 3, [str(t) for t in best.targets]
    assert grade(scenario, defaults, ref.baseline, ref.par).stars == 0
    # the defaults break a promise the player can keep: they meet fewer targets than par's rules
    assert sum(t.met for t in check_targets(scenario, defaults)) < len(scenario.objective.targets)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_the_expert_map_beats_every_single_edge_deletion(path):
    scenario = load(path)
    reference = scenario.reference
    reps = 4
    full = objective_score(scenario, run(scenario, replications=reps).summary)
    for edge in reference.edges:
        trial = ProcessMap(tuple(e for e in reference.edges if e != edge), scenario=scenario.id)
        if map_problems(scenario, trial):
            continue  # a map that cannot run loses to one that can
        score = objective_score(scenario, run(scenario, pmap=trial, replications=reps).summary)
        if edge.port in scenario.steps[edge.src].optional_ports:
            # an open `abandoned` port ends the caller as abandoned: the same process, the same day
            assert score == pytest.approx(full), edge
        else:
            assert score < full, f"{path.name}: without {edge} the score is {score:.0f}, not below {full:.0f}"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_content_makes_a_game(path):
    scenario = load(path)
    assert compare_map(scenario, scenario.reference).score == 100
    placed = set(scenario.reference.steps)
    distractors = [s for s in scenario.steps if s not in placed]
    assert 1 <= len(distractors) <= 3, distractors
    assert 1 <= len(scenario.advisors) <= 3 and scenario.briefing
    assert 2 <= len(scenario.rules) <= 6
    assert scenario.hints, "hints on the key edges"
    assert all(line.advisor in scenario.advisors for lines in scenario.hints.values() for line in lines)
    assert scenario.objective.targets
    if scenario.id != "tutorial":
        assert 4 <= len(scenario.rules) and scenario.events and 2 <= len(scenario.advisors)
