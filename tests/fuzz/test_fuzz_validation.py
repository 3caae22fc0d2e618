"""Mutated scenarios never crash the loader: each gives a model or a list of FILE:LINE:COL problems."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.format import ScenarioError
from engine.load import loads
from fuzz_inputs import value_paths  # the fuzzer's walk of a parsed document

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [Path(__file__).resolve().parents[1] / "data" / "base.yaml", *sorted((ROOT / "scenarios").glob("*.yaml"))]
TEXTS = [p.read_text() for p in SOURCES]
DATA = [yaml.safe_load(t) for t in TEXTS]

GARBAGE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(-2, 2), max_size=2),
    st.sampled_from(["exponential", "rest", "a.out -> b", "-> ->", "resources.x.count", "", "1e999", "{}", "[]"]),
)


def _must_not_crash(text: str) -> None:
    try:
        loads(text, "fuzz.yaml")
    except ScenarioError as e:
        assert e.problems
        for p in e.problems:
            assert p.line >= 1 and p.col >= 1 and p.message
            assert str(p).startswith("fuzz.yaml:")


@st.composite
def mutated(draw):
    data = copy.deepcopy(draw(st.sampled_from(DATA)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in value_paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["delete", "replace", "swap", "rename"]))
        key = path[-1]
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(GARBAGE)
        elif action == "swap":  # a value of another type taken from elsewhere in the file
            other = draw(st.sampled_from(paths))
            node = data
            try:
                for k in other:
                    node = node[k]
            except (KeyError, IndexError, TypeError):
                node = None
            parent[key] = copy.deepcopy(node)
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(key)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.slow
@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_scenarios_never_crash(text):
    _must_not_crash(text)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(TEXTS), st.floats(0, 1))
def test_cut_files_never_crash(text, where):
    _must_not_crash(text[: int(len(text) * where)])


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(st.sampled_from(TEXTS), st.integers(0, 10**6), st.text(min_size=1, max_size=4))
def test_garbled_text_never_crashes(text, at, junk):
    i = at % (len(text) + 1)
    _must_not_crash(text[:i] + junk + text[i + 1:])
