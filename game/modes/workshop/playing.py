"""The team playing, named on every screen of its turn, where that screen leaves room for it.

Teams take turns on one machine, so each screen of a turn (scenario select, briefing, map, rules, run,
results) says whose turn it is; the workshop's layer (game.modes.workshop.mode) draws it over the screen
on top, never by editing the screen. Where it goes, per screen, so that it covers nothing:

- the map and the run: the corner each leaves for a mode's panel (game.modes.shared.free_spot, where a
  kiosk draws its round timer; a workshop round has none);
- the rules, the results and scenario select: the gap those screens leave, level with their buttons,
  between the secondary buttons (at most three: they end at x 1012) and the primary one (from x 1416);
- the briefing, whose bottom gap holds "Tap anywhere to continue": a pill under the header's right text
  ("1 of 4"), in the 420 px the header keeps free of its title and subtitle.

The badge says "PLAYING NOW" over the team's name, as large as fits (34 px down to the reading size); a
name too long for one line at the reading size takes two, the label then left out (`name_lines`, which
the teams' cards and the results board use too).
"""
from __future__ import annotations

import pygame

from game.modes.shared import SPOT_H, SPOT_W, free_spot
from game.scenes import MARGIN, primary_rect
from game.ui import theme as T

#: the screens of a team's turn, by name, and how each is marked
SHOWN_ON = ("select", "briefing", "map", "rules", "run", "results")
HEADER_RIGHT_W = 420  # what the header keeps free of its title and subtitle on its right (Screen.header)
LABEL = "PLAYING NOW"


def badge_rect(screen: str) -> pygame.Rect | None:
    """Where the badge goes on the screen called `screen` (None: not a screen of a turn)."""
    if screen not in SHOWN_ON:
        return None
    if screen == "briefing":
        return pygame.Rect(T.W - MARGIN - HEADER_RIGHT_W, 96, HEADER_RIGHT_W, 40)
    if screen in ("map", "run"):
        return free_spot(screen)
    buttons = primary_rect()
    return pygame.Rect(buttons.left - 24 - SPOT_W, buttons.centery - SPOT_H // 2, SPOT_W, SPOT_H)


def draw_playing(surface, team: str, screen: str) -> pygame.Rect | None:
    """The badge naming `team` on the screen called `screen`; the rect drawn (None when not shown there)."""
    spot = badge_rect(screen)
    if spot is None:
        return None
    if spot.height < SPOT_H:  # the briefing's pill, as wide as its words, at the right of its room
        return _pill(surface, team, spot)
    T.panel(surface, spot, T.BG_LIGHT, radius=22, border=T.PURPLE, width=3)
    size, lines = name_lines(team, spot.width - 36, T.SIZE_LABEL)
    if len(lines) == 1:
        T.text(surface, LABEL, (spot.left + 18, spot.top + 24), T.SIZE_SMALL, T.ACCENT, "semibold", anchor="midleft")
        T.text(surface, lines[0], (spot.left + 18, spot.bottom - 28), size, T.TEXT, "bold", anchor="midleft")
        return spot
    for i, line in enumerate(lines):
        T.text(surface, line, (spot.left + 18, spot.centery + (i - 0.5) * 32), size, T.TEXT, "bold",
               anchor="midleft")
    return spot


def name_lines(name: str, width: int, largest: int) -> tuple[int, list[str]]:
    """A team's name in `width` px: one line at the largest size that fits (from `largest` down to the
    reading size), else two lines at the reading size, the second shortened only when even two are too
    few (a name has at most 40 characters). The size and the lines, in bold."""
    size = T.fit(name, width, largest, "bold")
    if T.font(size, "bold").size(name)[0] <= width:
        return size, [name]
    lines = T.wrap(name, width, T.SIZE_SMALL, "bold")
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return T.SIZE_SMALL, [T.ellipsize(line, width, T.SIZE_SMALL, "bold") for line in lines]


def _pill(surface, team: str, room: pygame.Rect) -> pygame.Rect:
    label = f"Playing: {team}"
    size = T.fit(label, room.width - 40, T.SIZE_SMALL, "semibold")
    shown = T.ellipsize(label, room.width - 40, size, "semibold")
    w = T.font(size, "semibold").size(shown)[0] + 40
    r = pygame.Rect(room.right - w, room.top, w, room.height)
    T.panel(surface, r, T.BG_LIGHT, radius=20, border=T.PURPLE)
    T.text(surface, shown, r.center, size, T.TEXT, "semibold", anchor="center")
    return r
