"""Links sharing a channel, told apart: the straight runs that different links share along one line are
nudged apart onto parallel tracks, and the check that no two links are drawn on top of one another.

Pure geometry on plain tuples, as `game.ui.routing` (whose routes it nudges); the board calls `nudge` with
every link's route at once (`Board.edge_points`), so every view that draws a map draws the same tracks.

A path made of horizontal and vertical runs joined by rounded corners is taken back to its corners
(`corners_of`), its runs moved, and rounded again; any other path (a curve) can only move its runs
rigidly. Runs of different paths along one line whose extents overlap form a group (`_clusters`); a group
is put on tracks a gap apart (`_spread`): each run (or the bus of runs into one card) on the first track
past every earlier one it overlaps, in the order that crosses least, the whole set of tracks placed where
every run has room to move without turning the runs across it back, and refused (then tried at a smaller
gap, then left as it was) when a track would enter a card, leave the board or land on another link.

`shared_runs(a, b)` says where two paths are drawn on top of one another (parallel and nearer than a
line's width over more than a few pixels, in any direction), `overlaps(paths, ends)` which pairs of a
board's links are, but for links into one card that have met and go on together to its arrival.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from game.ui.routing import Box, Point, crossings, leaves, rounded


MIN_RUN = 4.0  # a straight stretch shorter than this is a corner's end, not a run to keep apart


@dataclass(frozen=True)
class Run:
    """A straight horizontal (`axis` 0) or vertical (`axis` 1) stretch of a path: its segment `seg`
    (points seg, seg+1), the line it lies on (`at`: its y, or its x), its extent along that line, and the
    points that move with it when it is nudged sideways (`block`, first..last), None when it cannot move:
    it reaches the path's port or arrival without a turn (a stub, or a curve anchored at its card)."""

    path: int
    seg: int
    axis: int
    at: float
    lo: float
    hi: float
    block: tuple[int, int] | None


def _axis(a: Point, b: Point) -> int | None:
    """0 for a horizontal segment, 1 for a vertical one, None for a slanted or empty one. Nearly level
    counts as level: the router's grid is rounded to a tenth of a pixel, so the stub out of a port may be
    0.05 px off; the first piece of a rounded corner is off by a twelfth of its length, and is not."""
    dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
    if dx > 1e-6 and dy <= min(0.1, 0.03 * dx):
        return 0
    if dy > 1e-6 and dx <= min(0.1, 0.03 * dy):
        return 1
    return None


def runs(path: Sequence[Point], index: int = 0) -> list[Run]:
    """The straight runs of `path` at least `MIN_RUN` long, each with the points that move with it: back
    to the end of the run across before it and on to the start of the run across after it (the rounded
    corners between move whole, the runs across only change length)."""
    out = []
    for k, (a, b) in enumerate(zip(path, path[1:])):
        axis = _axis(a, b)
        if axis is None or abs(b[axis] - a[axis]) < MIN_RUN:
            continue
        first, last = k, k + 1
        while first > 0 and _axis(path[first - 1], path[first]) != 1 - axis:
            first -= 1
        while last < len(path) - 1 and _axis(path[last], path[last + 1]) != 1 - axis:
            last += 1
        block = None if first == 0 or last == len(path) - 1 else (first, last)
        out.append(Run(index, k, axis, a[1 - axis], min(a[axis], b[axis]), max(a[axis], b[axis]), block))
    return out


def shared_runs(a: Sequence[Point], b: Sequence[Point], apart: float = 2.0,
                longer: float = 6.0) -> list[tuple[Point, Point]]:
    """Where two paths are drawn on top of one another: the stretches, longer than `longer`, over which a
    segment of `a` and one of `b` are parallel and less than `apart` from each other (any direction, not
    only the horizontal and vertical runs: two curves along one channel count too). Every segment of `a`
    against every segment of `b` at once (numpy), as the board asks on every change of the map."""
    pa, pb = np.asarray(a, dtype=float).reshape(-1, 2), np.asarray(b, dtype=float).reshape(-1, 2)
    if len(pa) < 2 or len(pb) < 2:
        return []
    p, d = pa[:-1], pa[1:] - pa[:-1]
    length = np.hypot(d[:, 0], d[:, 1])
    keep = length >= longer
    p, d, length = p[keep], d[keep], length[keep]
    if not len(p):
        return []
    u = d / length[:, None]
    ends = []
    for q in (pb[:-1], pb[1:]):  # the other segments' two ends, measured along and across each segment
        rel = q[None, :, :] - p[:, None, :]
        ends.append((rel[..., 0] * u[:, None, 0] + rel[..., 1] * u[:, None, 1],
                     rel[..., 0] * u[:, None, 1] - rel[..., 1] * u[:, None, 0]))
    (t0, c0), (t1, c1) = ends
    lo = np.maximum(0.0, np.minimum(t0, t1))
    hi = np.minimum(length[:, None], np.maximum(t0, t1))
    hit = (np.abs(c0) <= apart) & (np.abs(c1) <= apart) & (hi - lo > longer)
    out = []
    for i, j in zip(*np.nonzero(hit)):
        x, y, ux, uy = p[i, 0], p[i, 1], u[i, 0], u[i, 1]
        out.append(((float(x + ux * lo[i, j]), float(y + uy * lo[i, j])),
                    (float(x + ux * hi[i, j]), float(y + uy * hi[i, j]))))
    return out


def _distances(points: np.ndarray, path: Sequence[Point]) -> np.ndarray:
    """How far each of `points` (an n x 2 array) lies from each segment of `path` (n x segments; numpy:
    every point against every segment at once)."""
    pts = np.asarray(path, dtype=float).reshape(-1, 2)
    a, d = pts[:-1], pts[1:] - pts[:-1]
    n = np.maximum((d * d).sum(axis=1), 1e-12)
    rel = points[:, None, :] - a[None, :, :]
    t = np.clip((rel * d[None, :, :]).sum(axis=2) / n[None, :], 0.0, 1.0)
    off = rel - t[..., None] * d[None, :, :]
    return np.sqrt((off * off).sum(axis=2))


def _together_from(a: Sequence[Point], b: Sequence[Point], where: Point, apart: float) -> bool:
    """Whether `a`, from its point nearest `where` on to its end, runs within `apart` of `b` all the way
    (they have met, and go on together), checked every few px along it, not only at its corners."""
    k = int(np.argmin(_distances(np.array([where], dtype=float), a)[0]))  # the segment `where` lies on
    tail = np.asarray([where, *a[k + 1:]], dtype=float)
    steps = [tail[:1]]
    for p, q in zip(tail, tail[1:]):
        t = np.arange(1, max(1, int(math.dist(p, q) / 3)) + 1)[:, None]
        steps.append(p + t / t[-1] * (q - p))
    return bool((_distances(np.concatenate(steps), b).min(axis=1) <= apart).all())


def overlaps(paths: Sequence[Sequence[Point]], ends: Sequence[str], apart: float = 2.0,
             longer: float = 6.0, among: set[int] | None = None) -> list[tuple[int, int, tuple[Point, Point]]]:
    """The pairs of paths drawn on top of one another (`shared_runs`), as (i, j, stretch), but for links
    into one card (`ends[i]` its name) that have met: from the stretch on, both go on together to the
    card's arrival (its last approach, or the bus its links take into it), so no link is hidden where it
    could go elsewhere. With `among`, only the pairs with one of those paths in them."""
    boxes = [(min(x for x, _ in p) - apart, min(y for _, y in p) - apart,
              max(x for x, _ in p) + apart, max(y for _, y in p) + apart) if p else None for p in paths]
    out = []
    for i, j in itertools.combinations(range(len(paths)), 2):
        if among is not None and i not in among and j not in among:
            continue
        bi, bj = boxes[i], boxes[j]
        if bi is None or bj is None or bi[0] > bj[2] or bj[0] > bi[2] or bi[1] > bj[3] or bj[1] > bi[3]:
            continue
        for stretch in shared_runs(paths[i], paths[j], apart, longer):
            if ends[i] == ends[j] and all(_together_from(a, b, q, apart + 0.5) for q in stretch
                                          for a, b in ((paths[i], paths[j]), (paths[j], paths[i]))):
                continue
            out.append((i, j, stretch))
    return out


def simplified(path: Sequence[Point]) -> list[Point]:
    """`path` without the points that lie on the straight line between their neighbours (a corner rounded
    where the path does not turn leaves a row of them), so a straight run is one segment."""
    out = list(path[:1])
    for k in range(1, len(path)):
        p = path[k]
        if math.dist(p, out[-1]) < 1e-6:
            continue
        if len(out) > 1 and abs((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1]) - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) < 1e-6 * max(1.0, math.dist(out[-2], p)) and \
                (out[-1][0] - out[-2][0]) * (p[0] - out[-1][0]) + (out[-1][1] - out[-2][1]) * (p[1] - out[-1][1]) > 0:
            out[-1] = p
        else:
            out.append(p)
    return out


def corners_of(path: Sequence[Point]) -> list[Point] | None:
    """The corners of a path made of horizontal and vertical runs joined by rounded corners (`rounded`):
    each arc replaced by the corner it rounds. None when some stretch is neither a run nor such an arc
    (a curve), or two parallel runs meet with no run across (a corner rounded to nothing)."""
    pts = simplified(path)
    straight = [k for k in range(len(pts) - 1) if _axis(pts[k], pts[k + 1]) is not None]
    if not straight or straight[0] != 0 or straight[-1] != len(pts) - 2:
        return None
    out = [pts[0]]
    for k, nxt in zip(straight, straight[1:]):
        a, b = _axis(pts[k], pts[k + 1]), _axis(pts[nxt], pts[nxt + 1])
        if a == b and nxt == k + 1:
            continue  # one run in pieces (a corner rounded where the path goes straight on)
        if a == b:
            return None
        corner = (pts[nxt][0], pts[k + 1][1]) if a == 0 else (pts[k + 1][0], pts[nxt][1])
        lo_x, hi_x = sorted((pts[k + 1][0], pts[nxt][0]))
        lo_y, hi_y = sorted((pts[k + 1][1], pts[nxt][1]))
        if any(not (lo_x - 0.5 <= x <= hi_x + 0.5 and lo_y - 0.5 <= y <= hi_y + 0.5) for x, y in pts[k + 1:nxt + 1]):
            return None
        out.append(corner)
    out.append(pts[-1])
    return out


def _clusters(paths: Sequence[Sequence[Point]], axis: int, near: float) -> list[list[Run]]:
    """Runs of different paths along one line (less than `near` apart) whose extents overlap, grouped
    (two overlapping a third are in one group); only groups of two paths or more."""
    found = sorted((r for i, p in enumerate(paths) for r in runs(p, i) if r.axis == axis), key=lambda r: r.at)
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, r in enumerate(found):
        for j in range(i + 1, len(found)):
            s = found[j]
            if s.at - r.at >= near:
                break
            if s.path != r.path and min(r.hi, s.hi) - max(r.lo, s.lo) > 2.0:
                parent[root(j)] = root(i)
    groups: dict[int, list[Run]] = {}
    for i, r in enumerate(found):
        groups.setdefault(root(i), []).append(r)
    out = []
    for group in groups.values():
        seen: set[int] = set()
        members = [r for r in group if not (r.path in seen or seen.add(r.path))]  # one run per path
        if len(members) > 1:
            out.append(members)
    return out


def _moved(path: Sequence[Point], run: Run, by: float) -> list[Point]:
    """`path` with the run's block moved `by` across the run (y for a horizontal run, x for a vertical)."""
    out = list(path)
    first, last = run.block
    axis = 1 - run.axis  # the coordinate that changes
    for k in range(first, last + 1):
        p = list(out[k])
        p[axis] += by
        out[k] = (p[0], p[1])
    return out


def _slice(path: Sequence[Point], run: Run) -> list[Point]:
    """The part of `path` a nudge of `run` changes: its block and the runs across on either side."""
    first, last = run.block or (run.seg, run.seg + 1)
    return list(path[max(0, first - 1):last + 2])


def _still_fine(new: Sequence[Point], old: Sequence[Point], run: Run, keep_out: Sequence[Box],
                bounds: Box | None) -> bool:
    """Whether the moved run enters no box the path did not enter, leaves no bounds it kept to, and the
    runs across on either side keep their direction (a run across shortened past zero would turn back)."""
    a, b = _slice(new, run), _slice(old, run)
    boxes = dict(enumerate(keep_out))
    if set(crossings(a, boxes)) - set(crossings(b, boxes)):
        return False
    if bounds is not None and leaves(a, bounds) and not leaves(b, bounds):
        return False
    first, last = run.block
    axis = 1 - run.axis
    for i, j in ((first - 1, first), (last, last + 1)):
        before, after = old[j][axis] - old[i][axis], new[j][axis] - new[i][axis]
        if before * after <= 0 or abs(after) < 0.5:
            return False
    return True


def _tangles(paths: dict[int, list[Point]], members: Sequence[Run]) -> int:
    """How many times the changed parts of the members' paths cross each other (properly: not a shared
    end, not along one another); numpy, every segment of one part against every segment of the other."""
    parts = [np.asarray(_slice(paths[r.path], r), dtype=float) for r in members]
    count = 0
    for i, j in itertools.combinations(range(len(parts)), 2):
        a, b = parts[i][:-1, None, :], parts[i][1:, None, :]
        c, d = parts[j][None, :-1, :], parts[j][None, 1:, :]

        def side(o, p, q):  # the cross product (p - o) x (q - o), over every pair of segments
            return (p[..., 0] - o[..., 0]) * (q[..., 1] - o[..., 1]) - (p[..., 1] - o[..., 1]) * (q[..., 0] - o[..., 0])

        d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
        apart_cd = ((d1 > 1e-9) & (d2 < -1e-9)) | ((d1 < -1e-9) & (d2 > 1e-9))  # a, b either side of c-d
        apart_ab = ((d3 > 1e-9) & (d4 < -1e-9)) | ((d3 < -1e-9) & (d4 > 1e-9))  # c, d either side of a-b
        count += int((apart_cd & apart_ab).sum())
    return count


def _order_key(path: Sequence[Point], run: Run) -> float:
    """Where a run goes among the tracks of its group (smaller: the left or upper side), so that runs need
    not cross. A run coming in from one side and leaving to the other (a Z): the one that starts earlier
    along the way they all go takes the track nearer the side they leave to (its turn out then passes
    the others' ends, not their runs). A run in from and out to one side (a U): the shorter nearer that
    side, inside the longer."""
    first, last = run.block or (run.seg, run.seg + 1)
    across, along = 1 - run.axis, run.axis
    before = (path[first - 1][across] > run.at) - (path[first - 1][across] < run.at) if first > 0 else 0
    after = (path[last + 1][across] > run.at) - (path[last + 1][across] < run.at) if last + 1 < len(path) else 0
    start, end = path[run.seg][along], path[run.seg + 1][along]
    travel = 1 if end > start else -1
    if before and before == after:
        return -before * abs(end - start)
    side = -before if before else after  # the side it leaves to
    return side * travel * start if side else 0.0


def _tracks(order: Sequence[tuple[Run, ...]]) -> dict[tuple[Run, ...], int]:
    """A track per unit (a run, or the runs of a bus), in `order`: each on the first track past every
    earlier unit it overlaps, so units that do not overlap share a track (a channel holds as many tracks
    as runs side by side, not as many as runs along it) and two that do keep their order."""
    span = {u: (min(r.lo for r in u), max(r.hi for r in u)) for u in order}
    out: dict[tuple[Run, ...], int] = {}
    for i, u in enumerate(order):
        lo, hi = span[u]
        out[u] = max((out[q] + 1 for q in order[:i] if min(span[q][1], hi) - max(span[q][0], lo) > 0), default=0)
    return out


def _units(paths: Sequence[Sequence[Point]], members: Sequence[Run], ends: Sequence[str] | None) -> list[tuple[Run, ...]]:
    """The group's runs as units that take one track each: the last runs of links into one card (a bus:
    they turn into the card's arrival together, and from there on share their way) and every other run
    alone."""
    buses: dict[str, list[Run]] = {}
    out: list[tuple[Run, ...]] = []
    for r in members:
        last = r.block is not None and r.block[1] == len(paths[r.path]) - 2
        if last and ends is not None:
            buses.setdefault(ends[r.path], []).append(r)
        else:
            out.append((r,))
    return out + [tuple(bus) for bus in buses.values()]


def _room(path: Sequence[Point], run: Run, keep: tuple[float, float] = (0.5, 0.5)) -> tuple[float, float]:
    """How far the run may move either way (least, most) before a run across on either side of its block
    would shrink below half a pixel and turn back, or the path's first or last segment below `keep`
    (the stub out of its port, the approach its arrow sits on); nothing, for a run that cannot move."""
    if not run.block:
        return 0.0, 0.0
    first, last = run.block
    across = 1 - run.axis
    least, most = -math.inf, math.inf
    short = keep[0] if first == 1 else 0.5
    before = path[first][across] - path[first - 1][across]  # moving by d makes it before + d
    if before > 0:
        least = max(least, short - before)
    else:
        most = min(most, -short - before)
    short = keep[1] if last == len(path) - 2 else 0.5
    after = path[last + 1][across] - path[last][across]  # and this one after - d
    if after > 0:
        most = min(most, after - short)
    else:
        least = max(least, after + short)
    return least, most


def _spread(paths: list[list[Point]], members: list[Run], keep_out: Sequence[Sequence[Box]],
            bounds: Box | None, gaps: Sequence[float], keep: tuple[float, float],
            ends: Sequence[str] | None) -> bool:
    """Put the members of one group on tracks `gaps[0]` apart (the next gaps when the channel is narrower),
    in the order that crosses least, a run that cannot move keeping its place, the last runs of links
    into one card on one track (`_units`); `paths` are replaced. Whether anything moved.

    The tracks are placed as a whole: as near centred on the runs' lines as every run's room (`_room`)
    allows, so in a channel hemmed in by short stubs out of the ports they shift to where there is room."""
    fixed = [r for r in members if not r.block]
    members = [r for r in members if r.block] + fixed[:1]  # runs that cannot move: the first keeps its line
    units = _units(paths, members, ends)
    if len(units) < 2 or not any(r.block for r in members):
        return False
    natural = sorted(units, key=lambda u: (sum(_order_key(paths[r.path], r) for r in u) / len(u),
                                           min(r.path for r in u)))
    orders = list(itertools.permutations(natural)) if len(units) <= 4 else [natural]
    rooms = {r: _room(paths[r.path], r, keep) for r in members}
    centre = sum(r.at for r in members) / len(members)
    mine = {r.path for r in members}
    others = [q for i, p in enumerate(paths) if i not in mine for q in runs(p, i) if q.axis == members[0].axis]

    def lands_on_another(r: Run, line: float) -> bool:  # a track on another link's run, off this group
        return any(abs(q.at - line) < gaps[-1] and min(q.hi, r.hi) - max(q.lo, r.lo) > 2.0 for q in others)

    for g in gaps:
        best, best_tangles = None, math.inf
        for order in orders:
            index = {r: k for u, k in _tracks(order).items() for r in u}
            # the first track's line: every run's move (line + k g - at) within its room
            low = max(r.at + rooms[r][0] - index[r] * g for r in members)
            high = min(r.at + rooms[r][1] - index[r] * g for r in members)
            if low > high:
                continue
            base = min(max(centre - max(index.values()) * g / 2, low), high)
            trial = {r.path: paths[r.path] for r in members}
            for r in members:
                if r.block:
                    line = base + index[r] * g
                    trial[r.path] = _moved(paths[r.path], r, line - r.at)
                    if lands_on_another(r, line) or \
                            not _still_fine(trial[r.path], paths[r.path], r, keep_out[r.path], bounds):
                        break
            else:
                tangles = _tangles(trial, members)
                if tangles < best_tangles:
                    best, best_tangles = trial, tangles
        if best is not None:
            for i, p in best.items():
                paths[i] = p
            return True
    return False


def nudge(paths: Sequence[Sequence[Point]], keep_out: Sequence[Sequence[Box]], bounds: Box | None,
          gap: float, least: float | None = None, radius: float = 14.0,
          keep: tuple[float, float] = (2.0, 2.0), ends: Sequence[str] | None = None) -> list[list[Point]]:
    """The paths with the straight runs that different paths share along one line moved apart, onto
    parallel tracks `gap` apart (down to `least` in a narrow channel), so a player tells the links apart.
    `keep_out[i]` are the boxes path i must not enter (the other cards, grown by a margin), `bounds` the
    board it stays on.

    A path of runs and rounded corners is nudged as its corners (`corners_of`) and rounded again with
    `radius`, so a corner's arc follows the track; any other path (a curve) moves its runs rigidly with
    whatever lies between them and the runs across. Moving a run only lengthens or shortens the runs
    across on either side, so a path stays orthogonal where it was; its first and last segments keep at
    least `keep` (its stub out of the port, its arrow's approach). Horizontal runs first, then vertical
    ones (moving the former changes the latter's lengths). A group's order is the one whose changed parts
    cross least, trying the order from the runs' sides first (`_order_key`); a track that would enter a
    card or leave the board is refused and the group tried at a smaller gap, then left as it was. Runs
    that reach a port or an arrival without a turn (the stub out of a port, the last approach into a
    card) stay put. Links into one card (`ends[i]`: path i's card) share their last run, a bus into its
    arrival: once they meet they go on together (what `overlaps` allows), and a narrow channel between
    two columns holds one track per card rather than one per link."""
    least = gap / 2 if least is None else least
    gaps = [g for g in (gap, gap * 0.75, gap * 0.6) if g > least] + [least]
    corners = [corners_of(p) for p in paths]
    work = [c if c is not None else simplified(p) for p, c in zip(paths, corners)]
    moved: set[int] = set()
    for axis in (0, 1):
        for members in _clusters(work, axis, gap):
            if _spread(work, members, keep_out, bounds, gaps, keep, ends):
                moved |= {r.path for r in members}
    return [(rounded(w, radius) if corners[i] is not None else w) if i in moved else list(paths[i])
            for i, w in enumerate(work)]
