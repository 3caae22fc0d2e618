"""What do these rules give? Par by simulation, the bottlenecks, the live forecast, par kept and in the background.

    evaluate     Evaluator, SimEvaluator: per-replication scores of rule settings, cached, on common
                 random numbers
    coordinate   search, optimize: par, the best rule values a coordinate search with successive halving
                 finds (the search itself is explained there)
    losses       bottlenecks: where a day's money and minutes go, read from traced days
    forecast     DayByDay, Forecast: the live forecast, the evaluation days one at a time (or queueing
                 formulas when a day is too big), finished equal to the results
    par          par kept beside a scenario (save_par, load_par), computed in another process (ParJob),
    references   References, references: the default rules and par on the evaluation days, with their KPIs
    outlook      rest_of_day, decision_options, Outlook: what each option at a decision (or a lever pulled
                 mid-day) gives the rest of the day, on the evaluation days

They live together because they answer the same question with the same engine calls. The names below are
the package's public face; the game and the command line import them from here. The modules are named
for what they hold rather than after a function (`search`, `bottlenecks`), so that
`engine.optimize.search` is always the function.
"""
from .coordinate import OptimizeResult, ProgressFn, optimize, search, start_points
from .evaluate import Evaluator, SimEvaluator
from .forecast import DayByDay, Forecast, forecast_of, formula_forecast
from .losses import Loss, bottlenecks
from .outlook import Outlook, decision_options, rest_of_day
from .par import ParJob, fingerprint, load_par, par_path, save_par
from .references import References, references

__all__ = [
    "OptimizeResult", "Evaluator", "SimEvaluator", "optimize", "search", "start_points", "ProgressFn", "Loss",
    "bottlenecks",
    "DayByDay", "Forecast", "forecast_of", "formula_forecast", "fingerprint", "par_path", "save_par", "load_par",
    "ParJob", "References", "references", "Outlook", "decision_options", "rest_of_day",
]
