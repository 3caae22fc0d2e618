"""The what-if screen's right side: the two settings' days side by side, and what differs.

Drawn from the scene's state (game.modes.demo.whatif): the profit of each column and its composition,
each column's hourly chart of the number waiting (the same scale for both, so the eye compares heights),
the KPIs in rows with the change, better in green and worse in orange. While the what-if numbers are not
for the levers as they stand, its column and chart are dimmed under a mark that says so, and the line
under the table says what is happening (running the new setting, or press Run both).
"""
from __future__ import annotations

import math

import pygame

from game.ui import charts
from game.ui import theme as T
from game.ui import words

MAX_ROWS = 5
CHART_H = 300  # a day's chart and its money's composition under it
ROW_MIN = 46  # a KPI row's least height: fewer rows rather than crowded ones
COL_W = 230  # a number column's width: "124,379 USD" in bold
CHANGE_W = 180  # the change column's
GAP = 24
A_COLOUR, B_COLOUR = T.TEXT_DIM, T.ACCENT


def change_text(name: str, d: float, scenario) -> tuple[str, tuple]:
    """'▲ 1,204 USD' in green when better, orange when worse, 'same' dimmed."""
    if math.isnan(d) or abs(d) < (0.5 if name == "profit" else 1e-9):
        return "same", T.TEXT_DIM
    good = d > 0 if words.higher_is_better(name) else d < 0
    return f"{'▲' if d > 0 else '▼'} {words.value(name, abs(d), scenario)}", T.GOOD if good else T.WARN


def draw(surface, scene, box: pygame.Rect) -> None:
    T.panel(surface, box, T.PANEL, radius=24, border=T.ACCENT, width=3)
    if scene.results is None:
        _draw_waiting(surface, scene, box)
        return
    x0, inner = box.left + 32, box.width - 64
    b_right = x0 + inner - CHANGE_W - GAP
    cols = (b_right - COL_W - GAP, b_right, x0 + inner)  # right edges: as set, what if, change
    stale = scene.stale
    y = box.top + 28
    heads = ("As set", "What if: old" if stale else "What if", "Change")
    for right, title, colour in zip(cols, heads, (T.ACCENT, T.WARN if stale else T.ACCENT, T.ACCENT)):
        T.text(surface, title, (right, y), T.SIZE_BODY, colour, "semibold", anchor="topright")
    y += 52
    shaded = [pygame.Rect(cols[0] + GAP // 2, y, cols[2] + 16 - cols[0] - GAP // 2, 50)]
    y = _draw_profit(surface, scene, x0, inner, cols, y)
    chart_b = _draw_charts(surface, scene, pygame.Rect(x0, y + 8, inner, CHART_H))
    y = (chart_b.bottom if chart_b else y) + 12
    bottom = box.bottom - 84
    _draw_rows(surface, scene, x0, inner, cols, y, bottom)
    if stale:
        shaded += [pygame.Rect(cols[0] + GAP // 2, y, cols[2] + 16 - cols[0] - GAP // 2, bottom - y)] + ([chart_b] if chart_b else [])
        for r in shaded:
            shade = pygame.Surface(r.size, pygame.SRCALPHA)
            shade.fill((*T.PANEL, 170))
            surface.blit(shade, r.topleft)
    _draw_note(surface, scene, pygame.Rect(x0, bottom + 8, inner, 70), stale)


def _draw_waiting(surface, scene, box) -> None:
    x0, inner = box.left + 32, box.width - 64
    msg = ("The days could not be run: " + scene.error) if scene.error else "Running both settings on the same days…"
    T.paragraph(surface, msg, pygame.Rect(x0, box.top + 60, inner, 200), T.SIZE_LABEL,
                T.BAD if scene.error else T.TEXT, "semibold")
    if scene.error:
        return
    for i in range(3):
        r = 12 + 6 * max(0.0, math.sin(scene.age * 3 - i * 0.6))
        pygame.draw.circle(surface, T.ACCENT, (box.centerx - 60 + i * 60, box.top + 300), int(r))
    if scene.job is not None and scene.job.elapsed >= 5.0:
        T.text(surface, f"Still running: {scene.job.elapsed:.0f} s", (box.centerx, box.top + 360),
               T.SIZE_SMALL, T.TEXT_DIM, anchor="center")


def _draw_profit(surface, scene, x0, inner, cols, y) -> int:
    sc = scene.scenario
    a, b = scene.results
    (pa, _), (pb, _) = scene.headlines()
    T.text(surface, "Profit", (x0, y + 24), T.SIZE_LABEL, T.TEXT, "bold", anchor="midleft")
    for right, shown, colour in ((cols[0], pa, T.TEXT_DIM), (cols[1], pb, T.TEXT)):
        T.text(surface, shown, (right, y + 24), T.fit(shown, COL_W, T.SIZE_LABEL, "bold"), colour, "bold",
               anchor="midright")
    change, colour = change_text("profit", b.mean("profit") - a.mean("profit"), sc)
    T.text(surface, change, (cols[2], y + 24), T.fit(change, CHANGE_W, T.SIZE_BODY, "semibold"), colour, "semibold",
           anchor="midright")
    return y + 56


def _draw_charts(surface, scene, rect: pygame.Rect) -> pygame.Rect | None:
    """Each setting's day side by side: its waiting hour by hour (one scale for both, so the eye compares
    heights), its money's composition under it. Returns the what-if side's rect (None: no charts)."""
    if scene.hourly is None:
        return None
    ha, hb = scene.hourly
    top = max([v for h in (ha, hb) for v in h.queue if v is not None and math.isfinite(v)] + [1.0])
    w = (rect.width - 28) // 2
    per = ha.per
    sentences = [s for _, s in scene.headlines()]
    lines = max(len(T.wrap(s, w, T.SIZE_SMALL)) for s in sentences)
    line_h = int(T.SIZE_SMALL * 1.2)
    below = lines * line_h + 10  # the compositions whole, the chart takes the rest
    r = rect
    for k, (h, name, colour) in enumerate(((ha, "As set", A_COLOUR), (hb, "What if", B_COLOUR))):
        r = pygame.Rect(rect.left + k * (w + 28), rect.top, w, rect.height)
        chart = pygame.Rect(r.left, r.top, w, r.height - below)
        charts.line_chart(surface, chart, [(name, h.queue, colour)], h.labels,
                          title=f"{name}: waiting, by {per}", y_min=0.0, y_max=top * 1.05,
                          y_fmt=lambda v: f"{v:g}")
        T.paragraph(surface, sentences[k], pygame.Rect(r.left, chart.bottom + 6, w, below), T.SIZE_SMALL,
                    T.TEXT_DIM, spacing=1.2)
    return r


def _draw_rows(surface, scene, x0, inner, cols, y, bottom) -> None:
    sc = scene.scenario
    a, b = scene.results
    rows = [n for n in scene.rows() if n in a.summary]
    row_h = max(ROW_MIN, min(64, (bottom - y) // max(1, len(rows))))
    rows = rows[:max(0, (bottom - y) // max(1, row_h))]
    for i, name in enumerate(rows):
        va, vb = a.mean(name), b.mean(name)
        cy = y + row_h // 2
        if i % 2 == 0:
            T.panel(surface, pygame.Rect(x0 - 16, y + 2, inner + 32, row_h - 4), T.BG_LIGHT, radius=10)
        drawn = []
        for right, v, colour, weight in ((cols[0], va, T.TEXT_DIM, "regular"), (cols[1], vb, T.TEXT, "bold")):
            shown = words.value(name, v, sc)
            drawn.append(T.text(surface, shown, (right, cy), T.fit(shown, COL_W, T.SIZE_BODY, weight), colour, weight,
                                anchor="midright"))
        label = words.label(name, sc)
        room = drawn[0].left - GAP - x0  # the label may take what the number left of its column
        size = T.fit(label, room, T.SIZE_BODY)
        T.text(surface, T.ellipsize(label, room, size), (x0, cy), size, T.TEXT, anchor="midleft")
        change, colour = change_text(name, vb - va, sc)
        T.text(surface, change, (cols[2], cy), T.fit(change, CHANGE_W, T.SIZE_SMALL, "semibold"), colour, "semibold",
               anchor="midright")
        y += row_h


def note_text(scene) -> str:
    """The line under the table: what the numbers are, or why the what-if ones are not yet for the levers."""
    a = scene.results[0]
    if scene.error and scene.job is None:
        return "The new setting could not be run: " + scene.error
    if scene.stale:
        if scene.job is not None:
            return "Levers moved: the What if numbers are for the previous setting. Running the new one…"
        return "Levers moved: the What if numbers are for the previous setting. Press Run both."
    return (f"Both columns: {words.evaluation_runs(scene.scenario, a.replications)} "
            f"(seed {a.seed}), the same arrivals at the same moments; only the rules differ.")


def _draw_note(surface, scene, rect, stale) -> None:
    T.paragraph(surface, note_text(scene), rect, T.SIZE_SMALL, T.WARN if stale or scene.error else T.TEXT_DIM,
                "semibold" if stale else "regular")
