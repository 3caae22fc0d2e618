"""What the advisors say when asked (game.play.tips), checked against the engine's own figures.

The map tip names the card and the port the engine says are missing and never the card that is the
answer; the rules tip's figure is the forecast's biggest cost line and its lever the one furthest from
par; the run tip's queue, pool and hang-up cost are the watched day's. No tip shows an id.
"""
import re

import pytest

from engine.load import builtin_dir, load
from engine.maps.compare import compare_map
from engine.model import ProcessMap
from engine.money import money_lines
from engine.optimize import load_par
from engine.sim import Day, run
from game.play.tips import (biggest_cost, briefing_tip, day_tip, lever_to_move, map_tip, rules_tip, run_tip,
                            voice)
from game.ui import words

BUILTINS = sorted(p.stem for p in builtin_dir().glob("*.yaml"))
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # an id such as billing_desk on screen


def scenario(name):
    return load(builtin_dir() / f"{name}.yaml")


def no_ids(text: str, sc) -> None:
    assert not SNAKE.search(text), text
    ids = {sid for sid, st in sc.steps.items() if st.label and st.label.lower() != sid} | set(sc.resources)
    assert not any(re.search(rf"'{re.escape(i)}'", text) for i in ids), text


@pytest.mark.parametrize("name", BUILTINS)
def test_the_map_tip_says_which_card_and_port_lack_a_link_but_not_where_it_goes(name):
    sc = scenario(name)
    ref = list(sc.reference.edges)
    placed = {s: (0.0, 0.0) for s in sc.reference.steps}
    for e in ref:
        edges = [x for x in ref if x != e]
        for aid in sc.advisors:
            tip = map_tip(sc, edges, placed, aid)
            assert tip.advisor == aid
            assert f"'{sc.steps[e.src].label}'" in tip.text and f"'{e.port.replace('_', ' ')}'" in tip.text
            assert f"'{sc.steps[e.dst].label}'" not in tip.text  # the kind of card, never the answer
            no_ids(tip.text, sc)
    assert "way through" in map_tip(sc, ref, placed, next(iter(sc.advisors))).text or \
        "sign off" in map_tip(sc, ref, placed, next(iter(sc.advisors))).text


def test_the_help_desks_hang_up_link_is_asked_for_by_the_tip():
    """The issue: leaving a desk's `abandoned` port open cost map points; the tip says so before a check."""
    sc = scenario("customer_service")
    e = next(x for x in sc.reference.edges if x.port == "abandoned")
    edges = [x for x in sc.reference.edges if x != e]
    assert compare_map(sc, ProcessMap(tuple(edges))).score < 100
    tip = map_tip(sc, edges, {s: (0, 0) for s in sc.reference.steps}, "rosa")
    assert f"'{sc.steps[e.src].label}' still needs its 'abandoned' link" in tip.text


def test_each_advisor_speaks_in_the_voice_of_their_role():
    sc = scenario("supply_chain")
    assert [voice(sc, a) for a in ("priya", "marcus", "elena")] == ["work", "money", "customer"]
    edges = [x for x in sc.reference.edges][:-1]
    placed = {s: (0, 0) for s in sc.reference.steps}
    texts = {map_tip(sc, edges, placed, a).text for a in ("priya", "marcus", "elena")}
    assert len(texts) == 3  # the same fact, three ways of saying it


@pytest.mark.parametrize("name", ["tutorial", "customer_service"])
def test_the_rules_tip_is_the_forecasts_biggest_cost_and_the_lever_furthest_from_par(name):
    sc = scenario(name)
    par = load_par(sc)
    assert par is not None
    rules = dict(par.best_rules)
    slider = next(r for r in sc.rules if r.kind == "slider")
    values = list(slider.values())
    i = values.index(rules[slider.id])
    moved = values[i - 3] if i >= 3 else values[i + 3]
    rules[slider.id] = moved
    kpis = run(sc, rules=rules, replications=1, seed=7).means()
    lines = money_lines(sc, rules, kpis)
    name_, amount = max(((n, v) for n, v in lines.cost if n != "Fixed costs"), key=lambda c: c[1])
    assert biggest_cost(sc, rules, kpis) == (name_, amount)
    expected = "higher" if values.index(moved) < i else "lower"  # back towards par's setting
    assert lever_to_move(sc, rules, par.best_rules) == (slider.label, expected)
    tip = rules_tip(sc, rules, kpis, par.best_rules, next(iter(sc.advisors)))
    assert words.value("profit", amount, sc) in tip.text and f"'{slider.label}'" in tip.text
    no_ids(tip.text, sc)
    assert lever_to_move(sc, dict(par.best_rules), par.best_rules) is None
    assert "forecast is still" in rules_tip(sc, rules, None, par.best_rules, next(iter(sc.advisors))).text


def test_the_run_tip_reads_the_watched_days_queue_pool_and_hang_ups():
    sc = scenario("customer_service")
    day = Day(sc, pmap=sc.reference, rules=sc.default_rules(), seed=3, replication=0)
    for k in range(1, 40):  # a busy moment of the day: someone waiting, someone already hung up
        for _ in day.advance(sc.time.horizon * k / 40):
            pass
        if max(day.queue_lengths().values()) > 0 and day.kpis().get("abandoned", 0) >= 1:
            break
    live = day.kpis()
    queues, busy = day.queue_lengths(), day.busy_counts()
    tip = day_tip(sc, day, live, "tom")
    step, n = max(queues.items(), key=lambda q: q[1])
    assert n > 0 and f"'{sc.steps[step].label}': {n} callers waiting" in tip.text
    pid, (b, s) = max(((p, v) for p, v in busy.items() if v[1]), key=lambda p: p[1][0] / p[1][1])
    assert f"{sc.resources[pid].label}: {b} of {s} busy" in tip.text
    fines = sum(v for _, v in money_lines(sc, day.rules, live).penalties)
    assert live["abandoned"] >= 1 and words.value("profit", fines, sc) in tip.text
    no_ids(tip.text, sc)
    quiet = run_tip(sc, {}, {}, {}, {}, "tom")
    assert "nobody waiting" in quiet.text


def test_the_briefing_tip_names_the_targets_or_the_fines_and_where_the_map_starts():
    sc = scenario("customer_service")
    rosa, tom = briefing_tip(sc, "rosa").text, briefing_tip(sc, "tom").text
    assert all(words.target_text(t, sc) in rosa for t in sc.objective.targets)
    assert all(p.label in tom for p in sc.penalties)
    first = next(s.label for s in sc.steps.values() if s.kind == "source")
    assert f"'{first}'" in rosa and f"'{first}'" in tom


def test_against_par_the_rules_tip_names_the_line_furthest_behind_par_on_the_same_days():
    from game.play.tips import biggest_gap

    sc = scenario("customer_service")
    par = load_par(sc)
    best = dict(par.best_rules)
    rules = dict(best, juniors=best["juniors"] - 8)  # far too few juniors: callers hang up
    kpis = run(sc, rules=rules, replications=2, seed=11).means()
    best_kpis = run(sc, rules=best, replications=2, seed=11).means()
    name, now, behind = biggest_gap(sc, rules, kpis, best, best_kpis)
    mine, theirs = money_lines(sc, rules, kpis), money_lines(sc, best, best_kpis)
    lines = {n: v - dict(theirs.cost).get(n, 0.0) for n, v in mine.cost if n != "Fixed costs"}
    lines.update({n: dict(theirs.revenue).get(n, 0.0) - v for n, v in mine.revenue})
    assert behind == pytest.approx(max(lines.values())) and lines[name] == pytest.approx(behind) and behind > 0
    assert now == pytest.approx(dict(mine.cost + mine.revenue)[name])
    tip = rules_tip(sc, rules, kpis, best, "tom", best_kpis=best_kpis)
    assert f"'{name}'" in tip.text and words.value("profit", behind, sc) in tip.text
    assert "'Junior reps on shift'" in tip.text and "try higher" in tip.text
    assert biggest_gap(sc, best, best_kpis, best, best_kpis) is None
