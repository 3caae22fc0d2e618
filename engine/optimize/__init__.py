"""What do these rules give? Par by simulation, the bottlenecks, the live preview, par kept and in the background.

    evaluate     Evaluator, SimEvaluator: per-replication scores of rule settings, cached, on common
                 random numbers
    coordinate   search, optimize: par, the best rule values a coordinate search with successive halving
                 finds (the search itself is explained there)
    losses       bottlenecks: where a day's money and minutes go, read from traced days
    forecast     preview: headline KPIs within a third of a second, simulated or by queueing formulas
    par          par kept beside a scenario (save_par, load_par), computed in another process (ParJob),
    references   References, references: the default rules and par on the evaluation days, with their KPIs

They live together because they answer the same question with the same engine calls. The names below are
the package's public face; the game and the command line import them from here. The modules are named
for what they hold rather than after a function (`preview`, `search`, `bottlenecks`), so that
`engine.optimize.preview` is always the function.
"""
from .coordinate import OptimizeResult, ProgressFn, optimize, search, start_points
from .evaluate import Evaluator, SimEvaluator
from .forecast import HEADLINE_KPIS, Preview, preview
from .losses import Loss, bottlenecks
from .par import ParJob, fingerprint, load_par, par_path, save_par
from .references import References, references

__all__ = [
    "OptimizeResult", "Evaluator", "SimEvaluator", "optimize", "search", "start_points", "ProgressFn", "Loss",
    "bottlenecks",
    "Preview", "preview", "HEADLINE_KPIS", "fingerprint", "par_path", "save_par", "load_par", "ParJob",
    "References", "references",
]
