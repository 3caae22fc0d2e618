"""The briefing: the scenario's advisors introduce the day, a line at a time, as a conversation.

The cast stands on the left (the one speaking lit up), the day's targets under them; their lines appear
on the right as speech bubbles, typed out. A tap (or Enter, or Space) finishes the line being typed, the
next tap brings the next line; after the last, it goes on (`on_done`: to the map). "Skip" jumps straight
there and Esc goes back (`on_back`: to scenario select).
"""
from __future__ import annotations

import pygame

from game.play.tips import briefing_tip
from game.ui import portraits, words
from game.ui.advisor_panel import AdvisorDesk
from game.ui import theme as T
from game.ui.widgets import Button
from game.scenes import HEADER_H, MARGIN, Screen, Way, primary_rect, secondary_rect, stay

CHARS_PER_SECOND = 55
CAST_W = 480  # the left column
BUBBLE_LEFT = MARGIN + CAST_W + 56


class BriefingScene(Screen):
    name = "briefing"

    def __init__(self, app, rnd, *, on_done: Way = stay, on_back: Way = stay):
        super().__init__(app)
        self.round = rnd
        self.on_done, self.go_back = on_done, on_back
        self.scenario = sc = rnd.scenario
        self.lines = list(sc.briefing)
        self.index = 0  # the line being said
        self.shown = 0.0  # characters of it typed so far
        self.finished = False
        self.next_button = Button(primary_rect(), "Next  ▶", self.advance, kind="primary")
        self.skip_button = Button(secondary_rect(1), "Skip briefing", self.skip, kind="quiet")
        self.back_button = Button(secondary_rect(0), "◀  Back", self.on_back, kind="quiet")
        self.buttons = [self.next_button, self.skip_button, self.back_button]
        # tap an advisor in the cast for a tip on the day (game.play.tips.briefing_tip)
        self.desk = AdvisorDesk(sc, pygame.Rect(MARGIN, HEADER_H, CAST_W, 10),
                                lambda aid: briefing_tip(sc, aid), opens="right", places=self.cast_rects)
        self._label()

    # --- the conversation ----------------------------------------------------------------------
    @property
    def line(self):
        return self.lines[self.index] if self.lines else None

    @property
    def typing(self) -> bool:
        return self.line is not None and self.shown < len(self.line.text)

    def advance(self) -> None:
        """A tap: finish the line being typed, else the next line, else on to the map."""
        if self.typing:
            self.shown = float(len(self.line.text))
        elif self.index + 1 < len(self.lines):
            self.index += 1
            self.shown = 0.0
        else:
            self.finish()
        self._label()

    def skip(self) -> None:
        self.finish()

    def finish(self) -> None:
        if not self.finished:
            self.finished = True
            self.on_done()

    def on_continue(self) -> None:
        self.advance()

    def on_back(self) -> None:
        self.go_back()

    def _label(self) -> None:
        last = self.index + 1 >= len(self.lines)
        self.next_button.label = "Start mapping  ▶" if last and not self.typing else "Next  ▶"

    def handle(self, event) -> bool:
        if self.desk.handle(event):  # an advisor's tip, not the next line
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE:
            self.advance()
            return True
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            self.advance()  # a tap anywhere that no button took
            return True
        return False

    def tick(self, dt):
        if self.typing:
            self.shown = min(len(self.line.text), self.shown + dt * CHARS_PER_SECOND)
            self._label()

    # --- drawing -------------------------------------------------------------------------------
    def advisor(self, advisor_id: str):
        return self.scenario.advisors.get(advisor_id)

    def draw(self, surface):
        sc = self.scenario
        n = len(self.lines)
        self.header(surface, sc.title, f"Briefing: your advisors explain the {words.horizon_noun(sc)}.",
                    right=f"{min(self.index + 1, n)} of {n}" if n else "")
        self.draw_cast(surface)
        self.draw_conversation(surface)
        T.text(surface, "Tap anywhere to continue", (T.W // 2 + 120, primary_rect().centery), T.SIZE_SMALL,
               T.TEXT_DIM, anchor="center")
        self.draw_buttons(surface)
        self.desk.draw(surface)
        self.draw_fade(surface)

    def cast_rects(self) -> dict[str, pygame.Rect]:
        """Each advisor's card in the cast column (the cast shares the column with the targets: each card as
        tall as both allow, 168 px at most)."""
        cast = list(self.scenario.advisors)
        y = HEADER_H + 20
        room = primary_rect().top - 30 - y - self.targets_height() - 10
        h = max(112, min(168, room // max(1, len(cast)) - 20))
        return {aid: pygame.Rect(MARGIN, y + i * (h + 20), CAST_W, h) for i, aid in enumerate(cast)}

    def draw_cast(self, surface) -> None:
        speaking = self.line.advisor if self.line else None
        rects = self.cast_rects()
        y = HEADER_H + 20
        for aid, adv in self.scenario.advisors.items():
            lit = aid == speaking
            box = rects[aid]
            h = box.height
            pic = h - 40
            T.panel(surface, box, T.PANEL_HI if lit else T.BG_LIGHT, radius=22,
                    border=portraits.colour_for(adv.name, adv.colour) if lit else None, width=4)
            img = portraits.portrait(adv, pic, self.scenario.path)
            if not lit:
                img = img.copy()
                img.set_alpha(150)
            surface.blit(img, (box.left + 20, box.top + 20))
            tx = box.left + pic + 42
            T.text(surface, T.ellipsize(adv.name, box.right - tx - 16, T.SIZE_LABEL, "bold"),
                   (tx, box.centery - 48), T.SIZE_LABEL, T.TEXT if lit else T.TEXT_DIM, "bold")
            role_lines = T.wrap(adv.role or "Advisor", box.right - tx - 16, T.SIZE_SMALL)[:2]
            for k, rl in enumerate(role_lines):
                T.text(surface, rl, (tx, box.centery + k * 30), T.SIZE_SMALL, T.TEXT_DIM)
            badge = (box.right - 30, box.top + 30)  # tap me: a tip (self.desk)
            pygame.draw.circle(surface, T.ACCENT, badge, 16)
            T.text(surface, "?", badge, T.SIZE_SMALL, T.BG, "bold", anchor="center")
            y = box.bottom + 20
        self.draw_targets(surface, y + 10)

    def targets_height(self) -> int:
        n = len(self.scenario.objective.targets)
        return 70 + 72 * n if n else 0

    def draw_targets(self, surface, y: int) -> None:
        sc = self.scenario
        targets = sc.objective.targets
        bottom = primary_rect().top - 30
        if not targets or y + 120 > bottom:
            return
        box = pygame.Rect(MARGIN, y, CAST_W, min(bottom - y, self.targets_height()))
        T.panel(surface, box, T.BG_LIGHT, radius=22)
        T.text(surface, "TODAY'S TARGETS", (box.left + 28, box.top + 22), T.SIZE_SMALL, T.ACCENT, "semibold")
        ty = box.top + 66
        for t in targets:
            if ty + 60 > box.bottom:
                break
            T.text(surface, T.ellipsize(words.label(t.kpi, sc), box.width - 56, T.SIZE_SMALL),
                   (box.left + 28, ty), T.SIZE_SMALL, T.TEXT_DIM)
            T.text(surface, words.target_text(t, sc), (box.left + 28, ty + 30), T.SIZE_BODY, T.TEXT, "semibold")
            ty += 72

    def bubble_height(self, text: str, size: int, width: int) -> int:
        return portraits.bubble_height(text, width + 2 * portraits.BUBBLE_PAD, size)

    def draw_conversation(self, surface) -> None:
        if not self.lines:
            return
        left, right = BUBBLE_LEFT, T.W - MARGIN
        text_w = right - left - 140 - 56
        top, bottom = HEADER_H + 20, primary_rect().top - 40
        # the current line at full size, earlier ones smaller above it, as many as fit
        items = []
        for k in range(self.index, -1, -1):
            current = k == self.index
            size = T.SIZE_LABEL + 4 if current else T.SIZE_BODY
            h = self.bubble_height(self.lines[k].text, size, text_w)
            if current and h > bottom - top:  # a very long line: smaller type rather than cut off
                size = T.SIZE_BODY
                h = self.bubble_height(self.lines[k].text, size, text_w)
            items.append((k, size, h))
        y = top
        heights = [h + 24 for _, _, h in items]
        while len(items) > 1 and sum(heights) > bottom - top:  # the oldest lines scroll away first
            items.pop()
            heights.pop()
        for k, size, h in reversed(items):
            self.draw_bubble(surface, pygame.Rect(left, y, right - left, h), self.lines[k], size, text_w,
                             current=k == self.index)
            y += h + 24

    def draw_bubble(self, surface, rect, line, size: int, text_w: int, current: bool) -> None:
        adv = self.advisor(line.advisor)
        portraits.speech_bubble(surface, rect, adv or line.advisor, line.text, scenario_path=self.scenario.path,
                                size=size, portrait_size=104 if current else 80, indent=140, current=current,
                                shown=int(self.shown) if current else None, role=False)
