"""Random streams for the engine: one per purpose, reproducible, and fair between rule settings.

Every stream is a child of `numpy.random.SeedSequence(seed)`: replication `r` is the child `spawn_key=(r,)`
(what `SeedSequence(seed).spawn(n)[r]` gives), and a purpose within it is a deeper child whose key is
derived from stable names (the purpose, the step, the pool, the source), never from the order in which
streams happen to be created. So adding a step to the map or changing a rule does not shift the numbers any
other purpose sees.

Two shapes of stream:

* `SequentialStream`: values consumed in order (the gaps between arrivals of one source, the attributes and
  patience of its callers, draws for repeat visits of a rework loop).
* `IndexedStream`: the value for entity number `k` (its arrival number at its source), whatever the order
  in which entities get there. This is what keeps common random numbers honest: with more staff, callers
  reach the agents in a different order, yet each caller still needs exactly the same talk time. Values
  come in blocks of `BLOCK` with their own seed each, so a block can be made, dropped and made again in any
  order with the same numbers, and memory stays bounded on a million-call day.
"""
from __future__ import annotations

import zlib
from typing import Callable, Final

import numpy as np

BLOCK_BITS: Final = 11
BLOCK: Final = 1 << BLOCK_BITS  # values per block
MASK: Final = BLOCK - 1
KEEP_BLOCKS = 8  # blocks an indexed stream keeps; older ones are made again if ever needed

#: Draws a block: (generator, size) -> float64 array.
Sampler = Callable[[np.random.Generator, int], np.ndarray]


def key(*parts: str | int) -> tuple[int, ...]:
    """A stable spawn key from names and numbers (crc32 of names: the same in every process)."""
    return tuple(p if isinstance(p, int) else zlib.crc32(p.encode("utf-8")) for p in parts)


def generator(seed: int, replication: int, *parts: str | int) -> np.random.Generator:
    """The generator of one purpose in one replication."""
    ss = np.random.SeedSequence(seed, spawn_key=(replication, *key(*parts)))
    return np.random.Generator(np.random.PCG64(ss))


def uniform(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.random(size)


def unit_exponential(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.standard_exponential(size)


class SequentialStream:
    """Values in order, drawn `BLOCK` at a time from one generator."""

    __slots__ = ("rng", "sampler", "values", "pos")

    def __init__(self, rng: np.random.Generator, sampler: Sampler):
        self.rng = rng
        self.sampler = sampler
        self.values: list[float] = []
        self.pos = 0

    def next(self) -> float:
        pos = self.pos
        self.pos = pos + 1
        try:
            return self.values[pos]
        except IndexError:
            self.values = self.sampler(self.rng, BLOCK).tolist()
            self.pos = 1
            return self.values[0]

    def block(self) -> np.ndarray:
        """The next `BLOCK` values at once (for streams read a block at a time)."""
        return self.sampler(self.rng, BLOCK)


class IndexedStream:
    """The value for entity number `k`, the same whatever order the entities ask in.

    `sampler` may be replaced (a rule changed a duration mid-day): blocks made afterwards use it, from the
    same seeds, so entity `k` keeps its place in the distribution (its quantile) for the shapes numpy
    draws by scaling (exponential, gamma, normal, lognormal, uniform...).
    """

    __slots__ = ("seed", "spawn", "sampler", "cur_index", "cur", "blocks")

    def __init__(self, seed: int, spawn: tuple[int, ...], sampler: Sampler):
        self.seed = seed
        self.spawn = spawn
        self.sampler = sampler
        self.cur_index = -1
        self.cur: list[float] = []
        self.blocks: dict[int, list[float]] = {}

    def at(self, k: int) -> float:
        b = k >> BLOCK_BITS
        if b != self.cur_index:
            self._load(b)
        return self.cur[k & MASK]

    def _load(self, b: int) -> None:
        block = self.blocks.get(b)
        if block is None:
            ss = np.random.SeedSequence(self.seed, spawn_key=(*self.spawn, b))
            block = self.sampler(np.random.Generator(np.random.PCG64(ss)), BLOCK).tolist()
            if len(self.blocks) >= KEEP_BLOCKS:
                del self.blocks[min(self.blocks)]
            self.blocks[b] = block
        self.cur_index = b
        self.cur = block

    def resample(self, sampler: Sampler) -> None:
        """Use another distribution from now on (blocks are made again from their seeds)."""
        self.sampler = sampler
        self.blocks.clear()
        self.cur_index = -1
