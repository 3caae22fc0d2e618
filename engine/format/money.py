"""The checks of the money a scenario scores: the objective (its targets; the score is always the profit) and
the penalties, the contract's charges written as named cost lines of the day.

Files written before penalties existed put their charges in an expression, `objective.score: profit - 6 *
abandoned - 10000 * max(0, 0.8 - service_level)`, which no screen could explain. Such a file gets one
problem at the expression, saying how to write it now; for the usual terms (`- N * kpi`, `- N * max(0, T -
kpi)`, `- N * max(0, kpi - T)`) the rewrite is spelled out, ready to paste (`rewrite_score`).
"""
from __future__ import annotations

import re

from ..model import SHARE_KPIS
from ..words import suggest
from .raw import as_dict, is_number, kpi_names
from .spec import Checker

#: KPIs a penalty may not count: the money itself (a charge on the profit would count itself).
MONEY_KPIS = ("revenue", "cost", "profit", "score", "decision_cost")

_NUM = r"(\d+(?:\.\d*)?|\.\d+)"
_KPI = r"([a-z_]+(?:\.[A-Za-z0-9_\-]+)?)"
_TERMS = (
    (re.compile(rf"-\s*{_NUM}\s*\*\s*max\(\s*0\s*,\s*{_NUM}\s*-\s*{_KPI}\s*\)"), "below"),
    (re.compile(rf"-\s*{_NUM}\s*\*\s*max\(\s*0\s*,\s*{_KPI}\s*-\s*{_NUM}\s*\)"), "above"),
    (re.compile(rf"-\s*{_NUM}\s*\*\s*{_KPI}"), "per"),
)


def is_share(kpi: str) -> bool:
    """A KPI between 0 and 1 (a rate or a share), which a penalty may count in percentage points."""
    return kpi.split(".")[0] in SHARE_KPIS


def _num(text: str) -> str:
    return f"{float(text):g}"


def rewrite_score(score: str) -> str | None:
    """The `penalties:` section (YAML flow style) that says what `profit - ...` said, or None when the
    expression is not profit less such terms."""
    text = " ".join(str(score).split())
    if not text.startswith("profit"):
        return None
    rest = text[len("profit"):]
    out = []
    while rest.strip():
        for pattern, kind in _TERMS:
            m = pattern.match(rest.strip())
            if m:
                break
        else:
            return None
        rest = rest.strip()[m.end():]
        if kind == "per":
            amount, kpi = m.group(1), m.group(2)
            out.append(f"{kpi.replace('.', '_')}: {{kpi: {kpi}, per_unit: {_num(amount)}}}")
            continue
        amount, a, b = m.groups()
        threshold, kpi = (a, b) if kind == "below" else (b, a)
        per = f"per_point: {float(amount) / 100:g}" if is_share(kpi) else f"per_unit: {_num(amount)}"
        out.append(f"{kpi.replace('.', '_')}: {{kpi: {kpi}, {kind}: {_num(threshold)}, {per}}}")
    return "penalties: {" + ", ".join(out) + "}" if out else None


def check_objective(raw: dict, ck: Checker) -> None:
    """The objective's score (only `profit`) and targets."""
    obj = as_dict(raw.get("objective"))
    names = kpi_names(raw)
    score = obj.get("score", "profit")
    if "score" in obj and " ".join(str(score).split()) != "profit":
        fix = rewrite_score(str(score))
        how = (f"replace it with `{fix}` beside `objective`" if fix else
               "write each charge as a penalty (`penalties: {NAME: {kpi: KPI, per_unit: AMOUNT}}`, or "
               "`below: THRESHOLD, per_point: AMOUNT` for a clause)")
        ck.error(("objective", "score"), "objective.score: the score is now the profit, and every charge a named "
                                         f"cost line of the day: {how}; see docs/scenario-format.md, \"Penalties\"")
    for kpi, t in as_dict(obj.get("targets")).items():
        if kpi not in names:
            ck.error(("objective", "targets", kpi), f"unknown KPI '{kpi}'{suggest(kpi, names)}", at="key")
        t = as_dict(t)
        if not t:
            ck.error(("objective", "targets", kpi), f"the target for '{kpi}' needs min or max")
        elif is_number(t.get("min")) and is_number(t.get("max")) and t["min"] > t["max"]:
            ck.error(("objective", "targets", kpi), f"the target for '{kpi}' has min above max")


def check_penalties(raw: dict, ck: Checker) -> None:
    """Each penalty: a KPI the runs report (not the money itself), one rate, at most one threshold."""
    names = [n for n in kpi_names(raw) if n not in MONEY_KPIS and not n.startswith("penalty.")]
    for pid, p in as_dict(raw.get("penalties")).items():
        p = as_dict(p)
        path = ("penalties", pid)
        kpi = p.get("kpi")
        if isinstance(kpi, str):
            if kpi in MONEY_KPIS or kpi.startswith("penalty."):
                ck.error(path + ("kpi",), f"penalty '{pid}' counts '{kpi}', which is money already: a penalty "
                                          "counts what the day did (abandoned, lost, service_level, ...)")
            elif kpi not in names:
                ck.error(path + ("kpi",), f"unknown KPI '{kpi}'{suggest(kpi, names)}")
        rates = [k for k in ("per_unit", "per_point") if k in p]
        if len(rates) != 1:
            ck.error(path, f"penalty '{pid}' needs exactly one of per_unit (money for each unit of the KPI) "
                           "and per_point (money for each percentage point of a share)", at="key")
        elif rates == ["per_point"] and isinstance(kpi, str) and not is_share(kpi):
            ck.error(path + ("per_point",), f"penalty '{pid}': per_point counts percentage points of a share "
                                            f"(service_level, abandon_rate, ...); '{kpi}' is not one: use per_unit",
                     at="key")
        if "below" in p and "above" in p:
            ck.error(path + ("above",), f"penalty '{pid}' has both below and above: write two penalties", at="key")
        for side in ("below", "above"):
            v = p.get(side)
            if is_number(v) and isinstance(kpi, str) and is_share(kpi) and not 0 <= v <= 1:
                ck.error(path + (side,), f"penalty '{pid}': {kpi} is a share between 0 and 1, so {side} must be "
                                         f"too (0.8 for 80 %), not {v:g}")
