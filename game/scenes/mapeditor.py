"""The map editor: the player builds the process as cards and links, then checks it against the expert.

The screen: a tray of step cards on the left (every card of the scenario not yet on the board, the
distractors among them), the board in the middle, a toolbar along the bottom (undo, redo, tidy up, remove,
check), an instruction line and the attempt counter along the top.

What the player can do, with a finger or a mouse:
- place a card: drag it from the tray onto the board, or tap it and then tap the board;
- connect a port: drag from the port (the handle on a card's right side, or its row) to the next card, or
  tap the port and then the card; connecting a connected port moves its link; dropping a port's link on
  the empty board removes it;
- move a card by dragging it; remove it (with its links) by dropping it back on the tray, or by selecting
  it and pressing Remove or the Delete key; a link is selected by tapping it;
- undo and redo (buttons, Ctrl+Z, Ctrl+Y or Ctrl+Shift+Z); tidy up (the auto-layout of game.ui.layout);
- check the map (Enter): problems are said in words and their cards and ports ringed, without using an
  attempt; a runnable map uses an attempt, is scored 0-100 and, after a miss, the advisors give up to two
  hints. After the last attempt or a perfect map the best attempt's map comes back with the expert's
  missing links dashed (+) and its extra links crossed (×), and Continue calls `on_done()`.

The round is kept up to date: `round.edges`, `round.layout`, `round.attempts` and `round.map_score`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pygame

from engine.maps import Attempt, Attempts, map_problems, reveal_lines
from engine.model import Edge, ProcessMap, frozen_map

from game.ui import portraits
from game.ui import theme as T
from game.ui.board import Board, Highlights, draw_icon, port_marker
from game.ui.cards import KIND_COLOURS, KIND_ORDER, card_size
from game.ui.curves import arrowhead, link_curve
from game.ui.layout import auto_layout, place_near
from game.core.scene import Scene
from game.ui.widgets import MIN_TARGET, Button

TOP_H = 100
MARGIN = 16
TRAY = pygame.Rect(MARGIN, TOP_H + 10, 240, T.H - TOP_H - 10 - MARGIN)
BOARD = pygame.Rect(TRAY.right + 16, TOP_H + 10, T.W - TRAY.right - 16 - MARGIN, 846)
TOOLBAR_Y = BOARD.bottom + 14
LAYOUT_RECT = pygame.Rect(BOARD.left + 12, BOARD.top + 14, BOARD.width - 12 - 96, BOARD.height - 28)  # room for curves
IDLE_HINT = 4.0  # seconds without a press before the board shows what to do next
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


def bubble_height(width: int, text: str, size: int = T.SIZE_BODY) -> int:
    """The height of an advisor's speech bubble for `text` in a rect `width` wide."""
    return portraits.bubble_height(text, width - 116, size)


class MapEditorScene(Scene):
    """The map phase of a round. `on_done()` is called when the player continues to the rules."""

    name = "map"

    def __init__(self, app, round, on_done: Callable[[], None] | None = None,
                 on_back: Callable[[], None] | None = None):
        super().__init__(app)
        self.round = round
        self.scenario = sc = round.scenario
        self.on_done = on_done
        self.on_back = on_back
        self.edges: list[Edge] = [e for e in round.edges if e.src in sc.steps and e.dst in sc.steps]
        placed = list(dict.fromkeys([*round.layout, *[e.src for e in self.edges], *[e.dst for e in self.edges]]))
        self.layout: dict[str, tuple[float, float]] = {s: tuple(round.layout[s]) for s in round.layout
                                                       if s in sc.steps}
        if any(s not in self.layout for s in placed if s in sc.steps):
            self.layout = auto_layout(sc, self.edges, placed, LAYOUT_RECT)
        self.board = Board(sc, self.edges, self.layout)
        if round.attempts is None:
            round.attempts = Attempts(sc)
        self.attempts: Attempts = round.attempts
        self.undo_stack: list[tuple] = []
        self.redo_stack: list[tuple] = []
        self.press: Press | None = None
        self.pointer = (0, 0)
        self.armed_card: str | None = None  # tapped in the tray, waiting for a tap on the board
        self.armed_port: tuple[str, str] | None = None  # tapped, waiting for a tap on a card
        self.selected: str | None = None  # a card
        self.selected_edge: Edge | None = None
        self.problems: list = []  # of the last check, until the next change
        self.last: Attempt | None = None
        self.feedback_open = False  # the score and hints panel over the board
        self.reveal: Highlights | None = None
        self.reveal_text: list[str] = []
        self.message = ""  # a short note in the instruction line (a refused link, an undo)
        self.message_age = 0.0
        self.age = 0.0
        self.tray_page = 0
        self.idle = 0.0  # seconds since the last press: a still kiosk gets shown what to do
        self.placed_count = 0  # cards the player placed, links drawn: the silent hints stop teaching
        self.linked_count = 0
        self._build_buttons()
        if self.attempts.finished:
            self._show_reveal()

    # ---- buttons -------------------------------------------------------------------------------
    def _build_buttons(self) -> None:
        y, h = TOOLBAR_Y, T.H - TOOLBAR_Y - MARGIN
        x = BOARD.left
        self.b_undo = Button((x, y, 180, h), "Undo", self.undo)
        self.b_redo = Button((x + 196, y, 180, h), "Redo", self.redo)
        self.b_tidy = Button((x + 392, y, 220, h), "Tidy up", self.tidy)
        self.b_remove = Button((x + 628, y, 220, h), "Remove", self.remove_selected, kind="danger")
        self.b_check = Button((BOARD.right - 420, y, 420, h), "Check my map", self.submit, kind="primary")
        self.b_continue = Button((BOARD.right - 420, y, 420, h), "Continue", self.finish, kind="primary")
        half = (TRAY.width - 24 - 8) // 2
        self.b_page_up = Button((TRAY.left + 12, TRAY.bottom - 12 - MIN_TARGET, half, MIN_TARGET), "",
                                lambda: self.page_tray(-1), kind="quiet")
        self.b_page_down = Button((TRAY.left + 20 + half, TRAY.bottom - 12 - MIN_TARGET, half, MIN_TARGET), "",
                                  lambda: self.page_tray(1), kind="quiet")
        fb = self.feedback_rect()
        self.b_again = Button((fb.right - 40 - 460, fb.bottom - 114, 460, 84), "Improve my map",
                              self.close_feedback, kind="primary")
        self.b_keep = Button((fb.left + 40, fb.bottom - 114, 460, 84), "Go on with my best map", self.finish,
                             kind="quiet")

    def buttons(self) -> list[Button]:
        if self.feedback_open:
            return [self.b_again] if self.attempts.finished else [self.b_again, self.b_keep]
        if self.reveal is not None:
            return [self.b_continue]
        self.b_undo.enabled = bool(self.undo_stack)
        self.b_redo.enabled = bool(self.redo_stack)
        self.b_tidy.enabled = bool(self.layout)
        self.b_remove.enabled = self.selected is not None or self.selected_edge is not None
        self.b_check.enabled = bool(self.layout)
        buttons = [self.b_undo, self.b_redo, self.b_tidy, self.b_remove, self.b_check]
        per_page, pages = self.tray_pages()
        if pages > 1:
            self.b_page_up.enabled = self.tray_page > 0
            self.b_page_down.enabled = self.tray_page < pages - 1
            buttons += [self.b_page_up, self.b_page_down]
        return buttons

    # ---- state changes (each one undoable) ------------------------------------------------------
    def _snapshot(self) -> tuple:
        return tuple(self.edges), dict(self.layout)

    def _restore(self, snap) -> None:
        edges, layout = snap
        self.edges[:] = list(edges)
        self.layout.clear()
        self.layout.update(layout)
        self.board.changed()
        self._sync()

    def save(self) -> None:
        """Remember the map before a change, for undo."""
        self.undo_stack.append(self._snapshot())
        if len(self.undo_stack) > 200:
            del self.undo_stack[0]
        self.redo_stack.clear()

    def _changed(self) -> None:
        self.problems = []
        self.board.changed()
        self._sync()

    def _sync(self) -> None:
        """Keep the round's map in step with the board."""
        self.round.edges = list(self.edges)
        self.round.layout = dict(self.layout)
        if self.selected not in self.layout:
            self.selected = None
        if self.selected_edge not in self.edges:
            self.selected_edge = None

    def undo(self) -> None:
        if self.undo_stack:
            self.redo_stack.append(self._snapshot())
            self._restore(self.undo_stack.pop())
            self.problems = []

    def redo(self) -> None:
        if self.redo_stack:
            self.undo_stack.append(self._snapshot())
            self._restore(self.redo_stack.pop())
            self.problems = []

    def place(self, step_id: str, pos) -> None:
        """Put a card on the board with its centre near `pos` (kept inside the board, off other cards)."""
        if step_id in self.layout or step_id not in self.scenario.steps:
            return
        self.save()
        self.layout[step_id] = self._free_spot(step_id, pos)
        self.selected, self.armed_card = step_id, None
        self.placed_count += 1
        self._changed()

    def move(self, step_id: str, pos) -> None:
        self.layout[step_id] = self._clamp(step_id, pos)
        self.board.changed()
        self._sync()

    def connect(self, src: str, port: str, dst: str) -> bool:
        """Link `src`'s `port` to `dst` (replacing the port's link if it had one)."""
        steps = self.scenario.steps
        if src not in self.layout or dst not in self.layout or port not in steps[src].ports:
            return False
        if steps[dst].kind == "source":
            self.say(f"'{steps[dst].label}' is where work arrives: nothing can lead into it.")
            return False
        new = Edge(src, port, dst)
        if new in self.edges:
            return True
        self.save()
        self.edges[:] = [e for e in self.edges if not (e.src == src and e.port == port)] + [new]
        self.linked_count += 1
        self._changed()
        return True

    def disconnect(self, src: str, port: str) -> None:
        if any(e.src == src and e.port == port for e in self.edges):
            self.save()
            self.edges[:] = [e for e in self.edges if not (e.src == src and e.port == port)]
            self._changed()

    def remove(self, step_id: str) -> None:
        """Take a card off the board, with every link to and from it."""
        if step_id not in self.layout:
            return
        self.save()
        del self.layout[step_id]
        self.edges[:] = [e for e in self.edges if step_id not in (e.src, e.dst)]
        if self.armed_port and self.armed_port[0] == step_id:
            self.armed_port = None
        self._changed()

    def remove_edge(self, edge: Edge) -> None:
        if edge in self.edges:
            self.save()
            self.edges.remove(edge)
            self._changed()

    def remove_selected(self) -> None:
        if self.selected is not None:
            self.remove(self.selected)
        elif self.selected_edge is not None:
            self.remove_edge(self.selected_edge)

    def tidy(self) -> None:
        """Auto-layout: layers left to right from the arrivals, few crossings, inside the board."""
        if not self.layout:
            return
        self.save()
        new = auto_layout(self.scenario, self.edges, list(self.layout), LAYOUT_RECT)
        self.layout.clear()
        self.layout.update(new)
        self._changed()

    def say(self, text: str) -> None:
        self.message, self.message_age = text, 0.0

    # ---- geometry helpers ------------------------------------------------------------------------
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

    def tray_ids(self) -> list[str]:
        """The cards not on the board, by kind (arrivals first, ways out last)."""
        sc = self.scenario
        ids = [s for s in sc.steps if s not in self.layout]
        ids.sort(key=lambda s: (KIND_ORDER.index(sc.steps[s].kind) if sc.steps[s].kind in KIND_ORDER else 99))
        return ids

    def tray_pages(self) -> tuple[int, int]:
        """(cards per page, pages): one page while every card fits at touch size, else pages with arrows."""
        n = len(self.tray_ids())
        avail = TRAY.bottom - (TRAY.top + 64) - 8
        if n * (MIN_TARGET + 8) <= avail:
            return max(1, n), 1
        per_page = max(1, (avail - MIN_TARGET - 12) // (MIN_TARGET + 8))
        return per_page, -(-n // per_page)

    def tray_items(self) -> list[tuple[str, pygame.Rect]]:
        """The cards of the tray's current page, with their rectangles."""
        ids = self.tray_ids()
        per_page, pages = self.tray_pages()
        self.tray_page = max(0, min(self.tray_page, pages - 1))
        shown = ids[self.tray_page * per_page:(self.tray_page + 1) * per_page]
        top = TRAY.top + 64
        avail = TRAY.bottom - top - 8 - (MIN_TARGET + 12 if pages > 1 else 0)
        gap = 8
        h = max(MIN_TARGET, min(84, avail // max(1, len(shown)) - gap)) if pages == 1 else MIN_TARGET
        w = TRAY.width - 24
        return [(s, pygame.Rect(TRAY.left + 12, top + r * (h + gap), w, h)) for r, s in enumerate(shown)]

    def page_tray(self, step: int) -> None:
        self.tray_page += step
        self.tray_items()  # clamps

    def tray_hit(self, pos) -> str | None:
        for s, r in self.tray_items():
            if r.collidepoint(pos):
                return s
        return None

    # ---- checking ----------------------------------------------------------------------------------
    @property
    def pmap(self) -> ProcessMap:
        return ProcessMap(tuple(self.edges), frozen_map(self.layout), self.scenario.id)

    def submit(self) -> Attempt | None:
        """Check the map: problems (no attempt used), or a scored attempt with hints."""
        if self.attempts.finished or not self.layout:
            return None
        self._clear_modes()
        problems = map_problems(self.scenario, self.pmap)
        if problems:
            self.problems = problems
            self.say("")
            return None
        attempt = self.attempts.submit(self.pmap)
        self.last = attempt
        best = self.attempts.best
        self.round.map_score = best.score if best else 0
        self.feedback_open = True
        self._place_feedback_buttons()
        if self.attempts.finished:
            self.b_again.label = "Compare with the expert" if attempt.score < 100 else "Continue"
        else:
            self.b_again.label = "Improve my map"
        return attempt

    def close_feedback(self) -> None:
        self.feedback_open = False
        if self.attempts.finished:
            if self.last is not None and self.last.score == 100:
                self.finish()
            else:
                self._show_reveal()

    def _show_reveal(self) -> None:
        """The best attempt's map back on the board, with the expert's missing and extra links."""
        best = self.attempts.best
        if best is None:
            return
        self.edges[:] = list(best.pmap.edges)
        layout = dict(best.pmap.layout)
        self.layout.clear()
        self.layout.update(layout)
        self.board.changed()
        self._sync()
        comp = best.comparison
        missing_steps = [s for e in comp.missing for s in (e.src, e.dst) if s not in self.layout]
        ghosts = place_near(self.scenario, self.layout, list(comp.expert.edges), dict.fromkeys(missing_steps),
                            BOARD.inflate(-16, -16))
        ports = {(e.src, e.port): "missing" for e in comp.missing if e.src in self.layout}
        ports.update({(e.src, e.port): "extra" for e in comp.extra})  # a misrouted port: its wrong link
        self.reveal = Highlights(edges={e: "extra" for e in comp.extra}, ghost_edges=tuple(comp.missing),
                                 ghost_cards=ghosts, ports=ports)
        self.reveal_text = reveal_lines(self.scenario, comp)
        self.round.map_score = best.score

    def finish(self) -> None:
        """Continue to the rules with the best attempt's map (the one that counts)."""
        best = self.attempts.best
        if best is not None:
            self.edges[:] = list(best.pmap.edges)
            self.layout.clear()
            self.layout.update(best.pmap.layout)
            self.round.map_score = best.score
        self._sync()
        if self.on_done:
            self.on_done()

    def _clear_modes(self) -> None:
        self.armed_card = None
        self.armed_port = None
        self.press = None

    # ---- input ---------------------------------------------------------------------------------------
    def update(self, dt, events):
        self.age += dt
        self.idle += dt
        if events and any(e.type in (pygame.MOUSEBUTTONDOWN, pygame.KEYDOWN) for e in events):
            self.idle = 0.0
        self.message_age += dt
        for e in events:
            if any(b.handle(e) for b in self.buttons()):
                continue
            if e.type == pygame.KEYDOWN:
                self._key(e)
            elif e.type == pygame.MOUSEBUTTONDOWN and getattr(e, "button", 1) == 1:
                self._down(e.pos)
            elif e.type == pygame.MOUSEMOTION:
                self._motion(e.pos)
            elif e.type == pygame.MOUSEBUTTONUP and getattr(e, "button", 1) == 1:
                self._up(e.pos)

    def _key(self, e) -> None:
        ctrl = bool(getattr(e, "mod", 0) & (pygame.KMOD_CTRL | pygame.KMOD_META))
        shift = bool(getattr(e, "mod", 0) & pygame.KMOD_SHIFT)
        if self.feedback_open:
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
            elif self.on_back:
                self.on_back()

    def _down(self, pos) -> None:
        self.pointer = pos
        if self.feedback_open or self.reveal is not None:
            return
        step = self.tray_hit(pos)
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
                self.save()
                p.saved = True
                self.selected, self.selected_edge = p.step, None
            self.move(p.step, (pos[0] + p.grab[0], pos[1] + p.grab[1]))

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
        # the empty board
        if self.armed_card is not None:
            self.place(self.armed_card, pos)
            return
        self.armed_port = None
        self.selected = self.selected_edge = None

    # ---- drawing -------------------------------------------------------------------------------------
    def instruction(self) -> str:
        sc = self.scenario
        if self.reveal is not None:
            return "Your best map beside the expert's: + missing links, × extra links."
        if self.press is not None and self.press.dragging:
            if self.press.what == "card":
                return "Drop the card where you want it, or on the tray to take it off the board."
            if self.press.what == "port":
                return "Drop on the card this port leads to."
            if self.press.what == "tray":
                return "Drop the card on the board."
        if self.armed_card:
            return f"Now tap the board where '{sc.steps[self.armed_card].label}' goes."
        if self.armed_port:
            s, port = self.armed_port
            return f"Now tap the card that '{sc.steps[s].label}' ({port}) leads to."
        if self.message and self.message_age < 4:
            return self.message
        if not self.layout or len(self.layout) < 3:
            return "Drag a card onto the board, then connect its ports"
        if self.selected_edge is not None:
            return "Link selected: press Remove to delete it, or drag its port to another card."
        if self.selected:
            help_text = (sc.raw.get("steps", {}).get(self.selected, {}) or {}).get("help")
            label = sc.steps[self.selected].label
            return f"{label}: {help_text}" if help_text else f"{label}: drag it, or press Remove."
        missing = sum(1 for s in self.layout for port in sc.steps[s].ports
                      if self.board.port_state(s, port) == "missing")
        if missing:
            return f"Drag from a port to the next card. {missing} port{'s' if missing != 1 else ''} still open."
        return "Every port is connected. Press Check my map when you are ready."

    def highlights(self) -> Highlights:
        if self.reveal is not None:
            return self.reveal
        hl = Highlights()
        for prob in self.problems:
            for s in (prob.steps or ((prob.step,) if prob.step else ())):
                if s in self.layout:
                    hl.cards.setdefault(s, "problem")
            if prob.step and prob.port:
                hl.ports[(prob.step, prob.port)] = "problem"
            if prob.edge is not None and prob.edge in self.edges:
                hl.edges[prob.edge] = "problem"
        if self.selected:
            hl.cards[self.selected] = "selected"
        if self.selected_edge is not None:
            hl.edges[self.selected_edge] = "selected"
        if self.armed_port:
            hl.ports[self.armed_port] = "armed"
        return hl

    def draw(self, surface):
        self._draw_top(surface)
        self._draw_tray(surface)
        pygame.draw.rect(surface, T.BG_LIGHT, BOARD, border_radius=18)
        self._draw_grid(surface)
        if not self.layout:
            T.text(surface, "Your board is empty: drag the first card here", BOARD.center, T.SIZE_LABEL,
                   T.TEXT_DIM, "semibold", anchor="center")
        clip = surface.get_clip()
        surface.set_clip(BOARD)
        self.board.draw(surface, highlights=self.highlights())
        self._draw_rubber_band(surface)
        surface.set_clip(clip)
        self._draw_legend(surface)
        if self.problems:
            self._draw_problems(surface)
        if self.reveal is not None:
            self._draw_reveal_panel(surface)
        for b in self.buttons():
            if not self.feedback_open and b not in (self.b_page_up, self.b_page_down):  # the tray drew those
                b.draw(surface)
        self._draw_drag_ghost(surface)
        if self.idle > IDLE_HINT and not self.feedback_open and self.reveal is None and self.press is None:
            self._draw_idle_hint(surface)
        if self.feedback_open:
            self._draw_feedback(surface)

    def _draw_grid(self, surface) -> None:
        for x in range(BOARD.left + 40, BOARD.right, 40):
            for y in range(BOARD.top + 40, BOARD.bottom, 40):
                surface.fill((40, 56, 84), (x, y, 2, 2))

    def _draw_top(self, surface) -> None:
        T.text(surface, "Map the process", (MARGIN + 8, 14), T.SIZE_HEAD, T.TEXT, "bold")
        title = T.ellipsize(self.scenario.title, 420, T.SIZE_SMALL)
        T.text(surface, title, (MARGIN + 10, 70), T.SIZE_SMALL, T.TEXT_DIM)
        # the instruction line, in a pill so it reads as "what to do now"
        text = self.instruction()
        box = pygame.Rect(470, 16, T.W - 470 - 470, 68)
        armed = bool(self.armed_card or self.armed_port or (self.press and self.press.dragging))
        T.panel(surface, box, T.PANEL_HI if armed else T.PANEL, radius=34, border=T.YELLOW if armed else None)
        colour = T.YELLOW if armed else T.TEXT
        size = T.fit(text, box.width - 56, T.SIZE_LABEL, "semibold")
        if T.font(size, "semibold").size(text)[0] <= box.width - 56:
            T.text(surface, text, box.center, size, colour, "semibold", anchor="center")
        else:  # a card's help line: two lines at the reading size
            lines = T.wrap(text, box.width - 64, T.SIZE_SMALL)
            if len(lines) > 2:
                lines = [lines[0], T.ellipsize(" ".join(lines[1:]), box.width - 64, T.SIZE_SMALL)]
            for i, line in enumerate(lines):
                T.text(surface, line, (box.centerx, box.top + 6 + i * 29), T.SIZE_SMALL, colour, anchor="midtop")
        # the attempt counter: pips and the best score
        a = self.attempts
        right = T.W - MARGIN - 8
        current = min(a.limit, a.used + (0 if a.finished else 1))
        T.text(surface, f"Attempt {current} of {a.limit}", (right, 12), T.SIZE_LABEL, T.TEXT, "bold",
               anchor="topright")
        best = a.best
        note = f"Best {best.score}/100" if best else "Best counts"
        T.text(surface, note, (right, 58), T.SIZE_SMALL, T.ACCENT if best else T.TEXT_DIM, "semibold",
               anchor="topright")
        px = right - T.font(T.SIZE_SMALL, "semibold").size(note)[0] - 30
        for i in range(a.limit):
            c = (px - (a.limit - 1 - i) * 30, 74)
            if i < a.used:
                pygame.draw.circle(surface, T.ACCENT, c, 10)
            else:
                pygame.draw.circle(surface, T.LINE, c, 10, 3)

    def _draw_tray(self, surface) -> None:
        dragging_card = self.press is not None and self.press.dragging and self.press.what == "card"
        T.panel(surface, TRAY, T.PANEL if not dragging_card else T.PANEL_HI, radius=18,
                border=T.VERMILION if dragging_card else None, width=3)
        T.text(surface, "Cards", (TRAY.left + 18, TRAY.top + 14), T.SIZE_LABEL, T.TEXT, "bold")
        items = self.tray_items()
        T.text(surface, f"{len(self.tray_ids())} left", (TRAY.right - 18, TRAY.top + 20), T.SIZE_SMALL, T.TEXT_DIM,
               anchor="topright")
        per_page, pages = self.tray_pages()
        if pages > 1 and not self.feedback_open:
            for b, up in ((self.b_page_up, True), (self.b_page_down, False)):
                b.draw(surface)
                cx, cy = b.rect.center
                c = T.TEXT if b.enabled else T.LINE
                tri = [(cx - 16, cy + 8), (cx + 16, cy + 8), (cx, cy - 10)] if up else \
                    [(cx - 16, cy - 8), (cx + 16, cy - 8), (cx, cy + 10)]
                pygame.draw.polygon(surface, c, tri)

        if dragging_card:
            T.text(surface, "Drop here to", (TRAY.centerx, TRAY.bottom - 110), T.SIZE_BODY, T.TEXT, "semibold",
                   anchor="center")
            T.text(surface, "remove the card", (TRAY.centerx, TRAY.bottom - 70), T.SIZE_BODY, T.TEXT, "semibold",
                   anchor="center")
        dragged = self.press.step if self.press and self.press.what == "tray" and self.press.dragging else None
        for sid, r in items:
            step = self.scenario.steps[sid]
            colour = KIND_COLOURS.get(step.kind, T.TEXT)
            armed = sid == self.armed_card
            fill = T.PANEL_HI if armed else T.BG_LIGHT
            T.panel(surface, r, fill, radius=12, border=T.YELLOW if armed else colour, width=3 if armed else 2)
            if sid == dragged:
                continue
            pygame.draw.rect(surface, colour, (r.left, r.top + 8, 6, r.height - 16), border_radius=3)
            draw_icon(surface, step.kind, (r.left + 32, r.centery), 28, colour)
            tw = r.width - 62
            lines = T.wrap(step.label, tw, T.SIZE_SMALL, "semibold")
            if len(lines) > 2:
                lines = [lines[0], T.ellipsize(" ".join(lines[1:]), tw, T.SIZE_SMALL, "semibold")]
            step_h = 30 if r.height >= 70 else 27
            y = r.centery - len(lines) * step_h // 2 - 1
            for line in lines:
                T.text(surface, line, (r.left + 52, y), T.SIZE_SMALL, T.TEXT, "semibold")
                y += step_h

    def _draw_legend(self, surface) -> None:
        """What the port markers mean, in a corner of the board no card covers (or not at all)."""
        if self.reveal is not None:
            return
        items = [("connected", "linked"), ("missing", "needs a link"), ("optional", "optional")]
        width = 520
        cards = [self.board.card_rect(s).inflate(16, 16) for s in self.layout]
        spot = None
        for x, y in ((BOARD.left + 20, BOARD.bottom - 30), (BOARD.right - width, BOARD.bottom - 30),
                     (BOARD.left + 20, BOARD.top + 26), (BOARD.right - width, BOARD.top + 26)):
            if pygame.Rect(x, y - 20, width, 40).collidelist(cards) < 0:
                spot = (x, y)
                break
        if spot is None:
            return
        x, y = spot
        for state, word in items:
            port_marker(surface, (x + 10, y), state)
            r = T.text(surface, word, (x + 30, y), T.SIZE_SMALL, T.TEXT_DIM, anchor="midleft")
            x = r.right + 30

    def _draw_rubber_band(self, surface) -> None:
        p = self.press
        if p is None or not p.dragging or p.what != "port":
            return
        start = self.board.port_pos(p.step, p.port)
        pts = link_curve((start[0] + 11, start[1]), self.pointer)
        pygame.draw.lines(surface, T.YELLOW, False, pts, 5)
        arrowhead(surface, T.YELLOW, pts[-1], pts[-3], 18)
        target = self._card_at(self.pointer)
        if target is not None:
            pygame.draw.rect(surface, T.YELLOW, self.board.card_rect(target).inflate(14, 14), 4, border_radius=16)

    def next_move(self):
        """What a still player could do next, following the expert's map from what is placed:
        ('connect', step, port, target) when both cards are on the board, ('place', step, tray rect,
        board spot) when the next card is still in the tray; else ('connect', step, port, None) for the
        first open port."""
        sc = self.scenario
        tray = dict(self.tray_items())
        state = self.board.port_state
        # the expert's next step is shown only until the player has placed a card and drawn a link:
        # the gestures are taught, the puzzle is not solved for them
        teach = self.placed_count == 0 or self.linked_count == 0
        for e in (sc.reference.edges if teach else ()):
            if self.placed_count and e.dst not in self.layout:
                continue
            if e.src not in self.layout or state(e.src, e.port) != "missing":
                continue
            if e.dst in self.layout:
                return ("connect", e.src, e.port, e.dst)
            if e.dst in tray:
                spot = place_near(sc, self.layout, list(sc.reference.edges), [e.dst], LAYOUT_RECT).get(e.dst)
                if spot:
                    return ("place", e.dst, tray[e.dst], spot)
        for s in self.layout:
            for port in sc.steps[s].ports:
                if state(s, port) == "missing":
                    return ("connect", s, port, None)
        return None

    def _draw_idle_hint(self, surface) -> None:
        """A card gliding from the tray to the board, or a finger drawing a link from a port: the kiosk's
        silent instructions."""
        move = self.next_move()
        if move is None:
            return
        t = (self.idle - IDLE_HINT) % 2.4
        f = min(1.0, t / 1.6)
        f = f * f * (3 - 2 * f)  # ease in and out
        if move[0] == "place":
            _, sid, rect, spot = move
            pos = (rect.centerx + (spot[0] - rect.centerx) * f, rect.centery + (spot[1] - rect.centery) * f)
            pygame.draw.rect(surface, T.YELLOW, rect.inflate(8, 8), 3, border_radius=14)
            ghost = Board(self.scenario, [], {sid: pos})
            layer = pygame.Surface(T.LOGICAL_SIZE, pygame.SRCALPHA)
            ghost.draw_card(layer, sid)
            layer.set_alpha(150)
            surface.blit(layer, (0, 0))
            self._draw_finger(surface, pos)
            return
        _, sid, port, target = move
        x, y = self.board.port_pos(sid, port)
        pygame.draw.circle(surface, T.YELLOW, (int(x), int(y)), int(14 + 18 * (t % 1.2) / 1.2), 3)
        if target is None:
            self._draw_finger(surface, (x + 10, y + 6))
            return
        goal = self.board.input_pos(target)
        pos = (x + (goal[0] - x) * f, y + (goal[1] - y) * f)
        if f > 0.05:
            pts = link_curve((x + 11, y), pos)
            pygame.draw.lines(surface, T.YELLOW, False, pts, 4)
        pygame.draw.rect(surface, T.YELLOW, self.board.card_rect(target).inflate(12, 12), 3, border_radius=16)
        self._draw_finger(surface, pos)

    @staticmethod
    def _draw_finger(surface, pos) -> None:
        """A pointing hand's fingertip: a disc with a ring, like a touch."""
        x, y = int(pos[0]), int(pos[1])
        pygame.draw.circle(surface, (255, 255, 255), (x, y), 16)
        pygame.draw.circle(surface, T.YELLOW, (x, y), 22, 4)

    def _draw_drag_ghost(self, surface) -> None:
        p = self.press
        if p is None or not p.dragging or p.what != "tray":
            return
        ghost = Board(self.scenario, [], {p.step: self.pointer})
        ghost.draw_card(surface, p.step, Highlights(cards={p.step: "armed"}))

    def _draw_problems(self, surface) -> None:
        msgs = [p.message for p in self.problems[:2]]
        more = len(self.problems) - len(msgs)
        width = BOARD.width - 520
        lines = []
        for m in msgs:
            lines += T.wrap(m, width - 110, T.SIZE_BODY)
        if more > 0:
            lines.append(f"… and {more} more thing{'s' if more > 1 else ''} to fix.")
        lines = lines[:4]
        h = 40 + len(lines) * 40
        box = pygame.Rect(BOARD.right - width - 20, BOARD.bottom - h - 20, width, h)
        T.panel(surface, box, (60, 36, 36), radius=16, border=T.VERMILION, width=3)
        pygame.draw.circle(surface, T.VERMILION, (box.left + 44, box.top + 44), 24)
        T.text(surface, "!", (box.left + 44, box.top + 43), T.SIZE_LABEL, T.TEXT, "bold", anchor="center")
        y = box.top + 22
        for line in lines:
            T.text(surface, line, (box.left + 88, y), T.SIZE_BODY, T.TEXT)
            y += 40

    def _draw_reveal_panel(self, surface) -> None:
        """The score, what the marks mean, and the differences in words, in the freest corner."""
        best = self.attempts.best
        width = 820
        text_w = width - 48
        lines: list[str] = []
        for item in self.reveal_text[:3]:
            wrapped = T.wrap(item, text_w - 24, T.SIZE_SMALL)
            lines += ["• " + wrapped[0]] + ["  " + w for w in wrapped[1:]]
        more = len(self.reveal_text) - 3
        if more > 0:
            lines.append(f"… and {more} more.")
        height = 126 + 30 * len(lines) + 50
        cards = [self.board.card_rect(s).inflate(12, 12) for s in self.layout]
        cards += [self.board.card_rect(s, xy) for s, xy in self.reveal.ghost_cards.items()]
        spots = [pygame.Rect(BOARD.left + 16, BOARD.bottom - 16 - height, width, height),
                 pygame.Rect(BOARD.left + 16, BOARD.top + 16, width, height),
                 pygame.Rect(BOARD.right - 16 - width, BOARD.top + 16, width, height),
                 pygame.Rect(BOARD.right - 16 - width, BOARD.bottom - 16 - height, width, height)]
        box = min(spots, key=lambda r: sum(r.clip(c).width * r.clip(c).height for c in cards))
        T.panel(surface, box, T.PANEL, radius=16, border=T.LINE)
        x, y = box.left + 24, box.top + 16
        T.text(surface, f"Your map scores {best.score}/100", (x, y), T.SIZE_LABEL, T.TEXT, "bold")
        y += 56
        pygame.draw.line(surface, T.GREEN, (x, y + 16), (x + 50, y + 16), 4)
        T.text(surface, "+ missing link", (x + 62, y), T.SIZE_SMALL, T.GREEN, "semibold")
        pygame.draw.line(surface, T.VERMILION, (x + 290, y + 16), (x + 340, y + 16), 4)
        T.text(surface, "× extra link", (x + 352, y), T.SIZE_SMALL, T.VERMILION, "semibold")
        y += 48
        for line in lines:
            T.text(surface, line, (x, y), T.SIZE_SMALL, T.TEXT)
            y += 30
        T.text(surface, "The day will run on your map, as it is.", (x, y + 4), T.SIZE_SMALL, T.TEXT_DIM)

    def feedback_lines(self) -> list:
        """The advisors' lines the score panel shows (one per hint, at most two)."""
        if self.last is None:
            return []
        out = []
        for hint in self.last.hints[:2]:
            line = hint.lines[0] if hint.lines else None
            if line is not None and line.advisor in self.scenario.advisors:
                out.append(line)
        return out

    def feedback_rect(self) -> pygame.Rect:
        """The score panel, as tall as what it says."""
        width = 1040
        h = 300  # attempt, score, bar, counts
        lines = self.feedback_lines()
        h += sum(bubble_height(width - 80, line.text) + 24 for line in lines)
        if not lines:
            h += 120  # a line or two of advice or praise
        h += 130  # the buttons
        h = min(h, T.H - 80)
        return pygame.Rect(T.W // 2 - width // 2, (T.H - h) // 2, width, h)

    def _place_feedback_buttons(self) -> None:
        fb = self.feedback_rect()
        self.b_again.rect.update(fb.right - 40 - 460, fb.bottom - 114, 460, 84)
        self.b_keep.rect.update(fb.left + 40, fb.bottom - 114, 460, 84)

    def _draw_feedback(self, surface) -> None:
        shade = pygame.Surface(T.LOGICAL_SIZE, pygame.SRCALPHA)
        shade.fill((8, 12, 20, 170))
        surface.blit(shade, (0, 0))
        box = self.feedback_rect()
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.LINE, width=3)
        a, last = self.attempts, self.last
        if last is None:
            return
        T.text(surface, f"Attempt {last.number} of {a.limit}", (box.left + 40, box.top + 32), T.SIZE_LABEL,
               T.TEXT_DIM, "semibold")
        score = last.score
        colour = T.GREEN if score == 100 else (T.SKY if score >= 70 else T.ORANGE)
        r = T.text(surface, f"{score}", (box.left + 40, box.top + 76), T.SIZE_TITLE, colour, "bold")
        T.text(surface, "/ 100", (r.right + 12, r.bottom - 56), T.SIZE_HEAD, T.TEXT_DIM, "semibold")
        bar = pygame.Rect(box.left + 40, r.bottom + 8, box.width - 80, 18)
        pygame.draw.rect(surface, T.PANEL, bar, border_radius=9)
        pygame.draw.rect(surface, colour, (bar.left, bar.top, int(bar.width * score / 100), bar.height),
                         border_radius=9)
        if score == 100:
            verdict = "Perfect: that is the expert's map."
        elif a.finished:
            verdict = f"No attempts left. Your best, {a.best.score}/100, counts."
        else:
            left = a.remaining
            verdict = (f"{'Close!' if score >= 80 else 'A start.'} {left} attempt{'s' if left != 1 else ''} left; "
                       f"the best one counts.")
        T.text(surface, verdict, (box.right - 40, box.top + 118), T.SIZE_BODY, T.TEXT, "semibold",
               anchor="topright")
        y = bar.bottom + 36
        comp = last.comparison
        T.text(surface, f"{len(comp.matched) + len(comp.given)} links right · {len(comp.missing)} missing · "
                        f"{len(comp.extra)} extra", (box.left + 40, y), T.SIZE_BODY, T.TEXT_DIM)
        y += 60
        for line in self.feedback_lines():
            adv = self.scenario.advisors[line.advisor]
            h = portraits.speech_bubble(surface, pygame.Rect(box.left + 40, y, box.width - 80, 200), adv,
                                        line.text, scenario_path=self.scenario.path)
            y += h + 24
        if not self.feedback_lines():
            if score == 100:
                note = "Every piece of work has its way through. Next: set the rules and run the day."
            else:
                note = "Look at every port: where should each kind of work go next?"
            T.paragraph(surface, note, pygame.Rect(box.left + 40, y, box.width - 80, 90), T.SIZE_BODY, T.TEXT_DIM)
        for b in self.buttons():
            b.draw(surface)
