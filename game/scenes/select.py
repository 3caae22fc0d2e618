"""Scenario select: a card per scenario, built-in ones first, then custom folders. A scenario that does
not load is still listed, as a card showing its problems with LINE:COL, so one bad file never breaks the
list (game.play.catalogue); tapping that card opens all its problems in full (`reading`), as "Read more"
under a summary too long for its card opens the whole summary; a tap closes them. Tap a card to play it (`on_pick(scenario)`); Left/Right and Enter work too; Esc goes back
(`on_back`: to the title)."""
from __future__ import annotations

from typing import Callable

import pygame

from game.play.catalogue import Entry
from game.ui import icons
from game.ui import theme as T
from game.ui.widgets import Button, pointer, primary
from game.scenes import Screen, Way, content_rect, primary_rect, secondary_rect, stay

CARD_W, CARD_H, GAP = 540, 660, 48
PER_PAGE = 3


def difficulty(scenario) -> str:
    """Easy, Medium or Hard, from how much there is to map and to tune."""
    work = len(scenario.reference.edges) + 2 * len(scenario.rules)
    return "Easy" if work <= 12 else "Medium" if work <= 22 else "Hard"


def minutes(scenario) -> str:
    return f"about {max(1, round(scenario.kiosk.round_seconds / 60))} min"


class SelectScene(Screen):
    name = "select"

    def __init__(self, app, entries: list[Entry], *, on_pick: Callable[[object], None] = lambda scenario: None,
                 on_back: Way = stay):
        super().__init__(app)
        self.entries = entries
        self.on_pick, self.go_back = on_pick, on_back
        self.focus = next((i for i, e in enumerate(self.entries) if e.scenario is not None), 0)
        self.page = self.focus // PER_PAGE
        self.pressed: int | None = None
        self.chosen = None  # the scenario started (for tests and the autoplay)
        self.reading: tuple[str, list[str]] | None = None  # a title and the texts open in full over the cards
        self.more: dict[int, pygame.Rect] = {}  # card index -> its "Read more" target (a summary cut short)
        self.play_button = Button(primary_rect(), "Play  ▶", self.play_focused, kind="primary")
        self.buttons = [self.play_button, Button(secondary_rect(0), "◀  Back", self.on_back, kind="quiet")]
        self.prev_button = Button(secondary_rect(1), "◀ More", lambda: self.turn(-1))
        self.next_button = Button(secondary_rect(2), "More ▶", lambda: self.turn(1))
        if len(self.entries) > PER_PAGE:
            self.buttons += [self.prev_button, self.next_button]
        self._sync()

    # --- geometry ------------------------------------------------------------------------------
    def card_rects(self) -> dict[int, pygame.Rect]:
        """Index -> rect of the cards on the current page."""
        first = self.page * PER_PAGE
        shown = list(range(first, min(len(self.entries), first + PER_PAGE)))
        total = len(shown) * CARD_W + (len(shown) - 1) * GAP
        area = content_rect()
        x = (T.W - total) // 2
        y = area.top + (area.height - CARD_H) // 2
        return {i: pygame.Rect(x + k * (CARD_W + GAP), y, CARD_W, CARD_H) for k, i in enumerate(shown)}

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.entries) // PER_PAGE))

    # --- actions -------------------------------------------------------------------------------
    def _sync(self) -> None:
        e = self.entries[self.focus] if self.entries else None
        self.play_button.enabled = e is not None and e.scenario is not None
        self.prev_button.enabled = self.page > 0
        self.next_button.enabled = self.page < self.pages - 1

    def turn(self, by: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + by))
        self.reading = None
        self.focus = min(len(self.entries) - 1, self.page * PER_PAGE)
        self._sync()

    def move(self, by: int) -> None:
        if self.entries:
            self.focus = max(0, min(len(self.entries) - 1, self.focus + by))
            self.page = self.focus // PER_PAGE
            self._sync()

    def pick(self, index: int) -> None:
        """Start the scenario of card `index` (a card with problems opens them in full)."""
        self.focus = index
        self._sync()
        entry = self.entries[index]
        if entry.scenario is None:
            n = len(entry.problems)
            self.reading = (f"{entry.path.name}: {n} problem{'s' if n != 1 else ''} (LINE:COL in the file)",
                            list(entry.problems))
        else:
            self.chosen = entry.scenario
            self.on_pick(entry.scenario)

    def play_focused(self) -> None:
        if self.entries:
            self.pick(self.focus)

    def on_back(self) -> None:
        if self.reading is not None:
            self.reading = None
            return
        self.go_back()

    def handle(self, event) -> bool:
        if self.reading is not None:  # the problems in full: any tap or key closes them
            if event.type == pygame.KEYDOWN or (event.type == pygame.MOUSEBUTTONUP and primary(event)):
                self.reading = None
                return True
            return event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEMOTION)
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_LEFT:
                self.move(-1)
                return True
            if event.key == pygame.K_RIGHT:
                self.move(1)
                return True
            return False
        pos = pointer(event)
        if pos is None or not primary(event):
            return False
        hit = next((i for i, r in self.card_rects().items() if r.collidepoint(pos)), None)
        if event.type == pygame.MOUSEMOTION:
            if hit is not None and hit != self.focus and not getattr(event, "touch", False):
                self.focus = hit  # a mouse pointing at a card focuses it, as the arrow keys do
                self._sync()
            return False
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.pressed = hit
            return hit is not None
        if event.type == pygame.MOUSEBUTTONUP:
            was, self.pressed = self.pressed, None
            if hit is not None and hit == was and hit in self.more and self.more[hit].collidepoint(pos):
                self.reading = (self.entries[hit].scenario.title, [self.entries[hit].scenario.summary])
                return True
            if hit is not None and hit == was:
                self.pick(hit)
                return True
        return False

    # --- drawing -------------------------------------------------------------------------------
    def draw(self, surface):
        playable = sum(1 for e in self.entries if e.scenario is not None)
        self.header(surface, "Choose a business to run",
                    "Tap a card to start. You will map the process, set the rules, then watch it run.",
                    right=f"{playable} scenario{'s' if playable != 1 else ''}")
        if not self.entries:
            T.text(surface, "No scenarios found.", (T.W // 2, T.H // 2), T.SIZE_HEAD, T.TEXT_DIM, anchor="center")
        for i, rect in self.card_rects().items():
            entry = self.entries[i]
            if i == self.pressed:
                rect = rect.move(0, 4)  # pushed in under the finger
            if entry.scenario is None:
                self.draw_broken(surface, rect, entry, i == self.focus)
            else:
                self.draw_card(surface, rect, entry, i == self.focus)
        if self.pages > 1:  # a dot per page, under the cards
            y = max(r.bottom for r in self.card_rects().values()) + 34
            x0 = T.W // 2 - (self.pages - 1) * 18
            for k in range(self.pages):
                pygame.draw.circle(surface, T.ACCENT if k == self.page else T.LINE, (x0 + k * 36, y), 9)
        self.draw_buttons(surface)
        if self.reading is not None:
            self.draw_reading(surface, *self.reading)
        self.draw_fade(surface)

    def _frame(self, surface, r, focused: bool, border) -> pygame.Rect:
        T.panel(surface, r, T.PANEL_HI if focused else T.PANEL, radius=26, border=border, width=4 if focused else 2)
        return r

    def draw_card(self, surface, rect, entry: Entry, focused: bool) -> None:
        sc = entry.scenario
        r = self._frame(surface, rect, focused, T.ACCENT if focused else T.LINE)
        icons.badge(surface, sc.domain, (r.left + 92, r.top + 96), 58)
        T.text(surface, icons.NAMES.get(sc.domain, "Operations").upper(), (r.left + 172, r.top + 58),
               T.SIZE_SMALL, T.ACCENT, "semibold")
        T.text(surface, ("Custom  ·  " if entry.custom else "") + minutes(sc), (r.left + 172, r.top + 96),
               T.SIZE_SMALL, T.TEXT_DIM)
        inner = r.inflate(-64, 0)
        y = r.top + 186
        title = T.wrap(sc.title, inner.width, T.SIZE_HEAD - 8, "bold")
        if len(title) > 2:
            title = [title[0], T.ellipsize(" ".join(title[1:]), inner.width, T.SIZE_HEAD - 8, "bold")]
        for line in title:
            T.text(surface, line, (inner.left, y), T.SIZE_HEAD - 8, T.TEXT, "bold")
            y += 50
        y += 14
        lines = T.wrap(sc.summary, inner.width, T.SIZE_SMALL)
        room = max(1, (r.bottom - 120 - y) // 31)
        self.more.pop(self.entries.index(entry), None)
        if len(lines) > room:  # its beginning, and "Read more" (a tap there opens it whole)
            lines = lines[:max(1, room - 1)]
            lines[-1] = T.ellipsize(lines[-1] + " …", inner.width, T.SIZE_SMALL, tap=True)
        for line in lines:
            T.text(surface, line, (inner.left, y), T.SIZE_SMALL, T.TEXT_DIM)
            y += 31
        if len(lines) < len(T.wrap(sc.summary, inner.width, T.SIZE_SMALL)):
            link = T.text(surface, "Read more", (inner.left, y + 2), T.SIZE_SMALL, T.ACCENT, "semibold")
            self.more[self.entries.index(entry)] = link.inflate(40, 64 - link.height)
        # facts along the bottom: difficulty, cards to connect, levers
        level = difficulty(sc)
        dots = {"Easy": 1, "Medium": 2, "Hard": 3}[level]
        fy = r.bottom - 62
        pygame.draw.line(surface, T.LINE, (inner.left, fy - 30), (inner.right, fy - 30), 2)
        x = inner.left
        for k in range(3):
            pygame.draw.circle(surface, T.ORANGE if k < dots else T.LINE, (x + 10 + k * 26, fy), 9)
        x += 90
        x = T.text(surface, level, (x, fy), T.SIZE_SMALL, T.TEXT, "semibold", anchor="midleft").right + 28
        facts = f"{len(sc.reference.edges)} links  ·  {len(sc.rules)} levers"
        T.text(surface, facts, (inner.right, fy), T.SIZE_SMALL, T.TEXT_DIM, anchor="midright")

    def draw_broken(self, surface, rect, entry: Entry, focused: bool) -> None:
        r = self._frame(surface, rect, focused, T.BAD)
        pygame.draw.circle(surface, T.BAD, (r.left + 92, r.top + 96), 58)
        T.text(surface, "!", (r.left + 92, r.top + 96), 80, T.TEXT, "bold", anchor="center")
        T.text(surface, "CAN'T OPEN", (r.left + 172, r.top + 58), T.SIZE_SMALL, T.BAD, "semibold")
        T.text(surface, T.ellipsize(entry.path.name, r.width - 200, T.SIZE_SMALL), (r.left + 172, r.top + 96),
               T.SIZE_SMALL, T.TEXT_DIM)
        inner = r.inflate(-64, 0)
        n = len(entry.problems)
        T.text(surface, f"{n} problem{'s' if n != 1 else ''} to fix", (inner.left, r.top + 186), T.SIZE_HEAD - 8,
               T.TEXT, "bold")
        y = r.top + 258
        bottom = r.bottom - 84
        shown, cut = 0, False
        for p in entry.problems:
            lines = T.wrap(p, inner.width, T.SIZE_SMALL)
            room = (bottom - y) // 34
            if room < 1:
                break
            if len(lines) > room:  # the last one that fits in part: its beginning, and an ellipsis (a tap opens all)
                lines = lines[:room]
                lines[-1] = T.ellipsize(lines[-1] + " …", inner.width, T.SIZE_SMALL, tap=True)
                cut = True
            for line in lines:
                T.text(surface, line, (inner.left, y), T.SIZE_SMALL, T.TEXT_DIM)
                y += 34
            y += 10
            shown += 1
        if shown < n or cut:
            more = f"and {n - shown} more: " if shown < n else ""
            T.text(surface, f"{more}tap to read them all", (inner.left, r.bottom - 60),
                   T.SIZE_SMALL, T.ORANGE, "semibold", anchor="midleft", box=inner)

    def draw_reading(self, surface, title: str, texts: list[str]) -> None:
        """`texts` in full over the cards (a broken file's problems, a long summary), wrapped in two columns
        when they need them; a tap closes them."""
        box = content_rect().inflate(-40, -20)
        T.panel(surface, box, T.PANEL_HI, radius=26, border=T.ACCENT, width=4)
        inner = box.inflate(-64, -48)
        T.text(surface, T.ellipsize(title, inner.width, T.SIZE_BODY, "semibold"), inner.topleft, T.SIZE_BODY,
               T.TEXT, "semibold", box=inner)
        col_w = (inner.width - 48) // 2 if len(texts) > 1 else min(inner.width, 1200)
        x, y, top = inner.left, inner.top + 56, inner.top + 56
        for p in texts:
            lines = T.wrap(p, col_w, T.SIZE_SMALL)
            if y + 32 * len(lines) > inner.bottom - 40 and x == inner.left:
                x, y = inner.left + col_w + 48, top
            if y + 32 * len(lines) > inner.bottom - 40:
                T.lost(p, "no room left in the reading panel")
                continue
            for line in lines:
                T.text(surface, line, (x, y), T.SIZE_SMALL, T.TEXT, box=inner)
                y += 32
            y += 12
        T.text(surface, "Tap anywhere to close", inner.midbottom, T.SIZE_SMALL, T.TEXT_DIM, anchor="midbottom",
               box=inner)
