"""The objective's expression language computes arithmetic over KPIs and refuses everything else."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from engine.expression import ExpressionError, parse

KPIS = ("profit", "abandoned", "service_level", "utilization.senior", "exits.resolved")
VALUES = {"profit": 1200.0, "abandoned": 14.0, "service_level": 0.82, "utilization.senior": 0.9, "exits.resolved": 300.0}


@pytest.mark.parametrize("text, expected", [
    ("profit - 20 * abandoned", 1200 - 280),
    ("min(service_level, 0.8) * 1000 + profit / 2", 800 + 600),
    ("max(profit, 0, -5)", 1200),
    ("abs(-profit)", 1200),
    ("-(profit - 1300)", 100),
    ("utilization.senior * 100", 90),
    ("exits.resolved", 300),
    ("3", 3),
    (42, 42),
])
def test_arithmetic_over_kpis(text, expected):
    assert parse(text, KPIS).evaluate(VALUES) == pytest.approx(expected)


def test_reads_only_the_names_it_uses():
    assert parse("profit - 20 * abandoned", KPIS).names == {"profit", "abandoned"}


def test_division_by_zero_does_not_crash():
    e = parse("profit / (abandoned - 14)", KPIS)
    assert e.evaluate(VALUES) == math.inf
    assert math.isnan(parse("(abandoned - 14) / (abandoned - 14)", KPIS).evaluate(VALUES))


@pytest.mark.parametrize("text, words", [
    ("profit.__class__", "attribute access is not allowed"),
    ("profit.real", "attribute access is not allowed"),
    ("utilization.junior", "unknown KPI 'utilization.junior'"),
    ("__import__('os').system('echo hacked')", "not allowed"),
    ("open('/etc/passwd')", "calling 'open' is not allowed"),
    ("eval('1')", "calling 'eval' is not allowed"),
    ("(lambda: 1)()", "not allowed"),
    ("[x for x in ()]", "not allowed"),
    ("profit ** 2", "'**' is not allowed"),
    ("profit if abandoned else 0", "not allowed"),
    ("profit > 0", "not allowed"),
    ("revenue", "unknown KPI 'revenue'"),
    ("profitt", "did you mean 'profit'"),
    ("'text'", "only numbers"),
    ("True", "only numbers"),
    ("min(profit)", "two or more"),
    ("abs(profit, 1)", "exactly one"),
    ("max(*[1, 2])", "not allowed"),
    ("min(profit, key=abs)", "keyword arguments"),
    ("profit +", "cannot read"),
    ("", "empty"),
    ("x" * 3000, "longer than"),
])
def test_refuses_everything_else(text, words):
    with pytest.raises(ExpressionError) as e:
        parse(text, KPIS)
    assert words in str(e.value)


def test_error_column_points_at_the_offender():
    with pytest.raises(ExpressionError) as e:
        parse("profit - 20 * abandonned", KPIS)
    assert e.value.col == 15


@given(st.text(max_size=40))
def test_arbitrary_text_is_parsed_or_refused_never_run(text):
    try:
        value = parse(text, KPIS).evaluate(VALUES)
    except ExpressionError:
        return
    assert isinstance(value, float)
