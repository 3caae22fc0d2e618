"""Which engine runs: the compiled copy of the hot modules (`engine._fast`, built by mypyc) or plain Python.

PROCESSPLAY_ENGINE=auto (the default) runs the compiled copy when one is installed and was built from exactly
the sources on disk (engine._build: the hash of engine/sim/*.py); after an edit it is stale, so the plain
modules run and one line on standard error says how to rebuild. =pure never runs it; =compiled insists (an
ImportError when no current build is there).

The choice is made at the first import of a hot module, not at `import engine`, which stays light: a finder
on `sys.meta_path` answers `engine.sim.loop` and the other hot modules with their compiled copies
(`engine._fast.sim.loop`), so both names are one module. `engine.sim` itself, `engine.sim.run`, `.parallel`
and `.trace` are never compiled; they import the hot modules and so get whichever runs.
"""
from __future__ import annotations

import importlib
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec

from ._build import FAST, HASH_MODULE

_PACKAGE = __name__.rpartition(".")[0]
_HOT = {f"{_PACKAGE}.{m}": f"{_PACKAGE}._fast.{m}" for m in FAST}  # a hot module -> its compiled copy
REBUILD = "pip install -e ."
STALE = "the compiled engine is stale"
_chosen: str | None = None


def backend() -> str:
    """'compiled' or 'pure', chosen once per process."""
    global _chosen
    if _chosen is None:
        _chosen = "pure"  # while choosing
        try:
            _chosen = _choose()
        except BaseException:
            _chosen = None  # PROCESSPLAY_ENGINE=compiled without a current build: every import says so
            raise
    return _chosen


def _choose() -> str:
    mode = os.environ.get("PROCESSPLAY_ENGINE", "auto")
    if mode not in ("auto", "pure", "compiled"):
        raise ImportError(f"PROCESSPLAY_ENGINE={mode!r}: use auto, pure or compiled")
    if mode == "pure":
        return "pure"
    problem = _compiled_problem()
    if problem is None:
        return "compiled"
    if mode == "compiled":
        raise ImportError(f"PROCESSPLAY_ENGINE=compiled, but {problem}")
    if problem.startswith(STALE):
        print(f"processplay: {problem}; running the pure-Python engine (rebuild it with: {REBUILD})",
              file=sys.stderr)
    return "pure"


def _compiled_problem() -> str | None:
    """Why the compiled copy cannot run, or None when it can (and then it is imported)."""
    import importlib.util

    from ._build import source_hash

    try:
        specs = [importlib.util.find_spec(f"{_PACKAGE}._fast.{m}") for m in FAST]
    except ImportError:
        specs = [None]
    if any(s is None for s in specs):
        return "no compiled engine is installed"
    if not all(str(s.origin).endswith(tuple(EXTENSION_SUFFIXES)) for s in specs):
        return "the engine was installed without compiling it (no C compiler?)"
    try:
        built = importlib.import_module(f"{_PACKAGE}._fast.{HASH_MODULE}")
    except ImportError as ex:
        return f"the compiled engine does not load ({ex})"
    if getattr(built, "SOURCE_HASH", None) != source_hash():
        return STALE + " (engine/sim/*.py changed since it was built)"
    for m in FAST:
        importlib.import_module(f"{_PACKAGE}._fast.{m}")
    return None


class _Alias:
    """Loads `engine.X` as the already imported `engine._fast.X`."""

    def __init__(self, module):
        self.module = module
        self.own_spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.own_spec  # the import system set the alias's spec; keep the module's own


class CompiledFinder:
    """Answers the hot modules' names with their compiled copies when those run; otherwise stays silent."""

    def find_spec(self, name, path=None, target=None):
        compiled = _HOT.get(name)
        if compiled is None or backend() != "compiled":
            return None
        return ModuleSpec(name, _Alias(sys.modules[compiled]))


def install() -> None:
    if not any(isinstance(f, CompiledFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, CompiledFinder())
