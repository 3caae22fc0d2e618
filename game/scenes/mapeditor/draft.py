"""The player's map while it is being drawn: its links, its cards' places, and the undo and redo history.

`MapDraft(round)` starts from the round's map: its links between steps the scenario has, and its card
centres; when a card a link names has no place yet, the whole map is laid out anew (game.ui.layout).
The draft keeps one list of edges and one dict of centres for its whole life and changes them in place,
so the `Board` drawing them (which holds the same list and dict) always shows the draft as it is.

Every change that the player can undo first saves a snapshot (the edges and the centres) on the undo
stack, at most `HISTORY` deep, and empties the redo stack; undo and redo swap snapshots between the two.
A card dragged across the board saves once, when the drag begins, so one undo puts it back. After every
change the round gets a copy of the map (`round.edges`, `round.layout`), so whatever screen comes next
finds the map as the player left it.

A method returns whether it changed anything: the editor then forgets what its last check said, and
what the player had selected if it is gone. What is refused and why (a link into the arrivals) is the
editor's to say, not the draft's.
"""
from __future__ import annotations

from engine.model import Edge, ProcessMap, frozen_map

from game.scenes.mapeditor.regions import BOARD, LAYOUT_RECT
from game.ui.board import Board
from game.ui.cards import card_size
from game.ui.layout import auto_layout

HISTORY = 200  # undo steps kept


class MapDraft:
    """The edges and card centres of the map being drawn for `round`, with their history."""

    def __init__(self, round):
        self.round = round
        self.scenario = sc = round.scenario
        self.edges: list[Edge] = [e for e in round.edges if e.src in sc.steps and e.dst in sc.steps]
        placed = list(dict.fromkeys([*round.layout, *[e.src for e in self.edges], *[e.dst for e in self.edges]]))
        self.layout: dict[str, tuple[float, float]] = {s: tuple(round.layout[s]) for s in round.layout
                                                       if s in sc.steps}
        if any(s not in self.layout for s in placed if s in sc.steps):
            self.layout = auto_layout(sc, self.edges, placed, LAYOUT_RECT)
        self.board = Board(sc, self.edges, self.layout, bounds=BOARD)  # links stay on the board
        self.undo_stack: list[tuple] = []
        self.redo_stack: list[tuple] = []

    @property
    def pmap(self) -> ProcessMap:
        return ProcessMap(tuple(self.edges), frozen_map(self.layout), self.scenario.id)

    # ---- history -------------------------------------------------------------------------------
    def _snapshot(self) -> tuple:
        return tuple(self.edges), dict(self.layout)

    def _restore(self, snap) -> None:
        edges, layout = snap
        self.edges[:] = list(edges)
        self.layout.clear()
        self.layout.update(layout)
        self.changed()

    def save(self) -> None:
        """Remember the map before a change, for undo."""
        self.undo_stack.append(self._snapshot())
        if len(self.undo_stack) > HISTORY:
            del self.undo_stack[0]
        self.redo_stack.clear()

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        self.redo_stack.append(self._snapshot())
        self._restore(self.undo_stack.pop())
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        self.undo_stack.append(self._snapshot())
        self._restore(self.redo_stack.pop())
        return True

    def changed(self) -> None:
        """After any change: the board forgets its cached curves, the round gets the map."""
        self.board.changed()
        self.sync()

    def sync(self) -> None:
        """Keep the round's map in step with the draft."""
        self.round.edges = list(self.edges)
        self.round.layout = dict(self.layout)

    # ---- changes -------------------------------------------------------------------------------
    def place(self, step_id: str, pos) -> bool:
        """Put a card on the board with its centre near `pos` (kept inside the board, off other cards)."""
        if step_id in self.layout or step_id not in self.scenario.steps:
            return False
        self.save()
        self.layout[step_id] = self._free_spot(step_id, pos)
        self.changed()
        return True

    def move(self, step_id: str, pos) -> None:
        """Move a card (kept inside the board); no snapshot: a drag saves once, when it starts."""
        self.layout[step_id] = self._clamp(step_id, pos)
        self.changed()

    def can_link(self, src: str, port: str, dst: str) -> bool:
        """Whether both cards are on the board and `port` is one of `src`'s."""
        return src in self.layout and dst in self.layout and port in self.scenario.steps[src].ports

    def link(self, src: str, port: str, dst: str) -> bool:
        """Link `src`'s `port` to `dst`, replacing the port's link if it had one; False if it already led
        there."""
        new = Edge(src, port, dst)
        if new in self.edges:
            return False
        self.save()
        self.edges[:] = [e for e in self.edges if not (e.src == src and e.port == port)] + [new]
        self.changed()
        return True

    def unlink(self, src: str, port: str) -> bool:
        if not any(e.src == src and e.port == port for e in self.edges):
            return False
        self.save()
        self.edges[:] = [e for e in self.edges if not (e.src == src and e.port == port)]
        self.changed()
        return True

    def remove(self, step_id: str) -> bool:
        """Take a card off the board, with every link to and from it."""
        if step_id not in self.layout:
            return False
        self.save()
        del self.layout[step_id]
        self.edges[:] = [e for e in self.edges if step_id not in (e.src, e.dst)]
        self.changed()
        return True

    def remove_edge(self, edge: Edge) -> bool:
        if edge not in self.edges:
            return False
        self.save()
        self.edges.remove(edge)
        self.changed()
        return True

    def tidy(self) -> bool:
        """Auto-layout: layers left to right from the arrivals, few crossings, inside the board."""
        if not self.layout:
            return False
        self.save()
        new = auto_layout(self.scenario, self.edges, list(self.layout), LAYOUT_RECT)
        self.layout.clear()
        self.layout.update(new)
        self.changed()
        return True

    def show(self, pmap: ProcessMap) -> None:
        """Put `pmap` on the board in place of the draft (an attempt's map coming back), not undoably."""
        self.edges[:] = list(pmap.edges)
        layout = dict(pmap.layout)
        self.layout.clear()
        self.layout.update(layout)
        self.changed()

    # ---- where a card may go -------------------------------------------------------------------
    def _clamp(self, step_id: str, pos) -> tuple[float, float]:
        w, h = card_size(self.scenario.steps[step_id])
        x = min(max(pos[0], BOARD.left + w / 2 + 4), BOARD.right - w / 2 - 4)
        y = min(max(pos[1], BOARD.top + h / 2 + 4), BOARD.bottom - h / 2 - 4)
        return round(x), round(y)

    def _free_spot(self, step_id: str, pos) -> tuple[float, float]:
        """`pos` clamped to the board, nudged down (then up) until the card overlaps no other."""
        x, y = self._clamp(step_id, pos)
        for dy in [0] + [s * k for k in range(12, 900, 12) for s in (1, -1)]:
            cand = self._clamp(step_id, (x, y + dy))
            r = self.board.card_rect(step_id, cand).inflate(12, 12)
            if not any(r.colliderect(self.board.card_rect(s)) for s in self.layout if s != step_id):
                return cand
        return x, y
