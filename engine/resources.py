"""What ships with the code, installed or in a checkout: the built-in scenarios, the game's fonts (through
`shipped`), the version.

In the repository the data are top-level folders, `scenarios/` and `assets/`, beside `engine/` and `game/`. A
wheel carries them inside the packages as package data: pyproject.toml's `[tool.setuptools.package-dir]` maps the
package `engine.scenarios` onto `scenarios/` and `game.assets` onto `assets/`, so an installed game has
`site-packages/engine/scenarios/` and `site-packages/game/assets/`.

`shipped(package, folder)` finds the package with `importlib.resources` and takes the folder inside it (an
installed wheel), else the one beside it (a checkout, run as `python main.py` or installed with
`pip install -e .`, which leaves the files where they are). When neither is there the answer is still where
the folder belongs, beside the package if the project's pyproject.toml is there too (a checkout), else
inside, so a broken copy or install is told where its files are missing. It looks at the package that was
imported rather than importing the data package by name, so a checkout always reads its own files, even in
an environment where another checkout is installed in editable mode (whose finder would answer that name).

The version follows the same rule: a checkout's is the one its pyproject.toml declares (the only place that
says it; an editable install's metadata is as old as the install), an installed wheel's is in its metadata
(`importlib.metadata`).
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DISTRIBUTION = "processplay"


def shipped(package: str, folder: str) -> Path:
    """The data folder `folder` that ships with `package`: `package/folder` in an installed wheel, the
    top-level `folder` beside the package in a source checkout (either may be missing, in a broken copy)."""
    root = files(package)
    if not isinstance(root, Path):  # a zip import: pip never installs so, and the game opens files by path
        raise RuntimeError(f"{package} is imported from an archive ({root}); ProcessPlay must be installed as "
                           "files (pip install) to find its scenarios and fonts")
    inside, beside = root / folder, root.parent / folder
    if inside.is_dir():
        return inside
    if beside.is_dir() or (root.parent / "pyproject.toml").is_file():
        return beside
    return inside  # an install that lost its data


def builtin_scenarios() -> Path:
    """The folder of the built-in scenarios: NAME.yaml, and NAME.par.json (its par) beside each."""
    return shipped("engine", "scenarios")


def builtin_scenario_files() -> list[Path]:
    """The built-in scenario files, by name (empty when the folder is missing)."""
    return sorted(builtin_scenarios().glob("*.yaml"))


def version() -> str:
    """This ProcessPlay's version, e.g. '0.1.0' ('unknown' in a copy with neither pyproject.toml nor metadata)."""
    import tomllib
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        with open(Path(__file__).resolve().parents[1] / "pyproject.toml", "rb") as f:
            project = tomllib.load(f).get("project", {})
        if project.get("name") == DISTRIBUTION:
            return project["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass  # not a checkout (an installed wheel has no pyproject.toml beside its packages)
    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"
