"""What a stored round chose, in words: its lever settings and its decisions at the shocks.

A stored round (game.data.store.RoundRecord) keeps one JSON mapping of rules: the levers the day began
with and, when the day changed while it was watched, its script and its decisions beside them
(game.play.decisions: `lever_values`, `script_of`, `decisions_of` read them; the store's schema is the
same). This module is the one reader the results board and the debrief share:

- `settings(scenario, rules)`: every lever of the scenario, in the scenario's order, at the value the day
  began with (the default when the round did not keep it), said as the rules screen says it ("36 reps",
  "Speech"), marked when it differs from the default; then the levers pulled later in the day
  (`changes`: "At 10:30: Junior reps on shift 40 reps");
- `decisions(scenario, rules)`: a line per decision at a shock ("At 13:00: Call in 6 temps"); a shock the
  round kept no choice for (a day skipped to its end, an older round) took the default, and says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from engine.decisions import moment

from game.play.decisions import decisions_of, lever_values, script_of
from game.ui import words


@dataclass(frozen=True)
class Setting:
    rule_id: str
    label: str  # the lever's name ("Junior reps on shift")
    value: str  # its value as the rules screen shows it ("36 reps", "Speech")
    changed: bool  # not the scenario's default


def settings(scenario, rules: Mapping[str, Any]) -> list[Setting]:
    """Each lever of `scenario` at the value the round's day began with."""
    start = lever_values(rules)
    out = []
    for rule in scenario.rules:
        v = start.get(rule.id, rule.default)
        out.append(Setting(rule.id, rule.label, words.lever_value(rule, v), v != rule.default))
    return out


def changes(scenario, rules: Mapping[str, Any]) -> list[str]:
    """The levers pulled while the day played, in order: "At 10:30: Junior reps on shift 40 reps"."""
    out = []
    for t, kind, what in script_of(rules):
        if kind != "rules":
            continue
        for rule_id, v in what.items():
            rule = scenario.rule(rule_id)
            if rule is not None:
                out.append(f"At {moment(scenario, t)}: {rule.label} {words.lever_value(rule, v)}")
    return out


def decisions(scenario, rules: Mapping[str, Any]) -> list[str]:
    """A line per decision at a shock, in the day's order: the choice taken, or the default when none was kept."""
    taken = {int(i): (t, chosen) for t, i, chosen, _ in decisions_of(rules)}
    for t, kind, what in script_of(rules):
        if kind == "decide":
            taken.setdefault(int(what[0]), (t, str(what[1])))
    out = []
    for index, event in enumerate(scenario.events):
        if event.decision is None:
            continue
        labels = {c.id: c.label for c in event.decision.choices}
        t, chosen = taken.get(index, (event.at, None))
        said = labels.get(chosen, chosen) if chosen else f"{labels.get(event.decision.default)} (the default)"
        out.append(f"At {moment(scenario, float(t))}: {said}")
    return out
