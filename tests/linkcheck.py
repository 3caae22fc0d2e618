"""What is wrong with a board's links and port labels, as readable lines: the check the routing test runs
on every map view, and the results map's test on the map it draws."""
from __future__ import annotations

import pygame

from game.ui.board import Board
from game.ui.channels import overlaps
from game.ui.routing import crossings, doubles_back, leaves


def box(r: pygame.Rect) -> tuple[float, float, float, float]:
    return float(r.left), float(r.top), float(r.right), float(r.bottom)


def problems(board: Board, bounds: pygame.Rect) -> list[str]:
    """What is wrong with the board's links and port labels, as readable lines (empty: nothing)."""
    out = []
    for e in board.edges:
        pts = board.edge_points(e)
        assert len(pts) >= 2, e
        others = {s: box(board.card_rect(s)) for s in board.layout if s not in (e.src, e.dst)}
        out += [f"{e.src}.{e.port} -> {e.dst} passes under {s}" for s in crossings(pts, others)]
        if leaves(pts, box(bounds)):
            out.append(f"{e.src}.{e.port} -> {e.dst} leaves the board")
        if e.src != e.dst and doubles_back(pts):
            out.append(f"{e.src}.{e.port} -> {e.dst} doubles back")
    paths = [board.edge_points(e) for e in board.edges]
    for i, j, (a, b) in overlaps(paths, [e.dst for e in board.edges]):
        first, second = board.edges[i], board.edges[j]
        out.append(f"{first} and {second} are drawn on top of one another from {a} to {b}")
    labels = [(s, name, r) for s in board.layout for name, r in board.port_labels(s)]
    for i, (s, name, r) in enumerate(labels):
        out += [f"port label {s}.{name} overlaps {t}.{other}" for t, other, q in labels[i + 1:] if r.colliderect(q)]
    return out
