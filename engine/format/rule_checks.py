"""The checks of rules and events: the paths they set, and the values they would set, tried on a copy.

A slider or a choice, and an event's `scale` or `set`, name dotted paths into the file
(`resources.senior.count`). Each path must name one value the format has (`engine.format.paths`), an event
only what may change while the day runs. Then each value a rule or an event would set (a slider's ends and
one step in, every option of a choice, an event's `set`) is written into a copy of the file and the part it
lands in is checked again, the way the file itself is: a rule that would make a pool's count negative or a
branch's probabilities not sum to one is refused at the rule, with what it would break. A value that opens
or closes a port (a resolve below 1, an overflow) must leave the expert maps runnable too. An event's
`scale` factors are multiplied along a path, as overlapping events would be, and the result must stay in
range.

`RuleChecks` is a part of `engine.format.checks.CrossChecks` (it reads `raw`, `ck`, `steps`, `pools` and
calls the step, entity, pool and map checks there): one pass of the check, written in two modules.
"""
from __future__ import annotations

import math

from ..distributions import to_distribution
from ..words import shorten, suggest
from .paths import DYNAMIC_PATHS, copy_branch, dynamic_path, resolve_path, set_path
from .raw import as_dict, as_list, is_number, step_ports
from .shape import FORMAT, MAX_COUNT, MAX_RATE, STEP
from .spec import Checker


class RuleChecks:
    """The rule and event checks of `CrossChecks` (see the module docstring)."""

    raw: dict
    ck: Checker
    steps: dict
    pools: dict

    def rules(self):
        """Each rule: a unique id, a default it offers, paths that name values, values that keep the file valid."""
        seen: set[str] = set()
        for i, rule in enumerate(as_list(self.raw.get("rules"))):
            if not isinstance(rule, dict):
                continue
            path = ("rules", i)
            rid = rule.get("id")
            if isinstance(rid, str):
                if rid in seen:
                    self.ck.error(path + ("id",), f"the rule id '{rid}' is used twice")
                seen.add(rid)
            if "choices" in rule:
                choices = as_dict(rule.get("choices"))
                d = rule.get("default")
                if choices and (not isinstance(d, (str, int, float)) or d not in choices):
                    self.ck.error(path + ("default",), f"the default '{d}' is not one of the choices "
                                                       f"({', '.join(map(str, choices))}){suggest(d, choices)}")
                for opt, sets in choices.items():
                    for p, v in as_dict(sets).items():
                        if self.path(p, path + ("choices", opt, p), at="key"):
                            self.try_value(p, v, path + ("choices", opt, p), f"rule '{rid}', option '{opt}'")
            else:
                sets = rule.get("sets")
                paths = [sets] if isinstance(sets, str) else [p for p in as_list(sets) if isinstance(p, str)]
                lo, hi, d, st = (rule.get(k) for k in ("min", "max", "default", "step"))
                if not all(is_number(x) for x in (lo, hi, d)):
                    continue
                st = st if is_number(st) and st > 0 else 1
                if lo > hi:
                    self.ck.error(path + ("min",), f"min ({lo:g}) is above max ({hi:g})")
                    continue
                if not lo <= d <= hi:
                    self.ck.error(path + ("default",), f"the default {d:g} is outside {lo:g}..{hi:g}")
                elif abs((d - lo) / st - round((d - lo) / st)) > 1e-9:
                    self.ck.error(path + ("default",), f"the default {d:g} is not min plus a whole number of steps of {st:g}")
                if (hi - lo) / st > 10000:
                    self.ck.error(path + ("step",), f"a lever with {int((hi - lo) / st)} positions is too fine; raise the step")
                # The ends, and one step in: a count moved by half steps is fine at 1 and 8, not at 1.5.
                values = [lo, hi] + ([lo + st] if lo + st < hi else [])
                for j, p in enumerate(paths):
                    where = path + ("sets",) + ((j,) if isinstance(sets, list) else ())
                    if self.path(p, where):
                        for v in values:
                            before = len(self.ck.problems)
                            self.try_value(p, v, where, f"rule '{rid}' at {v:g}")
                            if len(self.ck.problems) > before:
                                break

    def path(self, dotted: str, where, at="value", dynamic: bool = False) -> bool:
        """Whether a dotted rule/event path names a value of this scenario; reports why not."""
        problem = resolve_path(self.raw, dotted)
        if problem:
            self.ck.error(where, f"'{dotted}': {problem}", at=at)
            return False
        if dynamic and not dynamic_path(dotted):
            self.ck.error(where, f"'{dotted}': an event may change only {', '.join(DYNAMIC_PATHS)}", at=at)
            return False
        return True

    def try_value(self, dotted: str, value, where, who: str):
        """Check that setting `dotted` to `value` leaves a valid scenario (an option of a rule, an event)."""
        raw = copy_branch(self.raw, dotted)
        try:
            set_path(raw, dotted, value)
        except (KeyError, TypeError, ValueError) as e:
            self.ck.error(where, f"{who}: cannot set '{dotted}': {e}")
            return
        pos = self.ck.doc.where(where) if self.ck.doc else None
        shown = shorten(repr(value), 60)
        prefix = f"{who} makes '{dotted}' = {shown} invalid: "
        sub = Checker(None, self.ck.name, fallback=pos, prefix=prefix)
        top, key = dotted.split(".")[0], dotted.split(".")[1]
        self.check_part(raw, top, key, sub)
        if not sub.problems and self.ports_changed(raw, top, key):
            # The value opens or closes a port (a resolve below 1, an overflow, a route's attribute): the
            # expert maps must still run with it, or simulate would refuse the rule with no place to point.
            type(self)(raw, sub).maps()
        if sub.problems:  # what the file has wrong anyway is reported where it is written, not again here
            before = Checker(None, self.ck.name, fallback=pos)
            self.check_part(self.raw, top, key, before)
            known = {p.message for p in before.problems}
            sub.problems = [p for p in sub.problems if p.message[len(prefix):] not in known]
        self.ck.problems.extend(sub.problems)

    @classmethod
    def check_part(cls, raw: dict, top: str, key: str, ck: Checker) -> None:
        """Check only the part of `raw` that a value at `top.key...` lives in: one step, one entity, a section."""
        sem = cls(raw, ck)
        part = as_dict(raw.get(top)).get(key)
        if top == "steps":
            STEP.check(part, ("steps", key), ck)
            if isinstance(part, dict):
                sem.step(key, part)
        elif FORMAT.at(top) is not None and top in raw:
            FORMAT.at(top).check(raw[top], (top,), ck)
            if top == "entities" and isinstance(part, dict):
                sem.entity(key, part)
            elif top == "resources" and isinstance(part, dict):
                sem.pool(key, part)

    def ports_changed(self, changed: dict, top: str, key: str) -> bool:
        """Whether `changed` (this file with one value set) gives a step other ports than the file does."""
        if top == "steps":
            sids = [key]
        elif top == "entities":
            sids = [sid for sid, st in self.steps.items() if as_dict(st).get("kind") in ("route", "service")]
        else:
            return False
        steps = as_dict(changed.get("steps"))
        return any(step_ports(sid, as_dict(self.steps.get(sid)), self.raw) != step_ports(sid, as_dict(steps.get(sid)), changed)
                   for sid in sids)

    def events(self):
        """Each event: paths it may change while the day runs, values it sets, a time within the day."""
        horizon = as_dict(self.raw.get("time")).get("horizon")
        for i, ev in enumerate(as_list(self.raw.get("events"))):
            if not isinstance(ev, dict):
                continue
            path = ("events", i)
            for key in ("scale", "set"):
                for p, v in as_dict(ev.get(key)).items():
                    if self.path(p, path + (key, p), at="key", dynamic=True) and key == "set":
                        self.try_value(p, v, path + (key, p), f"event {i + 1}")
            at = ev.get("at")
            if is_number(at) and is_number(horizon) and at >= horizon:
                self.ck.error(path + ("at",), f"the event at {at:g} happens after the day ends ({horizon:g})")
            if "say" in ev:
                self.line(ev["say"], path + ("say",))
            if isinstance(ev.get("decision"), dict):
                self.decision(ev["decision"], path + ("decision",), f"event {i + 1}")
        self.event_scales()

    def decision(self, decision: dict, path, who: str):
        """A decision: its advisor known, unique choice ids, the default among them; each choice's knobs as an
        event's (paths that may change during a day, values that keep the file valid, factors in range) and
        rule values the rules offer."""
        if "ask" in decision:
            self.line(decision["ask"], path + ("ask",))
        ids: list = []
        for j, choice in enumerate(as_list(decision.get("choices"))):
            if not isinstance(choice, dict):
                continue
            where = path + ("choices", j)
            cid = choice.get("id")
            if cid in ids:
                self.ck.error(where + ("id",), f"the choice id '{cid}' is used twice")
            ids.append(cid)
            for key in ("scale", "set"):
                for p, v in as_dict(choice.get(key)).items():
                    if not self.path(p, where + (key, p), at="key", dynamic=True):
                        continue
                    if key == "set":
                        self.try_value(p, v, where + (key, p), f"{who}, choice '{cid}'")
                    elif is_number(v) and v > 0 and v != 1:
                        problem = self.scaled_problem(p, float(v))
                        if problem:
                            self.ck.error(where + (key, p), f"{who}, choice '{cid}' scales '{p}' by {v:g}: {problem}")
            for rid, v in as_dict(choice.get("rules")).items():
                self.rule_setting(rid, v, where + ("rules", rid))
        d = decision.get("default")
        if ids and isinstance(d, str) and d not in ids:
            self.ck.error(path + ("default",), f"the default '{d}' is not one of the choices "
                                               f"({', '.join(map(str, ids))}){suggest(d, [str(x) for x in ids])}")

    def rule_setting(self, rid, value, where):
        """A rule value a decision sets: a rule of the file, and a value it offers (a slider's number within its
        range, on its steps; a choice's option)."""
        # (a rule whose id is not a plain name is reported where the rules are checked; it is no rule here)
        rules = {r["id"]: r for r in as_list(self.raw.get("rules")) if isinstance(r, dict) and isinstance(r.get("id"), str)}
        rule = rules.get(rid)
        if rule is None:
            known = [str(k) for k in rules]
            self.ck.error(where, f"unknown rule '{rid}'{suggest(str(rid), known)}"
                                 + (f" (rules: {', '.join(known)})" if known else " (this scenario has no rules)"), at="key")
        elif "choices" in rule:
            options = [str(o) for o in as_dict(rule.get("choices"))]
            if str(value) not in options:
                self.ck.error(where, f"rule '{rid}' has no choice '{value}'{suggest(str(value), options)} "
                                     f"(choices: {', '.join(options)})")
        else:
            lo, hi, st = rule.get("min"), rule.get("max"), rule.get("step")
            if not (is_number(lo) and is_number(hi)):
                return
            st = st if is_number(st) and st > 0 else 1
            if not is_number(value) or not lo <= value <= hi:
                self.ck.error(where, f"rule '{rid}' takes a number from {lo:g} to {hi:g}, not {value!r}")
            elif abs((value - lo) / st - round((value - lo) / st)) > 1e-9:
                self.ck.error(where, f"rule '{rid}' moves in steps of {st:g} from {lo:g}: {value:g} is not on one")

    def event_scales(self):
        """What an event's `scale` makes of a duration or a staff count stays within what the format allows:
        the factors of all the events on a path are multiplied, as events that overlap would be."""
        factors: dict[str, list[tuple[float, int]]] = {}
        for i, ev in enumerate(as_list(self.raw.get("events"))):
            for p, f in as_dict(as_dict(ev).get("scale")).items():
                if isinstance(p, str) and dynamic_path(p) and is_number(f) and f > 0 and f != 1:
                    factors.setdefault(p, []).append((float(f), i))
        for p, found in factors.items():
            for grow in (True, False):
                mine = [(f, i) for f, i in found if (f > 1) == grow]
                if not mine:
                    continue
                total = math.prod(f for f, _ in mine)
                f, i = max(mine) if grow else min(mine)
                problem = self.scaled_problem(p, total)
                if problem:
                    both = f" (with the other events on it, {total:g})" if len(mine) > 1 else ""
                    self.ck.error(("events", i, "scale", p), f"event {i + 1} scales '{p}' by {f:g}{both}: {problem}")

    def scaled_problem(self, dotted: str, factor: float) -> str | None:
        """Why `dotted` (a duration, lead time or pool count) multiplied by `factor` is out of range, or None."""
        top, name, what = dotted.split(".")
        if top == "resources":
            pool = as_dict(self.pools.get(name))
            counts = [pool.get("count")] + [pc[1] for pc in as_list(pool.get("schedule")) if isinstance(pc, list) and len(pc) == 2]
            most = max((c for c in counts if is_number(c)), default=0)
            if most * factor > MAX_COUNT:
                return f"the count would reach {most * factor:g}, above {MAX_COUNT}"
            return None
        step = as_dict(self.steps.get(name))
        if what == "rate":
            rate = step.get("rate")
            rates = [rate] if is_number(rate) else [pr[1] for pr in as_list(rate) if isinstance(pr, list) and len(pr) == 2]
            most = max((r for r in rates if is_number(r) and r <= MAX_RATE), default=0)  # above: said where written
            if most * factor > MAX_RATE:
                return f"the rate would reach {most * factor:g} a {as_dict(self.raw.get('time')).get('unit', 'minute')}, above {MAX_RATE:g}"
            return None
        written = [step.get(what)] + (list(as_dict(step.get("duration_by_pool")).values()) if what == "duration" else [])
        written += [as_dict(ev).get("set", {}).get(dotted) for ev in as_list(self.raw.get("events")) if isinstance(as_dict(ev).get("set"), dict)]
        for value in written:
            if value is None:
                continue
            try:
                problem = to_distribution(value).scaled(factor).problem()
            except (TypeError, ValueError, KeyError, AttributeError):  # not a distribution: reported where written
                continue
            if problem:
                return f"the {what.replace('_', ' ')} would be out of range: {problem}"
        return None
