"""The charts' time labels: as many as fit without meeting, the first hour always among them."""
from __future__ import annotations

import pygame
import pytest

from game.ui import charts
from game.ui import theme as T


@pytest.mark.parametrize("width", [420, 700, 1400])
def test_the_hours_labels_start_at_the_first_hour_and_never_meet(monkeypatch, width):
    pygame.init()
    drawn: list[tuple[str, pygame.Rect]] = []
    real = T.text

    def record(surface, s, pos, size, *args, **kw):
        out = real(surface, s, pos, size, *args, **kw)
        if s.isdigit() and len(s) == 2:
            drawn.append((s, pygame.Rect(pos, T.font(size).size(s))))
        return out

    monkeypatch.setattr(T, "text", record)
    hours = [f"{h:02d}" for h in range(8, 24)]
    surface = pygame.Surface((1920, 1080))
    charts.column_chart(surface, pygame.Rect(40, 40, width, 380), [float(i) for i in range(len(hours))], hours,
                        title="Callers waiting, by hour")
    bottom = max(r.top for _, r in drawn)  # the time labels under the plot (the y ticks are numbers too)
    row = [(s, r) for s, r in drawn if r.top == bottom]
    labels = [s for s, _ in row]
    assert labels and labels[0] == "08"
    rects = [r for _, r in row]
    assert all(b.left >= a.right + 12 for a, b in zip(rects, rects[1:]))
    if width >= 1400:
        assert labels == hours  # room for every hour: every hour shown
