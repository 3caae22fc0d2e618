"""The validator: every malformed file gets exit 2 and a line that points at the right place and says why."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.format import ScenarioError
from engine.load import load, loads, validate_file

DATA = Path(__file__).resolve().parents[2] / "data"
BASE = (DATA / "base.yaml").read_text()
ROOT = Path(__file__).resolve().parents[3]


def mutate(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text, f"test set-up: {old!r} is not in base.yaml"
        text = text.replace(old, new, 1)
    return text


# (case, edits to base.yaml, expected line, words the message must contain)
CASES = [
    ("unknown distribution", [("{gamma: {mean: 4", "{gama: {mean: 4")], 27, ["unknown distribution 'gama'", "did you mean 'gamma'"]),
    ("distribution param", [("{lognormal: {mean: 6, sd: 3}}", "{lognormal: {mean: 6, sdev: 3}}")], 30, ["lognormal", "sdev", "did you mean 'sd'"]),
    ("uniform order", [("[0.2, 0.6]", "[0.6, 0.2]")], 20, ["uniform needs low <= high"]),
    ("negative rate", [("rate: 2.5", "rate: -2.5")], 19, ["rate", "from 0 to 1e+09"]),
    ("count as text", [("count: 5,", "count: five,")], 16, ["resources.junior.count", "whole number", "five"]),
    ("count fraction", [("count: 3,", "count: 3.5,")], 17, ["whole number", "3.5"]),
    ("unknown pool", [("pools: [junior, senior]", "pools: [junior, senor]")], 25, ["unknown pool 'senor'", "did you mean 'senior'"]),
    ("unknown entity", [("entity: call,", "entity: cal,")], 19, ["unknown entity 'cal'", "did you mean 'call'"]),
    ("route by missing attribute", [("by: need}", "by: needs}")], 22, ["'needs'", "did you mean 'need'"]),
    ("attribute sum", [("{billing: 0.6, technical: 0.4}", "{billing: 0.6, technical: 0.3}")], 12, ["sum to 0.9", "must sum to 1"]),
    ("branch sum", [("{solved: 0.2, agent: rest}", "{solved: 0.2, agent: 0.7}")], 21, ["sum to 0.9"]),
    ("two rests", [("{solved: 0.2, agent: rest}", "{solved: rest, agent: rest}")], 21, ["only one branch"]),
    ("unknown step kind", [("kind: delay,", "kind: dealy,")], 20, ["unknown kind", "did you mean 'delay'"]),
    ("unknown step key", [("kind: route, by: need", "kind: route, bye: 1, by: need")], 22, ["unknown key 'bye'"]),
    ("missing required", [("  ivr: {kind: delay, duration: {uniform: [0.2, 0.6]}}", "  ivr: {kind: delay}")], 20, ["missing 'duration'"]),
    ("edge to unknown step", [("- ivr.out -> self_service", "- ivr.out -> self_servce")], 35, ["unknown step 'self_servce'", "did you mean 'self_service'"]),
    ("edge bad port", [("- billing_desk.done -> resolved", "- billing_desk.finished -> resolved")], 40, ["no port 'finished'"]),
    ("edge syntax", [("- ivr.out -> self_service", "- ivr.out => self_service")], 35, ["step.port -> step"]),
    ("port used twice", [("- tech_desk.done -> resolved", "- billing_desk.done -> hung_up")], 43, ["already connected"]),
    ("port not connected", [("  - tech_desk.abandoned -> hung_up\n", "  - tech_desk.abandoned -> hung_up\n  - {edge: \"tech_desk.done -> resolved\"}\n"),
                            ("  - billing_desk.done -> resolved\n", "")], 33, ["billing_desk.done is not connected"]),
    ("duplicate key", [("  dev: {name: Dev Patel", "  maria: {name: Dev Patel")], 61, ["duplicate key 'maria'", "line 60"]),
    ("unknown advisor in briefing", [("- {dev: \"Seniors", "- {devv: \"Seniors")], 64, ["unknown advisor 'devv'", "did you mean 'dev'"]),
    ("unknown advisor in hint", [("hint: {maria:", "hint: {mario:")], 37, ["unknown advisor 'mario'"]),
    ("score expression", [("objective:\n", "objective:\n  score: profit - 10 * abandoned\n")], 56, ["the score is now the profit", "per_unit: 10"]),
    ("unknown KPI in penalty", [("kpi: abandoned", "kpi: abandonned")], 57, ["unknown KPI 'abandonned'", "did you mean 'abandoned'"]),
    ("penalty on money", [("kpi: abandoned", "kpi: profit")], 57, ["'profit', which is money already"]),
    ("penalty in points of a count", [("per_unit: 10", "per_point: 10")], 57, ["'abandoned' is not one: use per_unit"]),
    ("penalty with two rates", [("per_unit: 10", "per_unit: 10, per_point: 1")], 57, ["exactly one of per_unit"]),
    ("penalty threshold of a share", [("kpi: abandoned, per_unit: 10", "kpi: service_level, below: 80, per_point: 10")], 57, ["between 0 and 1", "not 80"]),
    ("unknown KPI target", [("service_level: {min: 0.8}", "service_levl: {min: 0.8}")], 56, ["unknown KPI 'service_levl'"]),
    ("rule path", [("sets: resources.senior.count", "sets: resources.senior.cout")], 46, ["cout", "did you mean 'count'"]),
    ("rule path unknown pool", [("sets: resources.senior.count", "sets: resources.seniors.count")], 46, ["no 'seniors'"]),
    ("rule path into targets", [("sets: resources.senior.count", "sets: objective.targets.service_level.min")], 46, ["may change only resources"]),
    ("rule default range", [("max: 8, default: 3", "max: 8, default: 9")], 46, ["default 9 is outside 1..8"]),
    ("choice default", [("default: basic", "default: basik")], 49, ["'basik' is not one of the choices", "did you mean 'basic'"]),
    ("choice makes sum invalid", [("solved: 0.35, fixed", "solved: 1.35, fixed")], 52, ["option 'premium'", "1.35"]),
    ("event path not dynamic", [("scale: {steps.incoming.rate: 2.0}", "scale: {steps.ivr.label: 2.0}")], 54, ["an event may change only"]),
    ("event after horizon", [("{at: 60, for: 30", "{at: 600, for: 30")], 54, ["after the day ends"]),
    ("skill no pool has", [("skill: technical", "skill: legal")], 30, ["no pool of 'tech_desk' has the skill 'legal'"]),
    ("pool lacks skill", [("pools: senior, skill: technical", "pools: [senior, junior], skill: technical")], 30, ["'junior' lacks the skill 'technical'"]),
    ("priority value", [("[premium, standard]", "[premium, standart]")], 28, ["'standart' is not a value of 'segment'", "did you mean 'standard'"]),
    ("resolve for unknown pool", [("resolve: {junior: 0.9, senior: 1}", "resolve: {junior: 0.9, boss: 1}")], 29, ["'boss' is not one of the pools"]),
    ("probability above 1", [("resolve: {junior: 0.9,", "resolve: {junior: 1.9,")], 29, ["from 0 to 1", "1.9"]),
    ("format version", [("format: 1", "format: 2")], 1, ["format must be one of 1"]),
    ("bad id", [("id: base", "id: Base Case")], 2, ["lowercase id"]),
    ("time unit", [("unit: minute", "unit: minutes")], 6, ["did you mean 'minute'"]),
    ("warmup after horizon", [("warmup: 10", "warmup: 300")], 6, ["warmup (300) must be shorter"]),
    ("clock_start", [("clock_start: \"08:00\"", "clock_start: \"8 am\"")], 6, ["a time such as 08:00"]),
    ("missing title", [("title: A small contact centre\n", "")], 1, ["missing 'title'"]),
    ("unknown top-level key", [("fixed_costs: {rent: 100}", "fixed_cost: {rent: 100}")], 58, ["unknown key 'fixed_cost'", "did you mean 'fixed_costs'"]),
    ("yaml syntax", [("  by_need: {kind: route, by: need}", "  by_need: {kind: route, by: need")], 23, ["YAML syntax error"]),
    ("boolean key", [("segment: {standard: 0.8, premium: 0.2}", "segment: {yes: 0.8, no: 0.2}")], 13, ["read as True", "quotes"]),
    ("colour", [("colour: \"#e07a5f\"", "colour: red")], 60, ["a colour such as"]),
    ("unknown source in flow", [("  - incoming.out -> ivr\n", "")], 33, ["no source"]),
]


@pytest.mark.parametrize("case, edits, line, words", CASES, ids=[c[0] for c in CASES])
def test_malformed_file_points_at_the_problem(case, edits, line, words, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(mutate(*edits))
    problems = validate_file(path)
    assert problems, f"{case}: no problem reported"
    matching = [p for p in problems if all(w in p.message for w in words)]
    assert matching, f"{case}: no message with {words}: {[str(p) for p in problems]}"
    assert matching[0].line == line, f"{case}: reported at {matching[0]}, expected line {line}"
    assert str(matching[0]).startswith(f"{path}:{line}:")


def test_there_are_at_least_25_cases():
    assert len(CASES) >= 25


def test_base_is_valid_and_every_problem_is_reported_at_once(tmp_path):
    assert validate_file(DATA / "base.yaml") == []
    path = tmp_path / "many.yaml"
    path.write_text(mutate(*(CASES[0][1] + CASES[6][1] + CASES[23][1])))
    lines = {p.line for p in validate_file(path)}
    assert {27, 25, 56} <= lines


def test_cli_validate_exit_codes(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(mutate(("count: 5,", "count: five,")))
    out = subprocess.run([sys.executable, "main.py", "validate", str(DATA / "base.yaml"), str(bad)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stdout.strip().startswith(f"{bad}:16:")
    assert "Traceback" not in out.stderr
    ok = subprocess.run([sys.executable, "main.py", "validate", str(DATA / "base.yaml")], cwd=ROOT,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr


# --- files that are not scenarios at all: one clear line each, quickly ------------------------------

def _one_line(path) -> str:
    problems = validate_file(path)
    assert len(problems) == 1, problems
    return str(problems[0])


def test_empty_file(tmp_path):
    (tmp_path / "e.yaml").write_text("")
    assert "empty" in _one_line(tmp_path / "e.yaml")
    (tmp_path / "c.yaml").write_text("# only a comment\n")
    assert "empty" in _one_line(tmp_path / "c.yaml")


def test_list_at_top(tmp_path):
    (tmp_path / "l.yaml").write_text("- format: 1\n- id: x\n")
    assert "top level is a list" in _one_line(tmp_path / "l.yaml")


def test_scalar_at_top(tmp_path):
    (tmp_path / "s.yaml").write_text("hello\n")
    assert "top level is a single value" in _one_line(tmp_path / "s.yaml")


def test_binary_junk(tmp_path):
    (tmp_path / "b.yaml").write_bytes(bytes(range(256)) * 10)
    assert "not a text file" in _one_line(tmp_path / "b.yaml")
    (tmp_path / "latin.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    assert "UTF-8" in _one_line(tmp_path / "latin.yaml")


def test_too_big(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * (2 * 1024 * 1024 + 10) + "\n")
    assert "at most 2 MB" in _one_line(path)


def test_alias_bomb(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert "too many values" in _one_line(path)


def test_python_tags_are_refused(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text(BASE.replace("title: A small", "title: !!python/object/apply:os.system ['echo hi']\nx: A small"))
    problems = validate_file(path)
    assert problems and problems[0].line == 3


def test_missing_file():
    problems = validate_file("/nonexistent/scenario.yaml")
    assert len(problems) == 1 and "cannot read" in problems[0].message


def test_loads_builds_the_model():
    s = loads(BASE, "base")
    assert s.steps["billing_desk"].ports == ("done", "unresolved", "abandoned")
    assert s.steps["self_service"].branches == (("solved", 0.2), ("agent", 0.8))
    assert s.steps["by_need"].ports == ("billing", "technical")
    assert s.resources["senior"].serves("technical") and not s.resources["junior"].serves("technical")
    assert s.time.hours_per_unit == pytest.approx(1 / 60)
    assert "utilization.senior" in s.kpi_names() and "exits.hung_up" in s.kpi_names()
    with pytest.raises(ScenarioError):
        loads(BASE.replace("count: 5,", "count: -5,"))


def test_builtin_scenarios_validate():
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    for f in files:
        assert validate_file(f) == [], f
        load(f)
