"""A step's card on a map: what its kind looks like, how big it is, where its label and port rows sit.

Every card is `CARD_W` wide. From the top: a padding, the label wrapped to at most three lines of `LINE_H`,
then one row of `ROW_H` per port (or a single row when the step has one port or none); the first row also
holds the kind's icon. A port's handle sits on the card's right side, level with its row, and links arrive
on the left side, level with the label's first line (`arrival_y`).

The sizes here are in layout units (scale 1); `game.ui.board.Board` scales them when it fits a map into a
smaller rectangle, and `game.ui.layout` uses them to keep cards apart. Each kind has a colour (also an
outline and an icon, drawn by the board: never colour alone), a name, and a place in the tray's order.
"""
from __future__ import annotations

from functools import lru_cache

import pygame

from engine.model import Step

from game.ui import theme as T

CARD_W = 216
LABEL_SIZE = T.SIZE_SMALL
LINE_H = 30
PAD = 12
ROW_H = 48  # one port row (a kiosk target is at least 48 px); the first row also holds the kind icon
PORT_R = 11  # the radius of a port's handle

KIND_COLOURS = {
    "source": T.GREEN, "delay": T.SKY, "branch": T.YELLOW, "route": T.ORANGE, "service": T.BLUE,
    "inventory": T.PURPLE, "batch": T.PURPLE, "exit": (150, 162, 184),
}
KIND_NAMES = {
    "source": "Arrivals", "delay": "Takes time", "branch": "Random split", "route": "Sort by type",
    "service": "Staffed desk", "inventory": "Stock", "batch": "Batch", "exit": "Way out",
}
KIND_ORDER = ("source", "delay", "branch", "route", "service", "inventory", "batch", "exit")


def shown_ports(step: Step) -> tuple[str, ...]:
    return tuple(step.ports)


def label_lines(step: Step) -> list[str]:
    """The card's label wrapped to its width: at most three lines."""
    lines, cut = _label_lines(step.label or step.id)
    if cut:  # told on every call, not only the first (the wrapping is cached)
        T.lost(step.label or step.id, "a card's label on more than three lines")
    return lines


@lru_cache(maxsize=1024)
def _label_lines(label: str) -> tuple[list[str], bool]:
    lines = T.wrap(label, CARD_W - 2 * PAD, LABEL_SIZE, "semibold")
    if len(lines) > 3:
        return lines[:2] + [T.ellipsize(" ".join(lines[2:]), CARD_W - 2 * PAD, LABEL_SIZE, "semibold")], True
    return lines, False


def rows(step: Step) -> int:
    """Rows under the label: one per port when there are several, else one (icon, lone port)."""
    n = len(shown_ports(step))
    return n if n > 1 else 1


def card_size(step: Step) -> tuple[int, int]:
    """(width, height) of a step's card at scale 1."""
    return CARD_W, rows_top(step) + rows(step) * ROW_H + 6


def rows_top(step: Step) -> int:
    """How far below the card's top its first port row starts, at scale 1."""
    return PAD + LINE_H * len(label_lines(step)) + 2


def row_centre(step: Step, row: int) -> float:
    """How far below the card's top the middle of port row `row` is, at scale 1."""
    return rows_top(step) + ROW_H * row + ROW_H / 2


def arrival_y(card: pygame.Rect, scale: float) -> float:
    """The height at which links arrive at a card drawn in `card` at `scale`: level with the label's first
    line (the middle of a short card)."""
    return card.top + min(card.height / 2, (PAD + LINE_H) * scale + 6)
