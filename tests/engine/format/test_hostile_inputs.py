"""Whatever a facilitator or an attacker gives the command line ends in `FILE:LINE:COL: message` and exit 2
(or runs), never in a traceback (exit 1) or a hang: unreadable files, YAML tags, huge numbers, distributions
that overflow when sampled, a score written as an expression, odd arguments, values a rule or an event would set,
and text that would drive the terminal. Each class is driven through `python main.py` in a subprocess
with a timeout; the limits of the distributions are probed by sampling them with numpy.
"""
from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.distributions import MAX_CV, MAX_VALUE, MIN_VALUE, Distribution, to_distribution
from engine.format import Problem, ScenarioError
from engine.load import loads, validate_file
from engine.words import printable
from test_validation import BASE, mutate  # the small contact centre every validator test edits

ROOT = Path(__file__).resolve().parents[3]
LOCATED = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def cli(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python main.py ARGS` from the project root, as bytes decoded leniently (a file name may not be UTF-8)."""
    env = {**os.environ, "PROCESSPLAY_ENGINE": os.environ.get("PROCESSPLAY_ENGINE", "auto")}
    run = subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, capture_output=True,
                         timeout=timeout, env=env)
    run.stdout = run.stdout.decode("utf-8", "backslashreplace")
    run.stderr = run.stderr.decode("utf-8", "backslashreplace")
    return run


def located(out: str) -> list[dict]:
    """The FILE:LINE:COL lines of an output, as dicts."""
    return [m.groupdict() for m in map(LOCATED.match, out.splitlines()) if m]


def assert_refused(run: subprocess.CompletedProcess, *words: str) -> dict:
    """Exit 2, no traceback, nothing raw that drives a terminal, and a FILE:LINE:COL line saying `words`."""
    out = run.stdout + run.stderr
    assert run.returncode == 2, out
    assert "Traceback" not in out, out
    assert "\x1b" not in out, out
    lines = located(run.stdout)
    assert lines, out
    hit = [ln for ln in lines if all(w in ln["message"] for w in words)]
    assert hit, f"no line says {words}: {out}"
    return hit[0]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# --------------------------------------------------------------------------------------------------
# Files that are not scenarios or maps at all


@pytest.fixture
def unreadable(tmp_path) -> dict[str, tuple[Path, tuple[int, int], str]]:
    """name -> (path, (line, col), words of the message)."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    nonutf8 = write(tmp_path, "latin1.yaml", BASE.encode().replace(b"A small", b"A \xe9small"))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    return {
        "non-UTF-8 bytes": (nonutf8, (3, 10), "not UTF-8"),
        "/dev/zero": (Path("/dev/zero"), (1, 1), "not a regular file"),
        "/dev/urandom": (Path("/dev/urandom"), (1, 1), "not a regular file"),
        "a FIFO": (fifo, (1, 1), "not a regular file"),
        "a directory": (folder, (1, 1), "folder"),
        "a missing file": (tmp_path / "nope.yaml", (1, 1), "No such file"),
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX special files")
def test_unreadable_scenarios_are_refused_at_once_by_validate(unreadable):
    run = cli("validate", *(p for p, _, _ in unreadable.values()), timeout=30)
    lines = located(run.stdout)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stdout + run.stderr
    for name, (path, (line, col), words) in unreadable.items():
        mine = [ln for ln in lines if ln["file"] == str(path)]
        assert len(mine) == 1, (name, run.stdout)
        assert (int(mine[0]["line"]), int(mine[0]["col"])) == (line, col), (name, mine)
        assert words in mine[0]["message"], (name, mine)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("which", ["a FIFO", "/dev/zero", "non-UTF-8 bytes"])
def test_unreadable_scenarios_are_refused_by_simulate(unreadable, which):
    path, (line, col), words = unreadable[which]
    found = assert_refused(cli("simulate", path, "--reps", "1", timeout=30), words)
    assert (int(found["line"]), int(found["col"])) == (line, col)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("which", ["non-UTF-8 bytes", "/dev/urandom", "a FIFO", "a directory"])
def test_unreadable_maps_are_refused_without_waiting(unreadable, tmp_path, which):
    path, (line, col), words = unreadable[which]
    scenario = write(tmp_path, "base.yaml", BASE)
    found = assert_refused(cli("simulate", scenario, "--map", path, "--reps", "1", timeout=30), words)
    assert found["file"] == str(path) and (int(found["line"]), int(found["col"])) == (line, col)


def test_map_files_use_the_scenarios_reader(tmp_path):
    from engine.maps import MapFileError, load_map, read_map

    scenario = loads(BASE, "base.yaml")
    bad = write(tmp_path, "m.yaml", b"scenario: base\nedges:\n  - incoming.out -> \xff\n")
    pmap, problems = read_map(bad, scenario)
    assert pmap is None and [(p.line, p.col) for p in problems] == [(3, 21)]
    with pytest.raises(MapFileError) as err:
        load_map(tmp_path, scenario)
    assert err.value.problems[0].line == 1 and "folder" in err.value.problems[0].message


# --------------------------------------------------------------------------------------------------
# YAML tags and numbers too large for anything

TAGS = {  # name -> (edit of base.yaml, line, col, words)
    "!!bool maybe": (("close: drain", "close: !!bool maybe"), 6, 55, "'maybe' is not a valid !!bool value"),
    "!!timestamp junk": (('clock_start: "08:00"', "clock_start: !!timestamp junk"), 6, 75, "not a valid !!timestamp"),
    "!!float nan": (("rate: 2.5", "rate: !!float nan"), 19, 48, "finite number, not nan"),
    ".inf": (("rate: 2.5", "rate: .inf"), 19, 48, "finite number, not inf"),
    "!!binary": (("title: A small contact centre", "title: !!binary aGVsbG8="), 3, 8, "tag '!!binary' is not used"),
    "!!set": (("title: A small contact centre", "title: !!set {a, b}"), 3, 8, "tag '!!set' is not used"),
    "unknown tag": (("title: A small contact centre", "title: !shout hello"), 3, 8, "tag '!shout' is not used"),
    "tag on a key": (("rent: 100", "!!binary cmVudA==: 100"), 58, 15, "tag '!!binary' is not used"),
    "5,000 digits": (("rate: 2.5", "rate: " + "9" * 5000), 19, 48, "(5000 digits) is out of range"),
    "hex of 5,000 digits": (("rate: 2.5", "rate: 0x" + "f" * 5000), 19, 48, "out of range"),
    "float beyond 1e308": (("rate: 2.5", "rate: 1.0e+999"), 19, 48, "1.0e+999 is out of range"),
    "5,000 digits in a distribution": (("{lognormal: {mean: 6, sd: 3}}", "{lognormal: {mean: 6, sd: " + "9" * 5000 + "}}"),
                                       30, 99, "out of range"),
}


def test_tags_and_huge_numbers_are_refused_where_they_stand(tmp_path):
    paths = {name: write(tmp_path, f"tag{i}.yaml", mutate(edit)) for i, (name, (edit, *_)) in enumerate(TAGS.items())}
    run = cli("validate", *paths.values())
    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    lines = located(run.stdout)
    assert all(len(ln["message"]) < 300 for ln in lines), "a value shown in full"
    for name, (_, line, col, words) in TAGS.items():
        mine = [ln for ln in lines if ln["file"] == str(paths[name])]
        assert any(words in ln["message"] and (int(ln["line"]), int(ln["col"])) == (line, col) for ln in mine), (name, mine)


def test_a_huge_number_is_shown_shortened():
    with pytest.raises(ScenarioError) as err:
        loads(mutate(("rate: 2.5", "rate: " + "9" * 5000)), "big.yaml")
    (problem,) = err.value.problems
    assert "9999999999...9999999999 (5000 digits)" in problem.message and len(str(problem)) < 200


# --------------------------------------------------------------------------------------------------
# Distributions: what validate accepts, simulate can draw

OVERFLOWING = {  # name -> (edit of base.yaml, line, words)
    "lognormal sd 1e308": (("{lognormal: {mean: 6, sd: 3}}", "{lognormal: {mean: 6, sd: 1.0e+308}}"), 30, "lognormal sd"),
    "lognormal sd 1000 x mean": (("{lognormal: {mean: 6, sd: 3}}", "{lognormal: {mean: 6, sd: 6000}}"), 30, "at most 10 times the mean"),
    "gamma cv 1e-300": (("{gamma: {mean: 4, cv: 0.8}}", "{gamma: {mean: 4, cv: 1.0e-300}}"), 27, "gamma cv"),
    "gamma cv 1e300": (("{gamma: {mean: 4, cv: 0.8}}", "{gamma: {mean: 4, cv: 1.0e+300}}"), 27, "gamma cv"),
    "gamma mean 1e300": (("{gamma: {mean: 4, cv: 0.8}}", "{gamma: {mean: 1.0e+300, cv: 0.8}}"), 27, "gamma mean"),
    "exponential mean 1e-320": (("{exponential: {mean: 3}}", "{exponential: {mean: 1.0e-320}}"), 14, "exponential mean"),
    "exponential mean 1e308": (("{exponential: {mean: 3}}", "{exponential: {mean: 1.0e+308}}"), 14, "exponential mean"),
    "normal 1e308": (("{lognormal: {mean: 6, sd: 3}}", "{normal: {mean: 1.0e+308, sd: 1.0e+308}}"), 30, "normal mean"),
    "uniform to 1.7e308": (("[0.2, 0.6]", "[0, 1.7e+308]"), 20, "uniform high"),
    "triangular to 1e308": (("{uniform: [0.2, 0.6]}", "{triangular: [0, 1.0e+10, 1.0e+308]}"), 20, "triangular mode"),
    "empirical 1e308": (("{uniform: [0.2, 0.6]}", "{empirical: [1, 1.0e+308]}"), 20, "empirical value"),
    "constant 1e300": (("duration: {uniform: [0.2, 0.6]}", "duration: 1.0e+300"), 20, "constant value"),
    "event set gamma cv 1e-300": (("scale: {steps.incoming.rate: 2.0}",
                                   "set: {steps.tech_desk.duration: {gamma: {mean: 4, cv: 1.0e-300}}}"), 54, "gamma cv"),
    "event scales a duration by 1e300": (("scale: {steps.incoming.rate: 2.0}", "scale: {steps.tech_desk.duration: 1.0e+300}"),
                                         54, "the duration would be out of range"),
    "event scales a pool by 1e300": (("scale: {steps.incoming.rate: 2.0}", "scale: {resources.senior.count: 1.0e+300}"),
                                     54, "above 100000"),
    "money 1e308": (("rent: 100", "rent: 1.0e+308"), 58, "from 0 to 1e+12"),
}


def test_distributions_that_would_overflow_are_refused_with_the_range(tmp_path):
    paths = {name: write(tmp_path, f"dist{i}.yaml", mutate(edit)) for i, (name, (edit, *_)) in enumerate(OVERFLOWING.items())}
    run = cli("validate", *paths.values())
    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    lines = located(run.stdout)
    for name, (_, line, words) in OVERFLOWING.items():
        mine = [ln for ln in lines if ln["file"] == str(paths[name])]
        assert len(mine) == 1, (name, mine)
        assert int(mine[0]["line"]) == line and words in mine[0]["message"], (name, mine)


@pytest.mark.parametrize("name", ["lognormal sd 1e308", "gamma cv 1e-300"])
def test_simulate_refuses_them_too(tmp_path, name):
    edit, line, words = OVERFLOWING[name]
    found = assert_refused(cli("simulate", write(tmp_path, "d.yaml", mutate(edit)), "--reps", "1"), words)
    assert int(found["line"]) == line


CORNERS = [  # every kind at the edges of what the check accepts
    ("constant", (MIN_VALUE,)), ("constant", (MAX_VALUE,)),
    ("exponential", (MIN_VALUE,)), ("exponential", (MAX_VALUE,)),
    ("uniform", (MIN_VALUE, MAX_VALUE)), ("uniform", (0.0, MIN_VALUE)),
    ("triangular", (0.0, MIN_VALUE, MAX_VALUE)), ("triangular", (MIN_VALUE, MAX_VALUE, MAX_VALUE)),
    ("normal", (MAX_VALUE, MAX_VALUE)), ("normal", (MIN_VALUE, MAX_VALUE)), ("normal", (MAX_VALUE, MIN_VALUE)),
    ("lognormal", (MIN_VALUE, MAX_CV * MIN_VALUE)), ("lognormal", (MAX_VALUE / MAX_CV, MAX_VALUE)),
    ("lognormal", (MAX_VALUE, MIN_VALUE)), ("lognormal", (MIN_VALUE, MIN_VALUE)),
    ("gamma", (MIN_VALUE, MAX_CV)), ("gamma", (MAX_VALUE, MAX_CV)), ("gamma", (MAX_VALUE, MIN_VALUE)),
    ("gamma", (MIN_VALUE, MIN_VALUE)),
    ("empirical", (MIN_VALUE, MAX_VALUE, 0.0)),
]


@pytest.mark.parametrize("kind, params", CORNERS, ids=[f"{k}{p}" for k, p in CORNERS])
def test_what_the_check_accepts_samples_finite_values_with_the_mean_written(kind, params):
    dist = Distribution(kind, params)
    assert dist.problem() is None
    draws = dist.sample(np.random.default_rng(7), 20_000)
    assert np.isfinite(draws).all() and (draws >= 0).all()
    mean = dist.mean()
    if kind == "normal" and params[1] > params[0] / 4:  # truncated at 0: the mean moves up
        return
    # within 6 standard errors of the sd written (heavy tails: a cv of 10 makes it wide)
    sd = params[1] * mean if kind == "gamma" else params[1] if kind == "lognormal" else float(np.std(draws))
    assert abs(draws.mean() - mean) <= 6 * sd / math.sqrt(len(draws)) + 1e-12 * mean, (draws.mean(), mean)


@pytest.mark.parametrize("kind, params", [
    ("lognormal", (6.0, 1e308)), ("gamma", (4.0, 1e-300)), ("gamma", (4.0, 1e300)), ("exponential", (1e-320,)),
    ("exponential", (1e308,)), ("normal", (1e308, 1e308)), ("uniform", (0.0, 1.7e308)), ("empirical", (1.0, 1e308)),
    ("lognormal", (1.0, 1e6)), ("gamma", (4.0, 100.0)),
])
def test_what_the_check_refuses_is_what_breaks_when_sampled(kind, params):
    import warnings

    dist = Distribution(kind, params)
    assert dist.problem() is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            draws = dist.sample(np.random.default_rng(7), 20_000)
        except (ArithmeticError, ValueError):
            return  # the crash simulate used to end in
        overflow = not np.isfinite(draws).all() or not np.isfinite(draws.sum()) or draws.max() > MAX_VALUE * 1e3
        underflow = ((draws > 0) & (draws < np.finfo(float).tiny)).any() or (draws == 0).mean() > 0.5
        wrong_mean = abs(draws.mean() - dist.mean()) > 0.5 * dist.mean()
    broken = overflow or underflow or wrong_mean
    assert broken, f"{kind}{params} samples fine; the range refuses it for nothing"


def test_a_day_at_the_edges_of_the_ranges_runs(tmp_path):
    text = mutate(("{gamma: {mean: 4, cv: 0.8}}", "{gamma: {mean: 4, cv: 10}}"),
                  ("{lognormal: {mean: 6, sd: 3}}", "{lognormal: {mean: 6, sd: 60}}"),
                  ("{exponential: {mean: 3}}", "{exponential: {mean: 1.0e-9}}"),
                  ("{uniform: [0.2, 0.6]}", "{empirical: [0, 1.0e-9, 0.5]}"),
                  ("rent: 100", "rent: 1.0e+12"))
    run = cli("simulate", write(tmp_path, "edges.yaml", text), "--reps", "2", "--json")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr


def test_statistics_over_replications_never_raise():
    from engine.sim.stats import mean_ci

    mean, half = mean_ci([math.inf, -math.inf, 1.0])  # a score that divides by zero, both ways
    assert math.isnan(mean)
    mean, half = mean_ci([1e300, -1e300, 1e300])
    assert math.isfinite(mean) and half == math.inf
    assert mean_ci([1e308, 1e308]) == (math.inf, math.inf) or math.isnan(mean_ci([1e308, 1e308])[1])


# --------------------------------------------------------------------------------------------------
# The objective


@pytest.mark.parametrize("score, words", [
    ("score", "the score is now the profit"),
    ("profit - 2 * score", "the score is now the profit"),
    ("profits", "the score is now the profit"),
    ("profit - 10 * abandoned", "`penalties: {abandoned: {kpi: abandoned, per_unit: 10}}`"),
    ("profit - 10000 * max(0, 0.8 - service_level)",
     "`penalties: {service_level: {kpi: service_level, below: 0.8, per_point: 100}}`"),
])
def test_a_score_other_than_profit_is_refused_with_its_rewrite(tmp_path, score, words):
    path = write(tmp_path, "obj.yaml", mutate(("objective:\n", f"objective:\n  score: {score}\n")))
    problems = validate_file(path)
    assert [p.line for p in problems] == [56] and words in problems[0].message


def test_simulate_refuses_a_score_expression_where_it_is_written(tmp_path):
    path = write(tmp_path, "obj.yaml", mutate(("objective:\n", "objective:\n  score: profit - 6 * lost\n")))
    found = assert_refused(cli("simulate", path, "--reps", "1"), "penalties: {lost: {kpi: lost, per_unit: 6}}")
    assert (found["line"], found["col"]) == ("56", "10")


# --------------------------------------------------------------------------------------------------
# Arguments


@pytest.mark.parametrize("args, words", [
    (["--seed", "-1"], "a seed is a whole number from 0"),
    (["--seed", str(2**130)], "a seed is a whole number from 0"),
    (["--seed", "9" * 5000], "..."),
    (["--reps", "0"], "at least 1"),
    (["--workers", "-2"], "at least 1"),
    (["--rule", "seniors=nan"], "not 'nan'"),
    (["--rule", "seniors=1e400"], "not '1e400'"),
    (["--rule", "ivr=\x1b[31m"], "no choice '\\x1b[31m'"),
    (["--rule", "se\x1b[2Jniors=3"], "unknown rule 'se\\x1b[2Jniors'"),
], ids=["seed -1", "seed 2**130", "seed of 5000 digits", "reps 0", "workers -2", "rule nan", "rule 1e400",
        "choice escape", "rule id escape"])
def test_odd_simulate_arguments_are_refused_in_one_line(args, words):
    run = cli("simulate", Path(__file__).resolve().parents[2] / "data" / "base.yaml", *args, "--reps", "1", timeout=60) \
        if "--reps" not in args else cli("simulate", Path(__file__).resolve().parents[2] / "data" / "base.yaml", *args, timeout=60)
    out = run.stdout + run.stderr
    assert run.returncode == 2 and "Traceback" not in out and "\x1b" not in out, out
    errors = [ln for ln in run.stderr.splitlines() if "error:" in ln]
    assert len(errors) == 1 and words in errors[0] and len(errors[0]) < 300, out


@pytest.mark.parametrize("seconds", ["nan", "-1", "inf", "0"])
def test_optimize_refuses_a_time_limit_that_is_no_time(seconds):
    run = cli("optimize", Path(__file__).resolve().parents[2] / "data" / "base.yaml", "--seconds", seconds)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert f"not '{seconds}'" in run.stderr


def test_a_large_seed_within_range_runs():
    run = cli("simulate", Path(__file__).resolve().parents[2] / "data" / "base.yaml", "--seed", str(2**63 - 1), "--reps", "1")
    assert run.returncode == 0, run.stderr


def test_an_unexpected_failure_is_one_line_unless_debugging():
    code = ("import sys, main\n"
            "def broken(args): raise ZeroDivisionError('float division by zero')\n"
            "main.cmd_schema = broken\n"
            "sys.exit(main.main(sys.argv[1:]))\n")
    run = subprocess.run([sys.executable, "-c", code, "schema"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        "error: unexpected failure: ZeroDivisionError: float division by zero "
        "(run 'python main.py --debug ...' for the traceback)"]
    run = subprocess.run([sys.executable, "-c", code, "--debug", "schema"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 1 and "Traceback" in run.stderr


# --------------------------------------------------------------------------------------------------
# Files validate used to pass and simulate refused without a place

PASSED_THEN_REFUSED = {  # name -> (edits of base.yaml, line, words)
    "a slider moving a count by half steps": (
        [("max: 8, default: 3, unit: reps}", "max: 8, step: 0.5, default: 3, unit: reps}")], 46,
        "at 1.5 makes 'resources.senior.count' = 1.5 invalid: resources.senior.count must be a whole number"),
    "an option that opens a port the expert map lacks": (
        [("solved: 0.35, fixed_costs.ivr_upgrade: 300}", "solved: 0.35, steps.billing_desk.overflow.after: 3}")], 52,
        "port billing_desk.overflow is not connected"),
    "an option that changes a route's ports": (
        [("solved: 0.35, fixed_costs.ivr_upgrade: 300}", "solved: 0.35, steps.by_need.by: segment}")], 52,
        "'by_need' has no port 'billing'"),
    "an option that breaks a sum of probabilities": (
        [("solved: 0.35, fixed_costs.ivr_upgrade: 300}", "solved: 0.35, entities.call.attributes.need.billing: 0.9}")],
        52, "sum to 1.3"),
}


def test_what_simulate_would_refuse_is_refused_by_validate_with_its_place(tmp_path):
    paths = {name: write(tmp_path, f"gap{i}.yaml", mutate(*edits))
             for i, (name, (edits, *_)) in enumerate(PASSED_THEN_REFUSED.items())}
    run = cli("validate", *paths.values())
    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr
    lines = located(run.stdout)
    for name, (_, line, words) in PASSED_THEN_REFUSED.items():
        mine = [ln for ln in lines if ln["file"] == str(paths[name])]
        assert any(int(ln["line"]) == line and words in ln["message"] for ln in mine), (name, mine)


def test_the_options_of_a_valid_file_run(tmp_path):
    run = cli("simulate", write(tmp_path, "base.yaml", BASE), "--rule", "seniors=8", "--rule", "ivr=premium", "--reps", "1")
    assert run.returncode == 0, run.stdout + run.stderr


# --------------------------------------------------------------------------------------------------
# Messages safe to print


def test_printable_escapes_what_drives_a_terminal_and_keeps_every_script():
    assert printable("Команда チーム Zoë 👩‍👩‍👧") == "Команда チーム Zoë 👩‍👩‍👧"
    assert printable("red\x1b[31m") == "red\\x1b[31m"
    assert printable("two\nlines\r\tand\x07") == "two\\nlines\\r\\tand\\x07"
    assert printable("abc\u202edef\u2028") == "abc\\u202edef\\u2028"  # a bidi override, a line separator
    assert printable("name\udcff.yaml") == "name\\xff.yaml"  # a file name that was not UTF-8
    assert str(Problem("f\x1b.yaml", 2, 3, "key 'a\x1bb'\nsecond")) == "f\\x1b.yaml:2:3: key 'a\\x1bb'\\nsecond"


@pytest.mark.parametrize("edit, line, col", [
    (("fixed_costs: {rent: 100}", "fixed_cost\x1b[31m: {rent: 100}"), 58, 11),
    (("summary: Callers", "summary: Call\x07ers"), 4, 14),
    (("  ivr: {kind: delay", "  iv\x1b[2Jr: {kind: delay"), 20, 5),
    (("  dev: {name: Dev Patel", "  dev: {name: Dev\x9b31m Patel"), 61, 18),  # CSI, the 8-bit escape
], ids=["escape in a key", "bell in a value", "clear screen in a step id", "8-bit CSI"])
def test_control_characters_are_placed_and_shown_escaped(tmp_path, edit, line, col):
    path = write(tmp_path, "ctl.yaml", mutate(edit))
    run = cli("validate", path)
    found = assert_refused(run, "control character")
    assert (int(found["line"]), int(found["col"])) == (line, col)
    assert "<unicode string>" not in run.stdout and len(run.stdout.strip().splitlines()) == 1


def test_escaped_names_from_a_valid_file_are_printed_escaped(tmp_path):
    text = mutate(("title: A small contact centre", 'title: "A \\e[31mred\\e[0m centre"'),
                  ("{id: seniors,", '{id: "sen\\e[2Jiors",'))
    problems = validate_file(write(tmp_path, "esc.yaml", text))
    assert problems and "\\x1b[2J" in str(problems[0]) and "\x1b" not in str(problems[0])
    ok = write(tmp_path, "ok.yaml", mutate(("title: A small contact centre", 'title: "A \\e[31mred\\e[0m centre"')))
    run = cli("simulate", ok, "--reps", "1")
    assert run.returncode == 0 and "\x1b" not in run.stdout and "A \\x1b[31mred\\x1b[0m centre" in run.stdout


def test_a_currency_that_turns_text_around_is_printed_escaped(tmp_path):
    """The long fuzz run's case 1436: a right-to-left override in the currency reversed every money line."""
    path = write(tmp_path, "rtl.yaml", mutate(("domain: call_center", 'domain: call_center\ncurrency: "\u202eevil\u202c"')))
    run = cli("simulate", path, "--reps", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "\u202e" not in run.stdout and "\\u202eevil\\u202c" in run.stdout


def test_a_file_name_with_an_escape_and_bad_bytes_is_printed_escaped(tmp_path):
    name = os.fsdecode(b"\x1b[31mred\xff.yaml")
    path = tmp_path / name
    path.write_text(BASE.replace("format: 1", "format: 2"))
    run = cli("validate", path)
    assert run.returncode == 2 and "\x1b" not in run.stdout
    assert "\\x1b[31mred\\xff.yaml:1:9: format must be one of 1" in run.stdout


def test_a_value_quoted_in_a_message_cannot_add_a_line(tmp_path):
    path = write(tmp_path, "nl.yaml", mutate(("pools: [junior, senior]", 'pools: [junior, "sen\\nior"]')))
    problems = validate_file(path)
    assert problems and all("\n" not in str(p) for p in problems)
    run = cli("validate", path)
    assert run.returncode == 2 and len(run.stdout.strip().splitlines()) == len(problems)


def test_an_alias_to_its_own_container_is_refused_at_once(tmp_path):
    """The fuzzer's slow case: the whole scenario anchored and aliased inside itself expanded, level by
    level, to 250,000 values (15 s and 1.2 GB) before the alias-bomb count stopped it."""
    text = (ROOT / "scenarios" / "customer_service.yaml").read_text(encoding="utf-8")
    whole = write(tmp_path, "whole.yaml", "&top\n" + text + "loop: *top\n")
    listed = write(tmp_path, "listed.yaml", "format: 1\nsteps: &s [1, [2, *s]]\n")
    for path, line, col in ((whole, 1, 1), (listed, 2, 8)):
        run = cli("validate", path, timeout=30)
        hit = assert_refused(run, "holds an alias to itself")
        assert (int(hit["line"]), int(hit["col"])) == (line, col), run.stdout
    from engine.format.yamlpos import parse

    shared = parse("a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n", "shared.yaml").data  # reused, not looping: fine
    assert shared == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}, "d": [{"b": [1, 2]}, {"b": [1, 2]}]}


@pytest.mark.parametrize("edit, where, words", [
    (("horizon: 240", "horizon: 1.0e+308"), (6, 31), "time.horizon must be a number above 0 and at most 1e+12"),
    (("rate: 2.5}", "rate: 1.0e+308}"), (19, 48), "steps.incoming.rate must be a number from 0 to 1e+09"),
    (("rate: 2.5}", "rate: 6.0e+8}"), (54, 52), "the rate would reach 1.2e+09 a minute, above 1e+09"),
])
def test_times_and_rates_that_would_make_a_day_infinite_are_refused_where_written(tmp_path, edit, where, words):
    """A horizon or a rate of 1e308 made the expected arrivals infinite: the work budget then blamed the
    wrong value and numpy warned on standard error (the long fuzz run's two findings)."""
    run = cli("validate", write(tmp_path, "big.yaml", mutate(edit)))
    hit = assert_refused(run, words)
    assert (int(hit["line"]), int(hit["col"])) == where, run.stdout
    assert len(located(run.stdout)) == 1 and not run.stderr.strip(), run.stdout + run.stderr
