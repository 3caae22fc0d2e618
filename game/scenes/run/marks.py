"""What the board shows of the day on its cards: each desk's queue, and each stock point's shelf.

A queue is a stack of yellow discs left of its card, growing upwards three columns wide, with the count
in a pill on the card's top-left corner (vermilion from 20 waiting). A stock point's stock on hand is a
pill on its card's top-right corner with a little shelf drawn in it (stock, not a queue), green, or
vermilion with "0: out" when empty. Both are drawn from the sizes the trace last reported.
"""
from __future__ import annotations

import pygame

from game.ui import theme as T


def draw_stock(surface, board, stock: dict[str, float]) -> None:
    """Each stock point's shelf, in a pill on its card's top-right corner (red when empty)."""
    for sid, on_hand in stock.items():
        if sid not in board.layout:
            continue
        r = board.card_rect(sid)
        n = max(0.0, on_hand)
        text = f"{n:,.0f}" if n else "0: out"
        fg = T.BG if n else T.TEXT
        img = T.render(text, T.SIZE_SMALL, fg, "bold")
        box = img.get_rect().inflate(48, 4)
        box.midright = (r.right + 10, r.top)
        T.panel(surface, box, T.GREEN if n else T.VERMILION, radius=box.height // 2)
        shelf = pygame.Rect(box.left + 12, box.centery - 8, 18, 16)  # a little shelf: stock, not a queue
        pygame.draw.rect(surface, fg, shelf, 2)
        pygame.draw.line(surface, fg, (shelf.left, shelf.centery), (shelf.right - 1, shelf.centery), 2)
        surface.blit(img, img.get_rect(midleft=(shelf.right + 6, box.centery)))


def draw_queues(surface, board, queues: dict[str, int]) -> None:
    """Each desk's queue as a stack of discs left of its card, growing upwards, then a count."""
    for sid, n in queues.items():
        if n <= 0 or sid not in board.layout:
            continue
        r = board.card_rect(sid)
        rows_max = max(3, (r.height - 10) // 12)
        cols = 3
        shown = min(n, rows_max * cols)
        for k in range(shown):
            c, row = divmod(k, rows_max)
            cx = r.left - 12 - c * 12
            cy = r.bottom - 8 - row * 12
            pygame.draw.circle(surface, T.YELLOW, (cx, cy), 5)
        # the count in a pill on the card's top-left corner (the gap above may hold another card)
        img = T.render(str(n), T.SIZE_SMALL, T.BG if n < 20 else T.TEXT, "bold")
        box = img.get_rect(center=(r.left, r.top)).inflate(18, 4)
        box.width = max(box.width, box.height)
        box.center = (r.left, r.top)
        T.panel(surface, box, T.YELLOW if n < 20 else T.VERMILION, radius=box.height // 2)
        surface.blit(img, img.get_rect(center=box.center))
