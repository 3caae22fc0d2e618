"""The BPMN diagram (BPMN DI) of an exported map: a shape per node where its card was, the links' points.

- A task is its card's box. A start event is a circle at its card's right side, at the height its link
  leaves by; an end event a circle at its card's left side, where links arrive; a gateway (a branch or a
  route) a diamond at its card's left side, each outgoing flow starting at the diamond's right corner and
  joining the link's route where the card's port was; a task's own gateway a small diamond just right of
  the task, its flows starting from its right corner in the same way.
- A timer boundary event sits on its task's lower edge; its flow goes down from it, then along the lower
  edge's level to where the link's route bends away from the card, then along the route.
- Every other flow follows its link's routed points (`Diagram.points`).
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from typing import Sequence

from engine.bpmn import BPMNDI, DC, DI, q
from engine.bpmn.diagram import Box, Diagram, Point
from engine.model import Scenario

EVENT = 36.0
GATEWAY = 50.0
OWN_GATEWAY = 36.0  # a task's own gateway, small enough for the gap between two layers of cards


def node_box(scenario: Scenario, node, diagram: Diagram, timers_before: int) -> Box:
    """Where `node` (engine.bpmn.export.Node) is drawn, from its step's card."""
    x, y, w, h = diagram.box(node.step)
    kind = scenario.steps[node.step].kind
    if node.tag == "exclusiveGateway" and kind not in ("branch", "route"):  # a task's own gateway
        return (x + w + 10, y + h / 2 - OWN_GATEWAY / 2, OWN_GATEWAY, OWN_GATEWAY)
    if node.tag == "boundaryEvent":
        return (x + 16 + timers_before * (EVENT + 12), y + h - EVENT / 2, EVENT, EVENT)
    if kind == "source":
        return (x + w - EVENT, y + h / 2 - EVENT / 2, EVENT, EVENT)
    if kind == "exit":
        return (x, y + h / 2 - EVENT / 2, EVENT, EVENT)
    if kind in ("branch", "route"):
        return (x, y + h / 2 - GATEWAY / 2, GATEWAY, GATEWAY)
    return (x, y, w, h)


def flow_points(scenario: Scenario, flow, boxes: dict[str, Box], by_id: dict, diagram: Diagram) -> list[Point]:
    """The waypoints of `flow` (engine.bpmn.export.Flow) between the shapes in `boxes` (node id -> box)."""
    src = by_id[flow.src]
    sx, sy, sw, sh = boxes[flow.src]
    if flow.edge is None:  # a task into its own gateway, straight across
        gx, gy, gw, gh = boxes[flow.dst]
        return _tidy([(sx + sw, gy + gh / 2), (gx, gy + gh / 2)])
    pts = diagram.points(flow.edge)
    card = diagram.box(src.step)
    if src.tag == "boundaryEvent":
        below = card[1] + card[3] + 24
        bend = next((p for p in pts[1:] if p[0] > card[0] + card[2]), pts[-1])
        pts = [(sx + sw / 2, sy + sh), (sx + sw / 2, below), (bend[0], below)] + \
            [p for p in pts[pts.index(bend):]]
    elif src.tag == "startEvent":
        pts = [(sx + sw, sy + sh / 2)] + pts[1:]
    elif src.tag == "exclusiveGateway":
        pts = [(sx + sw, sy + sh / 2)] + pts
    else:  # a task: from its right side, where the card's port handle stood just outside it
        pts = [(sx + sw, pts[0][1])] + pts[1:]
    dst = by_id[flow.dst]
    if dst.tag in ("endEvent", "exclusiveGateway"):
        dx, dy, dw, dh = boxes[flow.dst]
        pts = pts[:-1] + [(dx, dy + dh / 2)]
    return _tidy(pts)


def _tidy(pts: Sequence[Point], tolerance: float = 2.0) -> list[Point]:
    """The points without repeats and with the curve's samples thinned to the points that shape it, within
    `tolerance` px (Ramer-Douglas-Peucker): a modeller draws and edits waypoints as corners. BPMN DI needs at
    least two."""
    out: list[Point] = []
    for x, y in pts:
        p = (round(float(x), 1), round(float(y), 1))
        if not out or p != out[-1]:
            out.append(p)
    if len(out) == 1:
        out.append((out[0][0] + 1, out[0][1]))
    return _thin(out, tolerance)


def _thin(pts: list[Point], tolerance: float) -> list[Point]:
    if len(pts) <= 2:
        return pts
    (ax, ay), (bx, by) = pts[0], pts[-1]
    length = math.hypot(bx - ax, by - ay) or 1e-9
    far, at = 0.0, 0
    for i in range(1, len(pts) - 1):
        x, y = pts[i]
        d = abs((bx - ax) * (ay - y) - (ax - x) * (by - ay)) / length
        if d > far:
            far, at = d, i
    if far <= tolerance:
        return [pts[0], pts[-1]]
    return _thin(pts[:at + 1], tolerance)[:-1] + _thin(pts[at:], tolerance)


def draw_diagram(root: ET.Element, process_id: str, scenario: Scenario, nodes: dict, flows: Sequence,
                 diagram: Diagram) -> None:
    """Append the BPMNDiagram of `nodes` and `flows` to the definitions `root`."""
    dia = ET.SubElement(root, q(BPMNDI, "BPMNDiagram"), {"id": f"Diagram_{process_id}"})
    plane = ET.SubElement(dia, q(BPMNDI, "BPMNPlane"), {"id": f"Plane_{process_id}", "bpmnElement": process_id})
    boxes: dict[str, Box] = {}
    timers: dict[str, int] = {}
    for node in nodes.values():
        n = timers.get(node.step, 0) if node.tag == "boundaryEvent" else 0
        if node.tag == "boundaryEvent":
            timers[node.step] = n + 1
        boxes[node.id] = node_box(scenario, node, diagram, n)
    by_id = {n.id: n for n in nodes.values()}
    for node in nodes.values():
        attrs = {"id": f"{node.id}_di", "bpmnElement": node.id}
        if node.tag == "exclusiveGateway":
            attrs["isMarkerVisible"] = "true"
        shape = ET.SubElement(plane, q(BPMNDI, "BPMNShape"), attrs)
        x, y, w, h = boxes[node.id]
        ET.SubElement(shape, q(DC, "Bounds"), {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{w:.1f}",
                                               "height": f"{h:.1f}"})
    for flow in flows:
        edge = ET.SubElement(plane, q(BPMNDI, "BPMNEdge"), {"id": f"{flow.id}_di", "bpmnElement": flow.id})
        for x, y in flow_points(scenario, flow, boxes, by_id, diagram):
            ET.SubElement(edge, q(DI, "waypoint"), {"x": f"{x:.1f}", "y": f"{y:.1f}"})
