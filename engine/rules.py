"""Rule values: what the player's levers do to a scenario, as a new model.

A rule is a slider (`seniors` from 0 to 12) or a choice (`ivr`: basic, speech); each value sets dotted paths
of the file (`resources.senior.count`). `rule_value` checks a value the way the player or the command line
gave it (text from `--rule seniors=5` becomes a number) and says what the rule takes when it is not
offered; `apply_rules` writes the values into a copy of the file's plain data and builds the model again
(`engine.format.builder`), so a model with rules applied is exactly what a file with those values written
would give. The simulation calls it for a rule changed in the middle of a day; the loader, to try each
rule's values before it accepts a file (`engine.load`).
"""
from __future__ import annotations

import copy
import math
from typing import Any

from .format.builder import build
from .format.paths import set_path
from .model import Choice, Scenario
from .words import shorten, suggest, what

__all__ = ["RuleError", "rule_value", "apply_rules"]


class RuleError(ValueError):
    """A rule value that the scenario does not offer (unknown lever, out of range, not a choice)."""


def rule_value(scenario: Scenario, rule_id: str, value) -> Any:
    """A rule value checked and converted (text from the command line becomes a number for sliders)."""
    rule = scenario.rule(rule_id)
    if rule is None:
        ids = [r.id for r in scenario.rules]
        raise RuleError(f"unknown rule '{shorten(rule_id)}'{suggest(rule_id, ids)}"
                        + (f" (rules: {', '.join(ids)})" if ids else " (this scenario has no rules)"))
    if isinstance(rule, Choice):
        if str(value) not in rule.options:
            raise RuleError(f"rule '{rule_id}' has no choice '{shorten(value)}'{suggest(str(value), rule.options)}"
                            f" (choices: {', '.join(rule.options)})")
        return str(value)
    # What the user typed, as typed ('1e400', not inf), shortened: a value may be a line of junk.
    shown = f"'{shorten(value, 24)}'" if isinstance(value, str) else None
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise RuleError(f"rule '{rule_id}' takes a number from {rule.min:g} to {rule.max:g}, "
                        f"not {shown or what(value)}") from None
    if not (math.isfinite(v) and rule.min - 1e-9 <= v <= rule.max + 1e-9):
        raise RuleError(f"rule '{rule_id}' takes a number from {rule.min:g} to {rule.max:g}, not {shown or f'{v:g}'}")
    if rule.integer:
        if not v.is_integer():
            raise RuleError(f"rule '{rule_id}' takes a whole number, not {v:g}")
        return int(v)
    return v


def apply_rules(scenario: Scenario, values: dict | None) -> Scenario:
    """A new model with these rule values (id -> value) in force; rules not named keep their defaults.

    Raises RuleError for an unknown rule or a value the rule does not offer."""
    if not values:
        return scenario
    raw = copy.deepcopy(dict(scenario.raw))
    for rid, value in values.items():
        v = rule_value(scenario, rid, value)
        for dotted, setting in scenario.rule(rid).assignments(v):
            set_path(raw, dotted, setting)
    return build(raw, scenario.path)
