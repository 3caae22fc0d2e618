"""A BPMN 2.0 model as a scenario: `scenario_from_bpmn(text, name)` gives the scenario's plain data.

A file this project wrote (engine.bpmn.export) carries the scenario in its extension elements and comes
back as the same scenario: its sections from `<pp:scenario>`, each placed step from its node's `<pp:step>`
(a node renamed in a modeller keeps its new name as the card's label).

A model drawn elsewhere (bpmn.io, Camunda Modeler, Signavio) becomes a skeleton: steps, the reference map
and pools from the lanes, with each value only the facilitator can choose written as a marker,
`"TODO: what to choose"`, that `validate` lists at its line and column (engine.format.checks). How the
nodes read (`_step_of`):

- a start event is a source (its arrival rate to choose); an end event an exit;
- a user, manual or plain task, a call activity or a sub-process in a lane is a service of the lane's pool
  (its duration to choose; the pool's size too); an automated task (service, script, rule, send,
  receive) and any task outside a lane a delay (its duration to choose); an intermediate timer a delay of
  its timer's duration when it says one (ISO 8601), else to choose;
- a gateway with several ways out, exclusive, inclusive, event-based or parallel, is a branch whose
  shares are to choose (ProcessPlay moves each case one way: a parallel split becomes a choice of way);
  a gateway with one way out (a join) and a throw event pass their cases straight on, and are left out;
- a task with several ways out and no gateway gets a branch after it; a timer boundary event on a
  service is its `overflow` (after the timer's duration, or to choose); an error boundary event its
  `unresolved` way, with the share it resolves to choose; other boundary events are left out, and said.

Only the standard library reads the XML; a file with a DOCTYPE is refused (a BPMN file has no use for one,
and no entity can then expand).
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from engine.bpmn import BPMN, NS
from engine.words import slug

TODO = "TODO"
SERVICE_TASKS = ("userTask", "manualTask", "task", "callActivity", "subProcess", "adHocSubProcess", "transaction")
AUTOMATED_TASKS = ("serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask")
GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "parallelGateway", "complexGateway")
PASS_THROUGH = ("intermediateThrowEvent",)


class BpmnError(ValueError):
    """The file is not a BPMN model this can read; the message says why, in words."""


def todo(what: str) -> str:
    return f"{TODO}: {what}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def iso_minutes(text: str | None) -> float | None:
    """`PT1H30M` as 90.0 minutes; None when the text is not an ISO 8601 duration of hours, minutes, seconds."""
    m = re.fullmatch(r"\s*P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?\s*",
                     text or "")
    if not m or not any(m.groups()):
        return None
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return d * 1440 + h * 60 + mi + s / 60


def parse(text: str) -> ET.Element:
    if re.search(r"<!DOCTYPE|<!ENTITY", text[:4096], re.IGNORECASE):
        raise BpmnError("the file has a DOCTYPE: a BPMN model has no use for one, so it is not read")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise BpmnError(f"not well-formed XML ({e})") from None
    if root.tag != f"{{{BPMN}}}definitions":
        raise BpmnError("not a BPMN 2.0 model (its root is not bpmn:definitions)")
    return root


def scenario_from_bpmn(text: str, name: str = "model") -> tuple[dict, list[str]]:
    """The scenario's plain data from BPMN `text`, and notes on what could not be carried over."""
    root = parse(text)
    processes = [p for p in root.iter(f"{{{BPMN}}}process") if len(p)]
    if not processes:
        raise BpmnError("the model has no process with anything in it")
    own = root.find(f".//{{{BPMN}}}process/{{{BPMN}}}extensionElements/{{{NS}}}scenario")
    if own is not None:
        return _own_scenario(own, processes[0]), []
    return Skeleton(name).build(processes)


def _own_scenario(own: ET.Element, process: ET.Element) -> dict:
    """A file this project wrote: the scenario as it was, each placed step back from its node."""
    raw = json.loads(own.text or "{}")
    steps = {k: v for k, v in (raw.get("steps") or {}).items() if v is not None}  # placed ones: on their nodes
    order = list(raw.get("steps") or {})
    for node in process:
        spec = node.find(f"{{{BPMN}}}extensionElements/{{{NS}}}step")
        if spec is None:
            continue
        step = json.loads(spec.text or "{}")
        if node.get("name") and node.get("name") != step.get("label"):
            step["label"] = node.get("name")
        steps[spec.get("id")] = step
    raw["steps"] = {k: steps[k] for k in sorted(steps, key=lambda k: order.index(k) if k in order else len(order))}
    return raw


@dataclass
class Skeleton:
    """A scenario skeleton built from a foreign model's processes (`build`)."""

    name: str
    steps: dict[str, dict] = field(default_factory=dict)
    pools: dict[str, dict] = field(default_factory=dict)
    edges: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    node_step: dict[str, str] = field(default_factory=dict)  # BPMN node id -> step id
    lane_of: dict[str, str] = field(default_factory=dict)  # BPMN node id -> pool id

    def build(self, processes: list[ET.Element]) -> tuple[dict, list[str]]:
        for p in processes:
            self._lanes(p)
        nodes: dict[str, ET.Element] = {}  # the processes' own elements (a sub-process is one task)
        flows: list[ET.Element] = []
        for p in processes:
            for el in p:
                tag = _local(el.tag)
                if tag == "sequenceFlow":
                    flows.append(el)
                elif el.get("id") and tag not in ("laneSet", "extensionElements"):
                    nodes[el.get("id")] = el
        flow_nodes = {i: el for i, el in nodes.items() if _kind(el) is not None}
        outgoing: dict[str, list[ET.Element]] = {}
        for f in flows:
            outgoing.setdefault(f.get("sourceRef"), []).append(f)
        for nid, el in flow_nodes.items():
            step = self._step_of(el, outgoing.get(nid, []))
            if step is not None:
                self.node_step[nid] = slug(el.get("name") or nid, self.ids)
                self.steps[self.node_step[nid]] = step
        self._link(nodes, outgoing)
        title = next((p.get("name") for p in processes if p.get("name")), None) or self.name
        raw = {
            "format": 1, "id": slug(title, set()).replace("_", "-")[:40].strip("-") or "imported",
            "title": title, "summary": f"Imported from the BPMN model {self.name}: choose every TODO, then play.",
            "domain": "generic", "time": {"unit": "minute", "horizon": 480, "clock_start": "09:00"},
            "entities": {"case": {"label": "Case"}},
            "resources": self.pools, "steps": self.steps, "reference": self.edges, "objective": {"targets": {}},
        }
        if not self.pools:
            del raw["resources"]
        return raw, self.notes

    def _lanes(self, process: ET.Element) -> None:
        for lane in process.iter(f"{{{BPMN}}}lane"):
            if lane.find(f"{{{BPMN}}}childLaneSet") is not None:
                continue  # the innermost lanes are the pools
            name = lane.get("name") or lane.get("id")
            pool = slug(name, set(self.pools))
            self.pools[pool] = {"label": name, "count": todo(f"how many work in '{name}'"), "cost_per_hour": 0}
            for ref in lane.iter(f"{{{BPMN}}}flowNodeRef"):
                self.lane_of[(ref.text or "").strip()] = pool

    def _step_of(self, el: ET.Element, out: list[ET.Element]) -> dict | None:
        kind = _kind(el)
        name = el.get("name") or el.get("id")
        if kind == "source":
            return {"kind": "source", "label": name, "rate": todo(f"arrivals per minute at '{name}'")}
        if kind == "exit":
            return {"kind": "exit", "label": name}
        if kind == "task":
            pool = self.lane_of.get(el.get("id"))
            duration = todo(f"how long '{name}' takes, in minutes (a number or a distribution)")
            if pool and _local(el.tag) in SERVICE_TASKS:
                return {"kind": "service", "label": name, "pools": [pool], "duration": duration}
            return {"kind": "delay", "label": name, "duration": duration}
        if kind == "timer":
            minutes = iso_minutes(_timer_text(el))
            return {"kind": "delay", "label": name,
                    "duration": minutes if minutes is not None else todo(f"how long '{name}' waits, in minutes")}
        if kind == "gateway" and len(out) > 1:
            return {"kind": "branch", "label": name, "branches": {}}
        return None  # a join, a throw event, a boundary event: not a step of its own

    def _link(self, nodes: dict[str, ET.Element], outgoing: dict[str, list[ET.Element]]) -> None:
        """The reference map: each flow from its step's port to the step it reaches, passing straight
        through what is not a step (joins, throw events); boundary events as their task's ports."""
        for nid in list(self.node_step):
            self._link_step(nid, self.node_step[nid], outgoing.get(nid, []), nodes, outgoing)
        for nid, el in nodes.items():
            if _local(el.tag) == "boundaryEvent":
                self._boundary(el, outgoing.get(nid, []), nodes, outgoing)

    def _target(self, ref: str, nodes, outgoing, seen=()) -> str | None:
        """The step a flow into `ref` ends at, past joins and throw events."""
        if ref in self.node_step:
            return self.node_step[ref]
        if ref in seen or ref not in nodes:
            return None
        nxt = outgoing.get(ref, [])
        return self._target(nxt[0].get("targetRef"), nodes, outgoing, (*seen, ref)) if len(nxt) == 1 else None

    def _link_step(self, nid: str, sid: str, out: list[ET.Element], nodes, outgoing) -> None:
        step = self.steps[sid]
        if step["kind"] == "exit" or not out:
            return
        if step["kind"] == "branch":
            taken: set[str] = set()
            for f in out:
                target = self._target(f.get("targetRef"), nodes, outgoing)
                port = slug(f.get("name") or (self.steps[target]["label"] if target else f.get("id")), taken)
                step["branches"][port] = todo(f"the share of cases that go '{port.replace('_', ' ')}'")
                self._edge(sid, port, target, f)
            return
        port = "done" if step["kind"] == "service" else "out"
        if len(out) > 1:  # several ways out of a task without a gateway: a branch after it
            fork_id = slug(f"{sid}_which_way", self.ids)
            self.steps[fork_id] = {"kind": "branch", "label": f"{step['label']}: which way", "branches": {}}
            self.edges.append(f"{sid}.{port} -> {fork_id}")
            self._link_step(nid, fork_id, out, nodes, outgoing)
            return
        self._edge(sid, port, self._target(out[0].get("targetRef"), nodes, outgoing), out[0])

    def _edge(self, sid: str, port: str, target: str | None, flow: ET.Element) -> None:
        if target is None:
            self.notes.append(f"the flow {flow.get('id')} from '{self.steps[sid]['label']}' leads nowhere a case "
                              "can go on from: left out")
            return
        self.edges.append(f"{sid}.{port} -> {target}")

    def _boundary(self, el: ET.Element, out: list[ET.Element], nodes, outgoing) -> None:
        host = self.node_step.get(el.get("attachedToRef") or "")
        step = self.steps.get(host or "")
        name = el.get("name") or el.get("id")
        target = self._target(out[0].get("targetRef"), nodes, outgoing) if len(out) == 1 else None
        timer = el.find(f"{{{BPMN}}}timerEventDefinition") is not None
        error = el.find(f"{{{BPMN}}}errorEventDefinition") is not None
        if step is None or step["kind"] != "service" or target is None or not (timer or error):
            self.notes.append(f"the boundary event '{name}' is left out: only a timer or an error on a task "
                              "in a lane, with one way out, has a meaning here")
            return
        if timer:
            minutes = iso_minutes(_timer_text(el))
            step["overflow"] = {"after": minutes if minutes is not None else
                                todo(f"how long a case waits at '{step['label']}' before '{name}'")}
            self.edges.append(f"{host}.overflow -> {target}")
        else:
            step["resolve"] = todo(f"the share of cases '{step['label']}' resolves (the others: '{name}')")
            self.edges.append(f"{host}.unresolved -> {target}")


def _kind(el: ET.Element) -> str | None:
    tag = _local(el.tag)
    if tag == "startEvent":
        return "source"
    if tag == "endEvent":
        return "exit"
    if tag in SERVICE_TASKS or tag in AUTOMATED_TASKS:
        return "task"
    if tag == "intermediateCatchEvent":
        return "timer"
    if tag in GATEWAYS:
        return "gateway"
    if tag in PASS_THROUGH:
        return "pass"
    return None


def _timer_text(el: ET.Element) -> str | None:
    t = el.find(f".//{{{BPMN}}}timeDuration")
    return t.text if t is not None else None



def yaml_text(raw: dict, notes: list[str], source: str) -> str:
    """The scenario as a YAML file, with a header saying where it came from and what is left to do."""
    import yaml

    todos = _count_todos(raw)
    head = [f"# Made by `python main.py bpmn import` from {source}."]
    if todos:
        head.append(f"# {todos} value{'s' if todos != 1 else ''} marked TODO: `python main.py validate` lists each "
                    "at its line and column.")
    head += [f"# Note: {n}" for n in notes]
    body = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return "\n".join(head) + "\n" + body


def _count_todos(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_count_todos(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_todos(v) for v in value)
    return int(isinstance(value, str) and value.startswith(f"{TODO}:"))
