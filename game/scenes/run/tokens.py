"""Callers in flight: each move of a caller along a link is a disc gliding along that link's curve.

A move becomes a token born at a wall time; the token takes `TRAVEL` wall seconds along the link
whatever the speed, so motion reads at 1x and at Max alike. `Tokens` keeps the last `MAX_TOKENS` in a ring
buffer of (link, wall birth time); positions are interpolated along each link's polyline with numpy, so a
thousand tokens cost a few array operations and one `fblits` per colour per frame. Links that lose work
(a caller giving up, an overflow) carry vermilion tokens, the others yellow. `link_paths` samples the
board's links into the arrays the tokens run along.
"""
from __future__ import annotations

import numpy as np
import pygame

from game.scenes.run.regions import TOKEN_R
from game.ui import theme as T
from game.ui.curves import resample

TRAVEL = 0.5  # wall seconds a token takes along a link
MAX_TOKENS = 1000


def _token_image(colour) -> pygame.Surface:
    img = pygame.Surface((2 * TOKEN_R + 2, 2 * TOKEN_R + 2), pygame.SRCALPHA)
    pygame.draw.circle(img, colour, (TOKEN_R + 1, TOKEN_R + 1), TOKEN_R)
    pygame.draw.circle(img, tuple(int(c * 0.55) for c in colour), (TOKEN_R + 1, TOKEN_R + 1), TOKEN_R, 1)
    return img


def link_paths(board) -> tuple[dict, np.ndarray, "Tokens"]:
    """For the board's links: (src, port) -> link index, the sampled curves (links, samples, 2), and the
    `Tokens` that run along them."""
    edges = board.edges
    link_index = {(e.src, e.port): i for i, e in enumerate(edges)}
    paths = [resample(board.edge_points(e)) for e in edges]  # one count of samples for every link
    n = len(paths[0]) if paths else 2
    curves = np.array([p if len(p) == n else [(0, 0)] * n for p in paths], dtype=float).reshape(-1, n, 2)
    colours = np.array([1 if e.port in ("abandoned", "overflow") else 0 for e in edges], dtype=np.int32)
    tokens = Tokens(curves if len(edges) else np.zeros((1, 2, 2)), colours if len(edges) else
                    np.zeros(1, dtype=np.int32))
    return link_index, curves, tokens


class Tokens:
    """Callers in flight along links: a ring buffer of (link, wall birth time), drawn as discs."""

    def __init__(self, paths: np.ndarray, colours: np.ndarray, capacity: int = MAX_TOKENS, travel: float = TRAVEL):
        self.paths = paths  # (links, samples, 2)
        self.colours = colours  # (links,) colour index per link
        self.capacity = capacity
        self.travel = travel
        self.link = np.zeros(capacity, dtype=np.int32)
        self.born = np.full(capacity, -1e9)
        self.head = 0
        self.images = [_token_image(T.YELLOW), _token_image(T.VERMILION)]

    def spawn(self, links: list[int], born: list[float]) -> None:
        n = len(links)
        if not n:
            return
        if n > self.capacity:
            links, born, n = links[-self.capacity:], born[-self.capacity:], self.capacity
        idx = (self.head + np.arange(n)) % self.capacity
        self.link[idx] = links
        self.born[idx] = born
        self.head = int((self.head + n) % self.capacity)

    def alive(self, now: float) -> np.ndarray:
        age = now - self.born
        return np.nonzero((age >= 0) & (age < self.travel))[0]

    def positions(self, now: float) -> tuple[np.ndarray, np.ndarray]:
        idx = self.alive(now)
        if not len(idx):
            return np.zeros((0, 2)), idx
        link = self.link[idx]
        samples = self.paths.shape[1]
        f = (now - self.born[idx]) / self.travel * (samples - 1)
        i = np.minimum(f.astype(np.int32), samples - 2)
        frac = (f - i)[:, None]
        a = self.paths[link, i]
        b = self.paths[link, i + 1]
        return a + (b - a) * frac, link

    def draw(self, surface: pygame.Surface, now: float) -> int:
        pos, link = self.positions(now)
        if not len(pos):
            return 0
        xy = (pos - (TOKEN_R + 1)).astype(np.int32).tolist()
        cols = self.colours[link]
        for c, img in enumerate(self.images):
            sel = np.nonzero(cols == c)[0]
            if len(sel):
                surface.fblits([(img, xy[k]) for k in sel.tolist()])
        return len(pos)
