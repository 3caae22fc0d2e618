"""A player's process map: checked, compared with the expert maps, scored, coached, saved and loaded.

The map phase of a round works like this: the player places cards (steps) and draws edges between their
ports, then submits. `map_problems` says what stops the map from running at all, in words a player
understands, each problem naming the step, port or edge a screen should highlight. A runnable map is then
compared with the scenario's reference map and its `alternatives`, edge by edge (`compare_map`), and scored
0-100; the advisors' hints for the most important missing edges (`hints_for`) coach the next attempt.
`Attempts` keeps the score of a round: three attempts by default, the best one counts, and after the last
one the missing and extra edges are revealed.

    problem    MapProblem, and how problems name cards and edges
    graph      reach, strongly connected groups, closed loops: walks over the drawing
    check      map_problems: the one judge of what can run
    loops      the loops that hold work for ever (probabilities and durations, not only the drawing)
    flows      edge_flows: how often each edge is travelled (the map as a Markov chain)
    compare    compare_map, score_map, edge_importance, reveal_lines
    hints      hints_for: the advisors' words for the missing edges
    attempts   Attempts: the map phase of a round
    io         map files: loads_map, load_map, read_map, dumps_map, save_map

The names below are this package's public face; the game and the command line import them from here.
"""
from .attempts import Attempt, Attempts
from .check import map_problems
from .compare import MapComparison, compare_map, edge_importance, reveal_lines, score_map
from .flows import edge_flows, port_shares
from .hints import Hint, hints_for
from .io import MapFileError, dumps_map, format_problem, load_map, loads_map, read_map, save_map
from .problem import MapProblem, describe_edge

__all__ = [
    "MapProblem", "map_problems", "MapComparison", "compare_map", "score_map", "edge_importance",
    "edge_flows", "port_shares", "describe_edge", "reveal_lines",
    "Hint", "hints_for", "Attempt", "Attempts", "MapFileError", "loads_map", "load_map", "read_map",
    "save_map", "dumps_map", "format_problem",
]
