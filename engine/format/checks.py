"""The check of a parsed file: its shape, then everything that needs more than one place of it.

Checking happens in two passes. The first compares the file with the declared shape (`FORMAT`, built from
`engine.format.spec` combinators, which also gives the JSON Schema). The second (`CrossChecks`) checks what
needs more than one place of the file: references between steps, pools, entities and advisors;
probabilities that must sum to one; ports of edges; rule and event paths (`engine.format.rule_checks`); KPI
names in the objective; routes on attributes that the entities reaching them lack. Every problem is
reported, each once, in file order; only a file with no problem at all is built into a model
(`engine.format.builder`).
"""
from __future__ import annotations

from ..model import Edge
from ..words import suggest
from .money import check_objective, check_penalties
from .raw import as_dict, as_list, is_number, is_scalar, kpi_names, pools_of, step_ports
from .rule_checks import RuleChecks
from .shape import FORMAT, edge_of
from .spec import Checker, label
from .yamlpos import Document, Problem

#: How far from 1 a sum of probabilities may be.
SUM_TOLERANCE = 1e-6


class ScenarioError(Exception):
    """A scenario (or map, or rules file) that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


#: A value still to choose, as a skeleton written by `bpmn import` marks it: "TODO: what to choose".
TODO = "TODO:"


def todo_problems(doc: Document) -> list[Problem]:
    """"still to choose: ..." at every value marked TODO (engine.bpmn.imports writes them)."""
    out: list[Problem] = []

    def walk(value, path: tuple) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))
        elif isinstance(value, str) and value.startswith(TODO):
            pos = doc.where(path, "value")
            out.append(Problem(doc.name, pos.line, pos.col, f"still to choose: {value[len(TODO):].strip()}"))

    walk(doc.data, ())
    return out


def check(doc: Document) -> list[Problem]:
    """Every problem of a parsed file, in file order. A value marked TODO is reported as still to choose,
    and nothing else is said while any is left (what follows from a value not chosen yet is noise)."""
    todos = todo_problems(doc)
    if todos:
        return todos
    ck = Checker(doc, doc.name)
    FORMAT.check(doc.data, (), ck)
    CrossChecks(doc.data, ck).run()
    seen = set()
    unique = []
    for p in sorted(ck.problems, key=lambda p: (p.line, p.col)):
        if (p.line, p.col, p.message) not in seen:
            seen.add((p.line, p.col, p.message))
            unique.append(p)
    return unique


class CrossChecks(RuleChecks):
    """The checks that need more than one place of the file. Defensive: the shape may be wrong too.

    Those of rules and events (`rules`, `events`) are in `engine.format.rule_checks.RuleChecks`."""

    def __init__(self, raw: dict, ck: Checker):
        self.raw = raw
        self.ck = ck
        self.steps = as_dict(raw.get("steps"))
        self.pools = as_dict(raw.get("resources"))
        self.entities = as_dict(raw.get("entities"))
        self.advisors = as_dict(raw.get("advisors"))

    def run(self) -> None:
        for eid, ent in self.entities.items():
            self.entity(eid, as_dict(ent))
        for pid, pool in self.pools.items():
            self.pool(pid, as_dict(pool))
        for sid, step in self.steps.items():
            if isinstance(step, dict):
                self.step(sid, step)
        self.supplier_cycles()
        self.maps()
        self.rules()
        self.events()
        self.objective()
        for i, line in enumerate(as_list(self.raw.get("briefing"))):
            self.line(line, ("briefing", i))
        time = as_dict(self.raw.get("time"))
        h, w = time.get("horizon"), time.get("warmup", 0)
        if is_scalar(h) and is_scalar(w) and not isinstance(h, str) and not isinstance(w, str) and w >= h:
            self.ck.error(("time", "warmup"), f"time.warmup ({w:g}) must be shorter than time.horizon ({h:g})")

    # --- parts ---
    def entity(self, eid, ent):
        for aname, values in as_dict(ent.get("attributes")).items():
            probs = [v for v in as_dict(values).values() if is_scalar(v) and not isinstance(v, str)]
            if probs and len(probs) == len(as_dict(values)) and abs(sum(probs) - 1) > SUM_TOLERANCE:
                self.ck.error(("entities", eid, "attributes", aname),
                              f"the probabilities of {eid}.{aname} sum to {sum(probs):.4g}; they must sum to 1")

    def pool(self, pid, pool):
        sched = [p for p in as_list(pool.get("schedule")) if isinstance(p, list) and len(p) == 2]
        times = [p[0] for p in sched if is_scalar(p[0]) and not isinstance(p[0], str)]
        if times != sorted(times) or len(set(times)) != len(times):
            self.ck.error(("resources", pid, "schedule"), f"the schedule of '{pid}' must list its pieces in time order")

    def step(self, sid, step):
        kind = step.get("kind")
        path = ("steps", sid)
        if kind == "source":
            ent = step.get("entity")
            if ent is None:
                if len(self.entities) != 1:
                    self.ck.error(path, f"source '{sid}' must say which entity arrives ('entity: ...'), "
                                        f"as there are {len(self.entities)} entity types", at="key")
            elif isinstance(ent, str) and ent not in self.entities:
                self.ck.error(path + ("entity",), f"unknown entity '{ent}'{suggest(ent, self.entities)}")
            rate = step.get("rate")
            if isinstance(rate, list):
                froms = [p[0] for p in rate if isinstance(p, list) and len(p) == 2 and is_number(p[0])]
                if froms != sorted(froms):
                    self.ck.error(path + ("rate",), f"the rate pieces of '{sid}' must be in time order")
        elif kind == "branch":
            br = as_dict(step.get("branches"))
            rests = [k for k, v in br.items() if v == "rest"]
            total = sum(v for v in br.values() if is_scalar(v) and not isinstance(v, str))
            if len(rests) > 1:
                self.ck.error(path + ("branches",), f"only one branch of '{sid}' may be 'rest'")
            elif rests and total > 1 + SUM_TOLERANCE:
                self.ck.error(path + ("branches",), f"the branches of '{sid}' sum to {total:.4g} before 'rest'; at most 1")
            elif not rests and br and abs(total - 1) > SUM_TOLERANCE:
                self.ck.error(path + ("branches",), f"the branches of '{sid}' sum to {total:.4g}; they must sum to 1 "
                                                    "(or make one 'rest')")
        elif kind == "route":
            by = step.get("by")
            if isinstance(by, str):
                having = [e for e, ent in self.entities.items() if by in as_dict(as_dict(ent).get("attributes"))]
                if not having:
                    known = {a for ent in self.entities.values() for a in as_dict(as_dict(ent).get("attributes"))}
                    self.ck.error(path + ("by",), f"route '{sid}' splits by '{by}', but no entity has that attribute"
                                                  f"{suggest(by, known)}")
        elif kind == "service":
            self.service(sid, step, path)
        elif kind == "inventory":
            self.inventory(sid, step, path)

    def service(self, sid, step, path):
        pools = pools_of(step)
        for i, p in enumerate(pools):
            if p not in self.pools:
                where = path + ("pools",) + ((i,) if isinstance(step.get("pools"), list) else ())
                self.ck.error(where, f"unknown pool '{p}'{suggest(p, self.pools)}")
        if len(set(pools)) != len(pools):
            self.ck.error(path + ("pools",), f"a pool is listed twice in '{sid}'")
        skill = step.get("skill")
        if isinstance(skill, str):
            able = [p for p in pools if p in self.pools and pool_serves(as_dict(self.pools[p]), skill)]
            lacking = [p for p in pools if p in self.pools and p not in able]
            if pools and not able:
                self.ck.error(path + ("skill",), f"no pool of '{sid}' has the skill '{skill}'; nobody could serve here")
            elif lacking:
                self.ck.error(path + ("pools",), f"pool '{lacking[0]}' lacks the skill '{skill}' and would never serve "
                                                 f"at '{sid}'; add the skill or remove the pool")
        for key in ("duration_by_pool", "resolve"):
            for p in as_dict(step.get(key)):
                if p not in pools:
                    self.ck.error(path + (key, p), f"'{p}' is not one of the pools of '{sid}' ({', '.join(pools)})", at="key")
        for p in as_dict(as_dict(step.get("revenue")).get("chance")):
            if p not in pools:
                self.ck.error(path + ("revenue", "chance", p), f"'{p}' is not one of the pools of '{sid}'", at="key")
        prio = step.get("priority")
        if isinstance(prio, dict) and len(prio) == 1:
            (attr, order), = prio.items()
            values = {str(v) for ent in self.entities.values() for v in as_dict(as_dict(as_dict(ent).get("attributes")).get(attr))}
            if not values:
                self.ck.error(path + ("priority", attr), f"no entity has the attribute '{attr}' to rank by", at="key")
            else:
                for i, v in enumerate(as_list(order)):
                    if str(v) not in values:
                        self.ck.error(path + ("priority", attr, i), f"'{v}' is not a value of '{attr}'{suggest(str(v), values)}")

    def inventory(self, sid, step, path):
        sup = step.get("supplier")
        if isinstance(sup, str):
            if sup not in self.steps:
                self.ck.error(path + ("supplier",), f"unknown supplier step '{sup}'{suggest(sup, self.steps)}")
            elif as_dict(self.steps[sup]).get("kind") != "inventory":
                self.ck.error(path + ("supplier",), f"the supplier '{sup}' must be an inventory step")
            elif sup == sid:
                self.ck.error(path + ("supplier",), f"'{sid}' cannot supply itself")
        pol = as_dict(step.get("policy"))
        if pol.get("type") == "sS" and is_number(pol.get("s")) and is_number(pol.get("S")) and pol["S"] <= pol["s"]:
            self.ck.error(path + ("policy",), f"the policy of '{sid}' needs S above s")

    def supplier_cycles(self):
        for sid, step in self.steps.items():
            seen = [sid]
            cur = as_dict(step).get("supplier")
            while isinstance(cur, str) and cur in self.steps and cur not in seen:
                seen.append(cur)
                cur = as_dict(self.steps[cur]).get("supplier")
            if cur == sid and len(seen) > 1:
                self.ck.error(("steps", sid, "supplier"), f"suppliers go round in a circle: {' -> '.join(seen + [sid])}")
                return

    def maps(self):
        self.edges(as_list(self.raw.get("reference")), ("reference",), check_flow=True)
        for i, alt in enumerate(as_list(self.raw.get("alternatives"))):
            self.edges(as_list(alt), ("alternatives", i), check_flow=True)
        self.edges(as_list(self.raw.get("start_map")), ("start_map",), check_flow=False)
        self.edges(as_list(as_dict(self.raw.get("kiosk")).get("start_map")), ("kiosk", "start_map"), check_flow=False)

    def edges(self, items, path, check_flow: bool):
        used: dict[tuple[str, str], int] = {}
        placed: list[Edge] = []
        for i, item in enumerate(items):
            e = edge_of(item)
            if e is None:
                continue
            where = path + (i,) + (("edge",) if isinstance(item, dict) else ())
            if isinstance(item, dict):
                for who in as_dict(item.get("hint")):
                    if who not in self.advisors:
                        self.ck.error(path + (i, "hint", who), f"unknown advisor '{who}'{suggest(who, self.advisors)}", at="key")
            ok = True
            for s in (e.src, e.dst):
                if s not in self.steps:
                    self.ck.error(where, f"edge '{e}': unknown step '{s}'{suggest(s, self.steps)}")
                    ok = False
            if not ok:
                continue
            ports = step_ports(e.src, as_dict(self.steps[e.src]), self.raw)
            if ports is not None and e.port not in ports:
                self.ck.error(where, f"edge '{e}': '{e.src}' has no port '{e.port}'"
                                     f"{suggest(e.port, ports) or ''} (its ports: {', '.join(ports) or 'none'})")
                continue
            if as_dict(self.steps[e.dst]).get("kind") == "source":
                self.ck.error(where, f"edge '{e}': nothing can flow into the source '{e.dst}'")
                continue
            if (e.src, e.port) in used:
                self.ck.error(where, f"edge '{e}': port {e.src}.{e.port} is already connected "
                                     f"(item {used[e.src, e.port] + 1}); a port leads to one step")
                continue
            used[e.src, e.port] = i
            placed.append(e)
        if check_flow and placed:
            self.flow(placed, path)

    def flow(self, edges: list[Edge], path):
        """Every placed step reachable from a source and every port connected; routes on real attributes."""
        out: dict[str, list[Edge]] = {}
        for e in edges:
            out.setdefault(e.src, []).append(e)
        steps = {s for e in edges for s in (e.src, e.dst)}
        sources = [s for s in steps if as_dict(self.steps.get(s)).get("kind") == "source"]
        if not sources:
            self.ck.error(path, f"{label(path)} has no source: nothing would arrive", at="key")
            return
        # which entity types reach each step
        reach: dict[str, set[str]] = {}
        for src in sources:
            ent = as_dict(self.steps[src]).get("entity") or (next(iter(self.entities)) if len(self.entities) == 1 else None)
            if not isinstance(ent, str):
                ent = None
            stack = [src]
            while stack:
                s = stack.pop()
                if ent in reach.setdefault(s, set()):
                    continue
                reach[s].add(ent)
                stack.extend(e.dst for e in out.get(s, ()))
        for s in sorted(steps - set(reach)):
            self.ck.error(path, f"{label(path)}: no source reaches step '{s}'", at="key")
        for s in sorted(steps):
            step = as_dict(self.steps.get(s))
            ports = step_ports(s, step, self.raw) or ()
            have = {e.port for e in out.get(s, ())}
            for p in ports:
                if p not in have and p != "abandoned":
                    self.ck.error(path, f"{label(path)}: port {s}.{p} is not connected", at="key")
            if step.get("kind") == "route":
                by = step.get("by")
                for ent in sorted(x for x in reach.get(s, ()) if x and isinstance(by, str)):
                    if by not in as_dict(as_dict(self.entities.get(ent)).get("attributes")):
                        self.ck.error(("steps", s, "by"), f"route '{s}' splits by '{by}', but {ent} entities "
                                                          f"reach it without that attribute")

    def line(self, line, path):
        if isinstance(line, dict) and len(line) == 1:
            who = next(iter(line))
            if who not in self.advisors:
                self.ck.error(path + (who,), f"unknown advisor '{who}'{suggest(who, self.advisors)}", at="key")

    def objective(self):
        check_objective(self.raw, self.ck)
        check_penalties(self.raw, self.ck)

def pool_serves(pool: dict, skill: str) -> bool:
    skills = pool.get("skills")
    return skills is None or skill in as_list(skills)
