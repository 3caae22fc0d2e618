"""A process map drawn as cards and curves: the map editor's board, the run's backdrop, thumbnails.

`Board(scenario, edges, layout)` draws the cards placed in `layout` (card centres, in the editor's logical
pixels) and the `edges` between their ports. Every kind of step has its colour, outline and icon, so
cards stay apart without reading; ports show their state by shape as well as colour (filled disc:
connected; open ring: still needs a link; small diamond: optional, may stay open at no cost in map points,
as the map score reads it: `engine.maps.ports.optional_unscored`). Edges are cubic curves
from a port on a card's right side to the left side of the next card, with an arrowhead. How big a card
is and where its rows sit is `game.ui.cards`; the path a link takes round the other cards is
`game.ui.curves`, and links sharing a channel are told apart by `game.ui.channels` (`edge_points` asks
both, for every link at once); this module draws them and answers what lies under a point.

Why one module of this length: the board is the one object every map view shares, and its geometry
(where a card, a port, a link is) and its drawing use the same fit and caches; split, each half would
need the other's state.

Drawing at another size: `fit(rect)` (or `draw(surface, rect)`) scales and centres the layout into `rect`;
with no rect the layout is drawn where it stands (scale 1), which is what the editor wants. Every
geometric query (`card_rect`, `port_pos`, `input_pos`, `edge_points`, `hit_test`) answers in the
coordinates of the last fit.

`Highlights` says what to stand out: selected or faulty cards and ports, edges to mark as extra or
missing (the reveal), ghost cards for steps the player never placed, and a short badge under a card (the
results screen's "1,840 USD lost to hang-ups").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import pygame

from engine.maps.ports import optional_unscored
from engine.model import Edge, Scenario, Step

from game.ui import theme as T
from game.ui.cards import (CARD_W, KIND_COLOURS, LABEL_SIZE, LINE_H, PAD, PORT_R, ROW_H, arrival_y, card_size,
                           label_lines, row_centre, rows_top, shown_ports)
from game.ui.curves import CLEARANCE, arrowhead, dashed_lines, dist2_to_segment, route
from game.ui.channels import nudge, overlaps, runs
from game.ui.routing import crossings, grow, leaves, rounded


def _box(r: pygame.Rect) -> tuple[float, float, float, float]:
    return float(r.left), float(r.top), float(r.right), float(r.bottom)


def _gap_to(point, r: pygame.Rect) -> float:
    """How far `point` lies from the rectangle `r` (0 inside it)."""
    dx = max(r.left - point[0], 0, point[0] - r.right)
    dy = max(r.top - point[1], 0, point[1] - r.bottom)
    return (dx * dx + dy * dy) ** 0.5

PORT_HIT = 34  # a port answers a press this far from its handle (a 68 px target)

#: Colours of highlight styles (each also changes a line's width or adds a marker: never colour alone).
STYLE_COLOURS = {
    "selected": T.SKY, "armed": T.YELLOW, "problem": T.VERMILION, "hot": T.ORANGE, "missing": T.GREEN,
    "extra": T.VERMILION, "matched": T.GREEN, "ghost": T.GREEN,
}
EDGE_COLOUR = (150, 172, 206)
NUDGE_GAP = 12  # logical px between links sharing a channel



@dataclass
class Highlights:
    """What a drawing of the board stresses. Styles: selected, armed, problem, hot, missing, extra."""

    cards: dict[str, str] = field(default_factory=dict)  # step -> style
    ports: dict[tuple[str, str], str] = field(default_factory=dict)  # (step, port) -> style
    edges: dict[Edge, str] = field(default_factory=dict)  # an edge on the board -> style
    ghost_edges: tuple[Edge, ...] = ()  # edges drawn dashed though not on the board (missing ones)
    ghost_cards: dict[str, tuple[float, float]] = field(default_factory=dict)  # unplaced step -> centre
    badges: dict[str, str] = field(default_factory=dict)  # step -> a short line under its card


@dataclass(frozen=True)
class Hit:
    """What lies under a point: a port, a card, an edge, or nothing (kind None)."""

    kind: str | None
    step: str | None = None
    port: str | None = None
    edge: Edge | None = None


# --------------------------------------------------------------------------------------------------
# Icons and port handles, drawn with primitives


def draw_icon(surface: pygame.Surface, kind: str, centre, s: int = 28, colour=None) -> None:
    """The kind's pictogram (arrivals arrow, clock, fork, signpost, person, box, stack, flag)."""
    c = colour or KIND_COLOURS.get(kind, T.TEXT)
    x, y = int(centre[0]), int(centre[1])
    h = s // 2
    w = max(2, s // 9)
    if kind == "source":  # an arrow into a bar
        pygame.draw.line(surface, c, (x - h, y), (x + h // 3, y), w + 1)
        pygame.draw.polygon(surface, c, [(x + h // 3 + 2, y), (x - 2, y - h + 3), (x - 2, y + h - 3)])
        pygame.draw.line(surface, c, (x + h, y - h + 2), (x + h, y + h - 2), w + 1)
    elif kind == "delay":  # a clock
        pygame.draw.circle(surface, c, (x, y), h, w)
        pygame.draw.line(surface, c, (x, y), (x, y - h + 5), w)
        pygame.draw.line(surface, c, (x, y), (x + h - 6, y), w)
    elif kind == "branch":  # a fork
        pygame.draw.line(surface, c, (x - h, y), (x - 2, y), w + 1)
        pygame.draw.line(surface, c, (x - 2, y), (x + h, y - h + 2), w + 1)
        pygame.draw.line(surface, c, (x - 2, y), (x + h, y + h - 2), w + 1)
        pygame.draw.circle(surface, c, (x - 2, y), w + 2)
    elif kind == "route":  # three arrows out
        for dy in (-h + 3, 0, h - 3):
            pygame.draw.line(surface, c, (x - h, y), (x + h - 4, y + dy), w)
            pygame.draw.circle(surface, c, (x + h - 4, y + dy), w + 1)
    elif kind == "service":  # a person
        pygame.draw.circle(surface, c, (x, y - h // 2), max(3, h // 2 - 1))
        pygame.draw.ellipse(surface, c, (x - h + 2, y + 1, 2 * h - 4, h + 2))
    elif kind == "inventory":  # a box with shelves
        pygame.draw.rect(surface, c, (x - h, y - h + 2, 2 * h, 2 * h - 4), w)
        pygame.draw.line(surface, c, (x - h, y), (x + h - 1, y), w)
    elif kind == "batch":  # stacked squares
        for k in (4, 0, -4):
            pygame.draw.rect(surface, c, (x - h + 4 + k, y - h + 4 - k, h + 2, h + 2), w)
    else:  # exit: a flag
        pygame.draw.line(surface, c, (x - h + 4, y - h + 1), (x - h + 4, y + h - 1), w + 1)
        pygame.draw.polygon(surface, c, [(x - h + 5, y - h + 1), (x + h - 1, y - h // 2 + 1), (x - h + 5, y)])


def port_marker(surface: pygame.Surface, pos, state: str, r: int = PORT_R) -> None:
    """A port handle: `connected` filled disc, `missing` open ring with a bar, `optional` small diamond,
    `problem` / `armed` a thick ring in the highlight colour around the handle."""
    x, y = int(pos[0]), int(pos[1])
    if state == "connected":
        pygame.draw.circle(surface, T.BG, (x, y), r + 3)
        pygame.draw.circle(surface, T.GREEN, (x, y), r)
        pygame.draw.circle(surface, T.TEXT, (x, y), r, 2)
    elif state == "optional":
        d = r - 1
        pts = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
        pygame.draw.polygon(surface, T.BG, pts)
        pygame.draw.polygon(surface, T.TEXT_DIM, pts, 3)
    else:  # missing
        pygame.draw.circle(surface, T.BG, (x, y), r + 3)
        pygame.draw.circle(surface, T.ORANGE, (x, y), r, 4)
        pygame.draw.line(surface, T.ORANGE, (x, y - r // 2), (x, y + r // 2 - 1), 3)


# --------------------------------------------------------------------------------------------------


class Board:
    """A scenario's cards at `layout` positions with `edges` between their ports.

    `edges` and `layout` are kept by reference: the editor changes its own list and dict and the board
    sees the change (call `changed()` after moving cards so cached curves are recomputed).
    """

    def __init__(self, scenario: Scenario, edges: list[Edge] | Sequence[Edge] = (),
                 layout: Mapping[str, tuple[float, float]] | None = None, bounds: pygame.Rect | None = None):
        self.scenario = scenario
        self.edges = edges if isinstance(edges, list) else list(edges)
        self.layout = layout if isinstance(layout, dict) else dict(layout or {})
        self.scale = 1.0
        self.offset = (0.0, 0.0)
        self.bounds = pygame.Rect(bounds) if bounds is not None else None  # the links stay inside, on screen
        self._cards: dict[tuple, pygame.Surface] = {}
        self._curves: dict[tuple, list] = {}
        self._optional: set[tuple[str, str]] | None = None  # the ports the map score lets stay open
        # a card on the move (the editor's drag): links routed but not nudged, so a frame stays cheap while
        # every frame moves the card; the nudge is worked out once it is dropped
        self.moving = False

    # ---- transform -------------------------------------------------------------------------------
    def bounds(self, steps: Iterable[str] | None = None) -> pygame.Rect | None:
        """The layout-space rectangle holding every placed card (None when nothing is placed)."""
        rects = [self.layout_rect(s) for s in (steps if steps is not None else self.layout)
                 if s in self.scenario.steps]
        if not rects:
            return None
        return rects[0].unionall(rects[1:])

    def fit(self, rect: pygame.Rect | None, margin: int = 24, grow: bool = False,
            extra: Mapping[str, tuple[float, float]] | None = None) -> None:
        """Scale and centre the layout into `rect` (never enlarged unless `grow`); None: scale 1."""
        self._curves.clear()
        if rect is None:
            self.scale, self.offset = 1.0, (0.0, 0.0)
            return
        rect = pygame.Rect(rect)
        self.bounds = None  # the links' own extent first, then kept inside `rect`
        rects = [self.layout_rect(s) for s in self.layout if s in self.scenario.steps]
        rects += [self.layout_rect(s, xy) for s, xy in (extra or {}).items()]
        if not rects:
            self.scale, self.offset = 1.0, (0.0, 0.0)
            return
        # the links too: a loop back or a link to a way out in the same column bulges past the cards
        self.scale, self.offset = 1.0, (0.0, 0.0)
        for e in self.edges:
            pts = self.edge_points(e, extra)
            if pts:
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                rects.append(pygame.Rect(int(min(xs)), int(min(ys)), int(max(xs) - min(xs)) + 1,
                                         int(max(ys) - min(ys)) + 1))
        self._curves.clear()
        b = rects[0].unionall(rects[1:]).inflate(2 * margin + 24, 2 * margin + 24)  # room for badges
        s = min(rect.width / max(1, b.width), rect.height / max(1, b.height))
        if not grow:
            s = min(1.0, s)
        self.scale = s
        self.offset = (rect.centerx - b.centerx * s, rect.centery - b.centery * s)
        self.bounds = rect

    def to_screen(self, xy) -> tuple[float, float]:
        return self.offset[0] + xy[0] * self.scale, self.offset[1] + xy[1] * self.scale

    def to_layout(self, pos) -> tuple[float, float]:
        return (pos[0] - self.offset[0]) / self.scale, (pos[1] - self.offset[1]) / self.scale

    def changed(self) -> None:
        """Cards moved or edges changed: forget cached curves."""
        self._curves.clear()

    # ---- geometry --------------------------------------------------------------------------------
    def layout_rect(self, step_id: str, centre=None) -> pygame.Rect:
        """The card's rectangle in the layout's own pixels (before any fit)."""
        w, h = card_size(self.scenario.steps[step_id])
        cx, cy = centre if centre is not None else self.layout[step_id]
        return pygame.Rect(int(round(cx - w / 2)), int(round(cy - h / 2)), w, h)

    def card_rect(self, step_id: str, centre=None) -> pygame.Rect:
        """The card's rectangle on screen."""
        r = self.layout_rect(step_id, centre)
        x, y = self.to_screen(r.topleft)
        return pygame.Rect(int(round(x)), int(round(y)), max(1, int(round(r.width * self.scale))),
                           max(1, int(round(r.height * self.scale))))

    def port_pos(self, step_id: str, port: str, centre=None) -> tuple[float, float]:
        """Where the port's handle is drawn: on the card's right side, in its row."""
        step = self.scenario.steps[step_id]
        r = self.card_rect(step_id, centre)
        ports = shown_ports(step)
        row = ports.index(port) if port in ports and len(ports) > 1 else 0
        return r.right, r.top + row_centre(step, row) * self.scale

    def input_pos(self, step_id: str, centre=None) -> tuple[float, float]:
        """Where edges arrive: the middle of the card's left side."""
        r = self.card_rect(step_id, centre)
        return r.left, arrival_y(r, self.scale)

    def edge_points(self, edge: Edge, ghosts: Mapping[str, tuple[float, float]] | None = None) -> list:
        """The edge's curve on screen as a polyline from the port to the arrow's tip: for a link on the
        board, its route nudged off the runs it shares with other links (`_nudged`), but while a card is
        `moving`."""
        if not self.moving and edge.src in self.layout and edge.dst in self.layout and edge in self.edges:
            return self._nudged()[edge]
        return self._routed(edge, ghosts)

    def _nudged(self) -> dict[Edge, list]:
        """Every link's route with the links sharing a channel told apart, so two links down one channel
        read as two: a curve drawn along another link (which no sideways move could part: it is anchored
        at its port and its card) takes its orthogonal route instead, then the straight runs links share
        along one line move apart onto tracks `NUDGE_GAP` logical px apart (at least the links' width and
        3 px; in a narrow channel down to their width and 2 logical px, 1 px on a thumbnail), the last
        runs of links into one card on one track (`game.ui.routing.nudge`). Kept with the curves, as every frame asks for it."""
        edges = [e for e in dict.fromkeys(self.edges) if e.src in self.layout and e.dst in self.layout]
        key = ("nudged", tuple((e, tuple(self.layout[e.src]), tuple(self.layout[e.dst])) for e in edges),
               self.scale, self.offset, tuple(self.bounds or ()))
        found = self._curves.get(key)
        if found is None:
            cards = {s: _box(self.card_rect(s)) for s in self.layout if s in self.scenario.steps}
            # a nudged run keeps a little way off the cards it passes (less on a thumbnail's narrow channels)
            margin = (4 if self.scale >= 0.5 else 2) * self.scale
            keep_out = [[c if s in (e.src, e.dst) else grow(c, margin) for s, c in cards.items()] for e in edges]
            width = max(2, int(round(4 * self.scale)))
            gap = max(NUDGE_GAP * self.scale, width + 3)
            bounds = _box(self.bounds) if self.bounds is not None else None
            paths = [self._routed(e) for e in edges]
            straight: set[int] = set()
            for _ in range(3):  # a straightened link may now run along a third one's curve
                fixed = {k for k, p in enumerate(paths) if k not in straight and not any(r.block for r in runs(p))}
                stuck = {k for i, j, _ in overlaps(paths, [e.dst for e in edges], gap / 2, among=fixed)
                         for k in (i, j) if k in fixed}
                if not stuck:
                    break
                for k in stuck:
                    paths[k] = self._straightened(edges[k], paths[k], cards)
                straight |= stuck
            least = width + max(1.0, 2 * self.scale)  # in a narrow channel: their width and a sliver apart
            keep = (1.0, 10 * self.scale)  # a pixel out of the port; the arrow's approach into the card
            nudged = nudge(paths, keep_out, bounds, gap, least, 14 * self.scale, keep, [e.dst for e in edges])
            found = self._curves[key] = dict(zip(edges, nudged))
        return found

    def _straightened(self, edge: Edge, curve: list, cards: Mapping[str, tuple]) -> list:
        """The link as runs instead of its curve: straight out of its port, along the channel halfway to
        its card, straight in (a Z, what the orthogonal route finds between two columns, found without its
        search: a drag asks for it every frame), unless that enters another card or leaves the board;
        then the orthogonal route round every card (`game.ui.curves.route`, not `curved`)."""
        (x0, y0), (x3, y3) = curve[0], curve[-1]
        if x3 - x0 > 4 * self.scale and abs(y3 - y0) > 1:
            middle = (x0 + x3) / 2
            path = rounded([(x0, y0), (middle, y0), (middle, y3), (x3, y3)], 14 * self.scale)
            others = {s: grow(c, CLEARANCE * self.scale / 2) for s, c in cards.items() if s not in (edge.src, edge.dst)}
            if not crossings(path, others) and not (self.bounds is not None and leaves(path, _box(self.bounds))):
                return path
        return self._routed(edge, curved=False)

    def _routed(self, edge: Edge, ghosts: Mapping[str, tuple[float, float]] | None = None,
                curved: bool = True) -> list:
        """The edge's own route (a curve when `curved` allows and it fits, `game.ui.curves.route`), before
        the links sharing a channel are told apart."""
        src_c = self.layout.get(edge.src) or (ghosts or {}).get(edge.src)
        dst_c = self.layout.get(edge.dst) or (ghosts or {}).get(edge.dst)
        if src_c is None or dst_c is None:
            return []
        key = (edge, tuple(src_c), tuple(dst_c), self.scale, self.offset, tuple(self.bounds or ()), curved)
        pts = self._curves.get(key)
        if pts is None:
            pts = self._route(edge, src_c, dst_c, curved)
            if len(self._curves) > 4096:
                self._curves.clear()
            self._curves[key] = pts
        return pts

    def _route(self, edge: Edge, src_c, dst_c, curved: bool = True) -> list:
        """The edge's path from its port to its card, around the other cards (game.ui.curves.route)."""
        cards = {sid: self.card_rect(sid) for sid in self.layout if sid in self.scenario.steps}
        return route(self.port_pos(edge.src, edge.port, src_c), self.card_rect(edge.src, src_c),
                     self.card_rect(edge.dst, dst_c), cards, (edge.src, edge.dst),
                     not self.scenario.steps[edge.dst].ports, self.scale, self.bounds, curved)

    def over_cards(self, edge: Edge) -> bool:
        """Whether the edge's path passes over a card other than its ends (no route round them exists:
        the cards touch), so it is drawn over the cards rather than hidden under them. Kept with the
        curves (forgotten with them), as the run asks every frame."""
        key = ("over", edge, self.scale, self.offset, tuple(self.bounds or ()))
        over = self._curves.get(key)
        if over is None:
            pts = self.edge_points(edge)
            others = {s: _box(self.card_rect(s)) for s in self.layout
                      if s in self.scenario.steps and s not in (edge.src, edge.dst)}
            over = self._curves[key] = bool(pts) and bool(crossings(pts, others))
        return over

    def mark_spot(self, step_id: str, radius: float, taken: Sequence[pygame.Rect] = (),
                  within: pygame.Rect | None = None) -> tuple[int, int]:
        """Where a round mark of `radius` for the card (the results map's rank) goes: beside the card,
        covering no card (so no card's name or port labels), none of the rects `taken` (the marks placed
        before it), inside `within`, and nearer this card than any other (so it reads as this card's);
        among such places the nearest its top-right corner, a link under it counting as its radius further.
        Rings round the card a mark's width apart are tried in turn; with no free place at all, the one
        over the least of the cards."""
        card = self.card_rect(step_id)
        cards = [self.card_rect(s) for s in self.layout if s in self.scenario.steps]
        blocked = [c.inflate(4, 4) for c in cards] + [pygame.Rect(t) for t in taken]
        segments = [(a, b) for e in self.edges for a, b in zip(self.edge_points(e), self.edge_points(e)[1:])]
        corner = (card.right, card.top)
        best, best_cost = None, None
        for ring in range(3):
            away = radius + 3 + ring * 2 * radius
            around = card.inflate(2 * away, 2 * away)
            reach = around.inflate(2 * radius, 2 * radius)
            near = [(a, b) for a, b in segments if reach.clipline(a, b)]
            spots = [(x, around.top) for x in range(around.left, around.right + 1, max(4, int(radius / 2)))]
            spots += [(x, around.bottom) for x, _ in spots]
            spots += [(side, y) for y in range(around.top, around.bottom + 1, max(4, int(radius / 2)))
                      for side in (around.left, around.right)]
            for x, y in spots:
                box = pygame.Rect(0, 0, 2 * radius, 2 * radius)
                box.center = (x, y)
                if within is not None and not within.contains(box):
                    continue
                cover = sum(box.clip(b).width * box.clip(b).height for b in blocked)
                own = _gap_to((x, y), card)
                nearer = any(_gap_to((x, y), c) < own for c in cards if c != card)  # it would read as theirs
                links = sum(dist2_to_segment((x, y), a, b) < radius * radius for a, b in near)
                cost = (cover, nearer, links * radius + abs(x - corner[0]) + abs(y - corner[1]))
                if best_cost is None or cost < best_cost:
                    best, best_cost = (x, y), cost
            if best_cost is not None and best_cost[0] == 0:
                break
        return best if best is not None else (int(card.right), int(card.top))

    def port_state(self, step_id: str, port: str) -> str:
        step = self.scenario.steps[step_id]
        if any(e.src == step_id and e.port == port for e in self.edges):
            return "connected"
        if port not in step.optional_ports:
            return "missing"
        if self._optional is None:
            self._optional = optional_unscored(self.scenario)
        return "optional" if (step_id, port) in self._optional else "missing"

    def hit_test(self, pos) -> Hit:
        """The port, card or edge under `pos` (ports first: they sit on the cards' edges)."""
        best = None
        best_d = (PORT_HIT * max(self.scale, 0.6)) ** 2
        for sid in reversed(list(self.layout)):
            step = self.scenario.steps.get(sid)
            if step is None:
                continue
            for port in shown_ports(step):
                px, py = self.port_pos(sid, port)
                d = (px - pos[0]) ** 2 + (py - pos[1]) ** 2
                if d < best_d:
                    best, best_d = Hit("port", sid, port), d
        if best is not None:
            return best
        for sid in reversed(list(self.layout)):  # the last placed is drawn on top
            if sid in self.scenario.steps and self.card_rect(sid).collidepoint(pos):
                ports = shown_ports(self.scenario.steps[sid])
                r = self.card_rect(sid)
                if len(ports) > 1 and pos[0] > r.centerx:  # the right half of a port row is that port
                    for port in ports:
                        if abs(self.port_pos(sid, port)[1] - pos[1]) < ROW_H * self.scale / 2:
                            return Hit("port", sid, port)
                return Hit("card", sid)
        reach = (16 * max(self.scale, 0.6)) ** 2
        for e in self.edges:
            pts = self.edge_points(e)
            if any(dist2_to_segment(pos, a, b) < reach for a, b in zip(pts, pts[1:])):
                return Hit("edge", e.src, e.port, e)
        return Hit(None)

    # ---- drawing ---------------------------------------------------------------------------------
    def thumbnail(self, size: tuple[int, int], highlights: Highlights | None = None,
                  background=T.BG_LIGHT) -> pygame.Surface:
        """The whole map drawn small on a surface of `size` (a scenario card, a results corner)."""
        img = pygame.Surface(size)
        img.fill(background)
        self.draw(img, img.get_rect(), highlights)
        return img

    def draw(self, surface: pygame.Surface, rect: pygame.Rect | None = None,
             highlights: Highlights | None = None, labels: bool = True, edges: bool = True,
             cards: bool = True) -> None:
        """Draw edges, then cards, then port handles (with `highlights`); fits into `rect` when given."""
        hl = highlights or Highlights()
        if rect is not None:
            self.fit(rect, extra=hl.ghost_cards)
        if cards:
            for sid, xy in hl.ghost_cards.items():
                if sid in self.scenario.steps and sid not in self.layout:
                    self._draw_ghost(surface, sid, xy, labels)
        # without `edges` the links are drawn elsewhere, under the cards (the run's backdrop): those
        # that must pass over a card are still drawn here, over the cards
        over = {e for e in self.edges if self.over_cards(e)} if cards else set()
        if edges:
            self.draw_edges(surface, hl, skip=over)
        if cards:
            for sid in self.layout:
                if sid in self.scenario.steps:
                    self.draw_card(surface, sid, hl, labels)
        if over:  # no way round the cards (they touch): over them rather than hidden under them
            self.draw_edges(surface, hl, only=over)
        if edges:
            self.draw_marks(surface, hl)

    def draw_edges(self, surface: pygame.Surface, hl: Highlights | None = None, skip=frozenset(),
                   only=None) -> None:
        """The links (but those in `skip`; only those in `only` when given, and then no ghost links)."""
        hl = hl or Highlights()
        w = max(2, int(round(4 * self.scale)))
        for e in (self.edges if only is None else [e for e in self.edges if e in only]):
            if e in skip:
                continue
            pts = self.edge_points(e)
            if len(pts) < 2:
                continue
            style = hl.edges.get(e)
            colour = STYLE_COLOURS.get(style, EDGE_COLOUR)
            width = w + 2 if style else w
            if style == "extra":
                dashed_lines(surface, colour, pts, width)
            else:
                pygame.draw.lines(surface, colour, False, pts, width)
            arrowhead(surface, colour, pts[-1], pts[-3], 16 * max(self.scale, 0.6))
        for e in (hl.ghost_edges if only is None else ()):
            pts = self.edge_points(e, hl.ghost_cards)
            if len(pts) < 2:
                continue
            colour = STYLE_COLOURS["missing"]
            dashed_lines(surface, colour, pts, w + 1)
            arrowhead(surface, colour, pts[-1], pts[-3], 16 * max(self.scale, 0.6))

    def draw_marks(self, surface: pygame.Surface, hl: Highlights) -> None:
        """The reveal's signs on its links, over the cards so a short link's sign is never hidden: "×" on
        an extra link, "+" on a missing one."""
        for e in self.edges:
            if hl.edges.get(e) == "extra":
                pts = self.edge_points(e)
                if len(pts) >= 2:
                    self._marker(surface, pts, "×", STYLE_COLOURS["extra"])
        for e in hl.ghost_edges:
            pts = self.edge_points(e, hl.ghost_cards)
            if len(pts) >= 2:
                self._marker(surface, pts, "+", STYLE_COLOURS["missing"])

    def _marker(self, surface, pts, sign: str, colour) -> None:
        mx, my = pts[len(pts) // 2]
        r = max(10, int(15 * self.scale))
        pygame.draw.circle(surface, T.BG, (int(mx), int(my)), r + 2)
        pygame.draw.circle(surface, colour, (int(mx), int(my)), r, 3)
        T.text(surface, sign, (mx, my - 1), max(18, int(T.SIZE_SMALL * self.scale)), colour, "bold",
               anchor="center")

    def _text_size(self) -> int:
        return max(12, int(round(LABEL_SIZE * self.scale)))

    def _card_surface(self, step: Step, states: tuple) -> pygame.Surface:
        """The card body (shape, label, icon, port names) at the current scale, cached."""
        key = (step.id, states, round(self.scale, 4))
        img = self._cards.get(key)
        if img is not None:
            return img
        w, h = card_size(step)
        s = self.scale
        sw, sh = max(1, int(round(w * s))), max(1, int(round(h * s)))
        img = pygame.Surface((sw + 2, sh + 2), pygame.SRCALPHA)
        r = pygame.Rect(1, 1, sw, sh)
        colour = KIND_COLOURS.get(step.kind, T.TEXT)
        self._shape(img, step.kind, r, T.PANEL, colour)
        size = self._text_size()
        y = r.top + PAD * s
        lines = label_lines(step)
        if s >= 0.45:
            for line in lines:
                T.text(img, T.ellipsize(line, int((w - 2 * PAD) * s), size, "semibold"),
                       (r.left + PAD * s + 2, y), size, T.TEXT, "semibold")
                y += LINE_H * s
        row_top = r.top + rows_top(step) * s
        draw_icon(img, step.kind, (r.left + (PAD + 14) * s, row_top + ROW_H * s / 2), max(12, int(28 * s)), colour)
        for (name, box), state in zip(self._port_labels(step, r), states):
            c = {"connected": T.TEXT_DIM, "missing": T.ORANGE, "optional": T.TEXT_DIM}.get(state, T.TEXT_DIM)
            T.text(img, name, (box.right, box.centery), size, c, anchor="midright")
        self._cards[key] = img
        if len(self._cards) > 512:
            self._cards.clear()
        return img

    def _port_labels(self, step: Step, r: pygame.Rect) -> list[tuple[str, pygame.Rect]]:
        """The port names a card drawn in `r` shows (none when it has one port or is drawn too small to
        read), each with the box it is drawn in: right-aligned by its handle, in its own row."""
        ports = shown_ports(step)
        s = self.scale
        if len(ports) < 2 or s < 0.45:
            return []
        size = self._text_size()
        row_top = r.top + rows_top(step) * s
        out = []
        for i, port in enumerate(ports):
            room = (CARD_W - 70) if i == 0 else (CARD_W - 40)  # the first row shares its width with the icon
            name = T.ellipsize(port.replace("_", " "), int(room * s), size)
            tw, th = T.font(size).size(name)
            cy = row_top + (i + 0.5) * ROW_H * s
            out.append((name, pygame.Rect(int(r.right - (PORT_R + 12) * s - tw), int(cy - th / 2), tw, th)))
        return out

    def port_labels(self, step_id: str) -> list[tuple[str, pygame.Rect]]:
        """The port names drawn on a card, each with its box on screen (for checking that none overlap)."""
        return self._port_labels(self.scenario.steps[step_id], self.card_rect(step_id))

    @staticmethod
    def _shape(surface, kind: str, r: pygame.Rect, fill, colour) -> None:
        """Each kind's outline: arrivals round on the left, ways out round on the right, splits with cut
        corners, stock with square corners, batches with a card behind, desks and delays rounded."""
        rad = max(4, min(r.height // 2, 40))
        if kind == "batch":
            back = r.move(6, -6).clip(surface.get_rect())
            pygame.draw.rect(surface, T.PANEL_HI, back, border_radius=10)
            pygame.draw.rect(surface, colour, back, 2, border_radius=10)
        if kind in ("branch", "route"):
            c = min(22, r.height // 4)
            pts = [(r.left + c, r.top), (r.right - c, r.top), (r.right - 1, r.top + c), (r.right - 1, r.bottom - c),
                   (r.right - c, r.bottom - 1), (r.left + c, r.bottom - 1), (r.left, r.bottom - c), (r.left, r.top + c)]
            pygame.draw.polygon(surface, fill, pts)
            pygame.draw.polygon(surface, colour, pts, 3)
            pygame.draw.line(surface, colour, (r.left + c, r.top + 2), (r.right - c, r.top + 2), 5)
            return
        radii = {"source": dict(border_top_left_radius=rad, border_bottom_left_radius=rad,
                                border_top_right_radius=10, border_bottom_right_radius=10),
                 "exit": dict(border_top_right_radius=rad, border_bottom_right_radius=rad,
                              border_top_left_radius=10, border_bottom_left_radius=10),
                 "inventory": dict(border_radius=2), "delay": dict(border_radius=22)}.get(kind, dict(border_radius=10))
        pygame.draw.rect(surface, fill, r, **radii)
        pygame.draw.rect(surface, colour, r, 3, **radii)
        if kind == "service":  # a desk: a solid band along the top
            band = pygame.Rect(r.left + 3, r.top + 3, r.width - 6, 6)
            pygame.draw.rect(surface, colour, band, border_radius=3)
        elif kind == "inventory":
            pygame.draw.line(surface, colour, (r.left + 6, r.bottom - 8), (r.right - 6, r.bottom - 8), 2)
        else:
            band = pygame.Rect(r.left + (rad // 2 if kind == "source" else 3), r.top + 3,
                               r.width - (rad // 2 if kind in ("source", "exit") else 0) - 6, 6)
            pygame.draw.rect(surface, colour, band, border_radius=3)

    def draw_card(self, surface: pygame.Surface, sid: str, hl: Highlights | None = None, labels: bool = True) -> None:
        hl = hl or Highlights()
        step = self.scenario.steps[sid]
        ports = shown_ports(step)
        states = tuple(self.port_state(sid, p) for p in ports)
        r = self.card_rect(sid)
        style = hl.cards.get(sid)
        if style:
            glow = r.inflate(14, 14)
            pygame.draw.rect(surface, STYLE_COLOURS.get(style, T.SKY), glow, 5, border_radius=16)
        img = self._card_surface(step, states if labels else tuple("x" for _ in states))
        surface.blit(img, (r.left - 1, r.top - 1))
        for port, state in zip(ports, states):
            pos = self.port_pos(sid, port)
            port_marker(surface, pos, state, max(6, int(PORT_R * max(self.scale, 0.6))))
            pstyle = hl.ports.get((sid, port))
            if pstyle:
                pygame.draw.circle(surface, STYLE_COLOURS.get(pstyle, T.SKY), (int(pos[0]), int(pos[1])),
                                   PORT_R + 8, 4)
        badge = hl.badges.get(sid)
        if badge:
            size = T.SIZE_SMALL
            img = T.render(badge, size, T.TEXT, "semibold")
            box = img.get_rect(midtop=(r.centerx, r.bottom + 8)).inflate(20, 8)
            T.panel(surface, box, T.BG_LIGHT, radius=10, border=STYLE_COLOURS.get(style, T.ORANGE))
            surface.blit(img, img.get_rect(center=box.center))

    def _draw_ghost(self, surface, sid: str, xy, labels: bool) -> None:
        r = self.card_rect(sid, xy)
        step = self.scenario.steps[sid]
        pts = [r.topleft, r.topright, r.bottomright, r.bottomleft, r.topleft]
        pygame.draw.rect(surface, T.BG_LIGHT, r, border_radius=12)
        dashed_lines(surface, T.GREEN, pts, 3)
        if labels and self.scale >= 0.45:
            size = self._text_size()
            y = r.top + PAD * self.scale
            for line in label_lines(step):
                T.text(surface, line, (r.left + PAD * self.scale, y), size, T.TEXT_DIM, "semibold")
                y += LINE_H * self.scale
            T.text(surface, "not placed", (r.left + PAD * self.scale, y + 4), size, T.GREEN)
