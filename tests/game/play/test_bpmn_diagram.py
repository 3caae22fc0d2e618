"""`python main.py bpmn export|import`: the map as the game lays it out (game.play.bpmn_diagram), written as
BPMN that validates and parses; bad input one line and exit 2."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pygame
import pytest
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator

import main
from engine.bpmn import BPMNDI, DC
from engine.load import builtin_dir, load
from game.play.bpmn_diagram import diagram_of
from game.ui.mapview import map_board

ROOT = Path(__file__).resolve().parents[3]


def test_the_diagram_is_the_board_the_results_map_draws():
    pygame.init()
    sc = load(builtin_dir() / "customer_service.yaml")
    edges = list(sc.reference.edges)
    d = diagram_of(sc, edges)
    board = map_board(sc, edges)
    for e in edges:
        assert d.box(e.src) == tuple(board.card_rect(e.src))
        assert [c for p in d.points(e) for c in p] == pytest.approx([c for p in board.edge_points(e) for c in p])


def test_export_writes_the_expert_map_and_a_players_map(tmp_path, capsys):
    out = tmp_path / "cs.bpmn"
    assert main.main(["bpmn", "export", str(ROOT / "scenarios/customer_service.yaml"), str(out)]) == 0
    assert "18 links of the expert map" in capsys.readouterr().out
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(out))
    assert parser.get_spec("Process_customer-service").task_specs
    sc = load(builtin_dir() / "customer_service.yaml")
    shapes = {s.get("bpmnElement"): s.find(f"{{{DC}}}Bounds")
              for s in ET.parse(out).getroot().iter(f"{{{BPMNDI}}}BPMNShape")}
    board = map_board(sc, list(sc.reference.edges))
    b = shapes["Step_billing_desk"]
    assert [float(b.get(k)) for k in ("x", "y", "width", "height")] == list(board.card_rect("billing_desk"))
    mine = tmp_path / "mine.yaml"  # a player's map: the expert's without the senior desk's hang-ups
    kept = [str(e) for e in sc.reference.edges if not (e.src == "senior_desk" and e.port == "abandoned")]
    mine.write_text("edges:\n" + "".join(f"  - \"{e}\"\n" for e in kept))
    assert main.main(["bpmn", "export", str(ROOT / "scenarios/customer_service.yaml"), "--map", str(mine),
                      str(tmp_path / "mine.bpmn")]) == 0
    assert f"{len(kept)} links of the map" in capsys.readouterr().out
    root = ET.parse(tmp_path / "mine.bpmn").getroot()
    assert not any(el.get("id") == "Timer_senior_desk_abandoned" for el in root.iter())


def test_import_and_export_refuse_bad_input_in_one_line(tmp_path, capsys):
    junk = tmp_path / "junk.bpmn"
    junk.write_text("<svg/>")
    assert main.main(["bpmn", "import", str(junk), str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not a BPMN 2.0 model" in err and not (tmp_path / "out.yaml").exists()
    assert main.main(["bpmn", "import", str(tmp_path), str(tmp_path / "out.yaml")]) == 2  # a folder
    assert "folder" in capsys.readouterr().out
    assert main.main(["bpmn", "export", str(ROOT / "scenarios/tutorial.yaml"), str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip()
