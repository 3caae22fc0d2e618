"""The scenario file format: read a file with positions, check all of it, build the typed model.

    yamlpos       YAML read safely into plain data, with the line and column of every key and value
    spec          the combinators a shape is declared with (Num, Text, Map, DictOf, ...): check and JSON Schema
    shape         the format itself, `FORMAT`, declared once (and `json_schema`, `parse_edge`)
    raw           accessors of plain data that may be wrong anywhere, shared by the checks and the builder
    checks        `check`: the shape, then what needs more than one place of the file (`CrossChecks`)
    rule_checks   the part of the second pass about rules and events: their paths, the values they set
    paths         dotted paths (`resources.senior.count`): which a rule may reach, and setting one
    builder       `build`: the model (`engine.model`) of a file that passed the check

Reading a whole file, with the expert maps and the work budget tried at every rule's values, is
`engine.load`, one level up: it uses the maps and the budget, which use the model this package builds.
Applying rule values is `engine.rules`. Neither is imported here, so every module below the loader may
use the format without a circle.
"""
from .builder import build
from .checks import ScenarioError, check
from .shape import FORMAT, json_schema, parse_edge
from .yamlpos import Problem

__all__ = ["ScenarioError", "Problem", "check", "build", "json_schema", "parse_edge", "FORMAT"]
