"""Map checking, comparison with the expert maps, hints, attempts and map files."""
from __future__ import annotations

import json
import os

import pytest

from engine.maps import (
    Attempts, MapFileError, compare_map, dumps_map, hints_for, load_map, loads_map, map_problems,
    read_map, save_map, score_map,
)
from engine.load import loads
from engine.model import Edge, Line, ProcessMap, Scenario, frozen_map


def E(text: str) -> Edge:
    left, dst = text.split("->")
    src, port = left.strip().rsplit(".", 1)
    return Edge(src, port, dst.strip())


def M(*edges: str, **layout) -> ProcessMap:
    return ProcessMap(tuple(E(e) for e in edges), layout=frozen_map(layout))


REFERENCE = (
    "incoming.out -> ivr",
    "ivr.out -> self_service",
    "self_service.solved -> resolved",
    "self_service.not_solved -> route_need",
    "route_need.billing -> billing",
    "route_need.technical -> technical",
    "billing.done -> resolved",
    "technical.done -> resolved",
    "technical.unresolved -> billing",
)
# Also expert: callers go straight to self-service, no IVR menu.
ALTERNATIVE = ("incoming.out -> self_service",) + REFERENCE[2:]

HINTS = {
    "incoming.out -> ivr": [("maria", "Every call should meet the menu first.")],
    "self_service.not_solved -> route_need": [("maria", "Those the app cannot help need a person."),
                                              ("dev", "Routed by need, not by luck.")],
    "route_need.billing -> billing": [("dev", "Billing questions belong at the billing desk.")],
    "technical.unresolved -> billing": [("maria", "What technical cannot fix, billing often can.")],
}


SCENARIO = """
format: 1
id: mini-cc
title: Mini contact centre
summary: A test scenario.
domain: call_center
currency: USD
time: {unit: minute, horizon: 480}
run: {replications: 2, seed: 1}
entities:
  call:
    attributes: {need: {billing: 0.6, technical: 0.4}}
    patience: {exponential: {mean: 2}}
resources:
  agents: {count: 5, cost_per_hour: 30}
steps:
  incoming: {kind: source, label: Incoming calls, entity: call, rate: 2}
  ivr: {kind: delay, label: IVR menu, duration: 0.5}
  self_service: {kind: branch, label: Self-service, branches: {solved: 0.3, not_solved: rest}}
  route_need: {kind: route, label: Route by need, by: need}
  billing: {kind: service, label: Billing desk, pools: [agents], duration: {exponential: {mean: 4}}}
  technical: {kind: service, label: Technical desk, pools: [agents], duration: {exponential: {mean: 6}},
              resolve: 0.8}
  resolved: {kind: exit, label: Resolved, outcome: completed}
  hung_up: {kind: exit, label: Hung up, outcome: abandoned}
  fax: {kind: delay, label: Fax it in, duration: 30}     # a distractor card
reference: [REFERENCE]
alternatives: [[ALTERNATIVE]]
start_map: [START]
rules: []
objective: {score: profit}
advisors:
  maria: {name: Maria Chen, role: Manager}
  dev: {name: Dev Patel, role: Finance}
kiosk: {attempts: ATTEMPTS}
"""


def make_scenario(start_map=(), attempts=3) -> Scenario:
    def edge(e):
        lines = HINTS.get(e)
        if not lines:
            return json.dumps(e)
        hint = ", ".join(f"{a}: {json.dumps(t)}" for a, t in lines)
        return f"{{edge: {json.dumps(e)}, hint: {{{hint}}}}}"

    text = (SCENARIO.replace("[REFERENCE]", "[" + ", ".join(map(edge, REFERENCE)) + "]")
            .replace("[ALTERNATIVE]", "[" + ", ".join(map(json.dumps, ALTERNATIVE)) + "]")
            .replace("[START]", "[" + ", ".join(map(json.dumps, start_map)) + "]")
            .replace("ATTEMPTS", str(attempts)))
    return loads(text, "<mini-cc>")


@pytest.fixture
def sc():
    return make_scenario()


def kinds(problems):
    return sorted(p.kind for p in problems)


# ------------------------------------------------------------------------------------------ problems

def test_expert_maps_have_no_problems(sc):
    assert map_problems(sc, sc.reference) == []
    assert map_problems(sc, sc.alternatives[0]) == []


def test_empty_map_needs_a_source_and_says_only_that(sc):
    problems = map_problems(sc, M())
    assert kinds(problems) == ["no_source"]
    assert "Incoming calls" in problems[0].message


def test_unknown_step_and_unknown_port(sc):
    pm = M(*REFERENCE, "billing.solved -> resolved", "technical.done -> nowhere")
    problems = map_problems(sc, pm)
    unknown_port = [p for p in problems if p.kind == "unknown_port"]
    assert len(unknown_port) == 1
    p = unknown_port[0]
    assert (p.step, p.port, p.edge, p.edge_index) == ("billing", "solved", E("billing.solved -> resolved"), 9)
    assert "'Billing desk' has no port 'solved'" in p.message
    unknown_step = [p for p in problems if p.kind == "unknown_step"]
    assert [p.step for p in unknown_step] == ["nowhere"]
    assert unknown_step[0].edge_index == 10


def test_edge_leaving_an_exit_or_entering_a_source(sc):
    pm = M(*REFERENCE, "resolved.out -> ivr", "fax.out -> incoming", "billing.abandoned -> fax")
    problems = map_problems(sc, pm)
    assert "exit_port" in kinds(problems)
    into = [p for p in problems if p.kind == "into_source"]
    assert len(into) == 1 and into[0].step == "incoming" and into[0].edge == E("fax.out -> incoming")


def test_two_edges_from_one_port(sc):
    pm = M(*REFERENCE, "billing.done -> hung_up")
    problems = map_problems(sc, pm)
    assert kinds(problems) == ["duplicate_port"]
    p = problems[0]
    assert (p.step, p.port, p.edge) == ("billing", "done", E("billing.done -> hung_up"))
    assert "two places" in p.message and "Resolved" in p.message and "Hung up" in p.message


def test_unreachable_step_is_reported_once_at_its_root(sc):
    # The fax card and what follows it hang in the air: nothing flows into the fax.
    pm = M(*REFERENCE, "fax.out -> hung_up")
    problems = map_problems(sc, pm)
    assert kinds(problems) == ["unreachable"]
    p = problems[0]
    assert p.step == "fax"
    assert p.message == "Nothing reaches 'Fax it in' (nor the 1 card after it): connect a card to it."
    assert p.steps == ("fax", "hung_up")  # the exit behind it is cut off too


def test_card_on_the_board_without_edges_is_unreachable(sc):
    pm = ProcessMap(sc.reference.edges, layout=frozen_map({"fax": (10, 20)}))
    problems = map_problems(sc, pm)
    # unreachable, and its own port is not connected either
    assert kinds(problems) == ["unconnected_port", "unreachable"]
    assert {p.step for p in problems} == {"fax"}


def test_unconnected_port_but_abandoned_may_stay_open(sc):
    edges = [e for e in REFERENCE if e != "self_service.solved -> resolved"]
    problems = map_problems(sc, M(*edges))
    assert kinds(problems) == ["unconnected_port"]
    p = problems[0]
    assert (p.step, p.port) == ("self_service", "solved")
    assert p.message.startswith("'Self-service' has an unconnected port 'solved'")
    # the reference leaves billing.abandoned and technical.abandoned open: allowed, as checked above


def test_closed_loop_with_no_way_to_an_exit(sc):
    pm = M("incoming.out -> ivr", "ivr.out -> fax", "fax.out -> ivr")
    problems = map_problems(sc, pm)
    assert kinds(problems) == ["dead_end"]
    assert problems[0].steps == ("ivr", "fax")  # the loop itself, not the source feeding it
    assert "IVR menu" in problems[0].message and "Incoming" not in problems[0].message


def test_rework_loop_with_a_way_out_is_fine(sc):
    assert map_problems(sc, M(*REFERENCE, "billing.abandoned -> technical")) == []


def test_unknown_card_in_layout(sc):
    pm = ProcessMap(sc.reference.edges, layout=frozen_map({"ghost": (0, 0)}))
    assert kinds(map_problems(sc, pm)) == ["unknown_step"]


# ------------------------------------------------------------------------------------------ comparison

def test_reference_scores_100_and_empty_scores_0(sc):
    assert score_map(sc, sc.reference) == 100
    assert score_map(sc, M()) == 0


def test_alternative_scores_100_and_is_chosen(sc):
    c = compare_map(sc, sc.alternatives[0])
    assert c.score == 100 and c.expert_index == 1
    assert c.missing == () and c.extra == ()


def test_one_missing_edge_scores_in_between_by_f1(sc):
    edges = [e for e in REFERENCE if e != "route_need.billing -> billing"]
    c = compare_map(sc, M(*edges))
    n = len(REFERENCE)
    assert c.score == int(100 * (2 * n - 2) / (2 * n - 1))  # 94
    assert 0 < c.score < 100
    assert c.missing == (E("route_need.billing -> billing"),)
    assert c.extra == () and c.expert_index == 0
    assert len(c.matched) == n - 1


def test_extra_distractor_edge_costs_too(sc):
    c = compare_map(sc, M(*REFERENCE, "billing.abandoned -> fax", "fax.out -> hung_up"))
    n = len(REFERENCE)
    assert c.score == int(100 * 2 * n / (2 * n + 2))
    assert set(c.extra) == {E("billing.abandoned -> fax"), E("fax.out -> hung_up")}
    assert c.missing == ()


def test_misrouted_edge_says_which_port(sc):
    edges = [e for e in REFERENCE if e != "technical.unresolved -> billing"] + ["technical.unresolved -> hung_up"]
    c = compare_map(sc, M(*edges))
    assert c.misrouted == ((E("technical.unresolved -> hung_up"), E("technical.unresolved -> billing")),)
    assert c.misrouted[0][0].port == "unresolved"


def test_missing_edges_ordered_by_how_much_flow_they_cut(sc):
    # Missing: the first edge (cuts everything off), a route branch (cuts billing), and the rework
    # edge (cuts nothing): most important first.
    drop = {"incoming.out -> ivr", "route_need.billing -> billing", "technical.unresolved -> billing"}
    c = compare_map(sc, M(*[e for e in REFERENCE if e not in drop]))
    assert c.expert_index == 0
    assert c.missing == (E("incoming.out -> ivr"), E("route_need.billing -> billing"),
                         E("technical.unresolved -> billing"))


def test_start_map_edges_are_given_not_earned():
    sc = make_scenario(start_map=REFERENCE[:3])
    assert score_map(sc, sc.start_map) == 0
    assert score_map(sc, sc.reference) == 100
    # removing a given edge the expert has makes it missing
    assert score_map(sc, M(*REFERENCE[1:])) < 100


# ------------------------------------------------------------------------------------------ hints

def test_hint_for_a_missing_edge(sc):
    edges = [e for e in REFERENCE if e != "route_need.billing -> billing"]
    hints = hints_for(sc, compare_map(sc, M(*edges)))
    assert len(hints) == 1
    assert hints[0].edge == E("route_need.billing -> billing")
    assert hints[0].lines == (Line("dev", "Billing questions belong at the billing desk."),)


def test_at_most_two_hints_most_important_first(sc):
    # all four hinted edges of the reference are missing; the one every caller takes comes first,
    # then the one 70 % take
    c = compare_map(sc, M("ivr.out -> self_service"))
    assert c.expert_index == 0
    assert sum(1 for e in c.missing if sc.hints.get(e)) == 4
    hints = hints_for(sc, c)
    assert len(hints) == 2
    assert [h.edge for h in hints] == [E("incoming.out -> ivr"), E("self_service.not_solved -> route_need")]
    assert len(hints[1].lines) == 2


def test_no_hint_for_edges_without_one(sc):
    edges = [e for e in REFERENCE if e != "technical.done -> resolved"]
    assert hints_for(sc, compare_map(sc, M(*edges))) == []


# ------------------------------------------------------------------------------------------ attempts

def test_attempts_best_counts_and_reveal_after_the_last(sc):
    a = Attempts(sc)
    assert a.remaining == 3
    bad = M(*REFERENCE[:-1])  # technical.unresolved left open: cannot run, uses no attempt
    r = a.submit(bad)
    assert not r.counted and r.problems and a.remaining == 3
    # callers take a detour through the fax; billing callers are sent to technical
    partial = [e for e in REFERENCE if e not in ("incoming.out -> ivr", "route_need.billing -> billing")]
    partial += ["incoming.out -> fax", "fax.out -> ivr", "route_need.billing -> technical"]
    first = a.submit(M(*partial))
    assert first.counted and first.number == 1
    assert first.score == int(100 * 2 * 7 / (10 + 9))
    assert [h.edge for h in first.hints] == [E("incoming.out -> ivr"), E("route_need.billing -> billing")]
    assert a.revealed is None
    worse = a.submit(M(*partial, "billing.abandoned -> fax"))
    assert worse.score < first.score
    assert a.best is first and a.remaining == 1 and not a.finished
    third = a.submit(M(*partial, "billing.abandoned -> hung_up"))
    assert third.number == 3 and third.score == worse.score
    assert a.finished and a.remaining == 0
    assert a.best is first
    assert a.revealed is first.comparison
    assert set(a.revealed.missing) == {E("incoming.out -> ivr"), E("route_need.billing -> billing")}
    assert set(a.revealed.extra) == {E("incoming.out -> fax"), E("fax.out -> ivr"),
                                     E("route_need.billing -> technical")}
    with pytest.raises(RuntimeError):
        a.submit(sc.reference)


def test_attempts_prefer_new_hints(sc):
    # Misses three hinted edges: incoming -> ivr (everyone), not_solved -> route_need (70 %), and the
    # rework edge technical.unresolved -> billing (a few).
    pm = M("incoming.out -> fax", "fax.out -> ivr", "ivr.out -> self_service",
           "self_service.solved -> resolved", "self_service.not_solved -> technical",
           "technical.done -> resolved", "technical.unresolved -> route_need",
           "route_need.billing -> billing", "route_need.technical -> technical", "billing.done -> resolved")
    assert map_problems(sc, pm) == []
    a = Attempts(sc)
    one, two = a.submit(pm), a.submit(pm)
    assert [h.edge for h in one.hints] == [E("incoming.out -> ivr"), E("self_service.not_solved -> route_need")]
    # the second attempt teaches the one not said yet first, then repeats the most important
    assert [h.edge for h in two.hints] == [E("technical.unresolved -> billing"), E("incoming.out -> ivr")]


def test_perfect_map_ends_the_round(sc):
    a = Attempts(sc, limit=5)
    r = a.submit(sc.reference)
    assert r.score == 100 and a.finished and r.hints == ()
    assert a.revealed.missing == () and a.revealed.extra == ()


def test_attempts_default_from_the_scenario():
    assert Attempts(make_scenario(attempts=5)).remaining == 5


# ------------------------------------------------------------------------------------------ files

def test_save_and_load_round_trip(tmp_path, sc):
    pm = ProcessMap(sc.reference.edges, layout=frozen_map({"incoming": (120, 300), "ivr": (240.5, 300)}))
    path = tmp_path / "my.map.yaml"
    save_map(path, pm, sc.id)
    back = load_map(path, sc)
    assert back.edges == pm.edges
    assert dict(back.layout) == {"incoming": (120, 300), "ivr": (240.5, 300)}
    assert back.scenario == "mini-cc"
    assert [f for f in os.listdir(tmp_path)] == ["my.map.yaml"]  # no temporary file left behind


def test_save_is_atomic_old_file_survives_a_failed_write(tmp_path, sc, monkeypatch):
    path = tmp_path / "m.yaml"
    save_map(path, sc.reference, sc.id)
    before = path.read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_map(path, M(), sc.id)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["m.yaml"]


def test_map_text_accepts_edge_mappings_and_flow_lists(sc):
    text = 'scenario: mini-cc\nedges: ["incoming.out -> ivr", {edge: "ivr.out -> fax"}]\n'
    pm = loads_map(text, "x", sc)
    assert pm.edges == (E("incoming.out -> ivr"), E("ivr.out -> fax"))
    assert loads_map(dumps_map(pm), "y").edges == pm.edges


def test_malformed_map_file_has_positions(sc):
    text = "scenario: mini-cc\nedges:\n  - incoming.out -> ivr\n  - ivr to fax\nlayot: {}\n"
    with pytest.raises(MapFileError) as err:
        loads_map(text, "bad.yaml", sc)
    where = {(p.line, p.col) for p in err.value.problems}
    assert (4, 5) in where  # the bad edge
    assert (5, 1) in where  # the unknown key
    assert "bad.yaml:4:5:" in str(err.value)


def test_wrong_scenario_and_bad_yaml(sc):
    with pytest.raises(MapFileError, match="not 'mini-cc'"):
        loads_map("scenario: other\nedges: []\n", "m", sc)
    with pytest.raises(MapFileError) as err:
        loads_map("edges: [a.out -> b\n", "m", sc)
    assert err.value.problems[0].line is not None


def test_read_map_puts_problems_on_the_edge_lines(tmp_path, sc):
    lines = ["scenario: mini-cc", "edges:"] + [f"  - {e}" for e in REFERENCE] + ["  - billing.solved -> resolved"]
    path = tmp_path / "m.yaml"
    path.write_text("\n".join(lines) + "\n")
    pm, problems = read_map(path, sc)
    assert pm is not None
    assert [(p.kind, p.line, p.col) for p in problems] == [("unknown_port", 12, 5)]
    missing, problems = read_map(tmp_path / "nope.yaml", sc)
    assert missing is None and problems[0].kind == "file"


def test_empty_map_file_is_an_empty_map(sc):
    assert loads_map("", "m", sc).edges == ()


def test_reveal_lines_say_what_was_wrong_in_the_cards_words(sc):
    from engine.maps import reveal_lines

    edges = [e for e in REFERENCE if e not in ("technical.unresolved -> billing",)]
    edges += ["technical.unresolved -> hung_up", "billing.abandoned -> hung_up"]
    lines = reveal_lines(sc, compare_map(sc, M(*edges)))
    assert lines == [
        "'Technical desk' (unresolved) goes to 'Hung up'; the expert sends it to 'Billing desk'.",
        "Not in the expert map: 'Billing desk' (abandoned) -> 'Hung up'.",
    ]
