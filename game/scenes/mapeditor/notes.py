"""The hints panel: every hint of the round's attempts and every tip asked, to read again at any time.

The score panel of an attempt shows its hints once; they also stay here. `HintsPanel` reads the round's
attempts (engine.maps.Attempts.history, kept on the round, so a map phase entered again still has them)
and keeps the tips the player asked the advisors for (`add_tip`). It sits along the board's right side,
newest first, each entry a small speech bubble under a heading ("After attempt 2", "You asked"); the
"Hints" button of the toolbar opens and closes it, and it opens by itself when the player goes back to
improve a map that earned hints. While open it takes the taps that land on it (the cards under it are
not pressed through it); its "×" closes it.
"""
from __future__ import annotations

import pygame

from game.scenes.mapeditor.regions import BOARD
from game.ui import portraits
from game.ui import theme as T
from game.ui.widgets import DOWN, UP, Button, pointer

PANEL_W = 560
SIZE = T.SIZE_SMALL
PORTRAIT = 60
INDENT = 80


class HintsPanel:
    """The round's hints and tips, newest first, along the board's right side."""

    def __init__(self, scenario, attempts):
        self.scenario = scenario
        self.attempts = attempts
        self.tips: list[tuple[str, str]] = []  # (advisor, text) of the tips asked, oldest first
        self.is_open = False
        box = self.rect()
        self.b_close = Button((box.right - 84, box.top + 8, 72, 72), "×", self.close, kind="quiet")

    def rect(self) -> pygame.Rect:
        return pygame.Rect(BOARD.right - PANEL_W - 12, BOARD.top + 12, PANEL_W, BOARD.height - 24)

    def entries(self) -> list[tuple[str, str, str]]:
        """(heading, advisor, text), newest first: the tips asked, then each attempt's hints, latest first;
        a line said again (the same hint after a later attempt) is kept only where it was said last."""
        out = [("You asked", aid, text) for aid, text in reversed(self.tips)]
        seen = set(self.tips)
        for a in reversed(self.attempts.history):
            if not a.counted:
                continue
            for line in (line for hint in a.hints for line in hint.lines):
                if line.advisor in self.scenario.advisors and (line.advisor, line.text) not in seen:
                    seen.add((line.advisor, line.text))
                    out.append((f"After attempt {a.number}", line.advisor, line.text))
        return out

    @property
    def count(self) -> int:
        return len(self.entries())

    def add_tip(self, tip) -> None:
        if tip is not None and (tip.advisor, tip.text) not in self.tips[-1:]:
            self.tips.append((tip.advisor, tip.text))

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def toggle(self) -> None:
        self.is_open = not self.is_open

    def handle(self, event) -> bool:
        """While open: its close button, and every tap on it (taken, so nothing under it is pressed)."""
        if not self.is_open:
            return False
        if self.b_close.handle(event):
            return True
        pos = pointer(event)
        return pos is not None and event.type in (DOWN, UP) and self.rect().collidepoint(pos)

    def draw(self, surface: pygame.Surface) -> None:
        if not self.is_open:
            return
        box = self.rect()
        T.panel(surface, box, T.PANEL, radius=18, border=T.ACCENT, width=3)
        T.text(surface, "YOUR ADVISORS' HINTS", (box.left + 24, box.top + 26), T.SIZE_SMALL, T.ACCENT, "semibold")
        self.b_close.draw(surface)
        entries = self.entries()
        y, bottom = box.top + 88, box.bottom - 20
        if not entries:
            T.paragraph(surface, "No hints yet. Tap an advisor below for a tip, or check your map.",
                        pygame.Rect(box.left + 24, y, box.width - 48, 120), SIZE, T.TEXT_DIM)
            return
        heading = None
        for k, (head, aid, text) in enumerate(entries):
            need = (34 if head != heading else 0) + portraits.bubble_height(text, box.width - 48 - INDENT, SIZE)
            if y + need > bottom - (40 if k < len(entries) - 1 else 0):
                T.text(surface, f"… and {len(entries) - k} earlier", (box.left + 24, bottom - 30), SIZE,
                       T.TEXT_DIM)
                break
            if head != heading:
                T.text(surface, head, (box.left + 24, y), SIZE, T.TEXT_DIM, "semibold")
                y += 34
                heading = head
            adv = self.scenario.advisors.get(aid)
            h = portraits.speech_bubble(surface, pygame.Rect(box.left + 24, y, box.width - 48, 10), adv or aid, text,
                                        scenario_path=self.scenario.path, size=SIZE, portrait_size=PORTRAIT,
                                        indent=INDENT, role=False)
            y += h + 14
