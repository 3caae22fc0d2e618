"""`engine.sim` offers what the rest of the code imports from it, whichever engine runs.

(That no module of engine/sim/ is on an import circle is the engine's layer test's to keep, with the one
reader of the import graph the project has: tests/engine/test_engine_layers.py.)
"""
from __future__ import annotations


def test_engine_sim_offers_what_the_rest_imports():
    from engine import sim

    for name in ("run", "Day", "RunResult", "compile_for", "MapError", "TRACE_CHUNK"):
        assert hasattr(sim, name), name
    from engine.sim.plan import MapError

    assert sim.MapError is MapError and issubclass(MapError, ValueError)
    assert sim.Day.__module__ in ("engine.sim.day", "engine._fast.sim.day")
