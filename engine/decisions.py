"""Decisions at the shocks: what an advisor asks when a scripted event fires, and the choices offered.

A scenario's event (engine.model.Event) may carry a `Decision`: when the event fires, an advisor asks the
question (`ask`) and the player takes one of two or three `Choice`s, or the `default` when nobody chooses (the
command line, par, forecasts, the kiosk's timer after `seconds`). A choice acts from the moment it is taken:
a one-off `cost` (the KPI `decision_cost`, part of `cost`), knobs scaled or set the way an event's `scale`
and `set` do, for `duration` (to the end of the day when None), and rule values in force from then on, as a
lever pulled at that moment. How a day plays a decision is engine.sim.day's (`Day.decide`, the day's script).

(`Choice` here is an option of a decision; a rule's choice of options is engine.model.Choice.)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .model import Line, frozen_map

#: The kiosk's timer before it takes the default, when the file gives none (seconds).
DEFAULT_SECONDS = 12.0


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer to a decision: its button (`label`), a line saying what it means, and what it does."""

    id: str
    label: str
    say: str = ""
    cost: float = 0.0
    scale: tuple[tuple[str, float], ...] = ()
    set: tuple[tuple[str, Any], ...] = ()
    duration: float | None = None  # how long `scale` and `set` last from the decision; None: the rest of the day
    rules: Mapping[str, Any] = field(default_factory=frozen_map)

    def changes_nothing(self) -> bool:
        """Whether taking this choice leaves the day exactly as it was (no cost, knob or rule)."""
        return not (self.cost or self.scale or self.set or self.rules)


@dataclass(frozen=True, slots=True)
class Decision:
    """The question an event asks (`ask`: an advisor and their words), its choices and the default."""

    choices: tuple[Choice, ...]
    default: str
    ask: Line | None = None
    seconds: float = DEFAULT_SECONDS

    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)

    def choice(self, choice_id: str) -> Choice:
        """The choice of this id; ValueError (naming the choices) for another."""
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise ValueError(f"no choice {choice_id!r} (choices: {', '.join(self.ids())})")


def build_decision(raw: Mapping[str, Any] | None) -> Decision | None:
    """The decision of an event's checked `decision:` section (None when the event has none)."""
    if not raw:
        return None
    choices = []
    for c in raw.get("choices") or ():
        duration = c.get("for")
        choices.append(Choice(
            id=str(c["id"]), label=str(c["label"]), say=str(c.get("say") or ""), cost=float(c.get("cost") or 0.0),
            scale=tuple((p, float(v)) for p, v in (c.get("scale") or {}).items()),
            set=tuple((c.get("set") or {}).items()),
            duration=float(duration) if duration is not None else None,
            rules=frozen_map(c.get("rules") or {})))
    ask = raw.get("ask")
    line = Line(*next(iter(ask.items()))) if ask else None
    return Decision(tuple(choices), str(raw["default"]), line, float(raw.get("seconds", DEFAULT_SECONDS)))


def taken(scenario, script=()) -> list[tuple[int, float, Choice, bool]]:
    """The decisions a day playing `script` takes: (event index, when, the choice, whether it is the default)
    for each decision event in time order, the script's choice or else the default (engine.sim.day)."""
    chosen = {what[0]: (float(t), what[1]) for t, kind, what in script if kind == "decide"}
    out = []
    for i, ev in sorted(enumerate(scenario.events), key=lambda x: x[1].at):
        d = ev.decision
        if d is None or (ev.at >= scenario.time.horizon and i not in chosen):
            continue
        t, cid = chosen.get(i, (float(ev.at), d.default))
        out.append((i, t, d.choice(cid), cid == d.default))
    return out


def moment(scenario, t: float) -> str:
    """Sim time `t` as the scenario's clock reads it: "13:00", or "day 6, 00:00" in a run of several days."""
    try:
        hh, mm = (int(x) for x in (scenario.time.clock_start or "00:00").split(":")[:2])
    except ValueError:
        hh, mm = 0, 0
    minutes = int(hh * 60 + mm + t * scenario.time.hours_per_unit * 60)
    clock = f"{minutes % 1440 // 60:02d}:{minutes % 60:02d}"
    return clock if scenario.time.horizon * scenario.time.hours_per_unit <= 24 else f"day {minutes // 1440 + 1}, {clock}"
