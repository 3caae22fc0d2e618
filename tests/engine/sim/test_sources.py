"""Issue 10, item 3: an event that outlasts the day must not bring arrivals back after the horizon.

A 100-minute day at 10 callers a minute, the rate doubled from minute 50 `for: 100`: the event ends at 150,
after the horizon. Arrivals are Poisson with mean 10 * 50 + 20 * 50 = 1,500 (variance 1,500), whatever the
close; the mean over the replications must be within 4 standard errors of it. Before the fix, the rate
change at minute 150 put the pending arrival in the past and arrivals started again (about 1,991).
"""
from __future__ import annotations

import math

import pytest

from engine import load as fmt, sim

DAY = """
format: 1
id: event-outlasts-day
title: An event that outlasts the day
time: {{unit: minute, horizon: 100, close: {close}}}
entities:
  call: {{label: Caller}}
resources:
  agent: {{label: Agents, count: 30}}
steps:
  calls: {{kind: source, rate: 10}}
  answer: {{kind: service, pools: agent, duration: {{exponential: {{mean: 1}}}}}}
  done: {{kind: exit}}
reference:
  - "calls.out -> answer"
  - "answer.done -> done"
events:
  - {{at: 50, for: {length}, scale: {{steps.calls.rate: 2}}}}
objective:
  targets: {{}}
"""
REPS = 60


@pytest.mark.parametrize("close", ["drain", "cutoff"])
@pytest.mark.parametrize("length", [100, 10_000])
def test_arrivals_equal_theory_when_the_event_outlasts_the_day(close, length):
    sc = fmt.loads(DAY.format(close=close, length=length))
    result = sim.run(sc, replications=REPS, seed=11)
    expected = 10 * 50 + 20 * 50
    standard_error = math.sqrt(expected / REPS)
    assert abs(result.mean("arrivals") - expected) < 4 * standard_error, result.mean("arrivals")


def test_a_rate_change_after_the_horizon_never_runs_the_clock_backwards():
    sc = fmt.loads(DAY.format(close="drain", length=100))
    day = sim.Day(sc, seed=3, trace=True)
    last = 0.0
    for record in day.advance(None):
        assert record[1] >= last, record
        last = record[1]
        if record[0] == "move" and record[3] == "calls":  # an arrival leaves its source
            assert record[1] < 100.0, record
    assert day.done
