"""The title screen: the name, what the game is about, a quiet process graph with work flowing through it
behind, and "Tap to play". Any tap, Enter or Space starts (`on_play`); Esc quits."""
from __future__ import annotations

import math
import random

import pygame

from game.ui import theme as T
from game.scenes import MARGIN, Screen, Way, stay

TAGLINE = "Map the process. Pull the levers. Beat par."
PITCH = "Run a business: find where it loses money, and fix it."
TOKEN_COLOURS = (T.SKY, T.ORANGE, T.GREEN, T.PURPLE, T.YELLOW)


def _mix(c, bg=T.BG, f: float = 0.35):
    return tuple(int(a * f + b * (1 - f)) for a, b in zip(c, bg))


class FlowBackdrop:
    """A faint layered process graph across the screen and tokens travelling along its edges."""

    def __init__(self, seed: int = 7, tokens: int = 46):
        rng = random.Random(seed)
        cols = [1, 2, 3, 2, 3, 1]
        self.nodes: list[tuple[float, float]] = []
        layers: list[list[int]] = []
        for i, n in enumerate(cols):
            x = 190 + i * (T.W - 380) / (len(cols) - 1)
            layer = []
            for j in range(n):
                y = T.H * (j + 1) / (n + 1) + rng.uniform(-50, 50)
                layer.append(len(self.nodes))
                self.nodes.append((x + rng.uniform(-30, 30), y))
            layers.append(layer)
        self.out: dict[int, list[int]] = {i: [] for i in range(len(self.nodes))}
        for a, b in zip(layers, layers[1:]):
            for i in a:
                for j in rng.sample(b, k=min(len(b), rng.choice((1, 2)))):
                    self.out[i].append(j)
            for j in b:  # everything reachable
                if not any(j in self.out[i] for i in a):
                    self.out[rng.choice(a)].append(j)
        self.sources = layers[0]
        self.rng = rng
        self.tokens = [self._new(rng.random()) for _ in range(tokens)]
        self.layer = pygame.Surface(T.LOGICAL_SIZE)
        self.layer.fill(T.BG)
        for i, outs in self.out.items():
            for j in outs:
                pygame.draw.line(self.layer, _mix(T.LINE, f=0.45), self.nodes[i], self.nodes[j], 3)
        for (x, y) in self.nodes:
            r = pygame.Rect(0, 0, 150, 84)
            r.center = (int(x), int(y))
            pygame.draw.rect(self.layer, _mix(T.PANEL, f=0.8), r, border_radius=18)
            pygame.draw.rect(self.layer, _mix(T.LINE, f=0.5), r, 2, border_radius=18)

    def _new(self, progress: float = 0.0) -> list:
        src = self.rng.choice([i for i in self.out if self.out[i]])
        return [src, self.rng.choice(self.out[src]), progress, self.rng.uniform(0.25, 0.5),
                _mix(self.rng.choice(TOKEN_COLOURS), f=0.7)]

    def update(self, dt: float) -> None:
        for t in self.tokens:
            t[2] += dt * t[3]
            if t[2] >= 1.0:
                outs = self.out[t[1]]
                if outs:
                    t[0], t[1], t[2] = t[1], self.rng.choice(outs), t[2] - 1.0
                else:
                    t[:] = self._new()

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(self.layer, (0, 0))
        for a, b, p, _, colour in self.tokens:
            (x0, y0), (x1, y1) = self.nodes[a], self.nodes[b]
            pygame.draw.circle(surface, colour, (int(x0 + (x1 - x0) * p), int(y0 + (y1 - y0) * p)), 11)


class TitleScene(Screen):
    name = "title"

    def __init__(self, app, *, on_play: Way = stay):
        super().__init__(app)
        self.on_play = on_play
        self.backdrop = FlowBackdrop()
        self.veil = pygame.Surface((1300, 560), pygame.SRCALPHA)
        pygame.draw.rect(self.veil, (*T.BG, 215), self.veil.get_rect(), border_radius=40)

    def play(self) -> None:
        self.on_play()

    def on_continue(self) -> None:
        self.play()

    def on_back(self) -> None:
        self.app.running = False

    def handle(self, event) -> bool:
        if event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            self.play()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE:
            self.play()
            return True
        return False

    def tick(self, dt):
        self.backdrop.update(dt)

    def draw(self, surface):
        self.backdrop.draw(surface)
        cx = T.W // 2
        surface.blit(self.veil, self.veil.get_rect(center=(cx, 500)))
        T.text(surface, "ProcessPlay", (cx, 330), 150, T.TEXT, "bold", anchor="center")
        T.text(surface, TAGLINE, (cx, 462), T.SIZE_HEAD, T.ACCENT, "semibold", anchor="center")
        T.text(surface, PITCH, (cx, 530), T.SIZE_LABEL, T.TEXT_DIM, anchor="center")
        pulse = 0.5 + 0.5 * math.sin(self.age * 3.0)
        pill = pygame.Rect(0, 0, 520, 110)
        pill.center = (cx, 680)
        fill = tuple(int(a + (b - a) * pulse * 0.35) for a, b in zip(T.BLUE, T.SKY))
        T.panel(surface, pill, fill, radius=55, border=T.SKY, width=3)
        T.text(surface, "Tap to play", pill.center, 56, T.TEXT, "bold", anchor="center")
        T.text(surface, "Enter to start  ·  Esc to quit", (cx, T.H - MARGIN), T.SIZE_SMALL, T.TEXT_DIM,
               anchor="midbottom")
        self.draw_fade(surface)
