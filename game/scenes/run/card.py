"""The end-of-day card over the board: the day over and its results being tallied, or the day stopped.

A day over says "That's the day!", then how the results run is getting on (its days done of the total,
and a bar) until the results are ready, or what went wrong. A day that could not finish gets a taller
card with a warning border (`end_rect(stuck=True)`: room for five lines of why): why, in the player's
words (game.scenes.run.stuck), when it stopped, and its two ways on, "Back to the map" and "See the
results".
"""
from __future__ import annotations

import pygame

from game.scenes.run.regions import BOARD_RECT
from game.ui import theme as T


def end_rect(stuck: bool) -> pygame.Rect:
    """The end-of-day card: taller when it must explain why the day could not finish."""
    w, h = (1100, 500) if stuck else (840, 300)  # stuck: room for five lines of why
    return pygame.Rect(BOARD_RECT.centerx - w // 2, BOARD_RECT.centery - h // 2, w, h)


def draw_day_over(surface, error: str | None, tallied: bool, progress: tuple[int, int]) -> None:
    """The card of a day that ended: the results run's progress, or its error."""
    box = end_rect(False)
    T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.ACCENT, width=3)
    T.text(surface, "That's the day!", (box.centerx, box.top + 40), T.SIZE_HEAD, T.TEXT, "bold", anchor="midtop")
    done, total = progress
    if error:
        msg = T.ellipsize(error, box.width - 80, T.SIZE_BODY)
    elif tallied:
        msg = "Results ready."
    else:
        msg = f"That was day 1 of {total}: the results measure all {total} days… {done}/{total}" if total else \
            "The results measure more days like it…"
    T.text(surface, msg, (box.centerx, box.top + 130), T.SIZE_BODY, T.TEXT_DIM, anchor="midtop")
    bar = pygame.Rect(box.left + 60, box.top + 200, box.width - 120, 18)
    pygame.draw.rect(surface, T.PANEL, bar, border_radius=9)
    frac = 1.0 if tallied else (done / total if total else 0.05)
    pygame.draw.rect(surface, T.ACCENT, (bar.left, bar.top, int(bar.width * frac), bar.height), border_radius=9)


def draw_stuck(surface, why: str, when: str, buttons) -> None:
    """The day that cannot finish: `why`, in the player's words, `when` it stopped, and the ways on."""
    box = end_rect(True)
    T.panel(surface, box, T.BG_LIGHT, radius=24, border=T.WARN, width=4)
    T.text(surface, "This day cannot finish", (box.centerx, box.top + 36), T.SIZE_HEAD, T.TEXT, "bold",
           anchor="midtop")
    T.paragraph(surface, why, pygame.Rect(box.left + 60, box.top + 112, box.width - 120, 200), T.SIZE_BODY, T.TEXT)
    T.text(surface, f"It stopped {when}. The results show what ran until then.",
           (box.centerx, box.bottom - 168), T.SIZE_SMALL, T.TEXT_DIM, anchor="midtop")
    for b in buttons:
        b.draw(surface)
