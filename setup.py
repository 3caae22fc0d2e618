"""The optional compiled engine (mypyc), and the package list; everything else about the package is in
pyproject.toml.

A build copies the engine's hot modules into the build folder as the package engine._fast
(build/processplay-fast/, engine/_build.py) and compiles the copy with mypyc, which type-checks them first.
The compiled modules go into the wheel, or, for an editable install (`pip install -e .`), into the source
tree's engine/_fast/; a wheel built in the source folder never touches that folder, so the editable install
keeps running compiled. Without a C compiler, or when mypyc refuses, the install goes on with the
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
    """build_ext that lets the install go on, pure-Python, when the C compiler fails, and gives the compiled
    modules their packages (engine/_fast/__init__.py...) where they land."""

    def run(self):
        try:
            super().run()
        except Exception as ex:  # no compiler, no Python headers...
            _give_up(f"{type(ex).__name__}: {ex}")
            return
        if self.extensions and not self.inplace:  # a wheel, or `pip install .`: the build folder's engine/
            from engine._build import write_package_inits

            write_package_inits(os.path.join(self.build_lib, "engine"))

    def copy_extensions_to_source(self):
        """An editable install: the source tree's engine/_fast/ afresh, holding only this build's modules
        (old ones, of other sources or another layout, go with it)."""
        from engine._build import write_package_inits

        shutil.rmtree(os.path.join(HERE, "engine", "_fast"), ignore_errors=True)
        write_package_inits(os.path.join(HERE, "engine"))
        super().copy_extensions_to_source()

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as ex:
            _give_up(f"{type(ex).__name__}: {ex}")


def ext_modules() -> list:
    sys.path.insert(0, HERE)
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
    from engine._build import COPY_DIR, write_copy

    shutil.rmtree(os.path.join(HERE, "build"), ignore_errors=True)  # never reuse C from an older build
    try:
        paths = [os.path.relpath(p, HERE) for p in write_copy(os.path.join(HERE, COPY_DIR))]
    except ImportError as ex:  # a hot module imports a plain one relatively (engine/_build.py)
        _give_up(str(ex))
        return []
    try:
        return mypycify(["--config-file", os.path.join(HERE, "pyproject.toml"), *paths],
                        opt_level="3", debug_level="0", group_name="processplay_engine")
    except BaseException as ex:  # mypyc exits on a type error in the hot modules (printed above)
        _give_up(f"mypyc refused the engine: {ex!r}")
        return []


def packages() -> list[str]:
    """engine and game with every package below them, and the data packages pyproject.toml's package-dir maps
    onto top-level folders (scenarios/, assets/) with every folder below those. Not engine._fast: the build
    makes it (the compiled modules and their __init__.py, OptionalBuildExt), and the source tree's
    engine/_fast/ belongs to an editable install, never to a wheel."""
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        data = tomllib.load(f)["tool"]["setuptools"]["package-dir"]
    found = find_packages(HERE, include=["engine", "engine.*", "game", "game.*"],
                          exclude=["engine._fast", "engine._fast.*"])
    for name, folder in data.items():
        found += [name] + [f"{name}.{below}" for below in find_namespace_packages(os.path.join(HERE, folder))]
    return found


setup(ext_modules=ext_modules(), packages=packages(), cmdclass={"build_ext": OptionalBuildExt})
