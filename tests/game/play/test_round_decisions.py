"""The decisions of a round in words (game.play.decisions) and the day as played kept with a stored round:
"would have given" only when nothing changed after the decision, the final profit for the chosen one then;
the script and the decisions survive the store's JSON and replay the same day."""
import json

import pytest

from engine.load import builtin_dir, load
from game.play.decisions import (DECISIONS, PLAYED, decision_lines, decisions_of, lever_values, record_rules,
                                 script_of)
from game.play.round import Round


@pytest.fixture(scope="module")
def scenario():
    return load(builtin_dir() / "customer_service.yaml")


def storm(scenario):
    i = next(i for i, ev in enumerate(scenario.events) if ev.decision is not None)
    return i, scenario.events[i]


def test_nothing_changed_after_it_says_would_have_given_and_the_final_profit(scenario):
    i, ev = storm(scenario)
    forecasts = {c.id: 1000.0 + 100 * k for k, c in enumerate(ev.decision.choices)}
    chosen = ev.decision.choices[0]
    played = [(ev.at, "decide", (i, chosen.id))]
    [line] = decision_lines(scenario, [(ev.at, i, chosen.id, forecasts)], played, profit=1234.0)
    assert line.startswith(f"At 13:00 you chose {chosen.label}: 1,234 USD.")
    for c in ev.decision.choices[1:]:
        assert f"{c.label} would have given {forecasts[c.id]:,.0f} USD" in line
    assert "forecast at the time" not in line


def test_a_later_lever_makes_the_forecasts_what_they_were_at_the_time(scenario):
    i, ev = storm(scenario)
    forecasts = {c.id: 500.0 for c in ev.decision.choices}
    chosen = ev.decision.choices[0].id
    played = [(ev.at, "decide", (i, chosen)), (ev.at + 30, "rules", {"seniors": 12})]
    [line] = decision_lines(scenario, [(ev.at, i, chosen, forecasts)], played, profit=9999.0)
    assert "(forecast then 500 USD)" in line and "9,999" not in line
    assert "was forecast at the time to give" in line and "would have given" not in line


def test_a_stored_round_keeps_its_start_rules_script_and_decisions(scenario):
    i, ev = storm(scenario)
    rnd = Round(scenario)
    rnd.start_rules = dict(rnd.rules)
    rnd.played = [(ev.at, "decide", (i, "temps")), (400.0, "rules", {"seniors": 12})]
    rnd.decisions = [(ev.at, i, "temps", {"temps": 1.0, "ride_it_out": 2.0})]
    rnd.rules["seniors"] = 12
    kept = json.loads(json.dumps(record_rules(rnd)))  # as the store keeps it
    assert lever_values(kept) == rnd.start_rules and PLAYED in kept and DECISIONS in kept
    assert script_of(kept) == tuple(rnd.played)
    assert decisions_of(kept) == rnd.decisions
    plain = Round(scenario)
    assert record_rules(plain) == plain.rules and script_of(plain.rules) == ()
