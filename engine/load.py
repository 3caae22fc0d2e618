"""Load a scenario file: read it, check all of it, build the model, and make sure it can run.

    scenario = load("scenarios/customer_service.yaml")     # or raises ScenarioError(problems)
    problems = validate_file("my.yaml")                      # every problem at once, FILE:LINE:COL
    cheaper = apply_rules(scenario, {"seniors": 3})          # a new model with rule values (engine.rules)

A file is read with positions (`engine.format.yamlpos`), checked in two passes (`engine.format.checks`:
the declared shape, then what needs more than one place of the file) and, only when it has no problem at
all, built into a model (`engine.format.builder`). Then what the format alone cannot see: the expert maps
must run (the map check of `engine.maps`, the same judge as the player's map), at the rules' defaults and
at each rule's default, extremes and choices; and `validate_file` adds the run's work budget
(`engine.budget`) at those values, so what `validate` accepts, `simulate` runs. Each problem is placed at
the value to change.

This module sits above the format, the rules, the maps and the budget, and uses all four; none of them
imports it.
"""
from __future__ import annotations

import re
from typing import Any

from .budget import problems as over
from .format import ScenarioError, check
from .format.builder import build
from .format.raw import as_dict, as_list
from .format.spec import label
from .format.yamlpos import Document, Position, Problem, YamlError, no_gc, parse, read_text
from .maps.check import map_problems
from .model import Choice, ProcessMap, Scenario
from .rules import RuleError, apply_rules

__all__ = ["load", "loads", "validate_file", "work_problems", "expert_map_problems", "builtin_dir"]


def loads(text: str, name: str = "<string>") -> Scenario:
    """A scenario from YAML text; raises ScenarioError listing every problem."""
    with no_gc():  # reading a big file makes many objects and no garbage: see engine.format.yamlpos
        try:
            doc = parse(text, name)
        except YamlError as e:
            raise ScenarioError(e.problems) from None
        problems = check(doc)
        if problems:
            raise ScenarioError(problems)
        scenario = build(doc.data, None if name.startswith("<") else name)
        problems = expert_map_problems(scenario, doc)
        if problems:
            raise ScenarioError(problems)
        return scenario


def expert_map_problems(scenario: Scenario, doc: Document) -> list[Problem]:
    """What would stop the expert maps from running, by the map check itself (`engine.maps.map_problems`:
    one judge for the player's map and the file's), at the edge concerned; then the same for each rule at
    its default, its extremes and each of its choices, at the rule (what `validate` accepts, `simulate`
    runs with any rule value in range). A few model builds per rule: cheap."""
    maps = [(("reference",), scenario.reference)]
    maps += [(("alternatives", k), alt) for k, alt in enumerate(scenario.alternatives)]
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def where(path: tuple, raw_items: list, index: int | None) -> Position:
        if index is None or index >= len(raw_items):
            return doc.where(path, "key")
        item = raw_items[index]
        return doc.where(path + (index,) + (("edge",) if isinstance(item, dict) else ()))

    for path, pmap in maps:
        raw_items = as_list(doc.data.get(path[0])) if len(path) == 1 else as_list(as_list(doc.data.get(path[0]))[path[1]])
        for p in map_problems(scenario, pmap):
            seen.add((p.kind, p.message))
            pos = where(path, raw_items, p.edge_index)
            out.append(Problem(doc.name, pos.line, pos.col, f"{label(path)}: {p.message}"))
    for i, rule in enumerate(scenario.rules):
        raw_rule = as_dict(as_list(doc.data.get("rules"))[i])
        for value, at in _rule_trials(rule, i):
            try:
                variant = apply_rules(scenario, {rule.id: value})
            except (RuleError, ScenarioError, ValueError, KeyError, TypeError):
                continue  # the rule checks above have said what is wrong with it
            for path, _ in maps:
                pmap = variant.reference if len(path) == 1 else variant.alternatives[path[1]]
                for p in map_problems(variant, pmap):
                    if (p.kind, p.message) in seen:
                        continue
                    seen.add((p.kind, p.message))
                    pos = doc.where(at, "key" if at[2] == "choices" or at[2] not in raw_rule else "value")
                    shown = value if isinstance(value, str) else f"{value:g}"
                    out.append(Problem(doc.name, pos.line, pos.col,
                                       f"rule '{rule.id}' at {shown} breaks {label(path)}: {p.message}"))
    return sorted(out, key=lambda p: (p.line, p.col))


def load(path) -> Scenario:
    """A scenario from a file; raises ScenarioError listing every problem."""
    path = str(path)
    try:
        text = read_text(path)
    except YamlError as e:
        raise ScenarioError(e.problems) from None
    return loads(text, path)


def validate_file(path) -> list[Problem]:
    """Every problem of a file (empty when it is a valid scenario). Never raises for bad input.

    Past the format and the maps, the run's work budget (`engine.budget`) for the file's replications,
    at the defaults and at each rule's extremes and choices: what `validate` accepts, `simulate` runs."""
    try:
        scenario = load(path)
    except ScenarioError as e:
        return e.problems
    return work_problems(scenario, rule_trials=True)


def work_problems(scenario: Scenario, pmap: ProcessMap | None = None, replications: int | None = None,
                  reps_option: str | None = None, rule_trials: bool = False) -> list[Problem]:
    """`engine.budget.problems` as FILE:LINE:COL problems at the value to change (the file is read again
    for positions, only when there is something to say). A problem about a command-line option
    (`reps_option`) has line 0. With `rule_trials`, each rule's default, extremes and choices too."""
    found = [(None, path, message) for path, message in over(scenario, pmap, replications, reps_option)]
    if rule_trials:
        said = {m for _, _, m in found}
        for i, rule in enumerate(scenario.rules):
            for value, at in _rule_trials(rule, i):
                try:
                    variant = apply_rules(scenario, {rule.id: value})
                except (RuleError, ScenarioError, ValueError, KeyError, TypeError):
                    continue
                for _, message in over(variant, pmap, replications, reps_option):
                    if message not in said:
                        said.add(message)
                        shown = value if isinstance(value, str) else f"{value:g}"
                        found.append((at, None, f"rule '{rule.id}' at {shown}: {message}"))
    if not found:
        return []
    name = scenario.path or "<scenario>"
    doc = None
    if scenario.path:
        try:
            doc = parse(read_text(scenario.path), scenario.path)
        except (YamlError, OSError):
            doc = None
    out = []
    for at, path, message in found:
        if path is None and at is None:
            out.append(Problem(name, 0, 0, message))
            continue
        pos = doc.where(at or path, "key" if at and at[2] == "choices" else "value") if doc else Position(1, 1)
        out.append(Problem(name, pos.line, pos.col, message))
    return out


#: What a rule may set without changing whether a map can hold work for ever or how much work a day is
#: (staffing, money, labels): rules that set only these need no trial.
_NEUTRAL = re.compile(r"^(resources\.[^.]+\.(count|cost_per_hour|schedule)|fixed_costs\..*|"
                      r"steps\.[^.]+\.(cost_per_entity|cost_per_batch|revenue|penalty|late|unit_cost|order_cost|"
                      r"holding_cost|label|help)(\..*)?)$")


def _rule_trials(rule, i: int) -> list[tuple[Any, tuple]]:
    """The values of rule number `i` worth trying (default, extremes, every choice) and where each is;
    none for a rule that sets only what cannot trap work or change a day's work (`_NEUTRAL`)."""
    values = rule.options.values() if isinstance(rule, Choice) else [rule.assignments(rule.default)]
    if all(_NEUTRAL.match(path) for sets in values for path, _ in sets):
        return []
    if isinstance(rule, Choice):
        return [(v, ("rules", i, "choices", v)) for v in rule.options]
    return [(rule.default, ("rules", i, "default")), (rule.min, ("rules", i, "min")),
            (rule.max, ("rules", i, "max"))]


def builtin_dir():
    """The folder of the built-in scenarios (engine.resources: inside the wheel, or the checkout's scenarios/)."""
    from engine.resources import builtin_scenarios

    return builtin_scenarios()
