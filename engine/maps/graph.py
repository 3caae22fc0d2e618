"""Walks over a map's drawing: the few graph algorithms the map check, the loop judge and the comparison share.

A map's drawing is given as successor lists (`step -> steps its ports lead to`). `reach` is a breadth-first
walk (distances from the sources: what is cut off, and how near a source an edge is); `components` finds
the strongly connected groups (Tarjan's algorithm, iterative, so a long chain of cards cannot overflow the
stack) and `is_loop` says which of them go round; `closed_loops` picks the loops work can never leave.
"""
from __future__ import annotations

from collections import deque
from typing import Iterable, Mapping, Sequence

from ..model import Edge

def reach(starts: Iterable[str], succ: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Breadth-first distances from `starts` along `succ`."""
    dist: dict[str, int] = {}
    todo: deque[str] = deque()
    for s in starts:
        if s not in dist:
            dist[s] = 0
            todo.append(s)
    while todo:
        s = todo.popleft()
        for t in succ.get(s, ()):
            if t not in dist:
                dist[t] = dist[s] + 1
                todo.append(t)
    return dist


def closed_loops(trapped: Sequence[str], succ: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The loops work cannot leave: the strongly connected groups of `trapped` with no edge out of them
    (what only feeds such a loop is trapped too, but the fix is in the loop). In `trapped` order."""
    if not trapped:
        return []
    import networkx as nx  # here, not at the top: it takes a third of a second to import

    inside = set(trapped)
    graph = nx.DiGraph()
    graph.add_nodes_from(trapped)
    graph.add_edges_from((s, t) for s in trapped for t in succ.get(s, ()) if t in inside)
    dag = nx.condensation(graph)
    loops = []
    for c in dag.nodes:
        if dag.out_degree(c) == 0:
            members = dag.nodes[c]["members"]
            loops.append([s for s in trapped if s in members])
    loops.sort(key=lambda g: trapped.index(g[0]))
    return loops


def unique_edges(edges: Iterable[Edge]) -> list[Edge]:
    """`edges` without repeats, in first-seen order (a map may hold an edge twice)."""
    return list(dict.fromkeys(edges))


def components(nodes: Iterable[str], succ: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative), each in discovery order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on.add(v)
            nexts = succ.get(v, ())
            for j in range(i, len(nexts)):
                w = nexts[j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp[::-1])
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
    return out


def is_loop(group: Sequence[str], succ: Mapping[str, Sequence[str]]) -> bool:
    """Whether a strongly connected `group` goes round: more than one step, or a step leading to itself."""
    return len(group) > 1 or group[0] in succ.get(group[0], ())
