"""The compiled engine (mypyc, engine/_fast/) gives the same numbers as the plain Python, to the last digit.

These compare the compiled engine in this process with the pure-Python engine in a subprocess. Without a
compiled build they are skipped, saying so, except where PROCESSPLAY_REQUIRE_COMPILED=1 (CI), where the build
must be there and its absence fails. The hot modules are type-checked with the build's mypy settings: mypyc
compiles only what type-checks, so a type error must fail here rather than quietly give a pure install.
"""
from __future__ import annotations

import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import engine
from engine._build import FAST, source_path

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("PROCESSPLAY_REQUIRE_COMPILED") == "1"
SCENARIOS = [ROOT / "tests" / "data" / "base.yaml", *sorted((ROOT / "scenarios").glob("*.yaml"))]


def _need_compiled() -> None:
    if engine.BACKEND == "compiled":
        return
    if os.environ.get("PROCESSPLAY_ENGINE") == "pure":
        pytest.skip("PROCESSPLAY_ENGINE=pure: this run tests the pure-Python engine alone")
    if REQUIRED:
        pytest.fail("PROCESSPLAY_REQUIRE_COMPILED=1, but the compiled engine is not in use "
                    "(build it: PROCESSPLAY_REQUIRE_COMPILED=1 pip install -e .)")
    pytest.skip("no compiled engine is built here (pip install -e . with a C compiler builds it)")


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=300)


def fingerprint() -> str:
    """The engine's results as text: every KPI of two replications of each scenario, and of each choice of its
    decisions after a lever pulled mid-day, then every record of a traced customer-service day and of a traced
    supply-chain day (floats by repr: every digit)."""
    from engine import sim
    from engine.load import load

    lines = []
    for path in SCENARIOS:
        sc = load(str(path))
        result = sim.run(sc, replications=2, seed=11)
        for r, kpis in enumerate(result.per_replication):
            lines += [f"{path.name} rep {r} {name} {value!r}" for name, value in kpis.items()]
    for path in SCENARIOS:  # each decision's choices, and a lever pulled mid-day: a day's script
        sc = load(str(path))
        for i, ev in enumerate(sc.events):
            for choice in (ev.decision.choices if ev.decision else ()):
                lever = [(ev.at / 2, "rules", {sc.rules[0].id: sc.rules[0].values()[-1]})] if sc.rules else []
                result = sim.run(sc, replications=2, seed=11, script=lever + [(ev.at, "decide", (i, choice.id))])
                lines += [f"{path.name} {choice.id} rep {r} {name} {value!r}"
                          for r, kpis in enumerate(result.per_replication) for name, value in kpis.items()]
    for name in ("customer_service.yaml", "supply_chain.yaml"):
        day = sim.Day(load(str(ROOT / "scenarios" / name)), seed=5, trace=True)
        lines += [f"{name} trace {rec!r}" for rec in day.advance()]
        lines += [f"{name} traced kpis {k} {v!r}" for k, v in day.kpis().items()]
    return "\n".join(lines)


def test_compiled_engine_gives_the_pure_engines_numbers():
    _need_compiled()
    import importlib

    for m in FAST:  # every hot module is its compiled copy
        assert importlib.import_module(f"engine.{m}").__file__.endswith(tuple(EXTENSION_SUFFIXES)), m
    ours = fingerprint()
    code = ("import sys; sys.path.insert(0, 'tests/engine'); import engine, engine.sim.loop\n"
            "assert engine.BACKEND == 'pure' and engine.sim.loop.__file__.endswith('.py'), engine.sim.loop.__file__\n"
            "from test_engine_compiled import fingerprint; sys.stdout.write(fingerprint())")
    pure = _python(code, PROCESSPLAY_ENGINE="pure")
    assert pure.returncode == 0, pure.stderr
    assert ours.count("\n") > 10_000  # thousands of trace records, not an empty run
    if pure.stdout != ours:
        for a, b in zip(pure.stdout.splitlines(), ours.splitlines()):
            assert b == a, "the compiled engine differs from the pure one"
        assert len(pure.stdout) == len(ours), "the compiled engine gave another number of records"


def test_an_edited_source_makes_the_compiled_engine_stale():
    """A compiled copy never shadows an edited engine/*.py: pure Python runs, and one line says how to rebuild."""
    _need_compiled()
    code = ("import engine._build as b; b.source_hash = lambda folder=None: 'edited'\n"
            "import engine, engine.sim; print(engine.BACKEND, engine.sim.day.__file__.endswith('.py'))")
    out = _python(code, PROCESSPLAY_ENGINE="auto")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["pure", "True"]
    assert len(out.stderr.strip().splitlines()) == 1
    assert "stale" in out.stderr and "pip install -e ." in out.stderr
    insist = _python(code, PROCESSPLAY_ENGINE="compiled")
    assert insist.returncode != 0 and "PROCESSPLAY_ENGINE=compiled" in insist.stderr


def test_simulate_prints_nothing_extra_with_a_current_build():
    _need_compiled()
    out = subprocess.run([sys.executable, "main.py", "simulate", "scenarios/customer_service.yaml", "--reps", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PROCESSPLAY_ENGINE": "auto"})
    assert out.returncode == 0 and out.stderr == ""


def test_importing_the_engine_stays_light():
    """`import engine` chooses nothing and loads no numpy: the choice waits for the first hot module."""
    out = _python("import sys, engine; print('numpy' in sys.modules, 'engine.sim' in sys.modules)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
    pure = _python("import engine, engine.sim; print(engine.BACKEND, engine.sim.__name__)", PROCESSPLAY_ENGINE="pure")
    assert pure.stdout.split() == ["pure", "engine.sim"], pure.stderr


def test_the_compiled_modules_type_check():
    """mypy on the hot modules, with the settings the build gives mypyc (pyproject.toml [tool.mypy])."""
    try:
        import mypy  # noqa: F401
    except ImportError:
        if REQUIRED:
            pytest.fail("PROCESSPLAY_REQUIRE_COMPILED=1, but mypy is not installed (it comes with .[test])")
        pytest.skip("mypy is not installed (pip install -e \".[test]\" brings it)")
    files = [os.path.relpath(source_path(m), ROOT) for m in FAST]
    out = subprocess.run([sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", *files], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_build_type_checks_exactly_the_compiled_modules():
    """pyproject.toml's [tool.mypy] checks every compiled module strictly (and the copy), and nothing else: a hot
    module left out would have its type errors ignored here and fail only the build."""
    import tomllib

    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    strict = [name for o in overrides if o.get("ignore_errors") is False for name in o["module"]]
    assert sorted(strict) == sorted([f"engine.{m}" for m in FAST] + ["engine._fast.*"])


def test_compiled_modules_import_plain_modules_absolutely():
    """The copy keeps relative imports within engine._fast: a hot module importing a plain one relatively
    would reach a module the copy does not have, so the build refuses it, saying where."""
    from engine._build import check_imports

    for m in FAST:
        check_imports(m, Path(source_path(m)).read_text(encoding="utf-8"))  # as they are: accepted
    with pytest.raises(ImportError, match=r"engine/sim/loop.py:2: .*'sim.run'.*from engine.sim.run import"):
        check_imports("sim.loop", "from .plan import Plan\nfrom .run import run\n")


def test_the_copy_mypyc_compiles_is_written_below_the_build_folder(tmp_path):
    """engine/_build.py writes the copy where it is told (setup.py: build/processplay-fast), never into the
    source tree, whose engine/_fast/ belongs to an editable install; the hash rides on one compiled module."""
    from engine._build import HASH_MODULE, source_hash, write_copy

    fast = ROOT / "engine" / "_fast"
    before = sorted((p, p.stat().st_mtime_ns) for p in fast.rglob("*")) if fast.exists() else []
    paths = write_copy(str(tmp_path))
    assert sorted(Path(p).relative_to(tmp_path).as_posix() for p in paths) == sorted(
        f"engine/_fast/{m.replace('.', '/')}.py" for m in FAST)
    assert (tmp_path / "engine" / "_fast" / "__init__.py").exists()
    assert (tmp_path / "engine" / "_fast" / "sim" / "__init__.py").exists()
    hashed = (tmp_path / "engine" / "_fast" / (HASH_MODULE.replace(".", "/") + ".py")).read_text()
    assert f'SOURCE_HASH = "{source_hash()}"' in hashed
    after = sorted((p, p.stat().st_mtime_ns) for p in fast.rglob("*")) if fast.exists() else []
    assert after == before


def _project_copy(dest: Path) -> None:
    """The project's sources (no build outputs, no compiled engine, no tests) copied to `dest`."""
    import shutil

    skip = {".git", "build", "dist", "_fast", "__pycache__", "tests", "benchmarks", ".mypy_cache", ".pytest_cache",
            ".hypothesis", ".venv"}
    shutil.copytree(ROOT, dest, ignore=lambda folder, names: [
        n for n in names if n in skip or n.endswith((".so", ".egg-info", ".pyd"))])


def _files(folder: Path, pattern: str) -> dict[str, tuple[int, bytes]]:
    import hashlib

    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).digest())
            for p in folder.glob(pattern) if p.is_file()}


@pytest.mark.slow
def test_a_wheel_built_in_the_source_folder_leaves_the_editable_install_compiled(tmp_path):
    """Issue 11: building a wheel in the source folder used to rewrite engine/_fast, leaving the editable install
    on the pure engine without a word. Here, in a copy of the project: the editable install's compiled engine
    (built in place, as `pip install -e .` builds it), then a wheel built in the same folder; the source tree's
    compiled engine is untouched, still runs, and the wheel has its own. (Two mypyc builds: minutes.)"""
    try:
        import mypyc  # noqa: F401
    except ImportError:
        if REQUIRED:
            pytest.fail("PROCESSPLAY_REQUIRE_COMPILED=1, but mypyc is not installed (it comes with .[test])")
        pytest.skip("mypyc is not installed (pip install -e \".[test]\" brings it)")
    src = tmp_path / "src"
    _project_copy(src)
    env = {**os.environ, "PROCESSPLAY_REQUIRE_COMPILED": "1", "PROCESSPLAY_ENGINE": "auto"}
    env.pop("PROCESSPLAY_PURE", None)
    inplace = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=src, env=env,
                             capture_output=True, text=True, timeout=1200)
    assert inplace.returncode == 0, inplace.stdout[-3000:] + inplace.stderr[-3000:]
    check = "import engine, engine.sim.loop; print(engine.BACKEND, engine.sim.loop.__file__)"

    def backend() -> str:
        out = subprocess.run([sys.executable, "-c", check], cwd=src, env=env, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert backend().startswith(f"compiled {src}")
    editable = {**_files(src / "engine" / "_fast", "**/*"), **_files(src, "processplay_engine__mypyc*")}
    assert len(editable) >= len(FAST) + 3  # the modules, their packages' __init__.py, the group library
    wheel = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "dist"), str(src)], cwd=src, env=env, capture_output=True,
                           text=True, timeout=1200)
    assert wheel.returncode == 0, wheel.stdout[-3000:] + wheel.stderr[-3000:]
    assert {**_files(src / "engine" / "_fast", "**/*"), **_files(src, "processplay_engine__mypyc*")} == editable
    assert backend().startswith(f"compiled {src}")
    import zipfile

    (built,) = (tmp_path / "dist").glob("processplay-*.whl")
    names = zipfile.ZipFile(built).namelist()
    fast = sorted(n for n in names if n.startswith("engine/_fast/"))
    assert fast == sorted(["engine/_fast/__init__.py", "engine/_fast/sim/__init__.py"] + [
        n for n in fast if n.endswith(tuple(EXTENSION_SUFFIXES))])
    for m in FAST:
        assert any(n.startswith(f"engine/_fast/{m.replace('.', '/')}.") for n in fast), m
