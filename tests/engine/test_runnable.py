"""Issue 10, items 1 and 2: one judge of what can run (engine.maps.map_problems with engine.maps.loops).

Every map and scenario here is written from the issue's text. Each is refused, in a player's words on the
map screen and at FILE:LINE:COL on the command line (exit 2, no traceback), before anything runs; the
expert maps of the built-in scenarios still pass. The engine's own guards (a day that would not end, an
entity stuck in a loop no check saw) are tested with a plan changed behind the judge's back.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import load as fmt, sim
from engine.budget import CannotRun, StuckInLoop, WorkLimitExceeded
from engine.format import parse_edge
from engine.maps import map_problems
from engine.model import ProcessMap
from engine.sim.plan import MapError, compile_plan

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python main.py ARGS` in a subprocess; the timeout is a safety net against hangs only."""
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def refused(out: subprocess.CompletedProcess, path: Path, line: int, *words: str) -> None:
    """Exit 2, FILE:LINE:COL at `line`, the words said, no traceback."""
    text = out.stdout + out.stderr
    assert out.returncode == 2, text
    assert "Traceback" not in text, text
    assert f"{path}:{line}:" in out.stdout, text
    for w in words:
        assert w in text, (w, text)


def player_map(scenario, drop: str = "", add: tuple[str, ...] = ()) -> ProcessMap:
    """The expert map with the edges mentioning `drop` removed and `add` drawn."""
    edges = [e for e in scenario.reference.edges if not drop or drop not in str(e)]
    return ProcessMap(tuple(edges) + tuple(parse_edge(a) for a in add))


# --------------------------------------------------------------------------------------------------
# The kiosk's maps: what the map screen says


def test_tutorial_desk_done_back_to_desk_is_refused_in_a_players_words():
    sc = fmt.load(SCENARIOS / "tutorial.yaml")
    pmap = player_map(sc, drop="desk.done", add=("desk.done -> desk",))
    problems = map_problems(sc, pmap)
    assert [p.kind for p in problems] == ["trap"]
    p = problems[0]
    assert p.message.startswith("Callers who reach 'Help desk' go round and round")
    assert "Link one of its ports to an exit." in p.message
    assert "give up waiting" in p.message  # abandoning is no way out: with enough agents nobody waits
    assert str(p.edge) == "desk.done -> desk" and p.step == "desk" and p.port == "done"
    assert pmap.edges[p.edge_index] == p.edge
    with pytest.raises(MapError):
        sim.Day(sc, pmap)


def test_customer_service_route_back_to_itself_is_refused_for_the_callers_it_traps():
    sc = fmt.load(SCENARIOS / "customer_service.yaml")
    pmap = player_map(sc, drop="billing_desk", add=("route_need.billing -> route_need",))
    problems = map_problems(sc, pmap)
    assert [p.kind for p in problems] == ["trap"], problems
    assert "need 'billing'" in problems[0].message and "'Route by need'" in problems[0].message
    assert str(problems[0].edge) == "route_need.billing -> route_need"


def test_a_map_file_with_the_loop_is_refused_at_its_line(tmp_path):
    sc = fmt.load(SCENARIOS / "tutorial.yaml")
    edges = [str(e) for e in player_map(sc, drop="desk.done", add=("desk.done -> desk",)).edges]
    path = tmp_path / "loop.map.yaml"
    path.write_text("scenario: tutorial\nedges:\n" + "".join(f"  - \"{e}\"\n" for e in edges))
    line = 3 + edges.index("desk.done -> desk")
    refused(cli("simulate", str(SCENARIOS / "tutorial.yaml"), "--map", str(path), "--reps", "1"),
            path, line, "go round and round")


def test_a_problem_of_the_whole_map_file_stands_at_its_edges_key(tmp_path):
    """A map file whose source is not connected: the problem has no edge of its own, but still a place."""
    path = tmp_path / "cut.map.yaml"
    path.write_text("# a map cut short\nscenario: tutorial\nedges:\n  - \"desk.done -> fixed\"\n")
    refused(cli("simulate", str(SCENARIOS / "tutorial.yaml"), "--map", str(path), "--reps", "1"),
            path, 3, "Nothing arrives")
    empty = tmp_path / "empty.map.yaml"
    empty.write_text("")
    refused(cli("simulate", str(SCENARIOS / "tutorial.yaml"), "--map", str(empty)), empty, 1, "Nothing arrives")


def test_the_new_problems_fit_the_map_screen():
    """The map screen shows two problems in at most four lines of about 90 characters."""
    sc = fmt.load(SCENARIOS / "customer_service.yaml")
    pmap = player_map(sc, drop="billing_desk", add=("route_need.billing -> route_need",))
    for p in map_problems(sc, pmap):
        assert len(p.message) < 200, p.message
        assert "\n" not in p.message


# --------------------------------------------------------------------------------------------------
# Scenario files: validate and simulate refuse them at the edge (or the rule) concerned

HEAD = """format: 1
id: loops
title: Loops
time: {{unit: minute, horizon: 60, close: {close}}}
entities:
  call: {{label: Caller}}
resources:
  agent: {{label: Agents, count: 5}}
"""


def write(tmp_path: Path, body: str, close: str = "drain", name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD.format(close=close) + body + "objective: {targets: {}}\n")
    return path


ZERO_LOOP = """steps:
  calls: {kind: source, rate: 2}
  check: {kind: branch, branches: {again: 0.5, ok: rest}}
  pause: {kind: delay, duration: DURATION}
  done: {kind: exit}
reference:
  - "calls.out -> check"
  - "check.again -> pause"
  - "pause.out -> check"
  - "check.ok -> done"
"""


@pytest.mark.parametrize("duration", ["0", "{empirical: [0, 1, 2]}", "{constant: 0}"])
def test_a_branch_around_a_zero_time_delay_is_refused(tmp_path, duration):
    path = write(tmp_path, ZERO_LOOP.replace("DURATION", duration))
    for command in ("validate", "simulate"):
        refused(cli(command, str(path)), path, 17, "that take no time", "'Pause' (out) -> 'Check'")


def test_an_event_that_makes_a_loop_take_no_time_is_refused(tmp_path):
    path = write(tmp_path, ZERO_LOOP.replace("DURATION", "1")
                 + "events:\n  - {at: 30, scale: {steps.pause.duration: 0}}\n")
    refused(cli("validate", str(path)), path, 17, "that take no time")


def test_a_loop_that_takes_time_and_has_a_way_out_runs(tmp_path):
    path = write(tmp_path, ZERO_LOOP.replace("DURATION", "{exponential: {mean: 1}}"))
    out = cli("simulate", str(path), "--reps", "2")
    assert out.returncode == 0, out.stdout + out.stderr


RESOLVE = """steps:
  calls: {kind: source, rate: 2}
  desk: {kind: service, pools: agent, duration: {exponential: {mean: 1}}, resolve: RESOLVE}
  fixed: {kind: exit}
reference:
  - "calls.out -> desk"
  - "desk.done -> fixed"
  - "desk.unresolved -> desk"
"""


@pytest.mark.parametrize("close", ["drain", "cutoff"])
def test_resolve_zero_wired_back_to_the_same_step_is_refused(tmp_path, close):
    path = write(tmp_path, RESOLVE.replace("RESOLVE", "0"), close=close)
    for command in ("validate", "simulate"):
        refused(cli(command, str(path)), path, 16, "go round and round", "'done' is never taken",
                "resolve is 0")


@pytest.mark.parametrize("resolve", ["1.0e-300", "0.00001"])
def test_a_way_out_too_rare_to_count_is_a_trap_too(tmp_path, resolve):
    """resolve 1e-300 is not 0, but a caller would go round about 1e300 times: the fuzzer's case 50."""
    path = write(tmp_path, RESOLVE.replace("RESOLVE", resolve))
    for command in ("validate", "simulate"):
        refused(cli(command, str(path)), path, 16, "go round and round", "almost never resolves anything")
    fine = write(tmp_path, RESOLVE.replace("RESOLVE", "0.001"), name="fine.yaml")
    assert cli("simulate", str(fine), "--reps", "1").returncode == 0


def test_a_branch_whose_way_out_has_probability_zero_is_refused(tmp_path):
    body = ZERO_LOOP.replace("DURATION", "1").replace("again: 0.5, ok: rest", "again: 1, ok: rest")
    path = write(tmp_path, body)
    refused(cli("validate", str(path)), path, 17, "'ok' is never taken (its probability is 0)")


def test_a_rule_that_can_stop_resolving_is_refused_at_the_rule(tmp_path):
    rule = ("rules:\n  - {id: quality, label: First-call resolution, sets: steps.desk.resolve, min: 0, max: 0.9,"
            " step: 0.1, default: 0.8}\n")
    path = write(tmp_path, RESOLVE.replace("RESOLVE", "0.8") + rule)
    out = cli("validate", str(path))
    refused(out, path, 18, "rule 'quality' at 0", "go round and round")
    assert out.stdout.count("\n") == 1, out.stdout  # the maximum is fine: only the minimum is said
    safe = write(tmp_path, RESOLVE.replace("RESOLVE", "0.8") + rule.replace("min: 0,", "min: 0.1,"), name="ok.yaml")
    assert cli("validate", str(safe)).returncode == 0


def test_the_expert_maps_of_every_built_in_scenario_pass_at_every_rule_trial():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = fmt.load(path)
        for pmap in (sc.reference, *sc.alternatives):
            assert map_problems(sc, pmap) == [], path
        assert fmt.validate_file(path) == [], path


# --------------------------------------------------------------------------------------------------
# The engine's guards, for what no check foresaw


def test_an_entity_stuck_in_a_no_time_loop_stops_the_day():
    """A route wired back to itself behind the judge's back: the day raises instead of spinning."""
    sc = fmt.load(SCENARIOS / "customer_service.yaml")
    plan = compile_plan(sc, sc.reference)
    route = plan.index["route_need"]
    plan.route_to[route]["billing"] = route
    day = sim.Day(sc, plan=plan)
    with pytest.raises(StuckInLoop) as caught:
        day.finish()
    assert isinstance(caught.value, CannotRun)
    assert "without time passing" in str(caught.value) and "Route by need" in str(caught.value)


def test_a_day_that_would_never_end_is_stopped_at_its_work_limit():
    """`desk.done -> desk` behind the judge's back: every caller goes round for ever, time passes."""
    sc = fmt.load(SCENARIOS / "tutorial.yaml")
    plan = compile_plan(sc, sc.reference)
    desk = plan.index["desk"]
    plan.out[desk] = desk
    day = sim.Day(sc, plan=plan, work_limit=50_000)
    with pytest.raises(WorkLimitExceeded) as caught:
        day.finish()
    assert "was stopped" in str(caught.value) and "--no-work-limit" in str(caught.value)
    assert plan.work_limit > 0  # every plan carries its limit
