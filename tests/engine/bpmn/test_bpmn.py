"""BPMN 2.0 out and in (engine.bpmn): every built-in expert map exported is valid against the OMG BPMN 2.0
XSD (SpiffWorkflow's copy, through its validator) and parses into a workflow spec; imported again it is
the same scenario, to the same day's numbers; a model drawn elsewhere becomes a skeleton whose `validate`
lists exactly the values still to choose, each at its line and column."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator

from engine.bpmn import BPMN, BPMNDI, DC, DI
from engine.bpmn.diagram import layered
from engine.bpmn.export import bpmn_xml, has_own_gateway, iso_duration
from engine.bpmn.imports import BpmnError, iso_minutes, scenario_from_bpmn, yaml_text
from engine.load import builtin_dir, load, validate_file
from engine.sim import run

BUILTINS = sorted(p.name for p in builtin_dir().glob("*.yaml"))
HERE = Path(__file__).parent


def parsed(path: Path):
    """The first process's workflow spec, after SpiffWorkflow's XSD validation (which raises when invalid)."""
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(path))
    ids = parser.get_process_ids()
    assert len(ids) == 1
    return parser.get_spec(ids[0])


def test_the_validator_refuses_what_the_xsd_does_not_allow(tmp_path):
    sc = load(builtin_dir() / "tutorial.yaml")
    bad = bpmn_xml(sc, sc.reference.edges).replace("<bpmn:incoming>", "<bpmn:arrival/><bpmn:incoming>", 1)
    (tmp_path / "bad.bpmn").write_text(bad)
    with pytest.raises(Exception, match="arrival"):
        parsed(tmp_path / "bad.bpmn")


@pytest.mark.parametrize("name", BUILTINS)
def test_every_expert_map_exports_as_valid_bpmn_with_its_diagram(name, tmp_path):
    sc = load(builtin_dir() / name)
    edges = list(sc.reference.edges)
    diagram = layered(sc, edges)
    path = tmp_path / "map.bpmn"
    path.write_text(bpmn_xml(sc, edges, diagram))
    spec = parsed(path)
    placed = {s for e in edges for s in (e.src, e.dst)}
    assert {f"Step_{s}" for s in placed} <= set(spec.task_specs)  # each step is a node of the workflow
    root = ET.parse(path).getroot()
    flows = root.findall(f".//{{{BPMN}}}sequenceFlow")
    gateways = [s for s in placed if has_own_gateway(sc, s)]
    assert len(flows) == len(edges) + len(gateways)
    shapes = {s.get("bpmnElement"): s.find(f"{{{DC}}}Bounds") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    nodes = [el.get("id") for el in root.find(f"{{{BPMN}}}process") if el.get("id") and not
             el.tag.endswith(("sequenceFlow", "laneSet", "extensionElements"))]
    assert set(nodes) == set(shapes)  # a shape for every node
    for s in placed:
        if sc.steps[s].kind not in ("source", "exit", "branch", "route"):  # a task is its card's box
            b = shapes[f"Step_{s}"]
            assert tuple(float(b.get(k)) for k in ("x", "y", "width", "height")) == pytest.approx(diagram.box(s))
    for e in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        assert len(e.findall(f"{{{DI}}}waypoint")) >= 2
    lanes = {lane.get("name") for lane in root.iter(f"{{{BPMN}}}lane")}
    served = {sc.resources[sc.steps[s].pools[0]].label for s in placed if sc.steps[s].kind == "service"}
    assert lanes == served  # the pools are the lanes


@pytest.mark.parametrize("name", BUILTINS)
def test_an_exported_file_comes_back_as_the_same_scenario(name, tmp_path):
    sc = load(builtin_dir() / name)
    raw, notes = scenario_from_bpmn(bpmn_xml(sc, sc.reference.edges), "map.bpmn")
    assert notes == []
    path = tmp_path / f"{sc.id}.yaml"
    path.write_text(yaml_text(raw, notes, "map.bpmn"))
    back = load(path)
    assert list(back.steps) == list(sc.steps)
    assert back.steps == sc.steps and back.reference.edges == sc.reference.edges
    assert back.resources == sc.resources and back.rules == sc.rules and back.events == sc.events
    a = run(sc, None, sc.default_rules(), replications=2, seed=5, workers=1)
    b = run(back, None, back.default_rules(), replications=2, seed=5, workers=1)
    assert a.mean("profit") == b.mean("profit") and a.mean("completed") == b.mean("completed")


def test_a_renamed_task_keeps_its_new_name(tmp_path):
    sc = load(builtin_dir() / "tutorial.yaml")
    sid = next(s for s in sc.steps if sc.steps[s].kind == "service")
    text = bpmn_xml(sc, sc.reference.edges).replace(f'name="{sc.steps[sid].label}"', 'name="Front desk"', 1)
    raw, _ = scenario_from_bpmn(text, "renamed.bpmn")
    assert raw["steps"][sid]["label"] == "Front desk"


def skeleton(tmp_path) -> Path:
    raw, notes = scenario_from_bpmn((HERE / "order_handling.bpmn").read_text(), "order_handling.bpmn")
    path = tmp_path / "order.yaml"
    path.write_text(yaml_text(raw, notes, "order_handling.bpmn"))
    return path


def test_a_model_drawn_elsewhere_becomes_a_skeleton_whose_validate_lists_what_to_choose(tmp_path):
    """The hand-written bpmn.io-style model (a collaboration, two lanes, a join, a decision, a timer on a
    task): its steps and map, its pools from the lanes, and exactly the values only the facilitator knows."""
    path = skeleton(tmp_path)
    raw = yaml.safe_load(path.read_text())
    assert {k: v["kind"] for k, v in raw["steps"].items()} == {
        "order_received": "source", "check_the_order": "service", "order_complete": "branch",
        "ask_the_customer": "service", "pick_and_pack": "service", "send_the_invoice": "delay",
        "order_shipped": "exit", "sent_by_the_partner_warehouse": "exit"}
    assert {p["label"] for p in raw["resources"].values()} == {"Sales clerks", "Warehouse team"}
    assert set(raw["reference"]) == {
        "order_received.out -> check_the_order", "check_the_order.done -> order_complete",  # past the join
        "order_complete.yes -> pick_and_pack", "order_complete.no -> ask_the_customer",
        "ask_the_customer.done -> check_the_order", "pick_and_pack.done -> send_the_invoice",
        "send_the_invoice.out -> order_shipped", "pick_and_pack.overflow -> sent_by_the_partner_warehouse"}
    assert raw["steps"]["pick_and_pack"]["overflow"] == {"after": 30.0}  # the timer's PT30M, in minutes
    problems = validate_file(path)
    lines = path.read_text().splitlines()
    assert [p.message for p in problems] == [
        "still to choose: how many work in 'Sales clerks'", "still to choose: how many work in 'Warehouse team'",
        "still to choose: arrivals per minute at 'Order received'",
        "still to choose: how long 'Check the order' takes, in minutes (a number or a distribution)",
        "still to choose: the share of cases that go 'yes'", "still to choose: the share of cases that go 'no'",
        "still to choose: how long 'Ask the customer' takes, in minutes (a number or a distribution)",
        "still to choose: how long 'Pick and pack' takes, in minutes (a number or a distribution)",
        "still to choose: how long 'Send the invoice' takes, in minutes (a number or a distribution)"]
    for p in problems:  # each points at its marker
        assert lines[p.line - 1][p.col - 1:].lstrip("'\"").startswith("TODO:"), (p, lines[p.line - 1])


def test_a_skeleton_with_its_values_chosen_validates_and_runs(tmp_path):
    path = skeleton(tmp_path)
    chosen = {"how many": "3", "arrivals": "0.5", "go ''yes''": "0.8", "go ''no''": "0.2",
              "how long": "{exponential: {mean: 2}}"}
    text = re.sub(r"'TODO:[^\n]*'", lambda m: next(v for k, v in chosen.items() if k in m.group(0)),
                  path.read_text())
    path.write_text(text)
    assert validate_file(path) == []
    sc = load(path)
    r = run(sc, None, sc.default_rules(), replications=1, seed=1, workers=1)
    assert r.mean("arrivals") > 100 and r.mean("completed") == pytest.approx(r.mean("arrivals"), rel=0.05)
    assert r.mean("exits.sent_by_the_partner_warehouse") >= 0


def test_what_is_not_a_bpmn_model_is_refused_in_words():
    with pytest.raises(BpmnError, match="DOCTYPE"):
        scenario_from_bpmn('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(BpmnError, match="not well-formed"):
        scenario_from_bpmn("<bpmn:definitions")
    with pytest.raises(BpmnError, match="not a BPMN 2.0 model"):
        scenario_from_bpmn("<svg/>")
    with pytest.raises(BpmnError, match="no process"):
        scenario_from_bpmn(f'<definitions xmlns="{BPMN}"><process id="p"/></definitions>')


def test_iso_durations_both_ways():
    assert iso_duration(90) == "PT1M30S" and iso_duration(3600) == "PT1H" and iso_duration(0) == "PT0S"
    assert iso_minutes("PT1H30M") == 90 and iso_minutes("PT45S") == 0.75 and iso_minutes("P1D") == 1440
    assert iso_minutes("soon") is None and iso_minutes("P") is None
