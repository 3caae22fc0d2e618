"""The command line keeps its promise on mutated scenarios and maps: exit 0, or exit 2 with FILE:LINE:COL.

The short run of the fuzzer (`fuzz_inputs`, `fuzz_runner`; the long one is `benchmarks/fuzz.py`): cases 0 to
59, which try every mutation operator at least once, each through `validate` and `simulate --reps 1` in a
subprocess limited in time and memory. Marked `slow` (about a minute on two cores): `pytest -m "not slow"`
skips it locally; CI runs everything. A failure lists each finding with its case number; replay one with
`python benchmarks/fuzz.py --replay NUMBER`.

The other tests check the fuzzer's own parts: cases are reproducible from their number, and the judge
tells each kind of broken promise from a kept one.
"""
from __future__ import annotations

import signal

import pytest

from fuzz_inputs import OPERATORS, make_case
from fuzz_runner import Result, Step, judge, judge_step, run_case, run_cases

CI_CASES = range(60)


@pytest.mark.slow
def test_mutated_inputs_end_in_exit_0_or_2_with_positions(tmp_path):
    results = list(run_cases(CI_CASES, workers=2, keep=str(tmp_path)))
    assert sorted(r.number for r in results) == list(CI_CASES)
    findings = [r for r in results if r.finding]
    report = "\n".join(f"case {r.number} ({r.seed}; {'; '.join(r.mutations)[:160]}): {r.finding.kind}: "
                       f"{r.finding.signature}\n    {r.finding.detail.splitlines()[-1] if r.finding.detail else ''}"
                       for r in sorted(findings, key=lambda r: r.number))
    if findings:
        pytest.fail(f"{len(findings)} of {len(results)} cases broke the promise (kept in {tmp_path}):\n{report}",
                    pytrace=False)


def test_the_short_run_tries_every_operator():
    assert len(CI_CASES) >= len(OPERATORS)
    assert {make_case(n).operator for n in CI_CASES} == {f"{level}/{op.__name__}" for level, op in OPERATORS}


def test_a_case_is_the_same_from_its_number():
    for number in (3, 14, 25, 31, 40):
        first, again = make_case(number), make_case(number)
        assert (first.scenario, first.map, first.mutations) == (again.scenario, again.map, again.mutations)
    assert make_case(3).scenario != make_case(3 + len(OPERATORS)).scenario


def test_map_cases_carry_a_map_and_scenario_cases_do_not():
    kinds = {make_case(n).operator: make_case(n).map is not None for n in range(len(OPERATORS))}
    assert kinds["map/map_self_loop"] and kinds["map/map_rewire"] and kinds["map-text/insert_tag"]
    assert not kinds["structure/self_loop"] and not kinds["text/insert_tag"] and not kinds["bytes/truncate"]


def _step(code, out=b"", err=b"", command=("validate", "scenario.yaml")):
    return Step(list(command), code, 0.1, out, err)


FILES = ["scenario.yaml", "player.map.yaml"]


def test_the_judge_accepts_exit_0_and_positioned_exit_2():
    assert judge_step(_step(0, err=b"scenario.yaml: ok\n"), FILES) is None
    assert judge_step(_step(2, out=b"scenario.yaml:3:7: unknown key 'x'\nscenario.yaml:9:1: a\tb\n"), FILES) is None
    assert judge_step(_step(2, out="player.map.yaml:2:5: step 'désk' \\x1b[31m\n".encode()), FILES) is None


def test_the_judge_names_each_broken_promise():
    trace = (b"Traceback (most recent call last):\n  File \"/x/main.py\", line 3, in main\n    f()\n"
             b"  File \"/x/yaml/constructor.py\", line 9, in construct_yaml_bool\n    return b[v]\nKeyError: 'maybe'\n")
    found = judge_step(_step(1, err=trace), FILES)
    assert found.kind == "traceback" and found.signature.startswith("KeyError in validate")
    assert judge_step(_step(None, err=b"Fatal Python error: Aborted\n"), FILES).kind == "hang"
    assert judge_step(_step(1, err=b"MemoryError\n"), FILES).kind == "memory"
    assert judge_step(_step(-signal.SIGKILL), FILES).kind == "memory"
    assert judge_step(_step(3, err=b"bye\n"), FILES).kind == "exit"
    assert judge_step(_step(2, err=b"error: cannot read\n"), FILES).kind == "message"
    assert judge_step(_step(2, out=b'scenario.yaml:1:1: bad\n  in "<unicode string>", position 3\n'), FILES).kind == "message"
    assert judge_step(_step(2, out=b"other.yaml:1:1: bad\n"), FILES).kind == "message"
    assert judge_step(_step(2, out=b"scenario.yaml:1:1: bad \x1b[31mred\n"), FILES).kind == "control"
    assert judge_step(_step(2, out=b"scenario.yaml:1:1: bad \xff\n"), FILES).kind == "control"
    assert judge_step(_step(2, out="scenario.yaml:1:1: bad \u2028line\n".encode()), FILES).kind == "control"


def test_simulate_refusing_what_validate_accepted_is_a_finding():
    result = Result(1, "seed", ("m",), [_step(0, err=b"scenario.yaml: ok\n"),
                                         _step(2, out=b"scenario.yaml:4:2: too much work\n",
                                               command=("simulate", "scenario.yaml"))])
    assert judge(result, FILES, scenario_case=True).kind == "refused"
    assert judge(result, FILES, scenario_case=False) is None  # a map case: the map may be refused


def test_a_refused_file_passes_through_the_real_command_line(tmp_path):
    number = next(n for n in range(len(OPERATORS)) if make_case(n).operator == "bytes/insert_nul")
    result = run_case(number, keep=str(tmp_path))
    assert [s.command[0] for s in result.steps] == ["validate"] and result.steps[0].exit_code == 2
    assert result.ok, result.finding
