"""engine.maps.hints.missing_work: what a map lacks most, for every built-in, against compare_map."""
import pytest

from engine.load import builtin_dir, load
from engine.maps.compare import compare_map
from engine.maps.hints import missing_work
from engine.model import Edge, ProcessMap

BUILTINS = sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def work_of(scenario, edges, placed=None):
    pmap = ProcessMap(tuple(edges))
    placed = placed if placed is not None else set(scenario.reference.steps)
    return missing_work(scenario, compare_map(scenario, pmap), placed)


@pytest.mark.parametrize("name", BUILTINS)
def test_each_left_out_link_is_the_open_port_it_leaves_and_the_kind_it_reaches(name):
    sc = load(builtin_dir() / f"{name}.yaml")
    ref = list(sc.reference.edges)
    assert work_of(sc, ref).kind == "done"
    for e in ref:
        work = work_of(sc, [x for x in ref if x != e])
        assert (work.kind, work.step, work.port, work.leads_to, work.left) == (
            "open", e.src, e.port, sc.steps[e.dst].kind, 1)


def test_the_most_important_missing_link_comes_first_and_an_unplaced_card_is_said():
    sc = load(builtin_dir() / "customer_service.yaml")
    comparison = compare_map(sc, sc.start_map)
    first = comparison.missing[0]
    work = missing_work(sc, comparison, sc.start_map.steps)
    assert work.left == len(comparison.missing) > 1
    assert work.step == first.src
    assert work.kind == ("open" if first.src in sc.start_map.steps else "unplaced")
    # a card left off the board: its links are missing, and the first of them is said as the card to place
    card = next(s for s in sc.reference.steps if sc.steps[s].kind == "service")
    without = ProcessMap(tuple(x for x in sc.reference.edges if card not in (x.src, x.dst)))
    comparison = compare_map(sc, without)
    work = missing_work(sc, comparison, set(sc.reference.steps) - {card})
    first = comparison.missing[0]
    assert work.kind == ("unplaced" if first.src == card else "open") and work.step == first.src


def test_a_port_sent_elsewhere_is_misrouted_and_an_extra_link_is_said_when_nothing_is_missing():
    sc = load(builtin_dir() / "customer_service.yaml")
    ref = list(sc.reference.edges)
    e = next(x for x in ref if sc.steps[x.dst].kind == "exit")
    other = next(s for s, st in sc.steps.items() if st.kind == "exit" and s != e.dst)
    moved = [x if x != e else Edge(e.src, e.port, other) for x in ref]
    work = work_of(sc, moved)
    assert (work.kind, work.step, work.port) == ("misrouted", e.src, e.port)
    free = next((s, p) for s, st in sc.steps.items() for p in st.ports  # a card the expert leaves out
                if all((x.src, x.port) != (s, p) for x in ref))
    extra = ref + [Edge(free[0], free[1], other)]
    work = work_of(sc, extra)
    assert (work.kind, work.step, work.port, work.left) == ("extra", free[0], free[1], 0)
