"""The decisions a round took, in words, and the day as played kept with a stored round.

`round.decisions` holds, for each decision the watched day stopped at, `(sim_time, event_index, chosen_id,
{choice_id: forecast profit})`: the profit on the evaluation days every choice was forecast to give
(engine.optimize.rest_of_day, from the state the day was in then). Those forecasts are on the very days
the results measure, so they are comparable with the final profit; but a forecast assumes that nothing
else changes later in the day (every later decision at its default, no lever pulled). `decision_lines`
says it honestly: "would have given" when the player changed nothing after that decision (the chosen
choice's forecast is then the final profit), "was forecast at the time to give" otherwise.

A stored round (game.data.store.RoundRecord, kept by the workshop) keeps its rules as one JSON mapping:
`record_rules(round)` puts the day's start rules there with its script (`PLAYED`) and its decisions
(`DECISIONS`) beside them, under keys no lever has; `script_of` and `decisions_of` read them back, and
`lever_values` leaves only the levers (what a results sheet lists). The debrief replays and describes the
day from them, as the results screen did.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from engine.decisions import moment

PLAYED = "_played"  # the watched day's script, beside the start rules of a stored round
DECISIONS = "_decisions"


def _later_changes(played: Sequence, at: float, index: int, scenario) -> bool:
    """Whether the player changed anything after the decision `index` at `at`: a lever pulled, or a later
    decision taken otherwise than its default."""
    for t, kind, what in played:
        if float(t) < at - 1e-9:
            continue
        if kind == "rules":
            return True
        if kind == "decide":
            i, choice = what
            if int(i) != int(index) and choice != scenario.events[int(i)].decision.default:
                return True
    return False


def decision_rows(scenario, decisions: Sequence, played: Sequence, profit: float | None = None
                  ) -> list[tuple[str, list[str]]]:
    """Per decision: what was chosen, when and its profit (the final `profit` when nothing was changed
    after it, else its forecast then), and a line per other choice saying what it would have given."""
    cur = scenario.currency
    out = []
    for t, index, chosen, forecasts in decisions:
        labels = {c.id: c.label for c in scenario.events[int(index)].decision.choices}
        later = _later_changes(played, float(t), int(index), scenario)
        own = profit if (profit is not None and not later) else forecasts.get(chosen)
        head = f"At {moment(scenario, float(t))} you chose {labels.get(chosen, chosen)}"
        if own is not None:
            head += f" (forecast then {own:,.0f} {cur})" if later else f": {own:,.0f} {cur}"
        verb = "was forecast at the time to give" if later else "would have given"
        out.append((head, [f"{labels.get(cid, cid)} {verb} {p:,.0f} {cur}"
                           for cid, p in forecasts.items() if cid != chosen]))
    return out


def decision_lines(scenario, decisions: Sequence, played: Sequence, profit: float | None = None) -> list[str]:
    """A sentence per decision (`decision_rows` in one line)."""
    return [head + ". " + "; ".join(others) + "." if others else head + "."
            for head, others in decision_rows(scenario, decisions, played, profit)]


def changed_by_player(scenario, played: Sequence) -> bool:
    """Whether the player changed the day: a lever pulled, or a decision taken otherwise than its default."""
    return _later_changes(played, -1.0, -1, scenario)


# ---- the day as played, in a stored round ----

def record_rules(rnd) -> dict[str, Any]:
    """What a stored round keeps as its rules: the start rules, with the script and the decisions when the
    rules changed during the day (else the rules as they are)."""
    script = list(rnd.script)
    if not script:
        return dict(rnd.rules)
    out = dict(rnd.measured_rules)
    out[PLAYED] = [[float(t), kind, list(what) if isinstance(what, tuple) else dict(what)] for t, kind, what in script]
    out[DECISIONS] = [[float(t), int(i), chosen, {k: float(v) for k, v in f.items()}]
                      for t, i, chosen, f in rnd.decisions]
    return out


def lever_values(rules: Mapping[str, Any]) -> dict[str, Any]:
    """The levers of stored rules (without the script and decisions kept beside them)."""
    return {k: v for k, v in rules.items() if k not in (PLAYED, DECISIONS)}


def script_of(rules: Mapping[str, Any]) -> tuple:
    """The script kept with stored rules, as engine.sim.Day takes it."""
    out = []
    for t, kind, what in rules.get(PLAYED) or ():
        out.append((float(t), kind, (int(what[0]), str(what[1])) if kind == "decide" else dict(what)))
    return tuple(out)


def decisions_of(rules: Mapping[str, Any]) -> list[tuple]:
    """The decisions kept with stored rules, as `round.decisions` holds them."""
    return [(float(t), int(i), str(c), dict(f)) for t, i, c, f in rules.get(DECISIONS) or ()]
