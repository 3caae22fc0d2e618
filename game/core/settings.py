"""What one running game is set to: the choices the command line, a mode or a test makes for the whole
session, read by the flow and the screens as `app.settings`.

They live in the frame of the game (not in the flow) so that the App can declare them: nothing is pinned
on the App from outside and read back with `getattr`. The flow, the screens and the modes read and write
these fields; none of them computes anything here.

`screens` is how a mode decides a screen of the flow: a place of the flow ("title", "select", "briefing",
"map", "rules", "run", "results") -> `make(app, round, **ways)`, which the flow calls, instead of building
its own screen, with the same ways on (`on_done`, `on_back`, ...) it would have given its own; `round` is
None for the title and scenario select. `make` may return None: the flow then builds its own screen (the
kiosk's attract rounds end on the plain results).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


@dataclass
class Settings:
    background_par: bool = True  # compute par in another process when a scenario has none kept
    scenario_dirs: list[Path] = field(default_factory=list)  # custom scenarios besides the built-in ones
    seed: int | None = None  # the day's seed (a daily challenge); None: the scenario's own
    attract: bool = False  # rounds are played by the autoplay (nothing is saved, no par job)
    par_seconds: float = 20.0  # a quick search for par at the results when none is kept or computed
    #: a mode's own screen for a place of the flow (see the module docstring)
    screens: dict[str, Callable[..., Any]] = field(default_factory=dict)
