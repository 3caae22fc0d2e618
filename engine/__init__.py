"""ProcessPlay's engine: scenario loading and validation, the discrete-event simulation, scoring.

Pure Python with numpy, networkx and PyYAML; it never imports pygame, so everything a screen shows can be
computed on the command line and in tests.

The simulation's hot modules (engine/sim/: the loop and what it calls, engine._build.FAST) may also be installed
compiled by mypyc, as the package `engine._fast` made from a copy of them; `engine.BACKEND` says which runs
('compiled' or 'pure'), and `engine._backend` how it is chosen (PROCESSPLAY_ENGINE=auto|pure|compiled).
"""
from . import _backend

_backend.install()


def __getattr__(name: str):
    if name == "BACKEND":
        return _backend.backend()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
