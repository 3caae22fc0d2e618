"""What a press, a drag, a tap and a key mean on the map editor: the grammar of its gestures.

A press on a card in the tray, a card on the board, a port, a link or the empty board starts a `Press`.
Until the pointer has travelled `DRAG_START` px it is a tap; after that a press on a tray card, a board
card or a port becomes a drag (a press on a link or the empty board stays a tap). A drag ends in a drop:

- a tray card dropped on the board is placed there;
- a board card follows the pointer (one undo step for the whole drag) and, dropped on the tray, leaves
  the board with its links;
- a port's link dropped on a card links the port to it (moving the port's link if it had one), dropped
  on the empty board removes the port's link.

A tap selects, or arms what waits for a second tap: a tray card then a tap on the board places it (on a
card: the nearest free spot); a port then a tap on a card (or on another card's port) links them. Tapping
what is armed or selected again lets go of it. Keys: Ctrl+Z undo, Ctrl+Y or Ctrl+Shift+Z redo, Delete or
Backspace remove what is selected, Enter check the map, Esc let go of what is armed or selected, else
back; while the score panel is open, Enter, Space or Esc close it, and on the reveal Enter continues.

`Gestures` is mixed into `MapEditorScene` (game.scenes.mapeditor.scene), whose state it reads and
changes: the press and pointer, what is armed and selected, the draft, the tray, the board, and the
editor's own actions (place, connect, remove, undo, submit...).
"""
from __future__ import annotations

from dataclasses import dataclass

import pygame

from engine.model import Edge

from game.scenes.mapeditor.regions import BOARD, TRAY

DRAG_START = 12  # px a press must travel before it is a drag rather than a tap


@dataclass
class Press:
    """A press in progress: what it started on, and whether it has become a drag."""

    what: str  # tray, card, port, board, edge
    pos: tuple[int, int]
    step: str | None = None
    port: str | None = None
    edge: Edge | None = None
    dragging: bool = False
    grab: tuple[float, float] = (0.0, 0.0)  # card centre minus pointer, for moving cards
    saved: bool = False  # an undo snapshot was taken for this drag


class Gestures:
    """Pointer and key input of the map editor, turned into its actions (see the module's docstring)."""

    def _key(self, e) -> None:
        ctrl = bool(getattr(e, "mod", 0) & (pygame.KMOD_CTRL | pygame.KMOD_META))
        shift = bool(getattr(e, "mod", 0) & pygame.KMOD_SHIFT)
        if self.panel.is_open:
            if e.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_ESCAPE, pygame.K_SPACE):
                self.close_feedback()
            return
        if self.reveal is not None:
            if e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.finish()
            return
        if ctrl and e.key == pygame.K_z:
            self.redo() if shift else self.undo()
        elif ctrl and e.key == pygame.K_y:
            self.redo()
        elif e.key in (pygame.K_DELETE, pygame.K_BACKSPACE):
            self.remove_selected()
        elif e.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.submit()
        elif e.key == pygame.K_ESCAPE:
            if self.armed_card or self.armed_port or self.selected or self.selected_edge:
                self._clear_modes()
                self.selected = self.selected_edge = None
            else:
                self.on_back()

    def _down(self, pos) -> None:
        self.pointer = pos
        if self.panel.is_open or self.reveal is not None:
            return
        step = self.tray.hit(pos)
        if step is not None:
            self.press = Press("tray", pos, step=step)
            return
        if not BOARD.collidepoint(pos):
            self.press = None
            return
        hit = self.board.hit_test(pos)
        if hit.kind == "port":
            self.press = Press("port", pos, step=hit.step, port=hit.port)
        elif hit.kind == "card":
            cx, cy = self.layout[hit.step]
            self.press = Press("card", pos, step=hit.step, grab=(cx - pos[0], cy - pos[1]))
        elif hit.kind == "edge":
            self.press = Press("edge", pos, edge=hit.edge)
        else:
            self.press = Press("board", pos)

    def _motion(self, pos) -> None:
        self.pointer = pos
        p = self.press
        if p is None:
            return
        if not p.dragging and (abs(pos[0] - p.pos[0]) + abs(pos[1] - p.pos[1])) >= DRAG_START:
            p.dragging = p.what in ("tray", "card", "port")
            if p.dragging:
                self.armed_card = None
        if p.dragging and p.what == "card":
            if not p.saved:
                self.draft.save()
                p.saved = True
                self.selected, self.selected_edge = p.step, None
            self.draft.move(p.step, (pos[0] + p.grab[0], pos[1] + p.grab[1]))

    def _up(self, pos) -> None:
        self.pointer = pos
        p, self.press = self.press, None
        if p is None:
            return
        if p.dragging:
            self._drop(p, pos)
        else:
            self._tap(p, pos)

    def _drop(self, p: Press, pos) -> None:
        if p.what == "tray":
            if BOARD.collidepoint(pos):
                self.place(p.step, pos)
        elif p.what == "card":
            if TRAY.collidepoint(pos):  # dropped back on the tray: off the board
                self.remove(p.step)
                self.say("Card put back in the tray.")
            else:
                self.problems = []
        elif p.what == "port":
            target = self._card_at(pos)
            if target is not None:
                self.connect(p.step, p.port, target)
            elif BOARD.collidepoint(pos):
                self.disconnect(p.step, p.port)
            self.armed_port = None

    def _card_at(self, pos) -> str | None:
        for sid in reversed(list(self.layout)):
            if self.board.card_rect(sid).inflate(16, 16).collidepoint(pos):
                return sid
        return None

    def _tap(self, p: Press, pos) -> None:
        if self.armed_card is not None and p.what in ("card", "port", "edge", "board"):
            self.place(self.armed_card, pos)  # on a card: the nearest free spot
            return
        if p.what == "tray":
            self.armed_port = None
            self.armed_card = None if self.armed_card == p.step else p.step
            self.selected = self.selected_edge = None
            return
        if p.what == "port":
            if self.armed_port is not None and self.armed_port != (p.step, p.port):
                # a port tapped while another waits: the tap means that card
                self.connect(*self.armed_port, p.step)
                self.armed_port = None
                return
            self.armed_port = None if self.armed_port == (p.step, p.port) else (p.step, p.port)
            self.armed_card = None
            self.selected, self.selected_edge = p.step, None
            return
        if p.what == "card":
            if self.armed_port is not None:
                self.connect(*self.armed_port, p.step)
                self.armed_port = None
                return
            self.armed_card = None
            self.selected = None if self.selected == p.step else p.step
            self.selected_edge = None
            return
        if p.what == "edge":
            self.selected_edge = None if self.selected_edge == p.edge else p.edge
            self.selected = None
            self.armed_port = None
            return
        # the empty board (with a card armed, the first line placed it)
        self.armed_port = None
        self.selected = self.selected_edge = None
