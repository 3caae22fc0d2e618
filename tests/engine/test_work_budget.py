"""Issue 10, item 2: a work budget. Runs out of reach are refused before they start, at the value to change
(FILE:LINE:COL, exit 2, no traceback), unless --no-work-limit; the optimizer keeps to its time and memory.

The cases are the issue's: an arrival rate of 1e6 and 1e9, a horizon of 1e9, `--reps 1000000000`, and the
facilitator's background par search on such a file. Timeouts are safety nets against hangs, not speed
assertions: before this work, each of these ran until memory or patience ran out.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import budget, load as fmt, sim
from engine.optimize import ParJob, optimize

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"

DAY = """format: 1
id: budget
title: A day to budget
time: {{unit: minute, horizon: {horizon}}}
run: {{replications: {reps}}}
entities:
  call: {{label: Caller}}
resources:
  agent: {{label: Agents, count: 30}}
steps:
  calls: {{kind: source, rate: {rate}}}
  answer: {{kind: service, pools: agent, duration: {{exponential: {{mean: 1}}}}}}
  done: {{kind: exit}}
reference:
  - "calls.out -> answer"
  - "answer.done -> done"
rules:
  - {{id: agents, label: Agents, sets: resources.agent.count, min: 1, max: 40, step: 1, default: 30}}
objective:
  targets: {{}}
"""
RATE_LINE, HORIZON_LINE, REPS_LINE = 11, 4, 5


def write(tmp_path: Path, rate="10", horizon="100", reps="10", name="day.yaml") -> Path:
    path = tmp_path / name
    path.write_text(DAY.format(rate=rate, horizon=horizon, reps=reps))
    return path


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def refused(out: subprocess.CompletedProcess, where: str, *words: str) -> None:
    text = out.stdout + out.stderr
    assert out.returncode == 2, text
    assert "Traceback" not in text, text
    assert where in text, text
    for w in words:
        assert w in text, (w, text)


@pytest.mark.parametrize("rate", ["1000000", "1000000000"])
def test_a_huge_arrival_rate_is_refused_at_the_rate(tmp_path, rate):
    path = write(tmp_path, rate=rate)
    for command in ("validate", "simulate", "optimize"):
        refused(cli(command, str(path)), f"{path}:{RATE_LINE}:", "lower the rate of 'calls'", "--no-work-limit")


def test_a_horizon_of_a_billion_is_refused_at_the_horizon(tmp_path):
    path = write(tmp_path, horizon="1000000000")
    for command in ("validate", "simulate"):
        refused(cli(command, str(path)), f"{path}:{HORIZON_LINE}:", "shorten time.horizon")


def test_a_billion_replications_on_the_command_line_are_refused_before_starting(tmp_path):
    out = cli("simulate", str(SCENARIOS / "tutorial.yaml"), "--reps", "1000000000")
    refused(out, "error: --reps 1000000000:", "replications fit", "--no-work-limit")


def test_too_many_replications_in_the_file_are_refused_at_run_replications(tmp_path):
    path = write(tmp_path, rate="100", horizon="480", reps="10000")
    refused(cli("validate", str(path)), f"{path}:{REPS_LINE}:", "lower run.replications")


def test_a_rule_whose_extreme_is_out_of_reach_is_refused_at_the_rule(tmp_path):
    path = tmp_path / "rule.yaml"
    demand = "  - {id: demand, label: Demand, sets: steps.calls.rate, min: 1, max: 1000000, step: 1000, default: 1}\n"
    path.write_text(DAY.format(rate=10, horizon=100, reps=10).replace("objective:", demand + "objective:"))
    out = cli("validate", str(path))
    refused(out, f"{path}:19:", "rule 'demand' at 1e+06")


def test_ordinary_scenarios_are_well_within_the_budget():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = fmt.load(path)
        work = budget.estimate(sc)
        assert budget.problems(sc) == [], path
        assert work.run_events < budget.MAX_RUN_EVENTS / 20, (path, work)


def test_the_estimate_counts_arrivals_events_and_rework(tmp_path):
    sc = fmt.load(write(tmp_path, rate="10", horizon="100"))
    work = budget.estimate(sc)
    assert work.arrivals == pytest.approx(1000)
    assert work.events == pytest.approx(1000 * 3, rel=0.01)  # an arrival, a service: its end and a timer
    # the event of item 3: double the rate from 50 for 100 minutes counts up to the horizon only
    sc = fmt.loads(write(tmp_path, name="e.yaml").read_text().replace(
        "objective:", "events:\n  - {at: 50, for: 100, scale: {steps.calls.rate: 2}}\nobjective:"))
    assert budget.estimate(sc).arrivals == pytest.approx(1500)
    # rework: a desk that resolves 1 call in 4 and sends the rest round again sees each caller 4 times
    text = write(tmp_path, name="r.yaml").read_text().replace(
        "duration: {exponential: {mean: 1}}}", "duration: {exponential: {mean: 1}}, resolve: 0.25}").replace(
        '  - "answer.done -> done"', '  - "answer.done -> done"\n  - "answer.unresolved -> answer"')
    assert budget.estimate(fmt.loads(text)).events == pytest.approx(1000 * (1 + 2 * 4), rel=0.01)


def test_a_day_carries_its_limit_and_no_work_limit_lifts_it(tmp_path):
    sc = fmt.load(write(tmp_path))
    day = sim.Day(sc)
    assert day.work_limit == budget.day_limit(budget.estimate(sc)) >= budget.MIN_DAY_EVENTS
    assert sim.Day(sc, work_limit=0).work_limit == 0
    k = sim.run(sc, replications=2, work_limit=False)
    assert k.mean("arrivals") > 0


def test_no_work_limit_is_accepted_by_simulate_and_optimize(tmp_path):
    """The flag is taken (what it skips is `check_work`, and the day's limit: see the test above)."""
    path = write(tmp_path)
    out = cli("simulate", str(path), "--reps", "2", "--no-work-limit")
    assert out.returncode == 0 and "arrivals" in out.stdout, out.stdout + out.stderr
    out = cli("optimize", str(path), "--seconds", "2", "--no-work-limit")
    assert out.returncode == 0 and "par" in out.stdout, out.stdout + out.stderr


# --------------------------------------------------------------------------------------------------
# The optimizer


def test_optimize_refuses_a_scenario_out_of_reach_before_searching(tmp_path):
    sc = fmt.load(write(tmp_path, rate="1000000"))
    with pytest.raises(budget.OverBudget) as caught:
        optimize(sc, seconds=5)
    assert "lower the rate" in str(caught.value)


def test_optimize_keeps_to_its_deadline_when_one_setting_takes_longer(tmp_path):
    """Days of ~100,000 calls: 10 replications of one setting take far longer than a second. The search
    says so instead of running on (safety net: the subprocess timeout)."""
    path = write(tmp_path, rate="1000", horizon="100")
    code = ("import sys; from engine import load as scenario, optimize, budget\n"
            f"sc = scenario.load({str(path)!r})\n"
            "try:\n"
            "    optimize.optimize(sc, seconds=1)\n"
            "    print('finished')\n"
            "except budget.CannotRun as e:\n"
            "    print('refused:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("refused:") and "--seconds" in out.stdout, out.stdout


def test_the_background_par_search_refuses_such_a_file_and_ends(tmp_path):
    job = ParJob(write(tmp_path, rate="1000000000"), seconds=50)
    try:
        assert job.wait(timeout=60)
        assert job.result is None and "lower the rate" in (job.error or ""), job.error
    finally:
        job.cancel()


def test_the_par_child_cannot_grow_past_its_memory_cap():
    """The cap the background search (and every game job's child) sets on itself: an allocation past it
    fails there, not on the kiosk."""
    code = ("from engine.budget import cap_address_space\n"
            "cap_address_space(200 * 1024 ** 2)\n"
            "try:\n"
            "    block = bytearray(1024 ** 3)\n"
            "    print('allocated')\n"
            "except MemoryError:\n"
            "    print('refused')\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    if not sys.platform.startswith("linux"):
        pytest.skip("the cap reads /proc/self/statm (Linux)")
    assert out.stdout.strip() == "refused", out.stdout + out.stderr


def test_the_par_search_is_stopped_by_its_parent_when_it_overruns(tmp_path):
    """A child that would run past its time (a tiny time limit against a slow start) is killed by the
    parent at seconds + grace; `poll` then reports why."""
    import engine.optimize.par as opt

    grace = opt.PAR_GRACE
    opt.PAR_GRACE = 0.0  # the parent's clock only: no stand-in for the child, which runs for real
    try:
        job = ParJob(SCENARIOS / "customer_service.yaml", seconds=0.01)
    finally:
        opt.PAR_GRACE = grace
    try:
        assert job.wait(timeout=60)
        assert job.result is None and "took longer than" in (job.error or ""), job.error
    finally:
        job.cancel()
    assert not job._proc.is_alive()
