"""The kiosk's start map (`kiosk.start_map`): read, checked like start_map (LINE:COL), written for every
built-in so that a stranger places a handful of links, and scored honestly: only the links left to place
count, on both sides (engine.kiosk.kiosk_scenario, engine.maps.compare_map)."""
from pathlib import Path

import pytest

from engine.kiosk import kiosk_scenario
from engine.load import builtin_dir, load, validate_file
from engine.maps import compare_map, score_map
from engine.model import ProcessMap
from engine.optimize import load_par

BASE = (Path(__file__).resolve().parents[1] / "data" / "base.yaml").read_text()
KIOSK = "kiosk: {round_seconds: 180, attempts: 3}"
BUILTIN = sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def with_kiosk_start(tmp_path, *edges: str) -> Path:
    assert KIOSK in BASE
    lines = "".join(f"    - \"{e}\"\n" for e in edges)
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace(KIOSK, f"kiosk:\n  round_seconds: 180\n  start_map:\n{lines}"))
    return path


def test_a_kiosk_start_map_is_read_and_the_round_plays_it(tmp_path):
    path = with_kiosk_start(tmp_path, "incoming.out -> ivr", "ivr.out -> self_service")
    assert validate_file(path) == []
    sc = load(path)
    assert [str(e) for e in sc.kiosk.start_map.edges] == ["incoming.out -> ivr", "ivr.out -> self_service"]
    k = kiosk_scenario(sc)
    assert k.start_map == sc.kiosk.start_map and k.id == sc.id and k.steps == sc.steps
    assert kiosk_scenario(k) is k  # already the kiosk's


def test_no_kiosk_start_map_means_the_scenario_s_own():
    sc = load(Path(__file__).resolve().parents[1] / "data" / "base.yaml")
    assert sc.kiosk.start_map is None and kiosk_scenario(sc) is sc


@pytest.mark.parametrize("edge, words", [
    ("ivr.out -> self_servce", ["unknown step 'self_servce'", "did you mean 'self_service'"]),
    ("billing_desk.finished -> resolved", ["no port 'finished'"]),
    ("ivr.out => self_service", ["step.port -> step"]),
])
def test_a_bad_kiosk_start_edge_is_reported_at_its_line(tmp_path, edge, words):
    path = with_kiosk_start(tmp_path, "incoming.out -> ivr", edge)
    problems = validate_file(path)
    matching = [p for p in problems if all(w in p.message for w in words)]
    assert matching, [str(p) for p in problems]
    line = path.read_text().splitlines().index(f"    - \"{edge}\"") + 1
    assert matching[0].line == line and str(matching[0]).startswith(f"{path}:{line}:")


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_kiosk_round_leaves_a_handful_of_links(name):
    sc = load(builtin_dir() / f"{name}.yaml")
    assert sc.kiosk.start_map is not None
    k = kiosk_scenario(sc)
    expert = set(sc.reference.edges)
    given = set(k.start_map.edges)
    assert given <= expert  # every given link is the expert's: nothing to unlearn
    assert 4 <= len(expert - given) <= 6
    # scored on the links left to place: the start map itself earns nothing, the expert map everything
    assert score_map(k, k.start_map) == 0 and score_map(k, sc.reference) == 100
    missing_one = ProcessMap(tuple(e for e in sc.reference.edges if e != sorted(expert - given)[0]))
    left = len(expert - given)
    got = compare_map(k, missing_one)
    assert len(got.missing) == 1 and got.score == int(100 * 2 * (left - 1) / (2 * left - 1))
    assert load_par(sc) is not None  # the kiosk's start map is not part of the day: par still holds
