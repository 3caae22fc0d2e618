"""Links sharing a channel, told apart (`game.ui.channels`): runs of different links along one line move
onto tracks a gap apart in the order that does not cross, less apart in a narrow channel, never into a
card; links into one card share their last run; and the check that two links are drawn on top of one
another bites where they are and stays quiet where they are not."""
from __future__ import annotations

import math

from game.ui.channels import corners_of, nudge, overlaps, shared_runs
from game.ui.routing import doubles_back, rounded, segment_enters, segments_cross

BOUNDS = (-100.0, -100.0, 600.0, 600.0)


def ell(y_in: float, x: float, y_out: float, end: float = 200.0) -> list[tuple[float, float]]:
    """A link out of a port at (0, y_in), right to the channel at x, along it to y_out, right to `end`."""
    return rounded([(0.0, y_in), (x, y_in), (x, y_out), (end, y_out)], 14)


def vertical_runs(path) -> list[tuple[float, float, float]]:
    corners = corners_of(path)
    return [(a[0], min(a[1], b[1]), max(a[1], b[1])) for a, b in zip(corners, corners[1:])
            if a[0] == b[0] and a[1] != b[1]]


def tangles(a, b) -> int:
    return sum(segments_cross(p, q, r, s) for p, q in zip(a, a[1:]) for r, s in zip(b, b[1:]))


def test_two_links_down_one_channel_go_apart_in_the_order_that_does_not_cross():
    upper, lower = ell(0, 100, 200), ell(50, 100, 300)  # both down the channel at x = 100, from 50 to 200
    assert overlaps([upper, lower], ["a", "b"])
    out = nudge([upper, lower], [[], []], BOUNDS, 12.0, 6.0, 14.0, (1.0, 10.0), ["a", "b"])
    assert overlaps(out, ["a", "b"]) == []
    (x_upper, *_), = vertical_runs(out[0])
    (x_lower, *_), = vertical_runs(out[1])
    assert math.isclose(abs(x_upper - x_lower), 12.0)
    # the one that starts higher takes the track nearer where both go: its turn out passes the other's end
    assert x_upper > x_lower and tangles(out[0], out[1]) == 0
    assert tangles(ell(0, x_lower, 200), ell(50, x_upper, 300)) > 0  # the other order crosses
    for before, after in zip((upper, lower), out):
        assert after[0] == before[0] and after[-1] == before[-1]  # ports and arrivals stay
        assert not doubles_back(after)


def test_a_narrow_channel_takes_a_smaller_gap_and_no_track_enters_a_card():
    upper, lower = ell(0, 100, 200), ell(50, 100, 300)
    # cards 8 px apart round the channel at x = 100 (the runs in from the ports pass above the left one,
    # the runs out below the right one)
    walls = [(40.0, 80.0, 96.0, 400.0), (104.0, -50.0, 160.0, 150.0)]
    out = nudge([upper, lower], [walls, walls], BOUNDS, 12.0, 6.0, 14.0, (1.0, 10.0), ["a", "b"])
    xs = sorted(x for p in out for x, _, _ in vertical_runs(p))
    assert 6.0 <= xs[1] - xs[0] < 12.0
    assert not any(segment_enters(a, b, w) for p in out for a, b in zip(p, p[1:]) for w in walls)
    shut = [(40.0, 80.0, 99.0, 400.0), (101.0, -50.0, 160.0, 150.0)]  # no room for two tracks: left as drawn
    assert nudge([upper, lower], [shut, shut], BOUNDS, 12.0, 6.0, 14.0, (1.0, 10.0), ["a", "b"]) == [upper, lower]


def test_links_into_one_card_share_their_last_run_and_only_that():
    first, second = ell(0, 100, 200), ell(50, 100, 200)  # both into the card at (200, 200)
    out = nudge([first, second], [[], []], BOUNDS, 12.0, 6.0, 14.0, (1.0, 10.0), ["desk", "desk"])
    assert out == [first, second]  # one bus into the card: nothing to move
    assert overlaps(out, ["desk", "desk"]) == []
    assert overlaps(out, ["desk", "exit"])  # the same two paths, were they links into two cards
    # into one card, but one leaves the shared run again before the card: that is a hidden link
    leaving = rounded([(0.0, 0.0), (100.0, 0.0), (100.0, 150.0), (300.0, 150.0), (300.0, 200.0), (200.0, 200.0)], 14)
    assert overlaps([first, leaving], ["desk", "desk"])


def test_the_overlap_check_bites_on_runs_and_curves_alike():
    assert shared_runs([(0, 0), (100, 0)], [(20, 1), (90, 1)])  # along one line, a pixel apart
    assert not shared_runs([(0, 0), (100, 0)], [(20, 6), (90, 6)])  # parallel, apart
    assert not shared_runs([(0, 0), (100, 0)], [(50, -50), (50, 50)])  # crossing is not hiding
    assert not shared_runs([(0, 0), (100, 0)], [(98, 0), (130, 0)])  # touching end to end, 2 px
    slanted = [(0, 0), (100, 60)]
    assert shared_runs(slanted, [(10, 6.5), (80, 48.5)])  # a curve's pieces too, not only level runs
