"""The checks of a decision at a shock (engine.decisions): every mistake is refused at its line and column."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.format import ScenarioError
from engine.load import loads

ROOT = Path(__file__).resolve().parents[3]
PATH = ROOT / "scenarios" / "customer_service.yaml"
TEXT = PATH.read_text()


def mutated(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, f"test set-up: {old!r} is not once in customer_service.yaml"
    return TEXT.replace(old, new, 1)


def where(text: str, marker: str, column_of: str | None = None) -> tuple[int, int]:
    """The line (from 1) of `marker` in `text` and the column (from 1) where `column_of` starts on it."""
    at = text.index(marker)
    line = text.count("\n", 0, at) + 1
    start = text.rfind("\n", 0, at) + 1
    col = text.index(column_of or marker.lstrip(), start) - start + 1
    return line, col


def problems(text: str) -> list:
    with pytest.raises(ScenarioError) as e:
        loads(text, str(PATH))
    return e.value.problems


def only(text: str, words: list[str]):
    """The one problem of `text`, which must say every one of `words`."""
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    p = found[0]
    for w in words:
        assert w in p.message, p.message
    return p


def test_the_builtin_decision_loads_as_written():
    sc = loads(TEXT, str(PATH))
    d = sc.events[0].decision
    assert d.ids() == ("temps", "no_pitch", "ride_it_out") and d.default == "ride_it_out"
    assert d.ask.advisor == "rosa" and d.seconds == 12
    temps = d.choice("temps")
    assert temps.cost == 250 and temps.scale == (("resources.junior.count", 1.17),) and temps.duration == 60
    assert dict(d.choice("no_pitch").rules) == {"pitch": "none"} and d.choice("ride_it_out").changes_nothing()
    assert "decision_cost" in sc.kpi_names()


def test_one_choice_is_too_few():
    text = mutated("""        - id: no_pitch
          label: Drop the sales pitch
          say: "Reps skip the upgrade pitch for the rest of the day: shorter calls, fewer sales."
          rules: {pitch: none}
        - id: ride_it_out
          label: Ride it out
          say: "We keep the plan: the queues will grow and some callers will hang up."
""", "").replace("default: ride_it_out", "default: temps")
    p = only(text, ["choices must have 2 to 3 item(s), not 1"])
    assert (p.line, p.col) == where(text, "        - id: temps", "-")


def test_four_choices_are_too_many():
    extra = "        - {id: a, label: A}\n        - {id: b, label: B}\n"
    text = mutated("        - id: ride_it_out\n", extra + "        - id: ride_it_out\n")
    p = only(text, ["2 to 3 item(s), not 5"])
    assert (p.line, p.col) == where(text, "        - id: temps", "-")


# (case, text replaced, its replacement, where the problem is: the marker's line, at `column_of` on it, words)
CASES = [
    ("choice id twice", "        - id: no_pitch", "        - id: temps", "        - id: temps\n          label: Drop",
     "temps", ["the choice id 'temps' is used twice"]),
    ("default not a choice", "default: ride_it_out", "default: ride_it", "default: ride_it\n", "ride_it",
     ["the default 'ride_it' is not one of the choices", "did you mean 'ride_it_out'"]),
    ("unknown rule", "rules: {pitch: none}", "rules: {pitchh: none}", "rules: {pitchh", "pitchh",
     ["unknown rule 'pitchh'", "did you mean 'pitch'"]),
    ("rule option not offered", "rules: {pitch: none}", "rules: {pitch: loud}", "rules: {pitch: loud}", "loud",
     ["rule 'pitch' has no choice 'loud'", "choices: none, light, hard_sell"]),
    ("slider value out of range", "rules: {pitch: none}", "rules: {juniors: 60}", "rules: {juniors: 60}", "60",
     ["rule 'juniors' takes a number from 28 to 48, not 60"]),
    ("slider value between steps", "rules: {pitch: none}", "rules: {juniors: 40.5}", "rules: {juniors: 40.5}",
     "40.5", ["rule 'juniors' moves in steps of 1", "40.5"]),
    ("scale path fixed during a day", "scale: {resources.junior.count: 1.17}",
     "scale: {resources.junior.cost_per_hour: 1.17}", "scale: {resources.junior.cost_per_hour",
     "resources.junior.cost", ["'resources.junior.cost_per_hour': an event may change only"]),
    ("scale out of range", "scale: {resources.junior.count: 1.17}", "scale: {resources.junior.count: 100000}",
     "scale: {resources.junior.count: 100000}", "100000",
     ["choice 'temps' scales 'resources.junior.count' by 100000", "above 100000"]),
    ("set breaks the file", "scale: {resources.junior.count: 1.17}", "set: {steps.incoming.rate: -3}",
     "set: {steps.incoming.rate: -3}", "-3", ["choice 'temps' makes 'steps.incoming.rate' = -3 invalid"]),
    ("negative cost", "cost: 250", "cost: -250", "cost: -250", "-250", ["cost", "-250"]),
    ("timer too short", "seconds: 12", "seconds: 2", "seconds: 2", "2", ["seconds", "from 3 to 60"]),
    ("timer too long", "seconds: 12", "seconds: 61", "seconds: 61", "61", ["seconds", "from 3 to 60"]),
    ("unknown advisor asks", 'ask: {rosa: "The storm', 'ask: {rossa: "The storm', "ask: {rossa", "rossa",
     ["unknown advisor 'rossa'", "did you mean 'rosa'"]),
]


@pytest.mark.parametrize("old,new,marker,column_of,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check_points_at_the_place(old, new, marker, column_of, words):
    text = mutated(old, new)
    p = only(text, words)
    assert (p.line, p.col) == where(text, marker, column_of)


def test_validate_exits_2_at_the_place(tmp_path):
    text = mutated("default: ride_it_out", "default: ride_it")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    proc = subprocess.run([sys.executable, "main.py", "validate", str(bad)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    line, col = where(text, "default: ride_it\n", "ride_it")
    assert proc.returncode == 2
    assert f"{bad}:{line}:{col}: " in proc.stdout + proc.stderr and "not one of the choices" in proc.stdout + proc.stderr


def test_a_rule_whose_id_is_not_a_name_is_reported_not_a_crash():
    """Found by the fuzz run: a rule whose `id` is a mapping, with a decision setting rule values, crashed the
    check of the decision's rules (a mapping cannot be looked up); it is a problem at the rule's id."""
    text = mutated("  - id: pitch\n", "  - id: {kind: delay}\n")
    found = problems(text)
    assert found and all(p.line and p.col for p in found)
    assert any("id" in p.message for p in found)
