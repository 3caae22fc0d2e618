"""Dotted paths into a scenario file: which values rules and events may reach, and setting one.

A slider `sets: resources.senior.count`; a choice sets `steps.ivr.resolve.bot: 0.4`; an event scales
`steps.calls.rate`. `resolve_path` walks such a path down the file and the declared shape (`FORMAT`) at
once and says why it names no settable value (a section rules may not touch, a key the file lacks, a
whole section, a step's kind); `set_path` writes a value there in plain data, which is how a rule value is
applied (`engine.rules.apply_rules`) and how the checks try one (`engine.format.rule_checks`).
"""
from __future__ import annotations

import copy
from typing import Any

from ..words import suggest
from .raw import pools_of
from .shape import FORMAT
from .spec import DictOf, ListOf, Map, Spec, Tagged

#: The sections a rule may reach: the business, not the game around it (targets, time, the maps).
RULE_SECTIONS = ("resources", "steps", "entities", "fixed_costs")
#: What an event may change while the day runs (and so what a mid-day rule change can reach).
DYNAMIC_PATHS = ("steps.SOURCE.rate", "resources.POOL.count", "steps.STEP.duration", "steps.STEP.lead_time")


def dynamic_path(dotted: str) -> bool:
    """Whether an event may change `dotted` while the day runs (one of DYNAMIC_PATHS)."""
    parts = dotted.split(".")
    return len(parts) == 3 and ((parts[0] == "steps" and parts[2] in ("rate", "duration", "lead_time"))
                                or (parts[0] == "resources" and parts[2] == "count"))


def resolve_path(raw: dict, dotted: str) -> str | None:
    """Why `dotted` names no settable value of this scenario, or None when it does."""
    parts = dotted.split(".")
    if parts[0] not in RULE_SECTIONS:
        return f"rules and events may change only {', '.join(RULE_SECTIONS)}, not {parts[0]}{suggest(parts[0], RULE_SECTIONS)}"
    spec: Spec | None = FORMAT
    node: Any = raw
    for i, key in enumerate(parts):
        here = ".".join(parts[: i + 1])
        if isinstance(spec, Tagged):
            spec = spec.variant(node)
            if spec is None:
                return f"'{'.'.join(parts[:i])}' has no known kind"
        if isinstance(spec, (DictOf,)):
            if not spec.open_keys and (not isinstance(node, dict) or key not in node):
                have = list(node) if isinstance(node, dict) else []
                return f"there is no '{key}' in {'.'.join(parts[:i])}{suggest(key, have)}"
        sub = spec.at(key) if spec is not None else None
        if sub is None:
            keys = list(spec.fields) if isinstance(spec, Map) else []
            return f"'{here}' is not a setting of the format{suggest(key, keys)}"
        if isinstance(spec, Map) and key in ("kind", "id", "type"):
            return f"'{here}' cannot be changed by a rule"
        spec = sub
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(spec, (Map, DictOf, ListOf, Tagged)):
        return f"'{dotted}' is a whole section; name one value inside it"
    return None


def copy_branch(raw: dict, dotted: str) -> dict:
    """A copy of `raw` in which setting `dotted` cannot touch the original: only the item the path goes
    through (one step, one pool) is copied deeply, so trying a rule's values stays cheap in big files."""
    parts = dotted.split(".")
    out = dict(raw)
    section = raw.get(parts[0])
    if isinstance(section, dict):
        out[parts[0]] = dict(section)
        if len(parts) > 2 and parts[1] in section:
            out[parts[0]][parts[1]] = copy.deepcopy(section[parts[1]])
    return out


def set_path(raw: dict, dotted: str, value) -> None:
    """Set a dotted path in plain data, creating the last mapping level where needed."""
    parts = dotted.split(".")
    node = raw
    for key in parts[:-1]:
        nxt = node.get(key) if isinstance(node, dict) else None
        if nxt is None or not isinstance(nxt, dict):
            if nxt is not None and not isinstance(nxt, dict):
                # A per-pool value written as one number (`resolve: 0.8`) becomes a mapping when a rule sets
                # one pool's value: the other pools keep the number they had.
                if key in ("resolve", "chance"):
                    pools = pools_of(node) if key == "resolve" else pools_of(raw["steps"][parts[1]])
                    nxt = {p: nxt for p in pools}
                else:
                    raise TypeError(f"'{key}' is not a mapping")
            else:
                nxt = {}
            node[key] = nxt
        node = nxt
    node[parts[-1]] = value
