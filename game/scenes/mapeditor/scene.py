"""The map editor's scene: the state of one map phase, its actions, and how its parts are put on screen.

`MapEditorScene` holds what the player is doing (the press in progress, the card or port armed by a tap,
the card or link selected, the problems of the last check, the note in the instruction line) around the
parts that each do one thing: the `MapDraft` (the map and its undo history), the `Tray`, the `Board`
drawing the draft, the `ScorePanel` of a checked attempt, the reveal's marks, and the idle hints. Input
arrives through `update(dt, events)`: the buttons first, then the gestures (the `Gestures` mixin of
game.scenes.mapeditor.gestures), which call the actions here. Each action changes the draft and then forgets what
the change made stale: the last check's problems, a selection that is gone.

Checking (`submit`): problems use no attempt; a runnable map is an attempt of `round.attempts`
(engine.maps.Attempts, kept on the round so a map phase entered again goes on counting) and opens the
score panel. After the last attempt, a perfect map continues; any other shows the reveal, and Continue
calls `on_done()` with the best attempt's map on the round.
"""
from __future__ import annotations


import pygame

from engine.maps import Attempt, Attempts, map_problems, reveal_lines
from engine.model import Edge

from game.core.scene import Scene
from game.scenes import Way, stay
from game.scenes.mapeditor.check import ScorePanel, draw_problems
from game.scenes.mapeditor.draft import MapDraft
from game.scenes.mapeditor.gestures import Gestures, Press
from game.scenes.mapeditor.hints import IDLE_HINT, draw_idle_hint, suggested_move
from game.scenes.mapeditor.notes import HintsPanel
from game.scenes.mapeditor.regions import BOARD, MARGIN, TOOLBAR_Y
from game.scenes.mapeditor.reveal import draw_reveal_panel, reveal_marks
from game.scenes.mapeditor.tray import Tray
from game.play.tips import map_tip
from game.ui import theme as T
from game.ui import words
from game.ui.advisor_panel import GAP as DESK_GAP, AdvisorDesk
from game.ui.board import Board, Highlights, port_marker
from game.ui.curves import arrowhead, link_curve
from game.ui.widgets import MIN_TARGET, Button


class MapEditorScene(Gestures, Scene):
    """The map phase of a round. `on_done()` is called when the player continues to the rules."""

    name = "map"

    def __init__(self, app, round, *, on_done: Way = stay, on_back: Way = stay):
        super().__init__(app)
        self.round = round
        self.scenario = round.scenario
        self.on_done = on_done
        self.on_back = on_back
        self.draft = MapDraft(round)
        if round.attempts is None:
            round.attempts = Attempts(self.scenario)
        self.attempts: Attempts = round.attempts
        self.tray = Tray(self.scenario, self.layout)
        self.panel = ScorePanel(self.scenario, self.attempts, on_again=self.close_feedback, on_keep=self.finish)
        self.notes = HintsPanel(self.scenario, self.attempts)  # every hint and tip, to read again
        self.press: Press | None = None
        self.pointer = (0, 0)
        self.armed_card: str | None = None  # tapped in the tray, waiting for a tap on the board
        self.armed_port: tuple[str, str] | None = None  # tapped, waiting for a tap on a card
        self.selected: str | None = None  # a card
        self.selected_edge: Edge | None = None
        self.problems: list = []  # of the last check, until the next change
        self.reveal: Highlights | None = None
        self.reveal_text: list[str] = []
        self.message = ""  # a short note in the instruction line (a refused link, an undo)
        self.message_age = 0.0
        self.age = 0.0
        self.idle = 0.0  # seconds since the last press: a still kiosk gets shown what to do
        self.placed_count = 0  # cards the player placed, links drawn: the silent hints stop teaching
        self.linked_count = 0
        self._build_buttons()
        if self.attempts.finished:
            self._show_reveal()
        elif self.notes.count:
            self.notes.open()  # a map phase entered again: the hints of the attempts so far

    # The draft's map, which the board draws (the same list and dict).
    @property
    def edges(self) -> list[Edge]:
        return self.draft.edges

    @property
    def layout(self) -> dict[str, tuple[float, float]]:
        return self.draft.layout

    @property
    def board(self) -> Board:
        return self.draft.board

    # ---- buttons -------------------------------------------------------------------------------
    def _build_buttons(self) -> None:
        y, h = TOOLBAR_Y, T.H - TOOLBAR_Y - MARGIN
        x = BOARD.left
        self.b_undo = Button((x, y, 104, h), "Undo", self.undo)
        self.b_redo = Button((x + 116, y, 104, h), "Redo", self.redo)
        self.b_tidy = Button((x + 232, y, 146, h), "Tidy up", self.tidy)
        self.b_remove = Button((x + 390, y, 146, h), "Remove", self.remove_selected, kind="danger")
        # the advisors you can ask (up to three portraits of MIN_TARGET, right-aligned, 20 px clear of Remove),
        # the kiosk's round timer's place (game.modes.kiosk.overlays.timer_rect: x 1076-1416), then the hints
        desk = pygame.Rect(x + 556, y + (h - MIN_TARGET) // 2, 3 * MIN_TARGET + 2 * DESK_GAP, MIN_TARGET)
        self.desk = AdvisorDesk(self.scenario, desk, self.ask, opens="above", on_tip=self.notes.add_tip)
        self.b_hints = Button((BOARD.right - 476, y, 164, h), "Hints", self.notes.toggle, kind="quiet")
        self.b_check = Button((BOARD.right - 300, y, 300, h), "Check my map", self.submit, kind="primary")
        self.b_continue = Button((BOARD.right - 300, y, 300, h), "Continue", self.finish, kind="primary")

    def buttons(self) -> list[Button]:
        if self.panel.is_open:
            return self.panel.buttons()
        self.b_hints.label = f"Hints ({self.notes.count})" if self.notes.count else "Hints"
        if self.reveal is not None:
            return [self.b_hints, self.b_continue]
        self.b_undo.enabled = bool(self.draft.undo_stack)
        self.b_redo.enabled = bool(self.draft.redo_stack)
        self.b_tidy.enabled = bool(self.layout)
        self.b_remove.enabled = self.selected is not None or self.selected_edge is not None
        self.b_check.enabled = bool(self.layout)
        return [self.b_undo, self.b_redo, self.b_tidy, self.b_remove, self.b_hints, self.b_check] + self.tray.buttons()

    def ask(self, advisor_id: str):
        """An advisor's tip about the map as it stands (game.play.tips.map_tip)."""
        return map_tip(self.scenario, self.edges, self.layout, advisor_id)

    # ---- actions (each change undoable) ------------------------------------------------------------
    def _changed(self) -> None:
        """After a change of the map: the last check no longer holds; let go of what is gone."""
        self.problems = []
        self._forget_gone()

    def _forget_gone(self) -> None:
        if self.selected not in self.layout:
            self.selected = None
        if self.selected_edge not in self.edges:
            self.selected_edge = None

    def undo(self) -> None:
        if self.draft.undo():
            self._changed()

    def redo(self) -> None:
        if self.draft.redo():
            self._changed()

    def place(self, step_id: str, pos) -> None:
        """Put a card on the board with its centre near `pos` (kept inside the board, off other cards)."""
        if self.draft.place(step_id, pos):
            self.selected, self.armed_card = step_id, None
            self.placed_count += 1
            self._changed()

    def connect(self, src: str, port: str, dst: str) -> bool:
        """Link `src`'s `port` to `dst` (replacing the port's link if it had one)."""
        if not self.draft.can_link(src, port, dst):
            return False
        target = self.scenario.steps[dst]
        if target.kind == "source":
            self.say(f"'{target.label}' is where work arrives: nothing can lead into it.")
            return False
        if self.draft.link(src, port, dst):
            self.linked_count += 1
            self._changed()
        return True

    def disconnect(self, src: str, port: str) -> None:
        if self.draft.unlink(src, port):
            self._changed()

    def remove(self, step_id: str) -> None:
        """Take a card off the board, with every link to and from it."""
        if self.draft.remove(step_id):
            if self.armed_port and self.armed_port[0] == step_id:
                self.armed_port = None
            self._changed()

    def remove_edge(self, edge: Edge) -> None:
        if self.draft.remove_edge(edge):
            self._changed()

    def remove_selected(self) -> None:
        if self.selected is not None:
            self.remove(self.selected)
        elif self.selected_edge is not None:
            self.remove_edge(self.selected_edge)

    def tidy(self) -> None:
        """Auto-layout: layers left to right from the arrivals, few crossings, inside the board."""
        if self.draft.tidy():
            self._changed()

    def say(self, text: str) -> None:
        self.message, self.message_age = text, 0.0

    # ---- checking ----------------------------------------------------------------------------------
    def submit(self) -> Attempt | None:
        """Check the map: problems (no attempt used), or a scored attempt with hints."""
        if self.attempts.finished or not self.layout:
            return None
        self._clear_modes()
        pmap = self.draft.pmap
        problems = map_problems(self.scenario, pmap)
        if problems:
            self.problems = problems
            self.say("")
            return None
        attempt = self.attempts.submit(pmap)
        best = self.attempts.best
        self.round.map_score = best.score if best else 0
        self.panel.open(attempt)
        return attempt

    def close_feedback(self) -> None:
        self.panel.close()
        if not self.attempts.finished and self.panel.attempt is not None and self.panel.attempt.hints:
            self.notes.open()  # the hints just read stay beside the board while the map is improved
        if self.attempts.finished:
            last = self.panel.attempt
            if last is not None and last.score == 100:
                self.finish()
            else:
                self._show_reveal()

    def _show_reveal(self) -> None:
        """The best attempt's map back on the board, with the expert's missing and extra links."""
        best = self.attempts.best
        if best is None:
            return
        self.draft.show(best.pmap)
        self._forget_gone()
        self.reveal = reveal_marks(self.scenario, best.comparison, self.layout)
        self.notes.close()  # the board is the expert's answer now; the hints stay a tap away
        self.reveal_text = reveal_lines(self.scenario, best.comparison)
        self.round.map_score = best.score

    def finish(self) -> None:
        """Continue to the rules with the best attempt's map (the one that counts)."""
        best = self.attempts.best
        if best is not None:
            self.draft.show(best.pmap)
            self.round.map_score = best.score
        else:
            self.draft.sync()
        self._forget_gone()
        self.on_done()

    def _clear_modes(self) -> None:
        self.armed_card = None
        self.armed_port = None
        self.press = None

    def next_move(self):
        """What a still player could do next (game.scenes.mapeditor.hints.suggested_move)."""
        return suggested_move(self.scenario, self.board, dict(self.tray.items()), self.placed_count,
                               self.linked_count)

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
            if not self.panel.is_open and (self.desk.handle(e) or self.notes.handle(e)):
                continue
            if e.type == pygame.KEYDOWN:
                self._key(e)
            elif e.type == pygame.MOUSEBUTTONDOWN and getattr(e, "button", 1) == 1:
                self._down(e.pos)
            elif e.type == pygame.MOUSEMOTION:
                self._motion(e.pos)
            elif e.type == pygame.MOUSEBUTTONUP and getattr(e, "button", 1) == 1:
                self._up(e.pos)

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
            return f"Now tap the card that '{sc.steps[s].label}' ({words.port_name(port)}) leads to."
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
        p = self.press
        self.board.moving = bool(p is not None and p.dragging and p.what == "card")  # no nudge mid-drag
        self.tray.draw(surface, armed=self.armed_card,
                       dragged=p.step if p and p.what == "tray" and p.dragging else None,
                       taking_back=p is not None and p.dragging and p.what == "card",
                       arrows=not self.panel.is_open)
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
            draw_problems(surface, self.problems)
        if self.reveal is not None:
            draw_reveal_panel(surface, self.board, self.reveal, self.reveal_text, self.attempts.best.score)
        self.notes.draw(surface)
        for b in self.buttons():
            if not self.panel.is_open and b not in (self.tray.b_up, self.tray.b_down):  # the tray drew those
                b.draw(surface)
        if not self.panel.is_open:
            self.desk.draw(surface)
        self._draw_drag_ghost(surface)
        if self.idle > IDLE_HINT and not self.panel.is_open and self.reveal is None and self.press is None:
            draw_idle_hint(surface, self.next_move(), self.idle, self.scenario, self.board)
        if self.panel.is_open:
            self.panel.draw(surface)

    def _draw_grid(self, surface) -> None:
        for x in range(BOARD.left + 40, BOARD.right, 40):
            for y in range(BOARD.top + 40, BOARD.bottom, 40):
                surface.fill((40, 56, 84), (x, y, 2, 2))

    def _draw_top(self, surface) -> None:
        T.text(surface, "Map the process", (MARGIN + 8, 14), T.SIZE_HEAD, T.TEXT, "bold")
        short = self.scenario.title.split(":")[0]  # the scenario's name: its full title is in the briefing
        title = T.ellipsize(short, 420, T.SIZE_SMALL)
        T.text(surface, title, (MARGIN + 10, 70), T.SIZE_SMALL, T.TEXT_DIM)
        # the instruction line, in a pill so it reads as "what to do now"
        text = self.instruction()
        box = pygame.Rect(470, 16, T.W - 470 - 470, 68)
        lines = T.wrap(text, box.width - 64, T.SIZE_SMALL)
        if T.font(T.fit(text, box.width - 56, T.SIZE_LABEL, "semibold"), "semibold").size(text)[0] > box.width - 56 \
                and len(lines) > 2:
            box = pygame.Rect(470, 4, box.width, 94)  # a card's long help line: the pill grows to three lines
        armed = bool(self.armed_card or self.armed_port or (self.press and self.press.dragging))
        T.panel(surface, box, T.PANEL_HI if armed else T.PANEL, radius=34, border=T.YELLOW if armed else None)
        colour = T.YELLOW if armed else T.TEXT
        size = T.fit(text, box.width - 56, T.SIZE_LABEL, "semibold")
        if T.font(size, "semibold").size(text)[0] <= box.width - 56:
            T.text(surface, text, box.center, size, colour, "semibold", anchor="center")
        else:  # a card's help line: two or three lines at the reading size
            if len(lines) > 3:
                lines = lines[:2] + [T.ellipsize(" ".join(lines[2:]), box.width - 64, T.SIZE_SMALL)]
            top = box.centery - len(lines) * 29 // 2 - 2
            for i, line in enumerate(lines):
                T.text(surface, line, (box.centerx, top + i * 29), T.SIZE_SMALL, colour, anchor="midtop", box=box)
        self._draw_attempts(surface)

    def _draw_attempts(self, surface) -> None:
        """The attempt counter, top right: which attempt this is, the best score, a pip per attempt."""
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

    def _draw_legend(self, surface) -> None:
        """What the port markers mean, in a corner of the board no card covers (or not at all)."""
        if self.reveal is not None:
            return
        items = [("connected", "linked"), ("missing", "needs a link")]
        if any(self.board.port_state(s, port) == "optional" for s in self.layout if s in self.scenario.steps
               for port in self.scenario.steps[s].ports):  # only a marker the board shows (engine.maps.ports)
            items.append(("optional", "may stay open"))
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

    def _draw_drag_ghost(self, surface) -> None:
        p = self.press
        if p is None or not p.dragging or p.what != "tray":
            return
        ghost = Board(self.scenario, [], {p.step: self.pointer})
        ghost.draw_card(surface, p.step, Highlights(cards={p.step: "armed"}))
