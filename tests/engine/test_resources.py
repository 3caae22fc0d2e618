"""engine.resources: the data that ships with the code is found inside an installed package, else beside it.

The wheel itself (the data inside engine/ and game/) is tested in tests/test_packaging.py; here a package made
in a temporary folder stands for both layouts.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from engine import resources

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_its_own_top_level_folders():
    assert resources.builtin_scenarios().resolve() == ROOT / "scenarios"
    assert [p.name for p in resources.builtin_scenario_files()] == sorted(
        p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert "customer_service.yaml" in [p.name for p in resources.builtin_scenario_files()]


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package `shipping_probe` in tmp_path, with a `data` folder beside it (as in a checkout)."""
    (tmp_path / "shipping_probe").mkdir()
    (tmp_path / "shipping_probe" / "__init__.py").write_text("")
    (tmp_path / "data").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("shipping_probe", None)


def test_the_folder_inside_the_package_comes_first(package):
    assert resources.shipped("shipping_probe", "data") == package / "data"  # only beside: a checkout
    (package / "shipping_probe" / "data").mkdir()
    assert resources.shipped("shipping_probe", "data") == package / "shipping_probe" / "data"  # a wheel


def test_a_missing_folder_is_named_where_it_belongs(package):
    """Inside the package when installed; beside it in a checkout, told by its pyproject.toml."""
    assert resources.shipped("shipping_probe", "nothing") == package / "shipping_probe" / "nothing"
    (package / "pyproject.toml").write_text('[project]\nname = "processplay"\n')
    assert resources.shipped("shipping_probe", "nothing") == package / "nothing"


def test_the_version_is_the_one_pyproject_declares():
    with open(ROOT / "pyproject.toml", "rb") as f:
        declared = tomllib.load(f)["project"]["version"]
    assert resources.version() == declared


def test_the_fonts_the_theme_names_are_in_the_fonts_folder():
    from game.ui import assets, theme

    assert theme.FONT_DIR == assets.FONTS
    assert assets.FONTS.resolve() == ROOT / "assets" / "fonts"
    for name in theme.WEIGHTS.values():
        assert (assets.FONTS / name).is_file(), name
