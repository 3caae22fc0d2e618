"""What "Check my map" shows: the map's problems in words, or the score panel of a counted attempt.

A map that cannot run (engine.maps.map_problems: a port with no link, a card nothing reaches...) uses no
attempt: the first two problems are said in a box at the board's bottom right (`draw_problems`) and the
editor rings their cards, ports and links until the next change. A runnable map is an attempt
(engine.maps.Attempts): the `ScorePanel` opens over the dimmed screen with the attempt's number, its
score out of 100 as a number and a bar, the links right, missing and extra, and up to two of the
advisors' hints in speech bubbles, each from the advisor the hint names (or, without hints, a line of
advice or praise). The panel is as tall as what it says. Its buttons: "Improve my map" and "Go on with
my best map" while attempts remain; after the last attempt one button, "Continue" for a perfect map,
else "Compare with the expert" (the editor then shows the reveal).
"""
from __future__ import annotations

from typing import Callable

import pygame

from engine.maps import Attempt, Attempts

from game.scenes.mapeditor.regions import BOARD
from game.ui import portraits, words
from game.ui import theme as T
from game.ui.veil import veil
from game.ui.widgets import Button

PANEL_W = 1040


def bubble_height(width: int, text: str, size: int = T.SIZE_BODY) -> int:
    """The height of an advisor's speech bubble for `text` in a rect `width` wide."""
    return portraits.bubble_height(text, width - 116, size)


def draw_problems(surface, problems: list) -> None:
    """The first two problems of a check in a box at the board's bottom right, and how many more."""
    msgs = [p.message for p in problems[:2]]
    more = len(problems) - len(msgs)
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


class ScorePanel:
    """The score of the last attempt, over the board. `on_again` closes it (to improve the map, or after
    the last attempt to go on); `on_keep` goes on with the best map."""

    def __init__(self, scenario, attempts: Attempts, on_again: Callable[[], None], on_keep: Callable[[], None]):
        self.scenario = scenario
        self.attempts = attempts
        self.attempt: Attempt | None = None  # the last one checked
        self.is_open = False
        fb = self.rect()
        self.b_again = Button((fb.right - 40 - 460, fb.bottom - 114, 460, 84), "Improve my map", on_again,
                              kind="primary")
        self.b_keep = Button((fb.left + 40, fb.bottom - 114, 460, 84), "Go on with my best map", on_keep,
                             kind="quiet")

    def open(self, attempt: Attempt) -> None:
        """Show `attempt` (just counted)."""
        self.attempt = attempt
        self.is_open = True
        fb = self.rect()
        self.b_again.rect.update(fb.right - 40 - 460, fb.bottom - 114, 460, 84)
        self.b_keep.rect.update(fb.left + 40, fb.bottom - 114, 460, 84)
        if self.attempts.finished:
            self.b_again.label = "Compare with the expert" if attempt.score < 100 else "Continue"
        else:
            self.b_again.label = "Improve my map"

    def close(self) -> None:
        self.is_open = False

    def buttons(self) -> list[Button]:
        return [self.b_again] if self.attempts.finished else [self.b_again, self.b_keep]

    def lines(self) -> list:
        """The advisors' lines the panel shows (one per hint, at most two)."""
        if self.attempt is None:
            return []
        out = []
        for hint in self.attempt.hints[:2]:
            line = hint.lines[0] if hint.lines else None
            if line is not None and line.advisor in self.scenario.advisors:
                out.append(line)
        return out

    def rect(self) -> pygame.Rect:
        """The panel, as tall as what it says."""
        width = PANEL_W
        h = 300  # attempt, score, bar, counts
        lines = self.lines()
        h += sum(bubble_height(width - 80, line.text) + 24 for line in lines)
        if not lines:
            h += 120  # a line or two of advice or praise
        h += 130  # the buttons
        h = min(h, T.H - 80)
        return pygame.Rect(T.W // 2 - width // 2, (T.H - h) // 2, width, h)

    def draw(self, surface) -> None:
        veil(surface)
        box = self.rect()
        T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.LINE, width=3)
        if self.attempt is None:
            return
        y = self._draw_score(surface, box)
        for line in self.lines():
            adv = self.scenario.advisors[line.advisor]
            h = portraits.speech_bubble(surface, pygame.Rect(box.left + 40, y, box.width - 80, 200), adv,
                                        line.text, scenario_path=self.scenario.path)
            y += h + 24
        if not self.lines():
            if self.attempt.score == 100:
                note = ("Every piece of work has its way through. Next: set the rules and run the "
                        f"{words.horizon_noun(self.scenario)}.")
            else:
                note = "Look at every port: where should each kind of work go next?"
            T.paragraph(surface, note, pygame.Rect(box.left + 40, y, box.width - 80, 90), T.SIZE_BODY, T.TEXT_DIM)
        for b in self.buttons():
            b.draw(surface)

    def _draw_score(self, surface, box: pygame.Rect) -> int:
        """The attempt's number, score, bar, verdict and link counts; returns the height below them."""
        a, last = self.attempts, self.attempt
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
        return y + 60
