"""BPMN 2.0 in and out: a scenario's map as a BPMN model with its diagram, and a BPMN model as a scenario.

The people this game is for draw processes in BPMN (bpmn.io, Camunda Modeler, Signavio). A map leaves as
BPMN 2.0 XML with its diagram (BPMN DI) so it opens as it was drawn (`export.bpmn_xml`), and a model
drawn elsewhere comes in as a scenario skeleton (`imports.scenario_from_bpmn`).

How a map reads in BPMN (`export`):

- a `source` is a start event; an `exit` an end event;
- a `service` a user task in the lane of its first pool (the lanes are the scenario's pools); a `delay`,
  an `inventory` and a `batch` a task;
- a `branch` and a `route` an exclusive gateway whose outgoing flows carry the branch's probability or
  the route's attribute value as their condition;
- a step with two ways out of its work (a service's `done` and `unresolved`, a stock's `ok` and `out`)
  is its task followed by an exclusive gateway of its own (`Gateway_STEP`), whose flows say the outcome
  (`outcome == "unresolved"`);
- an `abandoned` or `overflow` port is an interrupting timer boundary event on its task: the caller who
  waits too long leaves that way;
- every step keeps its whole definition, and the process the scenario's other sections, in an extension
  element (namespace `NS`), so a file this project wrote comes back as the same scenario.

Where the shapes go (`diagram`): the cards' places and the links' routed points of the board that showed
the map, handed in by the game (game.play.bpmn_diagram), or a plain layered layout when there is none.

Nothing here imports pygame.
"""
from __future__ import annotations

#: The namespace of ProcessPlay's extension elements in a BPMN file.
NS = "https://processplay.dev/bpmn/1"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def q(ns: str, tag: str) -> str:
    """An element or attribute name in namespace `ns`, as ElementTree writes it: `{ns}tag`."""
    return f"{{{ns}}}{tag}"
