"""Plain data read defensively: the parts of a parsed file that the checks, the builder and the rules share.

The checks run on a file whose shape may be wrong anywhere (a list where a mapping belongs, text where a
number does), so every accessor here takes what it is given and answers for the worst case: `as_dict` of a
list is an empty mapping, the ports of a step of an unknown kind are None. The builder uses the same
accessors on a file that passed the checks, so the two can never read a step differently.
"""
from __future__ import annotations

import math

from ..model import BASE_KPIS


def as_dict(x) -> dict:
    """`x` when it is a mapping, else an empty one."""
    return x if isinstance(x, dict) else {}


def as_list(x) -> list:
    """`x` when it is a list, else an empty one."""
    return x if isinstance(x, list) else []


def pools_of(step: dict) -> list[str]:
    """The pools a raw service step names (one id or a list of them), ids only."""
    p = step.get("pools")
    return [p] if isinstance(p, str) else [x for x in as_list(p) if isinstance(x, str)]


def step_ports(sid: str, step: dict, raw: dict) -> tuple[str, ...] | None:
    """The output ports of a raw step (None when its kind is unknown); the model's Step.ports, before building."""
    kind = step.get("kind")
    if kind == "source" or kind in ("delay", "batch"):
        return ("out",)
    if kind == "branch":
        return tuple(as_dict(step.get("branches")))
    if kind == "route":
        return route_values(step, raw)
    if kind == "service":
        ports = ["done"]
        res = step.get("resolve", 1)
        if (isinstance(res, (int, float)) and res < 1) or (isinstance(res, dict) and any(
                isinstance(v, (int, float)) and v < 1 for v in res.values())):
            ports.append("unresolved")
        if step.get("overflow") is not None:
            ports.append("overflow")
        if any(isinstance(e, dict) and e.get("patience") is not None for e in as_dict(raw.get("entities")).values()):
            ports.append("abandoned")
        return tuple(ports)
    if kind == "inventory":
        return ("ok", "out") if step.get("when_out") == "lost" else ("ok",)
    if kind == "exit":
        return ()
    return None


def route_values(step: dict, raw: dict) -> tuple[str, ...]:
    """The ports of a raw route step: every value any entity has for the attribute it splits by."""
    by = step.get("by")
    if not isinstance(by, str):
        return ()
    values: dict[str, None] = {}
    for ent in as_dict(raw.get("entities")).values():
        for v in as_dict(as_dict(as_dict(ent).get("attributes")).get(by)):
            values.setdefault(str(v))
    return tuple(values)


def is_number(x) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def kpi_names(raw: dict) -> tuple[str, ...]:
    """Every KPI name the runs of this file report (`Scenario.kpi_names`, before building)."""
    steps = as_dict(raw.get("steps"))
    return (BASE_KPIS + tuple(f"utilization.{p}" for p in as_dict(raw.get("resources")))
            + tuple(f"exits.{s}" for s, st in steps.items() if as_dict(st).get("kind") == "exit")
            + tuple(f"mean_on_hand.{s}" for s, st in steps.items() if as_dict(st).get("kind") == "inventory")
            + tuple(f"penalty.{p}" for p in as_dict(raw.get("penalties")))
            + (("decision_cost",) if any(as_dict(ev).get("decision") for ev in as_list(raw.get("events"))) else ()))


def is_scalar(value) -> bool:
    """Text or a number (not a bool): what a YAML scalar value of the format can be."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
