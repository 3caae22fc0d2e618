"""The strip's read-outs along the bottom of the run: the staff at work, today's numbers, the pause sign.

Staff show per pool as its name, "busy of staffed", and a figure per person (`figure`: filled when
busy, outlined when idle, shape as well as colour); when the pools' rows of figures do not fit the
strip's height, the biggest pools are drawn as bars instead. Today's numbers (`live_rows`) are the
arrivals, the scenario's first two targets with a tick or a cross (or, without targets, the service
level and the share giving up), and the profit, from the watched day's KPIs so far. The pause button
carries the usual signs, two bars or a triangle, rather than words.
"""
from __future__ import annotations

from functools import lru_cache

import pygame

from game.scenes.run.regions import STAFF_X, STRIP, TODAY_W, TODAY_X
from game.ui import theme as T
from game.ui import words


@lru_cache(maxsize=2)
def figure(busy: bool) -> pygame.Surface:
    """A member of staff: filled when busy, outlined when idle (shape as well as colour)."""
    img = pygame.Surface((18, 24), pygame.SRCALPHA)
    colour = T.ORANGE if busy else T.TEXT_DIM
    w = 0 if busy else 2
    pygame.draw.circle(img, colour, (9, 6), 5, w)
    pygame.draw.rect(img, colour, (2, 12, 14, 12), w, border_top_left_radius=7, border_top_right_radius=7)
    return img


def draw_pause_icon(surface, centre, paused: bool) -> None:
    """Pause as two bars, play as a triangle: the usual signs, no words to squeeze in."""
    c = centre
    if paused:
        pygame.draw.polygon(surface, T.YELLOW, [(c[0] - 12, c[1] - 16), (c[0] - 12, c[1] + 16), (c[0] + 16, c[1])])
    else:
        pygame.draw.rect(surface, T.TEXT, (c[0] - 13, c[1] - 15, 9, 30), border_radius=2)
        pygame.draw.rect(surface, T.TEXT, (c[0] + 4, c[1] - 15, 9, 30), border_radius=2)


def draw_staff(surface, scenario, busy_counts: dict, x: int, y: int) -> int:
    """Per pool: its name, busy of staffed, and a figure per person (filled: busy; outlined: idle);
    a pool too big for the room left is a bar instead. Returns the height below them."""
    width = TODAY_X - STAFF_X - 40
    right = x + width
    per_row = width // 22
    pools = []
    for pid, pool in scenario.resources.items():
        busy, staff = busy_counts.get(pid, (0, pool.count))
        pools.append([pool, busy, staff, max(1, -(-max(staff, busy) // per_row))])
    room = STRIP.bottom - 12 - y
    while sum(32 + p[3] * 26 for p in pools) > room and any(p[3] > 0 for p in pools):
        biggest = max(pools, key=lambda p: p[3])
        biggest[3] = 0  # drawn as a bar (as tall as a row of figures)
        if all(p[3] == 0 for p in pools):
            break
    for pool, busy, staff, rows in pools:
        count = f"{busy} busy of {staff}"
        cw = T.font(T.SIZE_SMALL, "semibold").size(count)[0]
        T.text(surface, T.ellipsize(pool.label, width - cw - 16, T.SIZE_SMALL, "semibold"), (x, y),
               T.SIZE_SMALL, T.TEXT, "semibold")
        T.text(surface, count, (right, y), T.SIZE_SMALL, T.ORANGE if busy >= staff > 0 else T.TEXT_DIM,
               "semibold", anchor="topright")
        fy = y + 32
        if rows:
            for k in range(max(staff, busy)):
                r, c = divmod(k, per_row)
                surface.blit(figure(k < busy), (x + c * 22, fy + r * 26))
        else:
            bar = pygame.Rect(x, fy + 2, width, 20)
            pygame.draw.rect(surface, T.BG_LIGHT, bar, border_radius=6)
            pygame.draw.rect(surface, T.ORANGE, (x, fy + 2, int(width * busy / max(1, staff, busy)), 20),
                             border_radius=6)
        y += 32 + max(1, rows) * 26 + 4
    return y


def live_rows(kpis: dict, scenario) -> list[tuple[str, str, tuple]]:
    """Today's numbers: arrivals, the scenario's targets (or waiting and giving up), profit."""
    k, sc = kpis, scenario
    rows = [(words.label("arrivals", sc), f"{k.get('arrivals', 0):,.0f}", T.TEXT)]
    targets = list(sc.objective.targets)[:2]
    if not targets:
        names = [("service_level", None), ("abandon_rate", None)]
    else:
        names = [(t.kpi, t) for t in targets]
    for name, t in names:
        v = k.get(name)
        if v is None:
            continue
        base = name.split(".")[0]
        text = f"{v * 100:.0f} %" if base in words.SHARES else words.value(name, v, sc)
        colour = T.TEXT
        if t is not None:
            colour = T.GREEN if t.met(v) else T.ORANGE
            text += " ✓" if t.met(v) else " ✗"
        rows.append((words.label(name, sc), text, colour))
    rows.append(("Profit", T.money(k.get("profit", 0.0), sc.currency), T.TEXT))
    return rows[:4]


def draw_live(surface, rows, heading: str, x: int, y: int) -> None:
    """`heading` ("So far", "Today") over today's numbers, label left and value right."""
    right = x + TODAY_W - 24
    T.text(surface, heading, (x, y), T.SIZE_SMALL, T.TEXT, "bold")
    y += 38
    for label, value, colour in rows:
        vw = T.font(T.SIZE_SMALL, "semibold").size(value)[0]
        T.text(surface, T.ellipsize(label, right - x - vw - 12, T.SIZE_SMALL), (x, y), T.SIZE_SMALL, T.TEXT_DIM)
        T.text(surface, value, (right, y), T.SIZE_SMALL, colour, "semibold", anchor="topright")
        y += 34
