"""What an advisor says when the player taps them: a tip about where the player is, in that advisor's voice.

Three places, three readings of the engine, each turned into one or two sentences in the business's words
(card labels, pool labels, the contract's penalty names, money in the scenario's currency; never an id):

- on the map, `map_tip`: what the map lacks most (engine.maps.hints.missing_work on compare_map): the
  card not yet placed, the open port and the kind of card it should reach, the port that goes astray,
  the extra link; never which card is the answer;
- on the rules, `rules_tip`: where the money goes in the forecast so far (engine.money.money_lines): the
  line furthest behind the same line under par on the same days (engine.optimize.references), or
  without par's figures the biggest cost a lever can move, in money; and the lever furthest from the best
  setting known (par's rules: only which way to move it);
- in the run, `run_tip`: the bottleneck now, from the watched day's read-outs: the longest queue, the
  busiest pool, what the hang-ups have cost so far.

The voice comes from the advisor's role (`voice`): someone in finance leads with money, someone who
speaks for the customers with the people waiting, anyone else with the work and the staff. The facts are
the same whoever says them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from engine.maps.compare import compare_map
from engine.maps.hints import missing_work
from engine.maps.problem import step_label
from engine.model import ProcessMap, Scenario
from engine.money import money_lines

from game.ui import words

MONEY_WORDS = ("finance", "account", "controller", "cost", "budget", "cfo", "treasur")
CUSTOMER_WORDS = ("customer", "care", "promise", "service lead", "experience")
#: the kind of card a port should reach, as a player reads it
KIND_WORDS = {"exit": "a way out (an end of the process)", "service": "a desk where someone does the work",
              "route": "a card that sorts the work", "branch": "a card that splits the work",
              "delay": "a waiting step", "inventory": "a stock shelf", "batch": "a card that groups work"}


@dataclass(frozen=True, slots=True)
class Tip:
    """One tip: who says it and what."""

    advisor: str
    text: str


def voice(scenario: Scenario, advisor_id: str) -> str:
    """"money", "customer" or "work": how the advisor sees things, read from their role."""
    adv = scenario.advisors.get(advisor_id)
    role = (adv.role if adv else "").lower()
    if any(w in role for w in MONEY_WORDS):
        return "money"
    if any(w in role for w in CUSTOMER_WORDS):
        return "customer"
    return "work"


def _port(port: str) -> str:
    return port.replace("_", " ")


# --- the map ------------------------------------------------------------------------------------------
def map_tip(scenario: Scenario, edges, layout, advisor_id: str) -> Tip:
    """What the map lacks most, said without the answer."""
    pmap = ProcessMap(tuple(edges), dict(layout))
    work = missing_work(scenario, compare_map(scenario, pmap), layout)
    v = voice(scenario, advisor_id)
    label = step_label(scenario, work.step) if work.step else ""
    more = f" Then {work.left - 1} more link{'s' if work.left != 2 else ''} to find." if work.left > 1 else ""
    if work.kind == "done":
        text = {"money": "That map is the one I would sign off. Check it and let's talk money.",
                "customer": "Every caller has a way through. Check it!",
                }.get(v, "Every piece of work has its way through. Check your map.")
    elif work.kind == "unplaced":
        text = (f"There is no '{label}' on the board yet, and the work needs it. Find its card in the tray."
                + more)
    elif work.kind == "misrouted":
        text = (f"'{label}' sends its '{_port(work.port)}' work to the wrong place. Think again where it "
                f"should go.")
    elif work.kind == "open":
        kind = KIND_WORDS.get(work.leads_to or "", "another card")
        lead = {"money": "Work with nowhere to go costs us.", "customer": "Someone would be left hanging there.",
                }.get(v, "One port is still open.")
        text = f"{lead} '{label}' still needs its '{_port(work.port)}' link, to {kind}." + more
    else:  # extra
        text = (f"Nothing is missing, but one link from '{label}' ('{_port(work.port)}') is not in the "
                f"expert's map. Look at where it leads.")
    return Tip(advisor_id, text)


# --- the rules ----------------------------------------------------------------------------------------
def lever_to_move(scenario: Scenario, rules: Mapping, best: Mapping | None) -> tuple[str, str] | None:
    """(the lever's label, which way) for the lever furthest from `best` (par's rules), as a share of its
    range; None when every lever is at its best setting or there is no best known."""
    if not best:
        return None
    far, found = 0.0, None
    for rule in scenario.rules:
        values = list(rule.values())
        now, there = rules.get(rule.id, rule.default), best.get(rule.id)
        if there is None or now == there or now not in values or there not in values:
            continue
        gap = values.index(there) - values.index(now)
        share = abs(gap) / max(1, len(values) - 1) if rule.kind == "slider" else 0.5
        if share > far:
            way = ("higher" if gap > 0 else "lower") if rule.kind == "slider" else "another setting"
            far, found = share, (rule.label, way)
    return found


def money_lines_of(scenario: Scenario, rules: Mapping, kpis: Mapping):
    """engine.money.money_lines of `kpis` under `rules`: the lines a tip reads its money from."""
    return money_lines(scenario, dict(rules), kpis)


def biggest_cost(scenario: Scenario, rules: Mapping, kpis: Mapping) -> tuple[str, float] | None:
    """The cost line of the forecast that takes the most money (fixed costs left out: no lever moves them)."""
    m = money_lines_of(scenario, rules, kpis)
    costs = [(name, v) for name, v in m.cost if name != "Fixed costs" and v > 0]
    return max(costs, key=lambda c: c[1]) if costs else None


def biggest_gap(scenario: Scenario, rules: Mapping, kpis: Mapping, best: Mapping,
                best_kpis: Mapping) -> tuple[str, float, float] | None:
    """(line, amount now, how much worse than under `best`) for the money line of the forecast furthest
    behind the same line under par's rules (`best_kpis`: par on the same days): a cost that is higher, or
    a revenue that is lower. None when no line is worse."""
    now, there = money_lines_of(scenario, rules, kpis), money_lines_of(scenario, best, best_kpis)
    gaps = [(name, v, v - dict(there.cost).get(name, 0.0)) for name, v in now.cost if name != "Fixed costs"]
    gaps += [(name, v, dict(there.revenue).get(name, 0.0) - v) for name, v in now.revenue]
    worst = max(gaps, key=lambda g: g[2], default=None)
    return worst if worst is not None and worst[2] >= 1 else None


def rules_tip(scenario: Scenario, rules: Mapping, kpis: Mapping | None, best: Mapping | None,
              advisor_id: str, best_kpis: Mapping | None = None) -> Tip:
    """Where the money goes with the levers as set (the forecast so far): against par when its figures
    are known (`best_kpis`, on the same days), else the biggest cost; and which lever to look at."""
    v = voice(scenario, advisor_id)
    if not kpis:
        return Tip(advisor_id, "Give me a moment: the forecast is still counting the first day.")
    parts = []
    gap = biggest_gap(scenario, rules, kpis, best, best_kpis) if best and best_kpis else None
    cost = biggest_cost(scenario, rules, kpis) if gap is None else None
    per = words.per_run(scenario)  # "a day", "a fortnight"
    if gap is not None:
        name, amount, behind = gap
        money, short = words.value("profit", amount, scenario), words.value("profit", behind, scenario)
        is_cost = name in dict(money_lines_of(scenario, rules, kpis).cost)
        parts.append(f"'{name}' is where the money goes: {money} {per}, {short} "
                     f"{'more' if is_cost else 'less'} than with the best setting I know."
                     if v == "money" else
                     f"The money leaks at '{name}': {money} {per}, {short} "
                     f"{'more' if is_cost else 'less'} than with the best setting I know.")
    if cost is not None:
        name, amount = cost
        money = words.value("profit", amount, scenario)
        parts.append({"money": f"The biggest bill is '{name}': {money} {per}.",
                      "customer": f"'{name}' costs us {money} {per}, and our customers feel it.",
                      }.get(v, f"Most of the money goes on '{name}': {money} {per}."))
    move = lever_to_move(scenario, rules, best)
    if move is not None:
        label, way = move
        parts.append(f"Of your levers, '{label}' is furthest from the best setting I know: try {way}."
                     if way != "another setting" else f"'{label}' is worth another look: try another setting.")
    elif best:
        parts.append("Your levers are where I would put them.")
    return Tip(advisor_id, " ".join(parts) or "The forecast looks balanced. Run the day and see.")


# --- the run ------------------------------------------------------------------------------------------
def run_tip(scenario: Scenario, queues: Mapping[str, int], busy: Mapping[str, tuple[int, int]],
            kpis: Mapping, rules: Mapping, advisor_id: str) -> Tip:
    """The bottleneck now: the longest queue, the busiest pool, what hang-ups have cost so far."""
    v = voice(scenario, advisor_id)
    calls = scenario.domain == "call_center"
    parts = []
    longest = max(queues.items(), key=lambda q: q[1], default=None)
    if longest is not None and longest[1] > 0:
        who = "callers" if calls else "jobs"
        parts.append(f"The longest queue is at '{step_label(scenario, longest[0])}': {longest[1]} {who} waiting.")
    pools = [(pid, b, s) for pid, (b, s) in busy.items() if s > 0]
    if pools:
        pid, b, s = max(pools, key=lambda p: p[1] / p[2])
        pool = scenario.resources.get(pid)
        name = pool.label if pool is not None and pool.label else "the staff"
        parts.append(f"{name}: {b} of {s} busy.")
    lost = float(kpis.get("abandoned", 0.0))
    if lost >= 1:
        fines = sum(amount for _, amount in money_lines_of(scenario, rules, kpis).penalties)
        what = "hang-ups" if calls else "lost jobs"
        cost = f", costing {words.value('profit', fines, scenario)} so far" if fines >= 1 else ""
        parts.append({"money": f"{lost:,.0f} {what}{cost}: that is money walking out.",
                      "customer": f"{lost:,.0f} {what}{cost}: each one an unhappy customer.",
                      }.get(v, f"{lost:,.0f} {what}{cost}."))
    if not parts:
        return Tip(advisor_id, "All quiet for now: nobody waiting, nobody lost.")
    return Tip(advisor_id, " ".join(parts))


def day_tip(scenario: Scenario, day, live: Mapping, advisor_id: str) -> Tip:
    """`run_tip` read from a watched day (engine.sim.Day; a stand-in without queues has none)."""
    queues = day.queue_lengths() if hasattr(day, "queue_lengths") else {}
    busy = day.busy_counts() if hasattr(day, "busy_counts") else {}
    return run_tip(scenario, queues, busy, live or {}, getattr(day, "rules", {}) or {}, advisor_id)


# --- the briefing -------------------------------------------------------------------------------------
def briefing_tip(scenario: Scenario, advisor_id: str) -> Tip:
    """Before the map: what the day is judged on, and where to start mapping."""
    v = voice(scenario, advisor_id)
    targets = [f"{words.label(t.kpi, scenario)} {words.target_text(t, scenario)}" for t in scenario.objective.targets]
    sources = [s.label for s in scenario.steps.values() if s.kind == "source"]
    start = f" Start the map at '{sources[0]}' and follow the work from there." if sources else ""
    if v == "money" or not targets:
        fines = [p.label for p in scenario.penalties]
        text = ("The score is the profit in money. "
                + (f"Watch the fines: {', '.join(fines)}." if fines else "Every cost counts."))
    else:
        text = "Today we are judged on: " + "; ".join(targets) + "."
    return Tip(advisor_id, text + start)
