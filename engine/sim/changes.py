"""Changes during a day: staffing and rate schedules, scripted events, a value set mid-day, new rule values.

Every quantity that can change is a knob (engine.sim.knobs): a pool's count, a source's rate, a step's
duration scale, an inventory step's lead-time scale. The scenario's schedules move a knob's base at the
times they give; a scripted event sets or scales knobs from its `at` for its `for` (or sets another
distribution for a step's durations or lead times); `Day.set` moves a base from now on; new rule values
compile a new plan whose tables replace the old ones in place, from now on, while every entity keeps its
draws. Schedule pieces are heap entries of the change kind (engine.sim.agenda), stamped with the day's
generation, which new rule values that change a schedule bump: the pieces of the old rules are then ignored.
"""
from __future__ import annotations

from typing import Any

from engine.distributions import as_distribution

from .agenda import CHANGE
from .knobs import Knob
from .plan import DELAY, SERVICE, Plan
from .service import set_staff
from .sources import set_rate
from .state import DayState


def value_at(pieces, t: float) -> Any:
    """The value in force at `t` of pieces ((from, value), ...): a piecewise rate, a staffing schedule."""
    v = pieces[0][1]
    for frm, value in pieces:
        if frm <= t:
            v = value
    return v


def set_up_knobs(day: DayState) -> None:
    """The knobs at the start of the day, their schedules, and the scripted events, on the agenda."""
    plan, sc = day.plan, day.scenario
    for p, pid in enumerate(plan.pools):
        knob = Knob(float(value_at(sc.resources[pid].staffing(), 0.0)), _pool_applier(day, p))
        day.pool_knobs[pid] = knob
        day.staff[p] = max(0, int(round(knob.value())))
    for j, s in enumerate(plan.sources):
        pieces = sc.steps[plan.ids[s]].rate  # type: ignore[attr-defined]
        knob = Knob(float(value_at(pieces, 0.0)), _rate_applier(day, j))
        day.rate_knobs[plan.ids[s]] = knob
        day.rate[j] = max(0.0, knob.value())
    for s, sid in enumerate(plan.ids):
        if plan.kind[s] in (DELAY, SERVICE):
            day.duration_knobs[sid] = Knob(1.0, _duration_applier(day, s))
    schedule_pieces(day, 0.0)
    for i, ev in enumerate(sc.events):
        _schedule_event(day, i, ev)


def _pool_applier(day: DayState, p: int):
    def apply(now: float, value: float) -> None:
        set_staff(day, p, max(0, int(round(value))), now)
    return apply


def _rate_applier(day: DayState, j: int):
    def apply(now: float, value: float) -> None:
        set_rate(day, j, max(0.0, value), now)
    return apply


def _duration_applier(day: DayState, s: int):
    def apply(now: float, value: float) -> None:
        day.duration_scale[s] = max(0.0, value)
    return apply


def schedule_pieces(day: DayState, after: float) -> None:
    """Changes of staffing and of source rates the scenario schedules, from `after` on."""
    gen, agenda = day.generation, day.agenda
    for knob, frm, value in _pieces(day, day.scenario, after):
        agenda.push(frm, CHANGE, _set_base, (day, knob, value, gen))


def _pieces(day: DayState, sc, after: float) -> list[tuple[Knob, float, float]]:
    """(knob, from, value) of the staffing and rate pieces `sc` schedules after `after`, in the day."""
    plan = day.plan
    out = []
    for pid, knob in day.pool_knobs.items():
        for frm, n in sc.resources[pid].staffing():
            if after < frm < day.horizon:
                out.append((knob, float(frm), float(n)))
    for s in plan.sources:
        knob = day.rate_knobs[plan.ids[s]]
        for frm, r in sc.steps[plan.ids[s]].rate:  # type: ignore[attr-defined]
            if after < frm < day.horizon:
                out.append((knob, float(frm), float(r)))
    return out


def _set_base(now: float, arg) -> None:
    day, knob, value, gen = arg
    if gen == day.generation:  # a piece of the rules in force, not of rules changed since
        knob.base = value
        knob.update(now)


def find_knob(day: DayState, path: str, what: str) -> Knob | None:
    """The knob of a dotted path, None for a step or pool this day's map does not use; ValueError for a
    path that cannot change during a day."""
    parts = path.split(".")
    known = False
    if len(parts) == 3 and parts[0] == "resources" and parts[2] == "count":
        if parts[1] in day.pool_knobs:
            return day.pool_knobs[parts[1]]
        known = parts[1] in day.scenario.resources
    elif len(parts) == 3 and parts[0] == "steps" and parts[2] in ("rate", "duration", "lead_time"):
        table = {"rate": day.rate_knobs, "duration": day.duration_knobs, "lead_time": day.stock.lead_knobs}[parts[2]]
        if parts[1] in table:
            return table[parts[1]]
        known = parts[1] in day.scenario.steps  # a step not on this map
    if known:
        return None
    raise ValueError(f"{what}: cannot change {path!r} during a day (resources.POOL.count, "
                     "steps.SOURCE.rate, steps.STEP.duration and steps.STEP.lead_time can change)")


def _schedule_event(day: DayState, i: int, ev) -> None:
    for path, _ in (*ev.scale, *ev.set):
        find_knob(day, path, f"event {i + 1} at {ev.at:g}")  # refuse what cannot change before the day starts
    if ev.at < day.horizon or (not day.cutoff and ev.at == day.horizon):
        day.agenda.push(float(ev.at), CHANGE, _fire, (day, i, ev, True))
        if ev.duration is not None:
            day.agenda.push(float(ev.at + ev.duration), CHANGE, _fire, (day, i, ev, False))


def _fire(now: float, arg) -> None:
    """Scripted event `i` starts (or, `for` its duration later, ends)."""
    day, i, ev, starting = arg
    move_knobs(day, i, ev.scale, ev.set, starting, now)
    if starting:
        day.fired.append((now, i, ev.say))
        if day.trace is not None:
            say = ev.say
            day.trace.append(("event", now, i, say.advisor if say else None, say.text if say else None))


def take_choice(day: DayState, i: int, choice) -> None:
    """The choice taken at event `i`'s decision (engine.decisions), now: its cost, and its knobs scaled and set
    from now, for its `duration` (to the end of the day when None). Its rule values are the day's to apply
    (`Day.decide`). The knobs carry the tag `len(events) + i`, so they end apart from the event's own."""
    tag = len(day.scenario.events) + i
    now = day.now
    day.decision_cost += float(choice.cost)
    if not (choice.scale or choice.set):
        return
    move_knobs(day, tag, choice.scale, choice.set, True, now)
    if choice.duration is not None:
        day.agenda.push(now + float(choice.duration), CHANGE, _end_choice, (day, tag, choice))


def _end_choice(now: float, arg) -> None:
    day, tag, choice = arg
    move_knobs(day, tag, choice.scale, choice.set, False, now)


def move_knobs(day: DayState, i: int, scale, sets, starting: bool, now: float) -> None:
    """Knobs scaled and set by change `i` (an event, or a choice taken at one) start (or end) now."""
    changed = []
    for path, factor in scale:
        knob = find_knob(day, path, "event")
        if knob is not None:
            if starting:
                knob.scales.append((i, float(factor)))
            else:
                knob.scales = [x for x in knob.scales if x[0] != i]
            changed.append(knob)
    for path, value in sets:
        knob = find_knob(day, path, "event")
        if knob is None:
            continue
        if path.endswith(".lead_time"):  # another lead-time distribution for a while
            day.stock.set_lead(path.split(".")[1], i, value, starting)
        elif path.endswith(".duration"):  # another distribution for a while
            _set_durations(day, day.plan.index[path.split(".")[1]], i, value, starting)
        else:
            if isinstance(value, (list, tuple)):  # a rate given as pieces: the piece running now
                value = value_at(value, now)
            if starting:
                knob.sets.append((i, float(value)))
            else:
                knob.sets = [x for x in knob.sets if x[0] != i]
            changed.append(knob)
    for knob in changed:
        knob.update(now)


def _set_durations(day: DayState, s: int, i: int, value: Any, starting: bool) -> None:
    sets = day.duration_sets.setdefault(s, [])
    if starting:
        sets.append((i, as_distribution(value)))
    else:
        sets[:] = [x for x in sets if x[0] != i]
    day.streams.draw_durations(day.plan, s, sets)


def set_value(day: DayState, path: str, value: float) -> None:
    """`resources.POOL.count`, `steps.SOURCE.rate`, or a `steps.STEP.duration` or `.lead_time` scale, from now."""
    knob = find_knob(day, path, "set")
    if knob is None:
        return
    knob.base = float(value)
    knob.update(day.now)


#: The plan's tables the loop reads that new rule values may change; replaced in place, so that every
#: part of the day holding one sees the new values.
TABLES = ("out", "unresolved", "overflow", "abandoned", "branch_cum", "branch_to", "resolve", "revenue_chance",
           "revenue_amount", "cost_per_entity", "outcome", "exit_revenue", "exit_penalty", "late_after",
           "late_penalty", "overflow_after", "stock_out")


def adopt(day: DayState, new: Plan) -> None:
    """Rule values changed mid-day: the new plan's tables, durations, money, staffing and rates from now on.

    Entities keep their draws: a caller needing a long call still needs it."""
    old = day.plan
    now = day.now
    for name in TABLES:
        getattr(old, name)[:] = getattr(new, name)
    day.streams.adopt_durations(old, new)
    old.durations[:] = new.durations
    for s in day.duration_sets:  # an event's distribution stays in force until the event ends
        day.streams.draw_durations(old, s, day.duration_sets.get(s))
    sc = new.scenario
    # The schedules' pieces still to come are pushed anew only when the new rules change them: new entries
    # would come after the old ones that share their time, and a rule change that changes nothing must leave
    # the day as it was, to the last digit.
    rescheduled = _pieces(day, sc, now) != _pieces(day, day.scenario, now)
    if rescheduled:
        day.generation += 1
    day.scenario = old.scenario = sc
    day.stock.adopt(sc)
    for pid, knob in day.pool_knobs.items():
        _rebase(knob, float(value_at(sc.resources[pid].staffing(), now)), now)
    for s in old.sources:
        _rebase(day.rate_knobs[old.ids[s]], float(value_at(sc.steps[old.ids[s]].rate, now)), now)  # type: ignore[attr-defined]
    if rescheduled:
        schedule_pieces(day, now)


def _rebase(knob: Knob, base: float, now: float) -> None:
    """A knob's base from new rules. Only a value that changes is handed on: the same rate handed on again
    would re-time the next arrival through (t - now) * r / r, which rounds, and a rule change that changes
    nothing must leave the day as it was, to the last digit."""
    before = knob.value()
    knob.base = base
    if knob.value() != before:
        knob.update(now)
