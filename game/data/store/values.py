"""What a value becomes before it is stored, the same for every back end.

Days are ISO dates of the UTC calendar (the daily board's day, the one `engine.scoring.daily_seed`
uses); timestamps are ISO, UTC, to the second. KPIs are kept as their means: a (mean, half-width) pair
or a {"mean": ...} mapping becomes its mean, and a mean that is not a finite number becomes None, sorted
by name. Rule values keep the order given (the scenario's order of levers, as screens list them), numpy
scalars made plain numbers. Edges are kept as their readable text, `src.port -> dst`.
A back end stores these plain values as it likes (SQLite: JSON text).
"""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Iterable, Mapping


def today() -> _dt.date:
    """The day of the daily board: the UTC date, the same one `engine.scoring.daily_seed` uses."""
    return _dt.datetime.now(_dt.timezone.utc).date()


def now() -> str:
    """This moment, as it is stored: ISO, UTC, to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def day_text(day: _dt.date | str | None) -> str:
    """`day` (a date, a moment, an ISO date, or None for today) as the ISO date of the UTC calendar."""
    if day is None:
        return today().isoformat()
    if isinstance(day, _dt.datetime):
        return day.astimezone(_dt.timezone.utc).date().isoformat()
    if isinstance(day, _dt.date):
        return day.isoformat()
    return _dt.date.fromisoformat(day).isoformat()


def moment_text(when: _dt.datetime | str) -> str:
    """A moment as stored timestamps are written (a string is taken as one already)."""
    if isinstance(when, _dt.datetime):
        return when.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
    return when


def kpi_values(kpis: Mapping[str, Any] | None) -> dict[str, float | None]:
    """KPI means by name, sorted: (mean, half-width) pairs and {"mean": ..} become their mean; NaN None."""
    out: dict[str, float | None] = {}
    for name, v in (kpis or {}).items():
        if isinstance(v, (tuple, list)):
            v = v[0]
        elif isinstance(v, Mapping):
            v = v.get("mean")
        v = None if v is None else float(v)
        out[str(name)] = v if v is None or math.isfinite(v) else None
    return dict(sorted(out.items()))


def rule_values(rules: Mapping[str, Any] | None) -> dict[str, Any]:
    """Rule values in the order given (the scenario's order of levers, as screens list them)."""
    return {str(k): (v.item() if hasattr(v, "item") else v) for k, v in (rules or {}).items()}


def edge_texts(edges: Iterable[Any] | None) -> list[str]:
    """Edges as their readable text, `src.port -> dst` (engine.format.parse_edge reads it back)."""
    return [str(e) for e in (edges or ())]


def real(x: float | None) -> float | None:
    """A number to keep, or None for none or one that is not finite."""
    return None if x is None or not math.isfinite(float(x)) else float(x)
