"""What the kiosk draws over the screens: the attract band, the round timer, the time's-up banner and
"Still there?".

- In attract mode a band along the bottom says "Tap to play" on a slowly pulsing pill, today's best score
  (or "Be the first!") on its left and the challenge on its right; above it, for the staff, a line when
  scores cannot be saved on this machine (`NO_SAVING`: the log says why).
- In a visitor's round the timer is a pill with a clock hand and the minutes and seconds left, orange
  from 30 s and blinking vermilion in the last 10; it sits where each screen leaves room (`timer_rect`).
- A banner in the middle says a short line ("Time's up! ...") for a few seconds.
- "Still there?" veils the screen and counts its seconds down on a ring that empties.
"""
from __future__ import annotations

import math

import pygame

from game.ui import theme as T
from game.ui.veil import veil
from game.ui.widgets import MIN_TARGET

NO_SAVING = "Scores can't be saved on this machine right now. Staff: see the log."


def draw_attract(surface, age: float, best, no_saving: bool) -> None:
    """The attract band: "Tap to play" pulsing with `age`, today's `best` score (or None), and the staff's
    line when `no_saving`."""
    band = pygame.Surface((T.W, 200), pygame.SRCALPHA)
    band.fill((*T.BG, 250))
    surface.blit(band, (0, T.H - 200))
    pygame.draw.line(surface, T.ACCENT, (0, T.H - 200), (T.W, T.H - 200), 3)
    pulse = 0.5 + 0.5 * math.sin(age * 3.0)
    pill = pygame.Rect(0, 0, 560, 120)
    pill.center = (T.W // 2, T.H - 100)
    fill = tuple(int(a + (b - a) * pulse * 0.35) for a, b in zip(T.BLUE, T.SKY))
    T.panel(surface, pill, fill, radius=60, border=T.SKY, width=3)
    T.text(surface, "Tap to play", pill.center, 60, T.TEXT, "bold", anchor="center")
    left = pill.left - 60
    T.text(surface, "TODAY'S BEST", (left, T.H - 138), T.SIZE_SMALL, T.ACCENT, "semibold", anchor="topright")
    if best is not None:
        from game.modes.kiosk.boards import profit_text

        T.text(surface, f"{best.initials}  {profit_text(best.profit, best.scenario)}", (left, T.H - 100),
               T.SIZE_HEAD, T.TEXT, "bold", anchor="topright")
    else:
        T.text(surface, "Be the first!", (left, T.H - 100), T.SIZE_HEAD - 8, T.TEXT, "bold", anchor="topright")
    right = pill.right + 60
    T.text(surface, "A 3-minute challenge", (right, T.H - 138), T.SIZE_SMALL, T.ACCENT, "semibold")
    T.text(surface, "Can you beat par?", (right, T.H - 100), T.SIZE_HEAD - 8, T.TEXT, "bold")
    if no_saving:
        draw_no_saving(surface)


def draw_no_saving(surface) -> None:
    """For the staff: the database could not be opened (the log says why), so no score is kept."""
    r = pygame.Rect(0, 0, 1240, 64)
    r.midbottom = (T.W // 2, T.H - 220)
    T.panel(surface, r, T.PANEL_HI, radius=32, border=T.WARN, width=3)
    T.text(surface, NO_SAVING, r.center, T.SIZE_BODY, T.TEXT, "semibold", anchor="center")


def timer_rect(screen: str) -> pygame.Rect:
    """Where the round timer sits on the `screen` of that name: in a corner that screen leaves free."""
    if screen == "map":  # between the editing buttons and "Check my map"
        return pygame.Rect(1160, 985, 230, MIN_TARGET)  # level with its buttons
    if screen == "run":  # the board's top-left corner, under the title
        return pygame.Rect(28, 116, 230, MIN_TARGET)
    return pygame.Rect(1300, 38, 230, MIN_TARGET)  # in the header, between the title and its right


def draw_timer(surface, r: pygame.Rect, left: float, total: float, age: float) -> None:
    """The round timer in `r`: `left` of `total` seconds, blinking with `age` in the last ten."""
    secs = max(0, math.ceil(left))
    colour = T.BAD if secs <= 10 else T.WARN if secs <= 30 else T.ACCENT
    if secs <= 10 and int(age * 4) % 2 == 0:
        colour = T.ORANGE
    T.panel(surface, r, T.BG_LIGHT, radius=r.height // 2, border=colour, width=3)
    c = (r.left + 36, r.centery)
    pygame.draw.circle(surface, colour, c, 20, 3)
    a = -math.pi / 2 + 2 * math.pi * (1 - left / max(1.0, total))
    pygame.draw.line(surface, colour, c, (c[0] + 13 * math.cos(a), c[1] + 13 * math.sin(a)), 3)
    T.text(surface, f"{secs // 60}:{secs % 60:02d}", (r.left + 70, r.centery), T.SIZE_LABEL + 4, T.TEXT, "bold",
           anchor="midleft")
    T.text(surface, "left", (r.right - 22, r.centery + 2), T.SIZE_SMALL, T.TEXT_DIM, anchor="midright")


def draw_banner(surface, text: str) -> None:
    r = pygame.Rect(0, 0, 1100, 110)
    r.center = (T.W // 2, T.H // 2)
    T.panel(surface, r, T.PANEL_HI, radius=26, border=T.WARN, width=4)
    T.text(surface, text, r.center, T.SIZE_HEAD, T.TEXT, "bold", anchor="center")


def draw_still_there(surface, countdown: float | None, total: float) -> None:
    """"Still there?" over the veiled screen, `countdown` of `total` seconds left on a ring."""
    veil(surface, T.BG, 215)
    box = pygame.Rect(0, 0, 1000, 520)
    box.center = (T.W // 2, T.H // 2)
    T.panel(surface, box, T.PANEL, radius=32, border=T.ACCENT, width=4)
    T.text(surface, "Still there?", (box.centerx, box.top + 90), T.SIZE_TITLE, T.TEXT, "bold", anchor="center")
    secs = max(0, math.ceil(countdown or 0))
    c = (box.centerx, box.top + 270)
    pygame.draw.circle(surface, T.BG_LIGHT, c, 88)
    frac = (countdown or 0) / max(0.1, total)
    if frac > 0:
        rect = pygame.Rect(0, 0, 176, 176)
        rect.center = c
        pygame.draw.arc(surface, T.WARN, rect, math.pi / 2, math.pi / 2 + 2 * math.pi * frac, 12)
    T.text(surface, str(secs), c, 84, T.TEXT, "bold", anchor="center")
    T.text(surface, "Tap anywhere to keep playing.", (box.centerx, box.bottom - 110), T.SIZE_LABEL, T.TEXT,
           "semibold", anchor="center")
    T.text(surface, "Otherwise this round ends and the game starts over.", (box.centerx, box.bottom - 60),
           T.SIZE_BODY, T.TEXT_DIM, anchor="center")
