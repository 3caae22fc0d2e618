"""Every example in the docs works: complete scenarios load, fragments are at least valid YAML."""
from __future__ import annotations

import pytest
import yaml

from docs_examples import COMPLETE, DOC, FRAGMENTS
from engine.load import loads


def test_the_doc_has_examples_of_both_kinds():
    assert len(COMPLETE) >= 2 and len(FRAGMENTS) >= 10


@pytest.mark.parametrize("block", COMPLETE, ids=[f"complete-{i}" for i in range(len(COMPLETE))])
def test_complete_examples_load(block):
    scenario = loads(block, "docs-example.yaml")
    assert scenario.steps and scenario.reference.edges


@pytest.mark.parametrize("block", FRAGMENTS, ids=[f"fragment-{i}" for i in range(len(FRAGMENTS))])
def test_fragments_are_valid_yaml(block):
    assert yaml.safe_load(block) is not None


def test_every_step_kind_and_distribution_is_documented():
    from engine.distributions import KINDS
    from engine.model import STEP_KINDS

    text = DOC.read_text()
    for kind in STEP_KINDS:
        assert f"### {kind}" in text, kind
    for dist in KINDS:
        assert dist in text, dist
