"""Where the files that ship with the code are: the built-in scenarios, and (through `shipped`) the game's fonts.

In the repository they are top-level folders, `scenarios/` and `assets/`, beside `engine/` and `game/`. A wheel
carries them inside the packages as package data: pyproject.toml's `[tool.setuptools.package-dir]` maps the
package `engine.scenarios` onto `scenarios/` and `game.assets` onto `assets/`, so an installed game has
`site-packages/engine/scenarios/` and `site-packages/game/assets/`.

`shipped(package, folder)` looks inside the package first (`importlib.resources`: an installed wheel) and then
beside it (a source checkout, run as `python main.py` or installed with `pip install -e .`, which leaves the
files where they are). It looks next to the package that was imported rather than importing the data package
by name, so a checkout always reads its own files, even in an environment where another checkout is
installed in editable mode (the editable finder would answer the data package's name from that one).
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped(package: str, folder: str) -> Path:
    """The data folder `folder` that ships with `package`: `package/folder` in a wheel, the top-level
    `folder` beside the package in a source checkout (which may be missing, as in a broken copy)."""
    root = files(package)
    if not isinstance(root, Path):  # a zip import: pip never installs so, and the game opens files by path
        raise RuntimeError(f"{package} is imported from an archive ({root}); ProcessPlay must be installed as "
                           "files (pip install) to find its scenarios and fonts")
    inside = root / folder
    return inside if inside.is_dir() else root.parent / folder


def builtin_scenarios() -> Path:
    """The folder of the built-in scenarios: NAME.yaml, and NAME.par.json (its par) beside each."""
    return shipped("engine", "scenarios")
