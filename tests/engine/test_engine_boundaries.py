"""The engine stays pure: importing every module of engine/ never loads pygame; the schema fits the files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_engine_never_imports_pygame():
    code = ("import sys, pkgutil, importlib, engine\n"
            "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(len(list(pkgutil.walk_packages(engine.__path__))), 'pygame' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    count, leaked = out.stdout.split()
    assert int(count) >= 5
    assert leaked == "False"


def test_schema_command_prints_a_schema_every_valid_file_meets():
    import jsonschema

    out = subprocess.run([sys.executable, "main.py", "schema"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = [ROOT / "tests" / "data" / "base.yaml", *sorted((ROOT / "scenarios").glob("*.yaml"))]
    for f in files:
        errors = list(validator.iter_errors(yaml.safe_load(f.read_text())))
        assert not errors, f"{f}: {errors[0].message} at {list(errors[0].absolute_path)}"
    bad = yaml.safe_load((ROOT / "tests" / "data" / "base.yaml").read_text())
    bad["resources"]["junior"]["count"] = "five"
    assert list(validator.iter_errors(bad))


def test_help_lists_every_command():
    out = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    for command in ("play", "validate", "schema"):
        assert command in out.stdout
