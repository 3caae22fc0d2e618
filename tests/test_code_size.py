"""Code that fits in a head: every function on a screen (at most 80 lines, the engine's hot loop excepted by
name), and every module of one idea (at most ~500 lines, or its docstring says why it is longer).

Read: engine/, game/ and main.py. A function is counted from the `def` line to its last line, docstring and
comments included (a nested function counts within its parent and on its own). engine/_fast is a generated
copy and is not read.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 80
#: a module longer than this says at its top why it is one module: a docstring paragraph starting "Why"
MAX_MODULE_LINES = 520
#: (file below the repository, function) -> why it may be longer. The reason must also open the function
#: (its first comment says why it is long), so that an exemption never outlives its cause unnoticed.
EXEMPT = {
    ("engine/sim/loop.py", "run_events"): "the event loop: compiled by mypyc, its tables are C locals and each "
                                          "kind of event a branch; split into a function per event kind it "
                                          "took 8 % more instructions (docs/performance.md)",
}


def functions(path: Path):
    """(qualified name, first line, number of lines, node) of every function in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                yield name, child.lineno, child.end_lineno - child.lineno + 1, child
                yield from walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, prefix + child.name + ".")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def source_files():
    """Every module of ours: engine/ (not its generated engine/_fast), game/, main.py."""
    found = [p for top in ("engine", "game") for p in (ROOT / top).rglob("*.py")
             if "_fast" not in p.relative_to(ROOT).parts]
    return sorted(found) + [ROOT / "main.py"]


def test_no_function_is_longer_than_a_screen():
    too_long = []
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        for name, line, length, _ in functions(path):
            if length > MAX_LINES and (rel, name) not in EXEMPT:
                too_long.append(f"{rel}:{line}: {name} is {length} lines")
    assert not too_long, f"functions over {MAX_LINES} lines:\n" + "\n".join(too_long)


def test_an_exempt_function_exists_and_says_why_at_its_top():
    for (rel, name), why in EXEMPT.items():
        path = ROOT / rel
        found = {n: node for n, _, _, node in functions(path)}
        assert name in found, f"{rel}: {name} is exempt from the size limit but no longer exists"
        node = found[name]
        documented = ast.get_docstring(node) is not None
        start = node.body[0].end_lineno if documented else node.lineno  # after the docstring (or the def line)
        first = node.body[1] if documented else node.body[0]  # the first statement
        lines = path.read_text(encoding="utf-8").splitlines()[start:first.lineno - 1]
        comment = " ".join(s.strip() for s in lines if s.strip().startswith("#"))
        assert "mypyc" in comment and "instructions" in comment, (
            f"{rel}: {name} must open with a comment saying why it is long ({why})")


def test_a_long_module_says_why_at_its_top():
    unexplained = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        length = len(text.splitlines())
        if length <= MAX_MODULE_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not any(par.lstrip().startswith("Why") for par in doc.split("\n\n")):
            unexplained.append(f"{path.relative_to(ROOT).as_posix()}: {length} lines, and no 'Why...' at its top")
    assert not unexplained, "\n".join(unexplained)
    assert len((ROOT / "main.py").read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES  # the check bites


def test_the_size_check_sees_a_long_function(tmp_path):
    """The check counts what it should: a 81-line function is found, an 80-line one is not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(79))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n    return 1\n\n\ndef short():\n{body}\n")
    lengths = {name: length for name, _, length, _ in functions(tmp_path / "long.py")}
    assert lengths == {"long": 81, "short": 80}
