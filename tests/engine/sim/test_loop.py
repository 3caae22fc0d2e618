"""The semantics of the contract's steps: branches, routes, services (pools, skills, priority, resolve,
overflow, cross-sell), exits, staffing and its cost, scripted events, warmup and close."""
from __future__ import annotations

import math
from collections import defaultdict

import pytest

from engine import sim
from engine.distributions import Distribution
from engine.model import (Attribute, Branch, Delay, EntityType, Event, Exit, Late, Line, Pool, Revenue, Route,
                          Service, Source, frozen_map)
from engine.sim.plan import MapError
from test_sim_models import Exp, edges, mmc, scenario


def binomial_ok(count: float, n: float, p: float, k: float = 4.0) -> bool:
    return abs(count - n * p) <= k * math.sqrt(n * p * (1 - p))


def caller(**attrs) -> EntityType:
    return EntityType("call", "Caller", attributes=tuple(
        Attribute(name, tuple(v), tuple(v.values())) for name, v in attrs.items()))


def test_branch_counts_follow_the_probabilities():
    steps = [Source("in", "In", entity="call", rate=((0.0, 5.0),)),
             Branch("split", "Split", branches=(("a", 0.2), ("b", 0.3), ("c", 0.5))),
             Exit("ea", "A"), Exit("eb", "B"), Exit("ec", "C", outcome="lost")]
    sc = scenario(steps, edges("in.out -> split", "split.a -> ea", "split.b -> eb", "split.c -> ec"), seed=3)
    k = sim.Day(sc).finish()
    n = k["arrivals"]
    assert k["exits.ea"] + k["exits.eb"] + k["exits.ec"] == n
    assert binomial_ok(k["exits.ea"], n, 0.2) and binomial_ok(k["exits.eb"], n, 0.3)
    assert k["lost"] == k["exits.ec"] and k["completed"] == k["exits.ea"] + k["exits.eb"]
    assert k["mean_time_in_system"] == 0.0  # branches and exits take no time


def test_route_sends_each_value_its_own_way():
    steps = [Source("in", "In", entity="call", rate=((0.0, 5.0),)),
             Route("by_need", "Need", by="need", values=("billing", "tech")),
             Exit("eb", "Billing"), Exit("et", "Tech")]
    sc = scenario(steps, edges("in.out -> by_need", "by_need.billing -> eb", "by_need.tech -> et"),
                  entities=[caller(need={"billing": 0.7, "tech": 0.3})], seed=4)
    day = sim.Day(sc, trace=True)
    ports = defaultdict(set)
    for rec in day.advance():
        if rec[0] == "move" and rec[3] == "by_need":
            ports[rec[4]].add(rec[5])
    assert ports == {"billing": {"eb"}, "tech": {"et"}}
    k = day.kpis()
    assert binomial_ok(k["exits.eb"], k["arrivals"], 0.7)


def test_exact_staff_cost_under_cutoff():
    steps = [Source("in", "In", entity="call", rate=((0.0, 2.0),)),
             Service("desk", "Desk", pools=("reps",), duration=Exp(3.0)), Exit("done", "Done")]
    reps = Pool("reps", "Reps", 5, cost_per_hour=30.0, schedule=((0.0, 5), (240.0, 10)))
    sc = scenario(steps, edges("in.out -> desk", "desk.done -> done"), resources=[reps], close="cutoff",
                  fixed_costs={"rent": 100.0})
    k = sim.Day(sc).finish()
    assert k["cost"] == pytest.approx((5 * 4 + 10 * 4) * 30.0 + 100.0, abs=1e-9)
    assert k["profit"] == pytest.approx(-k["cost"])


def test_drain_pays_the_staff_until_the_last_caller_leaves():
    sc = mmc(lam=14.0, c=12, horizon=120.0, cost_per_hour=60.0, close="drain")
    day = sim.Day(sc)
    k = day.finish()
    assert day.end_time > 120.0  # overloaded: a queue is left at the horizon
    assert k["cost"] == pytest.approx(12 * day.end_time, rel=1e-12)  # 12 agents x $1 a minute
    cut = sim.Day(mmc(lam=14.0, c=12, horizon=120.0, cost_per_hour=60.0, close="cutoff")).finish()
    assert cut["cost"] == pytest.approx(12 * 120.0, rel=1e-12)
    assert cut["completed"] < cut["arrivals"]  # under cutoff, those inside are unfinished


def test_per_entity_costs_revenue_penalties_and_late():
    steps = [Source("in", "In", entity="call", rate=((0.0, 1.0),)),
             Delay("ivr", "IVR", duration=Distribution.constant(2.0), cost_per_entity=0.5),
             Service("desk", "Desk", pools=("reps",), duration=Distribution.constant(1.0), cost_per_entity=1.0,
                     revenue=Revenue(frozen_map({"reps": 1.0}), 10.0)),
             Exit("done", "Done", revenue=4.0, penalty=0.25, late=Late(after=2.5, penalty=3.0))]
    sc = scenario(steps, edges("in.out -> ivr", "ivr.out -> desk", "desk.done -> done"),
                  resources=[Pool("reps", "Reps", 50)], horizon=100.0)
    k = sim.Day(sc).finish()
    n = k["arrivals"]
    # 50 reps: nobody waits, so every caller takes exactly 3 minutes, later than 2.5
    assert k["mean_time_in_system"] == pytest.approx(3.0)
    assert k["on_time_rate"] == 0.0
    assert k["revenue"] == pytest.approx(n * (10.0 + 4.0))
    assert k["cost"] == pytest.approx(n * (0.5 + 1.0 + 0.25 + 3.0))


def test_priority_serves_the_first_class_first():
    steps = [Source("in", "In", entity="call", rate=((0.0, 1.1),)),
             Route("seg", "Segment", by="segment", values=("premium", "standard")),
             Service("desk", "Desk", pools=("reps",), duration=Exp(1.0),
                     priority=("segment", ("premium", "standard"))),
             Exit("done", "Done")]
    sc = scenario(steps, edges("in.out -> seg", "seg.premium -> desk", "seg.standard -> desk", "desk.done -> done"),
                  entities=[caller(segment={"premium": 0.3, "standard": 0.7})],
                  resources=[Pool("reps", "Reps", 1)], horizon=600.0, seed=8)
    day = sim.Day(sc, trace=True)
    joined, cls, waits = {}, {}, defaultdict(list)
    waiting = {"premium": set(), "standard": set()}
    for rec in day.advance():
        if rec[0] == "move" and rec[3] == "seg":
            joined[rec[2]], cls[rec[2]] = rec[1], rec[4]
            waiting[rec[4]].add(rec[2])
        elif rec[0] == "start":
            eid = rec[2]
            waiting[cls[eid]].discard(eid)
            if cls[eid] == "standard":  # nobody premium may be left waiting when a standard caller is served
                assert not waiting["premium"]
            waits[cls[eid]].append(rec[1] - joined[eid])
    mean = {c: sum(w) / len(w) for c, w in waits.items()}
    assert mean["premium"] * 3 < mean["standard"]


def test_skills_keep_callers_away_from_agents_without_the_skill():
    tech = Service("tech", "Tech", pools=("juniors", "seniors"), skill="technical", duration=Exp(2.0))
    bill = Service("bill", "Billing", pools=("juniors", "seniors"), skill="billing", duration=Exp(2.0))
    steps = [Source("in", "In", entity="call", rate=((0.0, 3.0),)),
             Route("need", "Need", by="need", values=("billing", "technical")), bill, tech, Exit("done", "Done")]
    pools = [Pool("juniors", "Juniors", 4, skills=("billing",)), Pool("seniors", "Seniors", 4, skills=("billing", "technical"))]
    sc = scenario(steps, edges("in.out -> need", "need.billing -> bill", "need.technical -> tech",
                               "bill.done -> done", "tech.done -> done"),
                  entities=[caller(need={"billing": 0.5, "technical": 0.5})], resources=pools, horizon=200.0)
    served_by = defaultdict(set)
    for rec in sim.Day(sc, trace=True).advance():
        if rec[0] == "start":
            served_by[rec[3]].add(rec[4])
    assert served_by["tech"] == {"seniors"}
    assert served_by["bill"] == {"juniors", "seniors"}
    nobody = scenario([Source("in", "In", entity="call", rate=((0.0, 1.0),)), tech, Exit("done", "Done")],
                      edges("in.out -> tech", "tech.done -> done"), resources=pools[:1])
    with pytest.raises(MapError, match="skill"):
        sim.Day(nobody)


def test_pools_are_tried_in_order():
    steps = [Source("in", "In", entity="call", rate=((0.0, 0.5),)),
             Service("desk", "Desk", pools=("first", "second"), duration=Exp(1.0)), Exit("done", "Done")]
    sc = scenario(steps, edges("in.out -> desk", "desk.done -> done"),
                  resources=[Pool("first", "First", 5), Pool("second", "Second", 5)], horizon=300.0)
    k = sim.Day(sc).finish()
    # 0.5 erlangs of work for 5 units of the first pool: the second is hardly ever needed
    assert k["utilization.first"] > 0.07 and k["utilization.second"] < 0.01


def test_resolve_and_unresolved_port():
    steps = [Source("in", "In", entity="call", rate=((0.0, 2.0),)),
             Service("l1", "First line", pools=("reps",), duration=Exp(0.5), resolve=frozen_map({"reps": 0.75})),
             Service("l2", "Second line", pools=("reps",), duration=Exp(0.5)),
             Exit("done", "Done"), Exit("esc", "Escalated")]
    sc = scenario(steps, edges("in.out -> l1", "l1.done -> done", "l1.unresolved -> l2", "l2.done -> esc"),
                  resources=[Pool("reps", "Reps", 10)], seed=9)
    k = sim.Day(sc).finish()
    assert binomial_ok(k["exits.esc"], k["arrivals"], 0.25)


def test_overflow_after_a_wait():
    steps = [Source("in", "In", entity="call", rate=((0.0, 3.0),)),
             Service("first", "First", pools=("a",), duration=Exp(1.0), overflow_after=0.5),
             Service("backup", "Backup", pools=("b",), duration=Exp(1.0)),
             Exit("done", "Done"), Exit("done2", "Done via backup")]
    sc = scenario(steps, edges("in.out -> first", "first.done -> done", "first.overflow -> backup",
                               "backup.done -> done2"),
                  resources=[Pool("a", "A", 2), Pool("b", "B", 3)], horizon=300.0, seed=2)
    day = sim.Day(sc, trace=True)
    overflowed = {}
    for rec in day.advance():
        if rec[0] == "move" and rec[3] == "first" and rec[4] == "overflow":
            overflowed[rec[2]] = rec[1]
    k = day.kpis()
    assert k["exits.done2"] == len(overflowed) > 50
    assert k["completed"] == k["arrivals"]


def test_unconnected_abandoned_port_ends_as_abandoned():
    sc = mmc(lam=13.0, c=12, patience=1.0, horizon=200.0)
    no_exit = scenario(list(sc.steps.values()), edges("incoming.out -> desk", "desk.done -> done"),
                       resources=list(sc.resources.values()), entities=list(sc.entities.values()), horizon=200.0)
    a, b = sim.Day(sc).finish(), sim.Day(no_exit).finish()
    assert a["abandoned"] == b["abandoned"] > 0  # the same callers give up, with or without the exit card
    assert b["exits.hung_up"] == 0


def test_an_event_doubling_the_rate_doubles_arrivals_in_its_window():
    storm = Event(at=100.0, duration=50.0, scale=(("steps.incoming.rate", 2.0),), say=Line("maria", "A storm"))
    before, during, after = [], [], []
    for rep in range(4):
        day = sim.Day(mmc(lam=10.0, c=30, horizon=200.0, events=(storm,), seed=21), replication=rep, trace=True)
        times = [rec[1] for rec in day.advance() if rec[0] == "move" and rec[3] == "incoming"]
        before.append(sum(50 <= t < 100 for t in times))
        during.append(sum(100 <= t < 150 for t in times))
        after.append(sum(150 <= t < 200 for t in times))
        assert day.fired[0][0] == 100.0 and day.fired[0][2].text == "A storm"
    n0, n1, n2 = sum(before), sum(during), sum(after)  # Poisson means 2000, 4000, 2000
    assert abs(n1 - 2 * n0) <= 4 * math.sqrt(4 * n0 + n1)
    assert abs(n2 - n0) <= 4 * math.sqrt(n0 + n2)


def test_events_set_counts_and_scale_durations_for_a_while():
    ev1 = Event(at=100.0, duration=100.0, set=(("resources.agents.count", 3),))
    ev2 = Event(at=300.0, duration=100.0, scale=(("steps.desk.duration", 2.0),))
    day = sim.Day(mmc(lam=2.0, c=12, horizon=480.0, events=(ev1, ev2)), trace=True)
    staff, talk = {}, {}
    started = {}
    for rec in day.advance():
        if rec[0] == "busy":
            staff[rec[1]] = rec[4]
        elif rec[0] == "start":
            started[rec[2]] = rec[1]
        elif rec[0] == "finish":
            talk[started[rec[2]]] = rec[1] - started[rec[2]]
    assert staff[100.0] == 3 and staff[200.0] == 12
    inside = [d for t, d in talk.items() if 300 <= t < 400]
    outside = [d for t, d in talk.items() if t < 300 or t >= 400]
    assert sum(inside) / len(inside) > 1.5 * sum(outside) / len(outside)


def test_when_the_count_drops_busy_units_finish_their_job():
    drop = Event(at=100.0, set=(("resources.agents.count", 2),))
    day = sim.Day(mmc(lam=9.0, c=12, horizon=150.0, events=(drop,), close="cutoff"), trace=True)
    finished_after = [rec for rec in day.advance() if rec[0] == "finish" and 100.0 < rec[1] < 101.0]
    assert len(finished_after) > 2  # the calls in progress at 100 were finished, not dropped
    k = day.kpis()
    assert k["utilization.agents"] <= 1.0


def test_warmup_entities_are_not_counted():
    k = sim.run(mmc(lam=10.0, c=14, horizon=200.0, warmup=100.0, seed=4), replications=4).means()
    assert abs(k["arrivals"] - 1000) <= 4 * math.sqrt(1000 / 4)
    assert k["completed"] == k["arrivals"]


def test_penalties_are_cost_lines_read_from_the_day_and_the_score_is_the_profit():
    from engine.model import Penalty

    plain = mmc(lam=5.0, c=4, horizon=60.0, cost_per_hour=60.0, patience=1.0)
    fines = (Penalty("hang_ups", "Hang-up fines", "abandoned", 20.0),
             Penalty("clause", "Service-level clause", "service_level", 100.0, unit=0.01, below=0.99))
    charged = scenario(list(plain.steps.values()), plain.reference, resources=list(plain.resources.values()),
                       entities=list(plain.entities.values()), horizon=60.0, penalties=fines)
    k0, k = sim.Day(plain).finish(), sim.Day(charged).finish()
    assert k["abandoned"] == k0["abandoned"] > 0  # the same day: penalties change no caller's fate
    assert k["penalty.hang_ups"] == 20.0 * k["abandoned"]
    assert k["penalty.clause"] == pytest.approx(100.0 * (0.99 - k["service_level"]) / 0.01)
    assert k["cost"] == pytest.approx(k0["cost"] + k["penalty.hang_ups"] + k["penalty.clause"])
    assert k["score"] == k["profit"] == pytest.approx(k["revenue"] - k["cost"])
    assert set(k) == set(charged.kpi_names())


def test_a_map_with_an_unconnected_port_is_refused():
    sc = mmc()
    with pytest.raises(MapError, match="'Desk' has an unconnected port 'done'"):
        sim.run(sc, pmap=edges("incoming.out -> desk"), replications=1)


def test_batch_steps_are_simulated():  # inventory and batch semantics: test_stock.py, test_stock_batch.py
    from engine.model import Batch
    steps = [Source("in", "In", entity="call", rate=((0.0, 1.0),)), Batch("b", "Batch", size=3), Exit("done", "Done")]
    sc = scenario(steps, edges("in.out -> b", "b.out -> done"))
    k = sim.Day(sc).finish()
    assert k["completed"] == k["arrivals"]  # drained: the last, partly filled batch leaves too


def test_an_event_sets_another_duration_for_a_while():
    slow = Event(at=100.0, duration=100.0, set=(("steps.desk.duration", Distribution.constant(3.0)),))
    day = sim.Day(mmc(lam=1.0, c=20, horizon=300.0, events=(slow,)), trace=True)
    started, talk = {}, {}
    for rec in day.advance():
        if rec[0] == "start":
            started[rec[2]] = rec[1]
        elif rec[0] == "finish":
            talk[started[rec[2]]] = rec[1] - started[rec[2]]
    inside = {round(d, 9) for t, d in talk.items() if 100 <= t < 200}
    outside = [d for t, d in talk.items() if t < 100 or t >= 200]
    assert inside == {3.0}
    assert len(set(outside)) == len(outside)  # exponential again after the event
