"""The optional compiled engine (mypyc), and the package list; everything else about the package is in
pyproject.toml.

A build copies the engine's hot modules to engine/_fast/ (engine/_build.py) and compiles the copy with mypyc,
which type-checks them first. Without a C compiler, or when mypyc refuses, the install goes on with the
pure-Python engine and says so on standard error (`pip install -v` shows it).
PROCESSPLAY_REQUIRE_COMPILED=1 (CI, wheels) makes any of that an error; PROCESSPLAY_PURE=1 skips compiling.
"""
import os
import shutil
import sys
import tomllib

from setuptools import find_namespace_packages, find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIRED = os.environ.get("PROCESSPLAY_REQUIRE_COMPILED") == "1"
# setup.py commands that build code; metadata-only runs (egg_info, dist_info) skip mypyc
BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


_said: list[str] = []


def _give_up(why: str) -> None:
    if REQUIRED:
        raise SystemExit(f"PROCESSPLAY_REQUIRE_COMPILED=1, but the compiled engine was not built: {why}")
    if not _said:  # once, not once per extension module
        _said.append(why)
        why = why if len(why) <= 300 else why[:300] + "..."
        print(f"WARNING: the compiled engine was not built ({why}); the pure-Python engine is installed",
              file=sys.stderr)


class OptionalBuildExt(build_ext):
    """build_ext that lets the install go on, pure-Python, when the C compiler fails."""

    def run(self):
        try:
            super().run()
        except Exception as ex:  # no compiler, no Python headers...
            _give_up(f"{type(ex).__name__}: {ex}")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as ex:
            _give_up(f"{type(ex).__name__}: {ex}")


def ext_modules() -> list:
    sys.path.insert(0, HERE)
    from engine._build import write_copy

    paths = [os.path.relpath(p, HERE) for p in write_copy()]  # always: the package engine._fast must exist
    if not BUILDS.intersection(sys.argv[1:]):
        return []
    if os.environ.get("PROCESSPLAY_PURE") == "1":
        return []
    if sys.implementation.name != "cpython":
        _give_up(f"mypyc needs CPython, not {sys.implementation.name}")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as ex:
        _give_up(f"mypyc is missing: {ex}")
        return []
    shutil.rmtree(os.path.join(HERE, "build"), ignore_errors=True)  # never reuse C from an older build
    try:
        return mypycify(["--config-file", os.path.join(HERE, "pyproject.toml"), *paths],
                        opt_level="3", debug_level="0", group_name="processplay_engine")
    except BaseException as ex:  # mypyc exits on a type error in the hot modules (printed above)
        _give_up(f"mypyc refused the engine: {ex!r}")
        return []


def packages() -> list[str]:
    """engine and game with every package below them, and the data packages pyproject.toml's package-dir maps
    onto top-level folders (scenarios/, assets/) with every folder below those."""
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        data = tomllib.load(f)["tool"]["setuptools"]["package-dir"]
    found = find_packages(HERE, include=["engine", "engine.*", "game", "game.*"])
    for name, folder in data.items():
        found += [name] + [f"{name}.{below}" for below in find_namespace_packages(os.path.join(HERE, folder))]
    return found


# ext_modules() first: it writes engine/_fast/, one of the packages packages() finds
setup(ext_modules=ext_modules(), packages=packages(), cmdclass={"build_ext": OptionalBuildExt})
