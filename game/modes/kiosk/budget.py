"""The kiosk round's budget: `kiosk.round_seconds` split between the phases so that the day always finishes.

A round is the briefing, the map, the rules, then the day, whose decisions (an event's `decision`, asked
with its own `seconds` timer in the kiosk) pause it. `plan(scenario, total)` gives each its seconds:

- reserved first: the decisions' `seconds` (all of them: a visitor may let every timer run out), the
  time's-up moment (`TIMES_UP_SECONDS`, shown only to a visitor who is late) and the end-of-day card
  (`END_SECONDS`, before the results);
- what a stranger needs for each phase before the day: `READ_SECONDS` a briefing line, `PLACE_SECONDS`
  a card to place or a link to draw on the kiosk's start map (engine.kiosk), `LEVER_SECONDS` a lever,
  plus a little for checking the map and reading the forecast; scaled down together when they would
  leave the day less than `RUN_SHARE` of what is not reserved (and never less than `MIN_RUN_SECONDS`);
- the day: the rest. The run plays the whole day in it (RunScene's `play_seconds`).

The phases before the day have deadlines counted from the round's start (`deadline`): time a visitor
saves on the briefing goes to the map, time they spend over the map comes out of the rules'. The last
one (`before_run`) is firm: then "Time's up", and the day runs with what the visitor built. What the
timer says (`phase_words`) is the time left for the phase on screen, in the words of what to do in it.
"""
from __future__ import annotations

from dataclasses import dataclass

PHASES = ("briefing", "map", "rules", "run")  # the phases of a round the timer runs in, in order
READ_SECONDS = 4.0  # a briefing line, read and tapped on
PLACE_SECONDS = 4.0  # a card placed or a link drawn, with a look at the board first
CHECK_SECONDS = 10.0  # checking the map and reading its score
LEVER_SECONDS = 5.0  # a lever read and set
START_SECONDS = 5.0  # a look at the forecast, then "Start the day"
TIMES_UP_SECONDS = 3.0  # the time's-up moment before the day runs
END_SECONDS = 3.0  # the end-of-day card before the results (game.scenes.run.ending's HOLD_SECONDS and a little)
RUN_SHARE = 0.3  # the day's least share of what is not reserved
MIN_RUN_SECONDS = 15.0
DEFAULT_DECISION_SECONDS = 12.0  # a decision without `seconds` (the format's default)

WORDS = {"briefing": "to read the briefing", "map": "to build your map", "rules": "to set the rules",
         "run": "for the day to play", "late": "until the day starts"}


@dataclass(frozen=True)
class Budget:
    """The seconds of each part of a kiosk round (see the module docstring)."""

    total: float
    briefing: float
    map: float
    rules: float
    decisions: float
    times_up: float
    end: float

    @property
    def before_run(self) -> float:
        """Seconds from the round's start by which the day starts: then "Time's up"."""
        return self.briefing + self.map + self.rules

    @property
    def run(self) -> float:
        """The day's own seconds (without its decisions and its end card)."""
        return max(0.0, self.total - self.before_run - self.decisions - self.times_up - self.end)

    def deadline(self, phase: str) -> float:
        """Seconds from the round's start by which `phase` should be over."""
        if phase == "run":
            return self.total
        ends = {"briefing": self.briefing, "map": self.briefing + self.map, "rules": self.before_run}
        return ends.get(phase, self.before_run)

    def parts(self) -> list[tuple[str, float]]:
        """(phase, seconds) in round order, the day with its decisions and end card: what the timer's bar shows."""
        return [("briefing", self.briefing), ("map", self.map), ("rules", self.rules),
                ("run", self.total - self.before_run)]

    def phase_words(self, phase: str, elapsed: float) -> tuple[float, str]:
        """(seconds left, what they are for) on the timer, `elapsed` seconds into the round on `phase`."""
        if phase == "run":
            return max(0.0, self.total - elapsed), WORDS["run"]
        own = self.deadline(phase)
        if elapsed < own - 1e-9:
            return own - elapsed, WORDS.get(phase, WORDS["late"])
        return max(0.0, self.before_run - elapsed), WORDS["late"]


def decision_seconds(scenario) -> list[float]:
    """Each decision's `seconds` in the scenario's events, in order (none before decisions exist)."""
    out = []
    for ev in scenario.events:
        decision = getattr(ev, "decision", None)  # engine decisions (issue 13): events may carry one
        if decision is not None:
            out.append(float(getattr(decision, "seconds", None) or DEFAULT_DECISION_SECONDS))
    return out


def to_place(scenario) -> tuple[int, int]:
    """(cards, links) a visitor places from the round's start map to the expert's map."""
    start = set(scenario.start_map.edges)
    given = {s for e in start for s in (e.src, e.dst)}
    links = [e for e in scenario.reference.edges if e not in start]
    cards = {s for e in links for s in (e.src, e.dst)} - given
    return len(cards), len(links)


def plan(scenario, total: float) -> Budget:
    """The budget of a kiosk round of `scenario` (as the kiosk plays it: engine.kiosk.kiosk_scenario) in
    `total` seconds."""
    decisions = sum(decision_seconds(scenario))
    free = max(0.0, total - decisions - TIMES_UP_SECONDS - END_SECONDS)
    cards, links = to_place(scenario)
    need = [READ_SECONDS * len(scenario.briefing),
            PLACE_SECONDS * (cards + links) + CHECK_SECONDS,
            (LEVER_SECONDS * len(scenario.rules) + START_SECONDS) if scenario.rules else 0.0]
    room = max(0.0, min(free * (1.0 - RUN_SHARE), free - MIN_RUN_SECONDS))
    scale = min(1.0, room / sum(need)) if sum(need) > 0 else 1.0
    briefing, map_, rules = (round(n * scale, 1) for n in need)
    return Budget(float(total), briefing, map_, rules, decisions, TIMES_UP_SECONDS, END_SECONDS)
