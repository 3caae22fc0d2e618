"""A day's random streams: one per purpose, and per-entity draws indexed by arrival number.

Randomness (see engine.sim.rng) is drawn per purpose and, for everything about an entity (attributes,
patience, the work it needs at each step, its branch, resolve and cross-sell draws), indexed by the entity's
arrival number at its source: two rule settings meet the same callers. A source's arrivals are unit-rate
exponential gaps mapped through its rate (engine.sim.sources), so a rate piece or a storm changes when callers
come, never which callers come. Repeat visits of a step on a cycle of the map (rework) draw from streams of
their own, in order, so a loop taken more often does not shift what first visits draw.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import rng as rngs
from .entity import Entity, repeat_visit
from .plan import BRANCH, DELAY, SERVICE, Plan
from .rng import BLOCK_BITS, MASK, IndexedStream, SequentialStream


def by_number(e: Entity, per_source: list[IndexedStream]) -> float:
    """Entity `e`'s draw of an indexed stream: the value at its arrival number, whatever the order."""
    st = per_source[e.source]
    k = e.number
    return st.cur[k & MASK] if k >> BLOCK_BITS == st.cur_index else st.at(k)  # IndexedStream.at, inlined


def visit_draw(e: Entity, s: int, on_cycle: bool, per_source: list[IndexedStream],
               rework: SequentialStream) -> float:
    """Entity `e`'s draw at step `s` (a branch, a delay): by its arrival number, or, on a repeat visit of a
    step on a cycle of the map, from the step's rework stream."""
    if on_cycle and repeat_visit(e, s):
        return rework.next()
    return by_number(e, per_source)


def draw_for(e: Entity, per_source: list[IndexedStream], rework: SequentialStream) -> float:
    """Entity `e`'s draw of a purpose at the end of its service (resolve, cross-sell): by its arrival
    number, or from the rework stream when this visit of the service is a repeat visit."""
    return rework.next() if e.repeat else by_number(e, per_source)


class EntityDraws:
    """What a source's entities are born with (attributes, patience), a block of entities at a time.

    Entity n of the source takes row n % BLOCK of block n // BLOCK, whatever the rules: attributes come
    from uniforms mapped through the cumulative probabilities, patience from its distribution.
    """

    __slots__ = ("attr_streams", "values", "cums", "patience_stream", "attrs", "patience")

    def __init__(self, attr_streams, values, cums, patience_stream) -> None:
        self.attr_streams = attr_streams
        self.values = [np.asarray(v, dtype=object) for v in values]
        self.cums = [np.asarray(c) for c in cums]
        self.patience_stream = patience_stream
        self.attrs: list[tuple] = []
        self.patience: list[float | None] = []

    def refill(self) -> None:
        B = rngs.BLOCK
        if self.attr_streams:
            cols = []
            for st, vals, cum in zip(self.attr_streams, self.values, self.cums):
                idx = np.minimum(np.searchsorted(cum, st.block(), side="right"), len(cum) - 1)
                cols.append(vals[idx].tolist())
            self.attrs = list(zip(*cols))
        else:
            self.attrs = [()] * B
        ps = self.patience_stream
        self.patience = ps.block().tolist() if ps is not None else [None] * B


class DayStreams:
    """The streams of one replication of a plan. Lists indexed by step unless said otherwise; per source
    (source number) inside them for the indexed streams; per pool index inside a service's."""

    __slots__ = ("arrive", "entity", "duration", "duration_rework", "branch", "branch_rework", "resolve",
                 "resolve_rework", "revenue", "revenue_rework")

    def __init__(self, plan: Plan, seed: int, replication: int):
        sids = [plan.ids[s] for s in plan.sources]
        gen = rngs.generator
        Seq = rngs.SequentialStream

        def indexed(purpose, step, sampler):
            return [rngs.IndexedStream(seed, (replication, *rngs.key(purpose, step, src)), sampler) for src in sids]

        def rework(purpose, step, sampler):
            return Seq(gen(seed, replication, "rework-" + purpose, step), sampler)

        self.arrive = [Seq(gen(seed, replication, "arrivals", sid), rngs.unit_exponential) for sid in sids]
        self.entity: list[EntityDraws] = []
        for j, sid in enumerate(sids):
            et = plan.source_etype[j]
            attrs = [Seq(gen(seed, replication, "attribute", sid, a), rngs.uniform) for a in plan.attr_names[et]]
            pat = plan.patience[et]
            patience = Seq(gen(seed, replication, "patience", sid), pat.sample) if pat is not None else None
            self.entity.append(EntityDraws(attrs, plan.attr_values[et], plan.attr_cum[et], patience))
        n = len(plan.ids)
        self.duration: list[Any] = [None] * n  # delay: [IndexedStream]; service: [[IndexedStream] or None]
        self.duration_rework: list[Any] = [None] * n  # delay: SequentialStream; service: [stream or None]
        self.branch: list[Any] = [None] * n
        self.branch_rework: list[Any] = [None] * n
        self.resolve: list[Any] = [None] * n
        self.resolve_rework: list[Any] = [None] * n
        self.revenue: list[Any] = [None] * n
        self.revenue_rework: list[Any] = [None] * n
        for s, sid in enumerate(plan.ids):
            kind = plan.kind[s]
            if kind == DELAY:
                d = plan.durations[s]
                self.duration[s] = indexed("duration", sid, d.sample)
                self.duration_rework[s] = rework("duration", sid, d.sample)
            elif kind == SERVICE:
                # Every pool reads the same seeds: a caller needing long work needs it from anyone.
                self.duration[s] = [indexed("duration", sid, d.sample) if d is not None else None
                                    for d in plan.durations[s]]
                self.duration_rework[s] = [rework("duration", sid + "/" + plan.pools[p], d.sample)
                                           if d is not None else None for p, d in enumerate(plan.durations[s])]
                self.resolve[s] = indexed("resolve", sid, rngs.uniform)
                self.resolve_rework[s] = rework("resolve", sid, rngs.uniform)
                self.revenue[s] = indexed("revenue", sid, rngs.uniform)
                self.revenue_rework[s] = rework("revenue", sid, rngs.uniform)
            elif kind == BRANCH:
                self.branch[s] = indexed("branch", sid, rngs.uniform)
                self.branch_rework[s] = rework("branch", sid, rngs.uniform)

    def draw_durations(self, plan: Plan, s: int, sets: list | None) -> None:
        """Draw the durations of step `s` from the distribution an event sets (the last of `sets`, pairs of
        (event index, distribution)), or from the step's own again when none is in force.

        The entities keep their seeds, so each keeps its place in whichever distribution is in force."""
        if plan.kind[s] == DELAY:
            dist = sets[-1][1] if sets else plan.durations[s]
            for st in self.duration[s]:
                st.resample(dist.sample)
            self.duration_rework[s].sampler = dist.sample
            return
        for p, base in enumerate(plan.durations[s]):
            if base is not None:
                dist = sets[-1][1] if sets else base
                for st in self.duration[s][p]:
                    st.resample(dist.sample)
                self.duration_rework[s][p].sampler = dist.sample

    def adopt_durations(self, old: Plan, new: Plan) -> None:
        """Rule values changed mid-day: the indexed durations whose distribution changed are drawn anew from
        the same seeds. The rework streams keep their distribution unless an event sets one for the step
        (`draw_durations`): so it has always been; changing it would change the numbers of such days."""
        for s in range(len(old.ids)):
            if old.kind[s] == DELAY and new.durations[s] != old.durations[s]:
                for st in self.duration[s]:
                    st.resample(new.durations[s].sample)
            elif old.kind[s] == SERVICE:
                for p, (d0, d1) in enumerate(zip(old.durations[s], new.durations[s])):
                    if d1 is not None and d0 != d1:
                        for st in self.duration[s][p]:
                            st.resample(d1.sample)
