"""The wheel is the whole game: built from the sdist, it holds every scenario, every font and every module, and
installed into a fresh environment it plays from any folder.

The build runs on a copy of the project (building in place would rewrite engine/_fast under the editable
install), in pure Python (PROCESSPLAY_PURE=1: the compile is tested by .ci/run's own install) and without
build isolation, so nothing is downloaded: setuptools comes from this environment. The sdist is built first,
through setuptools' PEP 517 hook, and the wheel from it, so a file the sdist forgot is missing from the wheel
too. The fresh environment has no pip and no packages of its own: the wheel goes in with --no-deps, and a
.pth file lends it this environment's site-packages for pygame, numpy and the others (pip is told to ignore
what it sees installed there, so it never touches this environment's own processplay).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
# what a build or a run leaves in a checkout (.gitignore), none of it source
ARTEFACTS = (".git", "build", "dist", "*.egg-info", "_fast", "__pycache__", "*.so", "*.pyd", ".venv", ".mypy_cache",
             ".pytest_cache", ".hypothesis", "out", "screenshots")
PURE_BUILD = {"PROCESSPLAY_PURE": "1", "PROCESSPLAY_REQUIRE_COMPILED": "0"}
# the installed wheel is pure Python: auto, whatever engine this test run insists on (CI: compiled)
HEADLESS = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PROCESSPLAY_ENGINE": "auto"}


def project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def shipped_files(folder: str) -> list[str]:
    """The files of a top-level data folder, relative to it (scenarios/x.yaml -> 'x.yaml')."""
    base = ROOT / folder
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def modules() -> list[str]:
    """Every module of engine/ and game/ in the checkout, as a path in the wheel."""
    return sorted(str(p.relative_to(ROOT)) for package in ("engine", "game") for p in (ROOT / package).rglob("*.py")
                  if "_fast" not in p.parts)


def call(args: list, cwd: Path, timeout: float = 600, ok: bool = True, **env: str) -> subprocess.CompletedProcess:
    """A subprocess, which must succeed when `ok`; the timeout is a safety net against a hang, not a measure."""
    out = subprocess.run(args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0 or not ok, f"{args}: exit {out.returncode}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def check_build_requirements() -> None:
    """The build uses this environment's setuptools: it must be one pyproject.toml's build-system accepts."""
    from importlib.metadata import version

    from packaging.requirements import Requirement

    with open(ROOT / "pyproject.toml", "rb") as f:
        needed = [Requirement(r) for r in tomllib.load(f)["build-system"]["requires"]]
    for req in needed:
        if req.name == "setuptools":
            assert req.specifier.contains(version("setuptools")), (
                f"the build needs {req}, this environment has setuptools {version('setuptools')}: "
                "pip install -e '.[test]' brings it")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the sdist, the wheel built from it)."""
    check_build_requirements()
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*ARTEFACTS))
    dist = work / "dist"
    call([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})"],
         cwd=source, **PURE_BUILD)
    (sdist,) = dist.glob("*.tar.gz")
    call([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist),
          str(sdist)], cwd=work, **PURE_BUILD)
    (wheel,) = dist.glob("*.whl")
    return sdist, wheel


def test_the_sdist_holds_the_data_folders_and_the_licences(built):
    sdist, _ = built
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    for folder in ("scenarios", "assets"):
        for name in shipped_files(folder):
            assert f"{folder}/{name}" in names
    for name in ("LICENSE", "README.md", "pyproject.toml", "setup.py", "main.py", *modules()):
        assert name in names


def test_the_wheel_holds_every_scenario_font_and_module(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        dist_info = f"processplay-{project()['version']}.dist-info"
        metadata = whl.read(f"{dist_info}/METADATA").decode()
    scenarios = shipped_files("scenarios")
    assert {"customer_service.yaml", "customer_service.par.json", "tutorial.yaml"} <= set(scenarios)
    for name in scenarios:
        assert f"engine/scenarios/{name}" in names
    fonts = shipped_files("assets")
    assert {"fonts/Inter-Regular.otf", "fonts/Inter-SemiBold.otf", "fonts/Inter-Bold.otf", "fonts/OFL.txt"} <= set(fonts)
    for name in fonts:
        assert f"game/assets/{name}" in names
    for name in ("main.py", *modules()):
        assert name in names
    assert f"{dist_info}/licenses/LICENSE" in names
    assert f"License-Expression: {project()['license']}" in metadata.splitlines()
    assert not any(name.startswith(("scenarios/", "assets/", "tests/")) for name in names)  # nothing top-level


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A fresh environment with the wheel installed: its bin folder."""
    _, wheel = built
    venv = tmp_path_factory.mktemp("venv") / "env"
    call([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv.parent)
    python = venv / "bin" / "python"
    own = call([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv).stdout
    lent = [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)]
    (Path(own.strip()) / "lent_packages.pth").write_text("\n".join(lent) + "\n")
    call([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
          "--ignore-installed", str(wheel)], cwd=venv.parent)
    return venv / "bin"


def run_installed(bin_dir: Path, args: list, cwd: Path, ok: bool = True) -> subprocess.CompletedProcess:
    """A command of the fresh environment (`processplay`, `python`) run in `cwd`, headless."""
    return call([str(bin_dir / args[0]), *args[1:]], cwd=cwd, ok=ok, **HEADLESS)


def test_the_installed_game_reads_its_own_scenarios_and_fonts(installed, tmp_path):
    code = ("import engine.resources as r, game.ui.assets as a, game.ui.theme as t; "
            "print(r.builtin_scenarios()); print(t.FONT_DIR); print(a.FONTS)")
    scenarios, theme_fonts, fonts = run_installed(installed, ["python", "-c", code], tmp_path).stdout.split()
    site = str(installed.parent / "lib")
    assert scenarios.startswith(site) and scenarios.endswith("engine/scenarios")
    assert theme_fonts == fonts and fonts.startswith(site) and fonts.endswith("game/assets/fonts")
    assert sorted(p.name for p in Path(scenarios).iterdir()) == shipped_files("scenarios")
    assert sorted(p.name for p in Path(fonts).iterdir()) == [n.split("/", 1)[1] for n in shipped_files("assets")
                                                             if n.startswith("fonts/")]


def test_the_installed_command_works_from_another_folder(installed, tmp_path):
    version = f"processplay {project()['version']}\n"
    assert run_installed(installed, ["processplay", "--version"], tmp_path).stdout == version
    assert run_installed(installed, ["python", "-m", "game", "--version"], tmp_path).stdout == version
    usage = run_installed(installed, ["processplay", "--help"], tmp_path).stdout
    assert usage.startswith("usage: processplay ")

    checked = run_installed(installed, ["processplay", "validate"], tmp_path).stderr.splitlines()
    assert [Path(line.rsplit(": ", 1)[0]).name for line in checked] == [
        n for n in shipped_files("scenarios") if n.endswith(".yaml")]
    assert all(line.endswith(": ok") for line in checked)

    shots = run_installed(installed, ["processplay", "screenshots", "shots", "--size", "1280x720"], tmp_path)
    pngs = sorted((tmp_path / "shots").glob("*.png"))
    assert len(pngs) >= 10 and "skipped" not in shots.stdout
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)

    played = run_installed(installed, ["processplay", "play", "--autoplay", "--headless", "--frames", "3000"],
                           tmp_path)
    assert "ended on" in played.stdout + played.stderr


def test_the_installed_game_without_its_scenarios_exits_1(installed, tmp_path):
    """A broken install (the built-in scenarios moved away for the test): the autoplay refuses, never waits."""
    code = "import engine.resources as r; print(r.builtin_scenarios())"
    folder = Path(run_installed(installed, ["python", "-c", code], tmp_path).stdout.strip())
    shutil.move(folder, tmp_path / "away")
    try:
        out = run_installed(installed, ["processplay", "play", "--autoplay", "--headless"], tmp_path, ok=False)
    finally:
        shutil.move(tmp_path / "away", folder)
    assert out.returncode == 1
    assert out.stderr.startswith(f"error: no scenario found: the built-in scenarios should be in {folder}")
