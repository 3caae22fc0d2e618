"""Words and numbers agree: every figure an advisor states is the scenario's.

For each built-in scenario every text a player reads from an advisor or a card (briefing lines, what an
event says, the hints on edges, the `help` of rules, steps and penalties) is searched for numbers: digits
and English number words ("thirty-six", "eighty percent", "a quarter", "twice", "doubled"). Each number
must lie inside a claim of this file's table for that scenario: a phrase of the text, the scenario path
it speaks of and the value that path must hold ("four dollars a resolved call" is `steps.resolved.revenue`
= 4). A number no claim covers fails ("add a claim or remove the figure"); so does a claim whose path holds
another value, or whose phrase is no longer in any text. A few words that look like numbers and are not
figures ("no one", "double-checks") are listed with the reason.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import pytest

from engine.load import builtin_dir, load

_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
          "thousand million half halves quarter quarters third thirds twice double doubled doubles triple "
          "dozen percent").split()
_WORD = "(?:" + "|".join(_WORDS) + ")"
#: A number in a text: digits (1,200 or 0.5), or number words, joined by hyphens ("thirty-six").
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\b" + _WORD + r"(?:-" + _WORD + r")*\b", re.IGNORECASE)

#: Words that look like numbers but state no figure, with the reason.
NOT_FIGURES = {
    "no one": "a pronoun",
    "every one of them": "a pronoun",
    "each one is": "a pronoun",
    "a northern one": "a pronoun",
    "a late one": "a pronoun",
    "double-check": "a verb",
    "last quarter's": "a period of the year, not a share",
    "half-empty": "a picture of a trailer, not a share",
}


@dataclass(frozen=True)
class Claim:
    """`phrase` (found in a text) says that `path` of the scenario holds `value`. `path` is a dotted path
    into the file (a list item by its `id`, or `[n]`), or a function of the file for a derived figure (a
    clock time); `rel` a relative tolerance for a figure the text rounds ("twenty seconds": 0.33 min)."""

    phrase: str
    path: str | Callable[[Mapping], Any]
    value: Any
    rel: float = 0.0


def _clock(raw: Mapping, minutes: float) -> str:
    """The clock time `minutes` into the day."""
    h, m = (int(x) for x in str(raw["time"]["clock_start"]).split(":"))
    total = h * 60 + m + int(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"


def _event_ends(i: int) -> Callable[[Mapping], str]:
    def ends(raw: Mapping) -> str:
        event = raw["events"][i]
        return _clock(raw, event["at"] + event["for"])
    ends.__name__ = f"the clock when events[{i}] ends"
    return ends


def _orders_in_the_run(raw: Mapping) -> float:
    """Orders expected over the run: the constant rate over the horizon, plus what the events add."""
    rate, horizon = raw["steps"]["orders"]["rate"], raw["time"]["horizon"]
    extra = sum(rate * (e["scale"]["steps.orders.rate"] - 1) * e["for"] for e in raw["events"]
                if "steps.orders.rate" in e.get("scale", {}))
    return rate * horizon + extra


CLAIMS: dict[str, list[Claim]] = {
    "tutorial": [
        Claim("30 USD an hour", "resources.agents.cost_per_hour", 30),
        Claim("about 12 USD of lost work", "steps.fixed.revenue", 12),
    ],
    "customer_service": [
        Claim("Thirty-six juniors", "rules.juniors.default", 36),
        Claim("Thirty-six juniors", "resources.junior.count", 36),
        Claim("nine seniors", "rules.seniors.default", 9),
        Claim("nine seniors", "resources.senior.count", 9),
        Claim("four dollars a resolved call", "steps.resolved.revenue", 4),
        Claim("four dollars a resolved call", "steps.self_served.revenue", 4),
        Claim("fines us six for every hang-up", "penalties.hang_ups.per_unit", 6),
        Claim("above eighty percent", "objective.targets.service_level.min", 0.8),
        Claim("above eighty percent", "penalties.service_level_clause.below", 0.8),
        Claim("in twenty seconds", "run.service_level_wait", 20 / 60, rel=0.011),
        Claim("A quarter of the faults beat the junior's script", "steps.tech_desk.resolve", 0.75),
        Claim("A quarter of the faults beat the junior's script", "rules.coaching.choices.none.steps.tech_desk.resolve",
              0.75),
        Claim("costs 24 USD an hour", "resources.junior.cost_per_hour", 24),
        Claim("cost 42 USD an hour", "resources.senior.cost_per_hour", 42),
        Claim("below 80 %", "penalties.service_level_clause.below", 0.8),
        Claim("within 20 seconds", "run.service_level_wait", 20 / 60, rel=0.011),
    ],
    "supply_chain": [
        Claim("Two weeks", "time.horizon", 14 * 24),
        Claim("about three thousand orders", _orders_in_the_run, 3000, rel=0.05),
        Claim("six cents an hour", "steps.regional_dc.holding_cost", 0.06),
        Claim("a truck is 450 dollars", "steps.regional_dc.order_cost", 450),
        Claim("Express is promised in a day", "steps.delivered_express.late.after", 24),
        Claim("standard in two and a half", "steps.delivered_standard.late.after", 60),
        Claim("two and a half times as long", "events[0].scale.steps.factory_dc.lead_time", 2.5),
        Claim("Orders have doubled", "events[1].scale.steps.orders.rate", 2.0),
        Claim("Each truck costs 450 USD", "steps.regional_dc.order_cost", 450),
        Claim("Each picker costs 26 USD an hour", "resources.pickers.cost_per_hour", 26),
        Claim("delivers in one to two and a half days", "steps.standard_ship.duration.triangular[0]", 24),
        Claim("delivers in one to two and a half days", "steps.standard_ship.duration.triangular[2]", 60),
        Claim("Express promised within a day", "steps.delivered_express.late.after", 24),
        Claim("within two and a half days", "steps.delivered_standard.late.after", 60),
    ],
    "field_service": [
        Claim("Seven vans up north", "rules.north_vans.default", 7),
        Claim("Seven vans up north", "resources.north_vans.count", 7),
        Claim("ten in the south", "rules.south_vans.default", 10),
        Claim("ten in the south", "resources.south_vans.count", 10),
        Claim("fixed within four hours", "steps.fixed.late.after", 4 * 60),
        Claim("fixed within four hours", "rules.promise.default", "four_hours"),
        Claim("A van costs 68 an hour", "resources.north_vans.cost_per_hour", 68),
        Claim("A van costs 68 an hour", "resources.south_vans.cost_per_hour", 68),
        Claim("the contractor charges 190 a job", "steps.contractor.cost_per_entity", 190),
        Claim("three quarters of its vans", "events[0].scale.resources.south_vans.count", 0.75),
        Claim("until two o'clock", _event_ends(0), "14:00"),
        Claim("One repair in ten needs a part", "steps.north_jobs.resolve", 0.9),
        Claim("One repair in ten needs a part", "steps.central_jobs.resolve", 0.9),
        Claim("One repair in ten needs a part", "steps.south_jobs.resolve", 0.9),
        Claim("costs 68 EUR an hour", "resources.north_vans.cost_per_hour", 68),
        Claim("charges 190 EUR a job", "steps.contractor.cost_per_entity", 190),
    ],
}

FILES = sorted(Path(builtin_dir()).glob("*.yaml"))
IDS = [f.stem for f in FILES]


def advisor_texts(raw: Mapping) -> Iterator[tuple[str, str]]:
    """(where, text) for every text an advisor says or a card shows."""
    for i, line in enumerate(raw.get("briefing") or ()):
        for who, text in line.items():
            yield f"briefing[{i}] ({who})", text
    for i, event in enumerate(raw.get("events") or ()):
        for who, text in (event.get("say") or {}).items():
            yield f"events[{i}].say ({who})", text
    for i, edge in enumerate(raw.get("reference") or ()):
        if isinstance(edge, Mapping):
            for who, text in (edge.get("hint") or {}).items():
                yield f"reference[{i}].hint ({who})", text
    for i, rule in enumerate(raw.get("rules") or ()):
        if rule.get("help"):
            yield f"rules[{i}].help", rule["help"]
    for group in ("steps", "penalties"):
        for name, item in (raw.get(group) or {}).items():
            if isinstance(item, Mapping) and item.get("help"):
                yield f"{group}.{name}.help", item["help"]


def resolve(raw: Any, path: str) -> Any:
    """The value at a dotted path: a key may itself hold dots (an event's `steps.orders.rate`), a list
    item is chosen by `[n]` or by its `id`."""
    parts = [p for p in re.split(r"\.|(\[\d+\])", path) if p]
    node = raw
    while parts:
        part = parts.pop(0)
        if part.startswith("["):
            node = node[int(part[1:-1])]
        elif isinstance(node, list):
            node = next(item for item in node if isinstance(item, Mapping) and item.get("id") == part)
        else:
            for n in range(len(parts), -1, -1):  # the longest key that matches
                key = ".".join([part, *parts[:n]])
                if key in node:
                    node, parts = node[key], parts[n:]
                    break
            else:
                raise KeyError(f"{path}: no '{part}' here")
    return node


def numbers(text: str) -> list[re.Match]:
    """The numbers of a text, without the words NOT_FIGURES lists."""
    blanked = text
    for phrase in NOT_FIGURES:
        blanked = re.sub(re.escape(phrase), lambda m: " " * len(m.group(0)), blanked, flags=re.IGNORECASE)
    return list(NUMBER.finditer(blanked))


def test_every_built_in_has_a_table():
    assert set(IDS) == set(CLAIMS)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_figure_an_advisor_states_is_claimed(path):
    raw = load(path).raw
    claims = CLAIMS[path.stem]
    uncovered = []
    for where, text in advisor_texts(raw):
        spans = [(m.start(), m.end()) for c in claims for m in re.finditer(re.escape(c.phrase), text)]
        for number in numbers(text):
            if not any(a <= number.start() and number.end() <= b for a, b in spans):
                uncovered.append(f"{where}: '{number.group(0)}' in \"{text}\"")
    assert not uncovered, "add a claim or remove the figure:\n" + "\n".join(uncovered)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_claim_holds(path):
    raw = load(path).raw
    texts = [text for _, text in advisor_texts(raw)]
    wrong = []
    for claim in CLAIMS[path.stem]:
        if not any(claim.phrase in text for text in texts):
            wrong.append(f"'{claim.phrase}' is in no text any more: remove the claim")
            continue
        got = claim.path(raw) if callable(claim.path) else resolve(raw, claim.path)
        name = getattr(claim.path, "__name__", claim.path)
        if isinstance(claim.value, str) or isinstance(got, str):
            ok = got == claim.value
        else:
            ok = math.isclose(float(got), float(claim.value), rel_tol=claim.rel, abs_tol=1e-12)
        if not ok:
            wrong.append(f"'{claim.phrase}': {name} is {got!r}, not {claim.value!r}")
    assert not wrong, "\n".join(wrong)


def test_the_figure_finder_reads_words_and_digits():
    found = [m.group(0) for m in numbers("Thirty-six juniors, 1,200 calls, eighty percent, a quarter, "
                                         "no one waits, twice as long, 0.06 an hour")]
    assert found == ["Thirty-six", "1,200", "eighty", "percent", "quarter", "twice", "0.06"]
    assert resolve({"events": [{"scale": {"steps.orders.rate": 2.0}}]}, "events[0].scale.steps.orders.rate") == 2.0
    assert resolve({"rules": [{"id": "a", "default": 3}, {"id": "b", "default": 5}]}, "rules.b.default") == 5
