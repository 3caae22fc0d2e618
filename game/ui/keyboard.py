"""An on-screen keyboard for a touch screen with no keyboard: initials, names, companies, email addresses.

`Keyboard(rect, layout)` lays its keys out to fill `rect`, every key at least `MIN_KEY` logical pixels
square (a fingertip at a kiosk). A key fires when a press is released on it, as the buttons do, so a
finger sliding off a key cancels it. A physical keyboard types into the same callbacks, which is how
tests and the facilitator's laptop use it.

`TextField` is the line being typed into: a label, the text, a caret, and whether its shape is valid.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pygame

from game.ui import theme as T
from game.ui.widgets import DOWN, UP, pointer, primary

MIN_KEY = 64  # logical px, about 43 px in a 1280x720 window and 64 at full HD

BACK, ENTER, SHIFT, SPACE = "⌫", "\n", "⇧", " "

#: Rows of keys per layout; a key is a character, or one of the specials above.
LAYOUTS = {
    "initials": ["QWERTYUIOP", "ASDFGHJKL", ["Z", "X", "C", "V", "B", "N", "M", BACK]],
    "text": ["1234567890", "QWERTYUIOP", ["A", "S", "D", "F", "G", "H", "J", "K", "L", "'"],
             [SHIFT, "Z", "X", "C", "V", "B", "N", "M", "-", BACK], ["&", SPACE, ".", ENTER]],
    "email": ["1234567890", "QWERTYUIOP", ["A", "S", "D", "F", "G", "H", "J", "K", "L", "_"],
              [SHIFT, "Z", "X", "C", "V", "B", "N", "M", "-", BACK], ["@", ".com", ".", ENTER]],
}
#: How much wider than a letter a special key is.
WIDTH = {BACK: 1.6, ENTER: 2.6, SHIFT: 1.6, SPACE: 5.0, ".com": 1.8, "@": 1.2}


@dataclass
class Key:
    rect: pygame.Rect
    value: str

    def label(self, upper: bool, enter_label: str) -> str:
        if self.value == ENTER:
            return enter_label
        if self.value == SPACE:
            return "space"
        if len(self.value) == 1 and self.value.isalpha():
            return self.value if upper else self.value.lower()
        return self.value


class Keyboard:
    """Keys in rows filling `rect`. `on_char(s)` for text, `on_back()` for ⌫, `on_enter()` for the big key."""

    def __init__(self, rect, layout: str = "initials", on_char: Callable[[str], None] | None = None,
                 on_back: Callable[[], None] | None = None, on_enter: Callable[[], None] | None = None,
                 enter_label: str = "Next", gap: int = 12):
        self.rect = pygame.Rect(rect)
        self.layout = layout
        self.on_char = on_char
        self.on_back = on_back
        self.on_enter = on_enter
        self.enter_label = enter_label
        self.gap = gap
        self.upper = True  # letters typed in capitals (initials always; ⇧ toggles elsewhere)
        self.pressed: Key | None = None
        self.keys = self._lay_out()
        self.typed = 0  # keys fired, for tests

    def _lay_out(self) -> list[Key]:
        rows = [list(r) if isinstance(r, str) else r for r in LAYOUTS[self.layout]]
        gap = self.gap
        h = max(MIN_KEY, (self.rect.height - gap * (len(rows) - 1)) // len(rows))
        units = max(sum(WIDTH.get(k, 1.0) for k in r) for r in rows)
        widest = max(rows, key=lambda r: sum(WIDTH.get(k, 1.0) for k in r))
        unit = max(MIN_KEY, (self.rect.width - gap * (len(widest) - 1)) / units)
        keys = []
        for i, row in enumerate(rows):
            row_w = sum(WIDTH.get(k, 1.0) for k in row) * unit + gap * (len(row) - 1)
            x = self.rect.centerx - row_w / 2
            y = self.rect.top + i * (h + gap)
            for k in row:
                w = WIDTH.get(k, 1.0) * unit
                keys.append(Key(pygame.Rect(round(x), y, round(w), h), k))
                x += w + gap
        return keys

    @property
    def bounds(self) -> pygame.Rect:
        return self.keys[0].rect.unionall([k.rect for k in self.keys[1:]])

    def key_at(self, pos) -> Key | None:
        return next((k for k in self.keys if k.rect.collidepoint(pos)), None)

    def key_for(self, value: str) -> Key | None:
        return next((k for k in self.keys if k.value == value), None)

    def press(self, value: str) -> None:
        """What a key does (also what a test calls)."""
        self.typed += 1
        if value == BACK:
            if self.on_back:
                self.on_back()
        elif value == ENTER:
            if self.on_enter:
                self.on_enter()
        elif value == SHIFT:
            self.upper = not self.upper
        elif self.on_char:
            self.on_char(value if self.upper or not value.isalpha() else value.lower())

    def handle(self, event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_BACKSPACE:
                self.press(BACK)
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.press(ENTER)
                return True
            ch = getattr(event, "unicode", "") or ""
            if len(ch) == 1 and ch.isprintable() and self.on_char:
                self.typed += 1
                self.on_char(ch.upper() if self.layout == "initials" else ch)
                return True
            return False
        pos = pointer(event)
        if pos is None or not primary(event):
            return False
        if event.type == DOWN:
            self.pressed = self.key_at(pos)
            return self.pressed is not None
        if event.type == UP:
            was, self.pressed = self.pressed, None
            if was is not None and was.rect.collidepoint(pos):
                self.press(was.value)
                return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        for k in self.keys:
            special = k.value in (BACK, ENTER, SHIFT) or len(k.value) > 1
            fill = T.BLUE if k.value == ENTER else T.PANEL_HI if not special else T.PANEL
            if k.value == SHIFT and not self.upper:
                fill = T.PANEL_HI
            r = k.rect.move(0, 3) if k is self.pressed else k.rect
            if k is self.pressed:
                fill = tuple(max(0, c - 30) for c in fill)
            T.panel(surface, r, fill, radius=12, border=T.ACCENT if k.value == ENTER else T.LINE)
            label = k.label(self.upper, self.enter_label)
            size = T.fit(label, r.width - 16, min(T.SIZE_HEAD, max(T.SIZE_SMALL, r.height // 2)), "semibold")
            T.text(surface, label, r.center, size, T.TEXT, "semibold", anchor="center")


class TextField:
    """One line being typed: a label above, the text in a box, a caret when focused, a check mark when
    `valid(text)` holds. Tap it to focus it."""

    def __init__(self, rect, label: str, max_len: int = 60, valid: Callable[[str], bool] | None = None,
                 hint: str = ""):
        self.rect = pygame.Rect(rect)
        if self.rect.height < MIN_KEY:
            self.rect.height = MIN_KEY
        self.label = label
        self.text = ""
        self.max_len = max_len
        self.valid = valid or (lambda s: bool(s.strip()))
        self.hint = hint
        self.focused = False
        self.age = 0.0

    @property
    def ok(self) -> bool:
        return self.valid(self.text)

    def type(self, s: str) -> None:
        self.text = (self.text + s)[: self.max_len]

    def back(self) -> None:
        self.text = self.text[:-1]

    def draw(self, surface: pygame.Surface, age: float = 0.0) -> None:
        T.text(surface, self.label, (self.rect.left, self.rect.top - 40), T.SIZE_SMALL, T.TEXT_DIM, "semibold")
        T.panel(surface, self.rect, T.BG_LIGHT, radius=12, border=T.ACCENT if self.focused else T.LINE,
                width=3 if self.focused else 2)
        inner = self.rect.width - 80
        shown = self.text
        f = T.font(T.SIZE_LABEL)
        while shown and f.size(shown)[0] > inner:  # the end of a long line stays in view, as it is typed
            shown = shown[1:]
        if shown:
            r = T.text(surface, shown, (self.rect.left + 20, self.rect.centery), T.SIZE_LABEL, T.TEXT, anchor="midleft")
        else:
            r = pygame.Rect(self.rect.left + 20, self.rect.centery - 18, 0, 36)
            if self.hint and not self.focused:
                T.text(surface, self.hint, (self.rect.left + 20, self.rect.centery), T.SIZE_BODY, T.LINE,
                       anchor="midleft")
        if self.focused and int(age * 2) % 2 == 0:
            x, cy = r.right + 3, self.rect.centery
            pygame.draw.line(surface, T.ACCENT, (x, cy - 20), (x, cy + 20), 3)
        if self.text:
            mark, colour = ("✓", T.GOOD) if self.ok else ("✗", T.WARN)
            T.text(surface, mark, (self.rect.right - 24, self.rect.centery), T.SIZE_HEAD - 8, colour, "bold",
                   anchor="midright")


def typing_input(screen, events) -> None:
    """A typing screen's input: its buttons first, Esc goes back (`screen.on_back`), everything else to its
    keyboard, so Enter and Backspace type rather than press the screen's primary button."""
    for e in events:
        if any(b.handle(e) for b in screen.buttons):
            continue
        if e.type == pygame.KEYDOWN and e.key == pygame.K_ESCAPE:
            screen.on_back()
            continue
        screen.keyboard.handle(e)
