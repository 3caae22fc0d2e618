"""What the kiosk draws over the screens: the attract band, the round timer, the time's-up moment, a
banner and "Still there?".

- In attract mode a band along the bottom says "Tap to play" on a slowly pulsing pill, today's best score
  (or "Be the first!") on its left and the challenge on its right; above it, for the staff, a line when
  scores cannot be saved on this machine (`NO_SAVING`: the log says why).
- In a visitor's round the timer is a panel with a clock hand, the minutes and seconds left for the phase on
  screen and, under them, what they are for ("0:38" "to build your map"), orange in the last 10 s and
  blinking vermilion in the last 5 (not while the day plays: it always finishes); beside the time the
  round's parts (briefing, map, rules, the day) as wide as their budget, filled as the round goes. It
  sits where each screen leaves room (`timer_rect`).
- The time's-up moment veils the screen: "Time's up!", what happens next, and a bar that empties.
- A banner in the middle says a short line for a few seconds.
- "Still there?" veils the screen and counts its seconds down on a ring that empties.
"""
from __future__ import annotations

import math

import pygame

from game.ui import theme as T
from game.ui.veil import veil
from game.modes.kiosk.budget import TIMES_UP_SECONDS
from game.modes.shared import SPOT_H, SPOT_W, free_spot

TIMER_W, TIMER_H = SPOT_W, SPOT_H  # the round timer: the time and the round's parts, what the time is for under them
NO_SAVING = "Scores can't be saved on this machine right now. Staff: see the log."


def draw_attract(surface, age: float, best, no_saving: bool) -> None:
    """The attract band: "Tap to play" pulsing with `age`, today's `best` score (or None), and the staff's
    line when `no_saving`."""
    band = pygame.Surface((T.W, 200), pygame.SRCALPHA)
    band.fill((*T.BG, 250))
    surface.blit(band, (0, T.H - 200))
    T.covered(surface, (0, T.H - 200, T.W, 200))  # all but opaque: the screen under it does not show through
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
    return free_spot(screen)


def draw_timer(surface, r: pygame.Rect, left: float, words: str, parts, elapsed: float, age: float,
               calm: bool = False) -> None:
    """The round timer in `r`: `left` seconds for what `words` say (the phase on screen), orange in the last
    ten and blinking vermilion in the last five (never when `calm`: the day, which always finishes); beside
    the time the round's `parts` [(phase, seconds)] with the `elapsed` part filled, so the visitor sees
    where they are in the round."""
    secs = max(0, math.ceil(left))
    colour = T.ACCENT if calm else T.BAD if secs <= 5 else T.WARN if secs <= 10 else T.ACCENT
    if not calm and secs <= 5 and int(age * 4) % 2 == 0:
        colour = T.ORANGE
    T.panel(surface, r, T.BG_LIGHT, radius=22, border=colour, width=3)
    cy = r.top + 28
    c = (r.left + 32, cy)
    pygame.draw.circle(surface, colour, c, 16, 3)
    total = max(1.0, sum(s for _, s in parts))
    a = -math.pi / 2 + 2 * math.pi * min(1.0, elapsed / total)
    pygame.draw.line(surface, colour, c, (c[0] + 10 * math.cos(a), c[1] + 10 * math.sin(a)), 3)
    shown = T.text(surface, f"{secs // 60}:{secs % 60:02d}", (r.left + 58, cy), T.SIZE_LABEL, T.TEXT, "bold",
                   anchor="midleft")
    bar_left = shown.right + 16
    draw_parts(surface, pygame.Rect(bar_left, cy - 5, r.right - 20 - bar_left, 10), parts, elapsed, colour)
    T.text(surface, T.ellipsize(words, r.width - 36, T.SIZE_SMALL), (r.left + 18, r.bottom - 24), T.SIZE_SMALL,
           T.TEXT_DIM, anchor="midleft")


def draw_parts(surface, bar: pygame.Rect, parts, elapsed: float, colour) -> None:
    """The round's parts side by side in `bar`, each as wide as its seconds, filled up to `elapsed`."""
    total = max(1.0, sum(s for _, s in parts))
    x = float(bar.left)
    gap = 4
    for _, seconds in parts:
        w = max(0.0, bar.width * seconds / total - gap)
        seg = pygame.Rect(int(x), bar.top, max(2, int(w)), bar.height)
        pygame.draw.rect(surface, T.PANEL_HI, seg, border_radius=4)
        done = min(seconds, max(0.0, elapsed)) / seconds if seconds > 0 else 1.0
        if done > 0:
            pygame.draw.rect(surface, colour, (seg.left, seg.top, max(2, int(seg.width * done)), seg.height),
                             border_radius=4)
        elapsed -= seconds
        x += bar.width * seconds / total


def draw_times_up(surface, left: float, words: str) -> None:
    """The time's-up moment over the veiled screen: what happens next (`words`), `left` seconds on a bar."""
    veil(surface, T.BG, 200)
    box = pygame.Rect(0, 0, 1200, 460)
    box.center = (T.W // 2, T.H // 2)
    T.panel(surface, box, T.PANEL, radius=32, border=T.WARN, width=4)
    T.text(surface, "Time's up!", (box.centerx, box.top + 100), T.SIZE_TITLE, T.TEXT, "bold", anchor="center")
    y = box.top + 200
    for line in T.wrap(words, box.width - 120, T.SIZE_LABEL, "semibold")[:2]:
        T.text(surface, line, (box.centerx, y), T.SIZE_LABEL, T.TEXT, "semibold", anchor="center")
        y += 50
    T.text(surface, "Watch it play out, then see your score.", (box.centerx, y + 12), T.SIZE_BODY, T.TEXT_DIM,
           anchor="center")
    bar = pygame.Rect(box.left + 200, box.bottom - 70, box.width - 400, 14)
    pygame.draw.rect(surface, T.BG_LIGHT, bar, border_radius=7)
    frac = max(0.0, min(1.0, left / TIMES_UP_SECONDS))
    pygame.draw.rect(surface, T.WARN, (bar.left, bar.top, int(bar.width * frac), bar.height), border_radius=7)


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
