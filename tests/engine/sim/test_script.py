"""A day's script (engine.sim.day): levers pulled and decisions taken at their times, asking, forks.

Run with whichever engine this process has (PROCESSPLAY_ENGINE=pure, or the compiled build): the numbers are
the same either way, and these tests hold for both."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine import sim
from engine.load import load

ROOT = Path(__file__).resolve().parents[3]
BUILTIN = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def scenario(name):
    return load(str(ROOT / "scenarios" / f"{name}.yaml"))


def decisions(sc):
    return [(i, ev) for i, ev in enumerate(sc.events) if ev.decision is not None]


def moments(sc):
    """Moments to fork at: early, at each decision and just after it, late."""
    h = sc.time.horizon
    out = [0.0, 0.2 * h, 0.8 * h]
    for _, ev in decisions(sc):
        out += [ev.at, ev.at + 0.01 * h]
    return sorted(set(out))


def finished(day):
    return day.finish()


def test_every_builtin_but_the_tutorial_asks_a_decision_whose_default_changes_nothing():
    for name in BUILTIN:
        sc = scenario(name)
        found = decisions(sc)
        assert bool(found) == (name != "tutorial"), name
        for _, ev in found:
            assert ev.decision.choice(ev.decision.default).changes_nothing()
            assert 2 <= len(ev.decision.choices) <= 3 and ev.decision.ask is not None


@pytest.mark.parametrize("name", BUILTIN)
def test_a_fork_with_the_same_rules_ends_exactly_as_the_original(name):
    sc = scenario(name)
    whole = sim.Day(sc, seed=3, replication=1).finish()
    for t in moments(sc):
        day = sim.Day(sc, seed=3, replication=1)
        for _ in day.advance(t):
            pass
        fork = day.fork()
        assert fork.now == day.now and fork.played == day.played and fork.kpis() == day.kpis()
        assert fork.finish() == whole, t  # every KPI, to the last digit
        assert day.finish() == whole, t


@pytest.mark.parametrize("name", BUILTIN)
def test_a_fork_given_the_same_rule_values_again_ends_as_the_original(name):
    """Applying the rules in force again changes nothing: the same tables, the staffing and rates of the same
    schedules (pieces of the old generation are ignored, the new ones hold the same values at the same
    times), and every entity keeps its draws."""
    sc = scenario(name)
    rules = {**sc.default_rules()}
    whole = sim.Day(sc, rules=rules, seed=4).finish()
    for t in moments(sc)[1:]:
        day = sim.Day(sc, rules=rules, seed=4)
        for _ in day.advance(t):
            pass
        fork = day.fork()
        fork.apply_rules(dict(rules))
        assert fork.played[-1] == (fork.now, "rules", rules)
        assert fork.finish() == whole, t


@pytest.mark.parametrize("name", [n for n in BUILTIN if n != "tutorial"])
def test_ask_stops_at_the_decision_until_a_choice_is_taken(name):
    sc = scenario(name)
    (i, ev), *_ = decisions(sc)
    day = sim.Day(sc, seed=5, ask=True)
    for _ in day.advance(None):
        pass
    assert day.asking == i and day.now == ev.at and not day.done
    for _ in day.advance(None):  # goes no further
        pass
    assert day.now == ev.at and day.asking == i
    fork = day.fork()  # a fork of an asking day asks too
    assert fork.asking == i and fork.now == ev.at
    other = next(c.id for c in ev.decision.choices if c.id != ev.decision.default)
    day.decide(other)
    assert day.asking is None and day.played == [(ev.at, "decide", (i, other))]
    chosen = day.finish()
    fork.decide(other)
    assert fork.finish() == chosen
    assert sim.Day(sc, seed=5, script=day.played).finish() == chosen
    assert chosen["decision_cost"] == ev.decision.choice(other).cost


@pytest.mark.parametrize("name", [n for n in BUILTIN if n != "tutorial"])
def test_without_ask_the_default_is_taken_and_changes_nothing(name):
    sc = scenario(name)
    day = sim.Day(sc, seed=6)
    kpis = day.finish()
    assert day.played == [(ev.at, "decide", (i, ev.decision.default)) for i, ev in sorted(decisions(sc), key=lambda x: x[1].at)]
    assert kpis["decision_cost"] == 0.0
    # the same day with the default written in the script, and with the default taken by hand
    assert sim.Day(sc, seed=6, script=day.played).finish() == kpis
    asked = sim.Day(sc, seed=6, ask=True)
    for _ in asked.advance(None):
        pass
    asked.decide(sc.events[asked.asking].decision.default)
    assert asked.finish() == kpis


def test_every_replication_of_a_run_plays_the_script_and_its_rule_changes_stay_in_their_day():
    sc = scenario("customer_service")
    script = [(120.0, "rules", {"juniors": 40}), (300.0, "decide", (0, "no_pitch"))]
    result = sim.run(sc, replications=3, seed=8, script=script)
    for r in range(3):  # a day changing its rules mid-day must not change the plan the next day starts from
        assert result.per_replication[r] == sim.Day(sc, seed=8, replication=r, script=script).finish()
    plain = sim.run(sc, replications=3, seed=8)
    assert result.per_replication[0]["profit"] != plain.per_replication[0]["profit"]


def test_a_lever_pulled_by_hand_is_the_lever_in_the_script():
    sc = scenario("customer_service")
    day = sim.Day(sc, seed=9)
    for _ in day.advance(200):
        pass
    day.apply_rules({"seniors": 12})
    by_hand = day.finish()
    assert day.played[0] == (200.0, "rules", {"seniors": 12})
    assert sim.Day(sc, seed=9, script=[(200.0, "rules", {"seniors": 12})]).finish() == by_hand
    assert day.initial_rules == {} and day.rules == {"seniors": 12}


def test_a_choice_lasting_for_a_while_ends_then():
    """The temps are on the floor for the hour `for` says: juniors' staffed time grows by that much."""
    sc = scenario("customer_service")
    day = sim.Day(sc, seed=10, script=[(300.0, "decide", (0, "temps"))])
    for _ in day.advance(330):
        pass
    assert day.busy_counts()["junior"][1] == round(36 * 1.17)
    for _ in day.advance(361):
        pass
    assert day.busy_counts()["junior"][1] == 36


def test_a_bad_script_is_refused_before_the_day_starts():
    sc = scenario("customer_service")
    for script, words in [([(300.0, "decide", (1, "temps"))], "asks no decision"),
                          ([(300.0, "decide", (0, "nope"))], "no choice 'nope'"),
                          ([(300.0, "decide", (0, "temps")), (300.0, "decide", (0, "temps"))], "twice"),
                          ([(300.0, "rules", {}), (100.0, "rules", {})], "time order"),
                          ([(300.0, "pull", {})], "'rules' or 'decide'")]:
        with pytest.raises(ValueError, match=words):
            sim.Day(sc, script=script)
    day = sim.Day(sc)
    with pytest.raises(ValueError, match="no decision is being asked"):
        day.decide("temps")
