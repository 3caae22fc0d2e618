"""The command's entry (main.py): its version, the name it goes by, `python -m game`, and what it does when there
is no scenario to play (exit 1 with a message, never an endless wait on an empty list).

Real subprocesses from the project's folder; the copy without scenarios stands for a broken install.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def run(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120):
    """`python ARGS` in `cwd`; the timeout is a safety net against a hang, not a measure."""
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env or HEADLESS, capture_output=True, text=True,
                          timeout=timeout)


def declared_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def test_version_as_main_py_and_as_python_m_game():
    for args in (["main.py", "--version"], ["-m", "game", "--version"]):
        out = run(*args)
        assert out.returncode == 0, out.stderr
        assert out.stdout == f"processplay {declared_version()}\n"


@pytest.mark.parametrize("argv0, name", [
    ("/home/ann/.venv/bin/processplay", "processplay"),
    ("processplay.exe", "processplay"),
    ("main.py", "python main.py"),
    ("/src/processplay/main.py", "python main.py"),
    ("/site-packages/game/__main__.py", "python -m game"),
    ("-c", "python main.py"),
    ("", "python main.py"),
])
def test_the_command_is_named_as_it_was_typed(argv0, name):
    assert main.command_name(argv0) == name


def test_importing_game_main_starts_nothing():
    out = run("-c", "import game.__main__")
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_the_usage_line_names_python_m_game():
    out = run("-m", "game", "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m game ")
    assert "--version" in out.stdout


def test_validate_with_no_file_checks_every_built_in_scenario():
    out = run("main.py", "validate")
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert len(names) >= 4
    assert sorted(Path(line.rsplit(": ", 1)[0]).name for line in out.stderr.splitlines()) == names
    assert all(line.endswith(": ok") for line in out.stderr.splitlines())


@pytest.fixture
def no_scenarios(tmp_path) -> Path:
    """A copy of the program without its scenarios/ folder, as a broken install would be."""
    copy = tmp_path / "broken"
    skip = shutil.ignore_patterns("__pycache__", "_fast")
    for folder in ("engine", "game", "assets"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=skip)
    shutil.copy(ROOT / "main.py", copy / "main.py")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def refused(out) -> bool:
    return (out.returncode == 1 and out.stdout == ""
            and out.stderr.strip().startswith("error: no scenario found: the built-in scenarios should be in"))


def test_the_autoplay_with_no_scenario_exits_1_instead_of_waiting(no_scenarios):
    out = run("main.py", "play", "--autoplay", "--headless", cwd=no_scenarios)
    assert refused(out), out.stderr
    assert out.stderr.count("\n") == 1
    assert str(no_scenarios / "scenarios") in out.stderr


def test_screenshots_with_no_scenario_exit_1_and_write_nothing(no_scenarios, tmp_path):
    out = run("main.py", "screenshots", str(tmp_path / "shots"), cwd=no_scenarios)
    assert refused(out), out.stderr
    assert not list(tmp_path.glob("shots/*.png"))


def test_the_game_without_a_display_or_a_scenario_exits_1(no_scenarios):
    env = {k: v for k, v in HEADLESS.items() if k not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")}
    out = run("main.py", cwd=no_scenarios, env=env)
    assert refused(out), out.stderr
    assert refused(run("main.py", "validate", cwd=no_scenarios))


def test_a_custom_scenario_folder_is_enough_to_play(no_scenarios, tmp_path):
    custom = tmp_path / "custom"
    custom.mkdir()
    shutil.copy(ROOT / "scenarios" / "tutorial.yaml", custom / "mine.yaml")
    assert main.missing_scenarios([custom]) is None  # this checkout has its built-ins too
    code = ("import sys, main; sys.exit(0 if main.missing_scenarios(sys.argv[1:]) is None else 1)")
    assert run("-c", code, str(custom), cwd=no_scenarios).returncode == 0
    assert run("-c", code, str(tmp_path / "empty"), cwd=no_scenarios).returncode == 1
