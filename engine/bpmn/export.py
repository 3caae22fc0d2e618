"""A map as BPMN 2.0 XML with its diagram: `bpmn_xml(scenario, edges, diagram)`.

The reading of each kind of step is in the package's docstring (engine.bpmn). The mechanism: one pass
makes the flow nodes (`_nodes`: each placed step's node, the gateway of a task with two ways out of its
work, a timer boundary event per `abandoned` or `overflow` port that is linked), a second the sequence
flows (`_flows`: one per link, from the node its port leaves by, and one from a task into its own
gateway), then the lanes (one per pool serving a placed service) and the diagram (engine.bpmn.shapes).

Ids are the step ids with a prefix (`Step_`, `Gateway_`, `Timer_`, `Flow_`, `Lane_`), so they are valid
XML names and a reader can tell a step's node from the nodes this export adds. Each step's definition as
the scenario file has it travels in `<pp:step>` (JSON), the scenario's other sections in `<pp:scenario>`,
so `engine.bpmn.imports` can give back the same scenario.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Sequence

from engine.bpmn import BPMN, BPMNDI, DC, DI, NS, XSI, q
from engine.bpmn.diagram import Diagram, layered
from engine.model import Edge, Scenario

for prefix, uri in (("bpmn", BPMN), ("bpmndi", BPMNDI), ("dc", DC), ("di", DI), ("xsi", XSI), ("pp", NS)):
    ET.register_namespace(prefix, uri)

#: The ports that leave a task as a timer boundary event rather than as an outcome of its work.
TIMER_PORTS = ("abandoned", "overflow")


def xml_id(text: str) -> str:
    """`text` as an XML name (NCName): letters, digits, `_`, `-` and `.`, not starting with a digit."""
    s = re.sub(r"[^A-Za-z0-9_.-]", "_", str(text))
    return s if re.match(r"[A-Za-z_]", s) else f"_{s}"


def plain(value: Any) -> Any:
    """The scenario's raw data (frozen mappings and tuples) as plain JSON values."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@dataclass
class Node:
    id: str
    tag: str  # startEvent, endEvent, task, userTask, exclusiveGateway, boundaryEvent
    name: str
    step: str
    port: str | None = None  # a boundary event's port
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)


@dataclass
class Flow:
    id: str
    src: str  # node ids
    dst: str
    name: str = ""
    condition: str | None = None
    edge: Edge | None = None  # the link it shows (None: a task into its own gateway)


def work_ports(scenario: Scenario, step_id: str) -> tuple[str, ...]:
    """The ports a step's work ends by (not its timers)."""
    return tuple(p for p in scenario.steps[step_id].ports if p not in TIMER_PORTS)


def has_own_gateway(scenario: Scenario, step_id: str) -> bool:
    """A task with two ways out of its work (`done`/`unresolved`, `ok`/`out`) decides at an exclusive
    gateway of its own (a task with several outgoing flows would take them all, and BPMN tools refuse it)."""
    step = scenario.steps[step_id]
    return step.kind not in ("branch", "route", "exit") and len(work_ports(scenario, step_id)) > 1


def _tag(kind: str) -> str:
    return {"source": "startEvent", "exit": "endEvent", "service": "userTask", "branch": "exclusiveGateway",
            "route": "exclusiveGateway"}.get(kind, "task")


def _nodes(scenario: Scenario, edges: Sequence[Edge]) -> dict[str, Node]:
    placed = list(dict.fromkeys(s for e in edges for s in (e.src, e.dst)))
    linked = {(e.src, e.port) for e in edges}
    nodes: dict[str, Node] = {}
    for sid in placed:
        step = scenario.steps[sid]
        nodes[f"Step_{sid}"] = Node(xml_id(f"Step_{sid}"), _tag(step.kind), step.label, sid)
        if has_own_gateway(scenario, sid):
            nodes[f"Gateway_{sid}"] = Node(xml_id(f"Gateway_{sid}"), "exclusiveGateway", "", sid)
        for port in step.ports:
            if port in TIMER_PORTS and (sid, port) in linked:
                nodes[f"Timer_{sid}_{port}"] = Node(xml_id(f"Timer_{sid}_{port}"), "boundaryEvent",
                                                    "Waited too long" if port == "abandoned" else "Overflow",
                                                    sid, port)
    return nodes


def _leaves_by(scenario: Scenario, e: Edge) -> str:
    """The key in `_nodes` of the node the link from `e.src` through `e.port` leaves by."""
    if e.port in TIMER_PORTS:
        return f"Timer_{e.src}_{e.port}"
    return f"Gateway_{e.src}" if has_own_gateway(scenario, e.src) else f"Step_{e.src}"


def condition(scenario: Scenario, e: Edge) -> str | None:
    """What an outgoing flow of a gateway says: the route's attribute value, the branch's probability,
    or the outcome of the work."""
    step = scenario.steps[e.src]
    if step.kind == "route":
        return f'{step.by} == "{e.port}"'
    if step.kind == "branch":
        return f"probability {dict(step.branches).get(e.port, 0.0):g}"
    if has_own_gateway(scenario, e.src) and e.port not in TIMER_PORTS:
        return f'outcome == "{e.port}"'
    return None


def _flows(scenario: Scenario, edges: Sequence[Edge], nodes: dict[str, Node]) -> list[Flow]:
    flows = [Flow(xml_id(f"Flow_{sid}_work"), nodes[f"Step_{sid}"].id, nodes[f"Gateway_{sid}"].id)
             for sid in dict.fromkeys(n.step for k, n in nodes.items() if k.startswith("Gateway_"))]
    for e in edges:
        src = nodes[_leaves_by(scenario, e)]
        flows.append(Flow(xml_id(f"Flow_{e.src}_{e.port}"), src.id, nodes[f"Step_{e.dst}"].id,
                          e.port.replace("_", " "), condition(scenario, e), e))
    by_id = {n.id: n for n in nodes.values()}
    for f in flows:
        by_id[f.src].outgoing.append(f.id)
        by_id[f.dst].incoming.append(f.id)
    return flows


def bpmn_xml(scenario: Scenario, edges: Sequence[Edge], diagram: Diagram | None = None) -> str:
    """The map `edges` of `scenario` as a BPMN 2.0 document (XML text) with its diagram."""
    edges = list(edges)
    diagram = diagram or layered(scenario, edges)
    nodes = _nodes(scenario, edges)
    flows = _flows(scenario, edges, nodes)
    root = ET.Element(q(BPMN, "definitions"), {
        "id": xml_id(f"Definitions_{scenario.id}"), "targetNamespace": f"{NS}/scenarios/{xml_id(scenario.id)}",
        "exporter": "ProcessPlay", "exporterVersion": "1"})
    process = ET.SubElement(root, q(BPMN, "process"), {"id": xml_id(f"Process_{scenario.id}"),
                                                       "name": scenario.title, "isExecutable": "true"})
    _scenario_extension(process, scenario, edges)
    _lanes(process, scenario, nodes)
    by_key = {n.id: n for n in nodes.values()}
    for node in nodes.values():
        _node_element(process, scenario, node, by_key)
    for f in flows:
        el = ET.SubElement(process, q(BPMN, "sequenceFlow"), {"id": f.id, "sourceRef": f.src, "targetRef": f.dst})
        if f.name:
            el.set("name", f.name)
        if f.condition is not None:
            ce = ET.SubElement(el, q(BPMN, "conditionExpression"), {q(XSI, "type"): "bpmn:tFormalExpression"})
            ce.text = f.condition
    from engine.bpmn.shapes import draw_diagram

    draw_diagram(root, process.get("id"), scenario, nodes, flows, diagram)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _scenario_extension(process: ET.Element, scenario: Scenario, edges: Sequence[Edge]) -> None:
    """The scenario's sections as JSON; its placed steps travel on their nodes, each a null here that
    keeps its place in the order of `steps` (the order decides ties between queues)."""
    raw = plain(scenario.raw)
    placed = {s for e in edges for s in (e.src, e.dst)}
    raw["steps"] = {k: (None if k in placed else v) for k, v in raw.get("steps", {}).items()}
    ext = ET.SubElement(process, q(BPMN, "extensionElements"))
    el = ET.SubElement(ext, q(NS, "scenario"), {"format": "json"})
    el.text = json.dumps(raw, ensure_ascii=False, sort_keys=False)


def _lanes(process: ET.Element, scenario: Scenario, nodes: dict[str, Node]) -> None:
    """A lane per pool that serves a placed service first; the service's task (and its gateway and timers)
    in it."""
    lanes: dict[str, list[str]] = {}
    for node in nodes.values():
        step = scenario.steps[node.step]
        if step.kind == "service" and step.pools:
            lanes.setdefault(step.pools[0], []).append(node.id)
    if not lanes:
        return
    lane_set = ET.SubElement(process, q(BPMN, "laneSet"), {"id": xml_id(f"LaneSet_{scenario.id}")})
    for pool, ids in lanes.items():
        res = scenario.resources.get(pool)
        lane = ET.SubElement(lane_set, q(BPMN, "lane"), {"id": xml_id(f"Lane_{pool}"),
                                                         "name": getattr(res, "label", None) or pool})
        for i in ids:
            ET.SubElement(lane, q(BPMN, "flowNodeRef")).text = i


def _node_element(process: ET.Element, scenario: Scenario, node: Node, by_id: dict[str, Node]) -> None:
    attrs = {"id": node.id, "name": node.name}
    if node.tag == "boundaryEvent":
        attrs.update(attachedToRef=xml_id(f"Step_{node.step}"), cancelActivity="true")
    el = ET.SubElement(process, q(BPMN, node.tag), attrs)
    if node.id == xml_id(f"Step_{node.step}"):  # the step's own node carries its definition
        ext = ET.SubElement(el, q(BPMN, "extensionElements"))
        spec = ET.SubElement(ext, q(NS, "step"), {"id": node.step, "kind": scenario.steps[node.step].kind,
                                                  "format": "json"})
        spec.text = json.dumps(plain(scenario.raw.get("steps", {}).get(node.step, {})), ensure_ascii=False)
    for f in node.incoming:
        ET.SubElement(el, q(BPMN, "incoming")).text = f
    for f in node.outgoing:
        ET.SubElement(el, q(BPMN, "outgoing")).text = f
    if node.tag == "boundaryEvent":
        timer = ET.SubElement(el, q(BPMN, "timerEventDefinition"))
        duration = ET.SubElement(timer, q(BPMN, "timeDuration"), {q(XSI, "type"): "bpmn:tFormalExpression"})
        duration.text = timer_text(scenario, node.step, node.port)


def timer_text(scenario: Scenario, step_id: str, port: str) -> str:
    """A timer's duration in ISO 8601: the overflow's wait, or the mean patience of who may wait there."""
    step = scenario.steps[step_id]
    if port == "overflow" and getattr(step, "overflow_after", None) is not None:
        wait = float(step.overflow_after)
    else:
        means = [float(e.patience.mean()) for e in scenario.entities.values() if getattr(e, "patience", None)]
        wait = sum(means) / len(means) if means else 0.0
    return iso_duration(wait * scenario.time.hours_per_unit * 3600)


def iso_duration(seconds: float) -> str:
    """`PT1M30S` for 90 seconds (whole seconds)."""
    s = int(round(max(0.0, seconds)))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{sec}S" if sec or not (h or m) else "")


__all__ = ["bpmn_xml", "xml_id", "iso_duration"]
