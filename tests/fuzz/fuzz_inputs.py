"""Mutated scenarios and maps for the command-line fuzzer: what a careless or hostile author could type.

A fuzz **case** is a scenario file, and for map cases a player's map file beside it, made from a seed by one
or more mutations. Everything follows from the case's number: `make_case(number)` seeds a
`random.Random(number)` and draws the seed input and the extra mutations from it, so a finding is replayed
by its number alone (`python benchmarks/fuzz.py --replay NUMBER`).

Seeds: the built-in scenarios (`scenarios/*.yaml`), the complete examples of `docs/scenario-format.md`
(read by `tests/engine/docs_examples.py`, as the doc test reads them) and, for map cases, the expert map of each
built-in scenario written out as a map file (the shape `engine.maps.dumps_map` writes).

Mutations act at three levels:

- **bytes**: bit flips, control characters and NULs inserted, truncation, bytes that are not UTF-8,
  the whole file in UTF-16, CR line ends;
- **YAML text**: lines duplicated, deleted, swapped or re-indented, tags (`!!bool maybe`,
  `!!timestamp junk`, `!!binary`, `!!python/object`...), anchors and aliases (an alias bomb, an alias to
  nothing), numbers replaced by extreme tokens (a 5,000-digit integer, 1e308, -0, .nan, .inf);
- **structure**: the file parsed with `yaml.safe_load` and changed as data: any value replaced by one from
  `INTERESTING` (0, -1, 1e-300, 1e308, huge integers, empty and unicode strings, terminal escapes, values of
  the wrong type), required keys deleted, arrival rates of 1e6 and 1e9, a horizon of 1e9, distributions at
  their limits, and the flow rewired into loops that can hold work for ever: `X.done -> X`, a route back to
  itself, `resolve: 0` with `unresolved` back to the same step, a branch around a zero-time delay.

The primary mutation of case N is `OPERATORS[N % len(OPERATORS)]`, so any run of consecutive numbers as
long as that list tries every operator; a quarter of the cases add one or two random mutations on top.
"""
from __future__ import annotations

import copy
import functools
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

# libyaml's reader and writer when the install has them: the same documents, ten times faster
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:  # the doc examples' reader, shared with tests/engine/test_docs.py
    sys.path.insert(0, str(ROOT / "tests"))

from docs_examples import COMPLETE as DOC_EXAMPLES  # noqa: E402


# --------------------------------------------------------------------------------------------------
# Seeds


@dataclass(frozen=True)
class Seed:
    """A valid input to mutate: a scenario's text, and for map seeds the map's text too."""

    name: str
    scenario: str
    map: str | None = None


EDGE = re.compile(r"^\s*([^.\s]+)\.(\S+)\s*->\s*(\S+)\s*$")


def _edge_text(item) -> str | None:
    return item.get("edge") if isinstance(item, dict) else item if isinstance(item, str) else None


def _map_text(scenario_id: str, edges: list[str]) -> str:
    # The layout of engine.maps.dumps_map, written here from the raw file so that the fuzzer's seeds do
    # not depend on the engine it tests.
    return yaml.dump({"scenario": scenario_id, "edges": edges}, Dumper=DUMPER, sort_keys=False,
                     default_flow_style=None, allow_unicode=True, width=1000)


def _seeds() -> tuple[list[Seed], list[Seed]]:
    scenarios = [Seed(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    scenarios += [Seed(f"docs-example-{i}.yaml", text) for i, text in enumerate(DOC_EXAMPLES)]
    maps = []
    for seed in scenarios[:]:
        if seed.name.startswith("docs-"):
            continue
        raw = yaml.safe_load(seed.scenario)
        expert = [_edge_text(e) for e in raw.get("reference", [])]
        maps.append(Seed(seed.name, seed.scenario, _map_text(raw["id"], [e for e in expert if e])))
        for i, alternative in enumerate(raw.get("alternatives") or []):
            maps.append(Seed(f"{seed.name}#alt{i}", seed.scenario,
                             _map_text(raw["id"], [e for e in map(_edge_text, alternative) if e])))
    return scenarios, maps


SCENARIO_SEEDS, MAP_SEEDS = _seeds()


# --------------------------------------------------------------------------------------------------
# Interesting values


class Raw(str):
    """YAML text to put in a dumped document as it is (a tag, a number PyYAML would not write): the
    structural mutations place a marker and `_dump` swaps the text in."""


HUGE_DIGITS = "9" * 5000  # beyond Python's 4,300-digit int<->str limit, so a reader that calls int() fails

NUMBER_TOKENS = [HUGE_DIGITS, "-" + HUGE_DIGITS, "1e308", "1e309", "-1e308", "4.9e-324", "1e-300", "1e-400",
                 "-0", "-0.0", ".nan", "nan", ".inf", "-.inf", "inf", "0x7fffffffffffffff", "0o777",
                 "1_000_000_000", "99999999999999999999", "1e9", "1e6", "0", "-1", "0.0000001", "2147483648"]

TAGGED = ["!!bool maybe", "!!timestamp junk", "!!binary '!!!not base64'", "!!binary AAAA", "!!int 12abc",
          "!!float nope", "!!null notnull", "!!str", "!!set {a, b}", "!!omap [a: 1, b: 2]", "!!pairs [a: 1]",
          "!!timestamp 2001-12-14t21:59:43.10-05:00", "!!python/object/apply:os.system ['echo pwned']",
          "!!python/name:os.system", "!custom value", "!<tag:yaml.org,2002:str> 5", "!!map [1, 2]",
          "!!seq {a: 1}", "!!int " + HUGE_DIGITS, "!!float 1e999"]

ESCAPES = ["\x1b[31mred\x1b[0m", "\x1b]0;owned\x07", "bell\x07", "back\x08\x08space", "\r\nforged.yaml:1:1: ok",
           "nul\x00byte", "\u202eevil\u202c", "\u2028line", "\x85next", "\x7fdel", "\x9bcsi"]

INTERESTING: list[Any] = [
    0, -1, 1, 0.5, -0.0, 1e-300, 5e-324, 1e308, -1e308, 1e9, 1e6, 2**63, -(2**63), 10**100,
    Raw(HUGE_DIGITS), float("nan"), float("inf"), float("-inf"), True, False, None,
    "", " ", "rest", "exponential", "a.out -> b", "-> ->", "résumé ☎ 電話 🚀", "x" * 10000,
    *ESCAPES, [], {}, [0], [[0, 1e9]], {"": None}, {"exponential": {"mean": 0}}, {"uniform": [5, 1]},
    *[Raw(t) for t in TAGGED[:6]],
]

DISTRIBUTIONS = [
    {"exponential": {"mean": 1e-300}}, {"exponential": {"mean": 1e308}}, {"exponential": {"mean": 0}},
    {"lognormal": {"mean": 1, "sd": 1e308}}, {"lognormal": {"mean": 1e308, "sd": 1e308}},
    {"gamma": {"mean": 5, "cv": 1e-300}}, {"gamma": {"mean": 1e-300, "cv": 1e300}},
    {"uniform": [1e308, -1e308]}, {"uniform": [-1e308, 1e308]}, {"uniform": [0, 0]},
    {"triangular": [0, 0, 0]}, {"normal": {"mean": 0, "sd": 1e308}}, 0, 1e-300, 1e308, -1,
]


# --------------------------------------------------------------------------------------------------
# Byte mutations


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def flip_bits(rng, data: bytes) -> tuple[bytes, str]:
    buf = bytearray(data)
    where = []
    for _ in range(rng.randint(1, 6)):
        if buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
            where.append(i)
    return bytes(buf), f"flip bits at bytes {where}"


CONTROL_BYTES = [b"\x00", b"\x1b[31m", b"\x07", b"\x0c", b"\x0b", b"\x7f", b"\r", b"\x1b]0;x\x07",
                 "\u0085".encode(), "\u2028".encode(), "\ufeff".encode(), "\u202e".encode(), b"\x01\x02\x03"]


def insert_control(rng, data: bytes) -> tuple[bytes, str]:
    chunk = rng.choice(CONTROL_BYTES)
    i = _pos(rng, data)
    return data[:i] + chunk + data[i:], f"insert {chunk!r} at byte {i}"


def insert_nul(rng, data: bytes) -> tuple[bytes, str]:
    i = _pos(rng, data)
    n = rng.choice([1, 1, 16, 4096])
    return data[:i] + b"\x00" * n + data[i:], f"insert {n} NUL bytes at byte {i}"


def truncate(rng, data: bytes) -> tuple[bytes, str]:
    i = rng.randrange(len(data)) if data else 0
    return data[:i], f"truncate to {i} bytes"


def not_utf8(rng, data: bytes) -> tuple[bytes, str]:
    how = rng.choice(["bytes", "latin-1", "utf-16", "overlong", "lone-surrogate"])
    if how == "utf-16":
        return data.decode("utf-8", "replace").encode("utf-16"), "the whole file in UTF-16"
    if how == "latin-1":
        text = data.decode("utf-8", "replace").replace("label: ", "label: Résumé ", 1)
        return text.encode("latin-1", "replace"), "latin-1 bytes in a label"
    chunk = {"bytes": bytes([rng.choice([0x80, 0xC3, 0xFF, 0xFE])]) + b"\x28",
             "overlong": b"\xc0\xaf", "lone-surrogate": b"\xed\xa0\x80"}[how]
    i = _pos(rng, data)
    return data[:i] + chunk + data[i:], f"insert non-UTF-8 {chunk!r} at byte {i}"


def line_ends(rng, data: bytes) -> tuple[bytes, str]:
    how = rng.choice([b"\r", b"\r\n", b"\n\r"])
    return data.replace(b"\n", how), f"line ends {how!r}"


BYTE_OPERATORS = [flip_bits, insert_control, insert_nul, truncate, not_utf8, line_ends]


# --------------------------------------------------------------------------------------------------
# YAML text mutations (on lines)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _content_lines(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")] or [0]


def duplicate_line(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.choice(_content_lines(lines))
    lines.insert(i + rng.choice([0, 1, 2]), lines[i])
    return "\n".join(lines), f"duplicate line {i + 1}"


def delete_line(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.choice(_content_lines(lines))
    del lines[i]
    return "\n".join(lines), f"delete line {i + 1}"


def swap_lines(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    content = _content_lines(lines)
    i, j = rng.choice(content), rng.choice(content)
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines), f"swap lines {i + 1} and {j + 1}"


def reindent(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    i = rng.choice(_content_lines(lines))
    how = rng.choice(["+1", "+2", "-1", "-2", "tab", "0"])
    body = lines[i].lstrip(" ")
    indent = len(lines[i]) - len(body)
    lines[i] = ("\t" + lines[i] if how == "tab" else " " * max(0, indent + int(how)) + body)
    return "\n".join(lines), f"indent line {i + 1} by {how}"


VALUE_LINE = re.compile(r"^(\s*(?:- )?[\w.\-\"']+:\s+)(\S.*)$")


def _value_lines(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if VALUE_LINE.match(ln) and not ln.lstrip().startswith("#")]


def insert_tag(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    candidates = _value_lines(lines) or [0]
    i = rng.choice(candidates)
    tag = rng.choice(TAGGED)
    m = VALUE_LINE.match(lines[i])
    lines[i] = (m.group(1) + tag) if m else lines[i] + " " + tag
    return "\n".join(lines), f"line {i + 1}: value {tag[:40]!r}"


NUMBER = re.compile(r"(?<![\w.#-])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.:])")


def extreme_number(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    hits = [(i, m) for i, ln in enumerate(lines) if not ln.lstrip().startswith("#") for m in NUMBER.finditer(ln)]
    if not hits:
        return text + f"\nextra: {HUGE_DIGITS}\n", "append a 5,000-digit number"
    i, m = rng.choice(hits)
    token = rng.choice(NUMBER_TOKENS)
    lines[i] = lines[i][:m.start()] + token + lines[i][m.end():]
    shown = token if len(token) < 30 else f"<{len(token)}-character number>"
    return "\n".join(lines), f"line {i + 1}: {m.group()} -> {shown}"


def anchors_and_aliases(rng, text: str) -> tuple[str, str]:
    how = rng.choice(["bomb", "dangling", "self", "merge", "anchor-reuse"])
    lines = _lines(text)
    if how == "bomb":  # the billion laughs, nine levels deep
        bomb = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        bomb += [f"lol{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 9) + "]" for k in range(1, 9)]
        return text.rstrip("\n") + "\n" + "\n".join(bomb) + "\n", "append an alias bomb (9 levels of 9)"
    candidates = _value_lines(lines) or [0]
    i = rng.choice(candidates)
    m = VALUE_LINE.match(lines[i])
    if how == "dangling":
        lines[i] = (m.group(1) if m else lines[i] + " ") + "*nowhere"
        return "\n".join(lines), f"line {i + 1}: alias to an anchor that does not exist"
    if how == "self":  # an alias to the mapping being defined (a recursive structure)
        return "&top\n" + text.rstrip("\n") + "\nloop: *top\n", "the top mapping contains itself"
    if how == "merge":
        j = rng.choice(candidates)
        mj = VALUE_LINE.match(lines[j])
        if m and mj:
            lines[i] = m.group(1) + "&a " + m.group(2)
            lines[j] = mj.group(1) + "*a"
        return "\n".join(lines) + "\n<<: {format: 2, id: merged}\n", f"anchor line {i + 1}, alias at {j + 1}, a merge key"
    j = rng.choice(candidates)
    mj = VALUE_LINE.match(lines[j])
    if m and mj:
        lines[i] = m.group(1) + "&same " + m.group(2)
        lines[j] = mj.group(1) + "&same " + mj.group(2)
    return "\n".join(lines), f"the same anchor on lines {i + 1} and {j + 1}"


def escape_text(rng, text: str) -> tuple[str, str]:
    lines = _lines(text)
    candidates = _value_lines(lines) or [0]
    i = rng.choice(candidates)
    m = VALUE_LINE.match(lines[i])
    payload = rng.choice(ESCAPES)
    quoted = '"' + payload.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    where = rng.choice(["value", "key"])
    if where == "key" and m:
        indent = m.group(1)[:len(m.group(1)) - len(m.group(1).lstrip())]
        lines.insert(i, f"{indent}{quoted}: 1")
    else:
        lines[i] = (m.group(1) if m else lines[i] + " ") + quoted
    return "\n".join(lines), f"line {i + 1}: {where} {payload!r}"


TEXT_OPERATORS = [duplicate_line, delete_line, swap_lines, reindent, insert_tag, extreme_number,
                  anchors_and_aliases, escape_text]


# --------------------------------------------------------------------------------------------------
# Structural mutations (on the parsed document)


def value_paths(node, prefix=()):
    """Every path (keys and list indices) in parsed YAML data, the root's () first; tests/fuzz/test_fuzz_validation
    walks documents with it too."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from value_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from value_paths(value, prefix + (i,))


def _parent(data, path):
    for key in path[:-1]:
        data = data[key]
    return data


def _steps(data: dict, kind: str | None = None) -> list[str]:
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, dict):
        return []
    return [sid for sid, s in steps.items() if isinstance(s, dict) and (kind is None or s.get("kind") == kind)]


def _reference(data: dict) -> list:
    ref = data.get("reference")
    if not isinstance(ref, list):
        ref = data["reference"] = []
    return ref


def _edges(items: list) -> list[tuple[int, str, str, str]]:
    """(index, step, port, target) of every well-formed edge of a list of edges."""
    out = []
    for i, item in enumerate(items):
        m = EDGE.match(_edge_text(item) or "")
        if m:
            out.append((i, *m.groups()))
    return out


def _set_edge(items: list, index: int, text: str) -> None:
    if isinstance(items[index], dict):
        items[index]["edge"] = text
    else:
        items[index] = text


def replace_value(rng, data) -> str:
    path = rng.choice([p for p in value_paths(data) if p])
    value = rng.choice(INTERESTING)
    _parent(data, path)[path[-1]] = copy.deepcopy(value)
    return f"{'.'.join(map(str, path))} = {_show(value)}"


REQUIRED = [("format",), ("id",), ("time",), ("time", "horizon"), ("steps",), ("reference",), ("entities",)]


def delete_key(rng, data) -> str:
    if rng.random() < 0.5:
        path = rng.choice(REQUIRED)
    else:
        path = rng.choice([p for p in value_paths(data) if p and isinstance(p[-1], str)])
    steps = _steps(data)
    if rng.random() < 0.3 and steps:  # a required key of a step: its kind, rate, pools, duration
        sid = rng.choice(steps)
        path = ("steps", sid, rng.choice(list(data["steps"][sid]) or ["kind"]))
    try:
        del _parent(data, path)[path[-1]]
    except (KeyError, IndexError, TypeError):
        return f"delete {'.'.join(map(str, path))} (absent)"
    return f"delete {'.'.join(map(str, path))}"


def flood_arrivals(rng, data) -> str:
    sources = _steps(data, "source")
    rate = rng.choice([1e6, 1e9, [[0, 1e9]], 1e308, [[0, 1], [1, 1e6]]])
    for sid in sources:
        data["steps"][sid]["rate"] = copy.deepcopy(rate)
    return f"rate of {sources} = {_show(rate)}"


def long_day(rng, data) -> str:
    time = data.setdefault("time", {}) if isinstance(data.get("time", {}), dict) else data
    horizon = rng.choice([1e9, 1e12, 1e308, 10**18])
    time["horizon"] = horizon
    if rng.random() < 0.3:
        time["warmup"] = horizon / 2
    return f"time.horizon = {_show(horizon)}"


def self_loop(rng, data) -> str:
    """`X.port -> X` for a step that is not a source: work that leaves a step goes straight back in."""
    ref = _reference(data)
    candidates = [e for e in _edges(ref) if e[1] not in _steps(data, "source")] or _edges(ref)
    if not candidates:
        return "self-loop: no edge"
    i, src, port, _ = rng.choice(candidates)
    _set_edge(ref, i, f"{src}.{port} -> {src}")
    return f"reference edge {src}.{port} -> {src}"


def route_loop(rng, data) -> str:
    """Every port of a route (or branch) back into the route itself, or just one."""
    ref = _reference(data)
    routers = set(_steps(data, "route") + _steps(data, "branch"))
    candidates = [e for e in _edges(ref) if e[1] in routers] or _edges(ref)
    if not candidates:
        return "route loop: no edge"
    i, src, port, _ = rng.choice(candidates)
    every = rng.random() < 0.3
    for j, s, p, _ in _edges(ref):
        if s == src and (every or j == i):
            _set_edge(ref, j, f"{s}.{p} -> {s}")
    return f"{'every port' if every else port} of {src} -> {src}"


def resolve_zero(rng, data) -> str:
    """`resolve: 0` with `unresolved` wired back to the same service: nobody ever leaves."""
    services = _steps(data, "service")
    if not services:
        return "resolve 0: no service"
    sid = rng.choice(services)
    data["steps"][sid]["resolve"] = rng.choice([0, 0.0, 1e-300])
    ref = _reference(data)
    for j, s, p, _ in _edges(ref):
        if s == sid and p == "unresolved":
            _set_edge(ref, j, f"{sid}.unresolved -> {sid}")
            break
    else:
        ref.append(f"{sid}.unresolved -> {sid}")
    cutoff = rng.random() < 0.4 and isinstance(data.get("time"), dict)
    if cutoff:
        data["time"]["close"] = "cutoff"
    return f"{sid}: resolve 0, unresolved -> {sid}" + (" (close: cutoff)" if cutoff else "")


def zero_time_loop(rng, data) -> str:
    """A branch around a delay of zero: work circles without the clock moving."""
    ref = _reference(data)
    edges = _edges(ref)
    if not edges or not isinstance(data.get("steps"), dict):
        return "zero-time loop: no edge"
    i, src, port, dst = rng.choice(edges)
    again = rng.choice([1, 1.0, 0.999999, 0.5])
    data["steps"]["fz_wait"] = {"kind": "delay", "duration": rng.choice([0, 0.0, 1e-300, {"uniform": [0, 0]}])}
    data["steps"]["fz_again"] = {"kind": "branch", "branches": {"again": again, "leave": "rest"}}
    _set_edge(ref, i, f"{src}.{port} -> fz_wait")
    ref += ["fz_wait.out -> fz_again", "fz_again.again -> fz_wait", f"fz_again.leave -> {dst}"]
    return f"{src}.{port} -> a zero delay in a branch loop (again {again})"


def extreme_distribution(rng, data) -> str:
    paths = [p for p in value_paths(data) if p and p[-1] in ("duration", "patience", "lead_time", "travel")]
    if not paths:
        return "distribution: none"
    path = rng.choice(paths)
    dist = rng.choice(DISTRIBUTIONS)
    _parent(data, path)[path[-1]] = copy.deepcopy(dist)
    return f"{'.'.join(map(str, path))} = {_show(dist)}"


def extreme_count(rng, data) -> str:
    pools = data.get("resources") if isinstance(data.get("resources"), dict) else {}
    if not pools:
        return "count: no pools"
    pool = rng.choice(list(pools))
    count = rng.choice([0, -1, 10**9, 2**63, 1e308, 0.5, Raw(HUGE_DIGITS)])
    if isinstance(pools[pool], dict):
        pools[pool]["count"] = count
    return f"resources.{pool}.count = {_show(count)}"


def long_event(rng, data) -> str:
    sources = _steps(data, "source")
    horizon = data.get("time", {}).get("horizon", 100) if isinstance(data.get("time"), dict) else 100
    at = rng.choice([0, horizon / 2 if isinstance(horizon, (int, float)) else 1, -1, 1e308])
    event: dict[str, Any] = {"at": at}
    if rng.random() < 0.8:
        event["for"] = rng.choice([100, 1e9, 1e308, 0, -5, float("inf")])
    target = f"steps.{sources[0]}.rate" if sources else "steps.x.rate"
    event["scale"] = {target: rng.choice([2, 1e6, 1e308, 0, -1, float("nan")])}
    events = data.get("events") if isinstance(data.get("events"), list) else []
    data["events"] = events + [event]
    return f"event {_show(event)}"


def weird_objective(rng, data) -> str:
    score = rng.choice(["score", "1/0", "profit ** 1e308", "profit / 0", "profit" + " + profit" * 3000,
                        "__import__('os').system('echo pwned')", "(" * 500 + "1" + ")" * 500, "\x1b[31mprofit",
                        "nan", "profit if profit else 0", "max()", "utilization.nowhere", 1e308, True, None])
    if not isinstance(data.get("objective"), dict):
        data["objective"] = {}
    data["objective"]["score"] = score
    return f"objective.score = {_show(score)}"


def many_replications(rng, data) -> str:
    reps = rng.choice([10**9, 0, -1, 1e308, 2**63])
    if not isinstance(data.get("run"), dict):
        data["run"] = {}
    data["run"]["replications"] = reps
    if rng.random() < 0.5:
        data["run"]["seed"] = rng.choice([-1, 2**128, 1e308, "seed"])
    return f"run = {_show(data['run'])}"


def rename_key(rng, data) -> str:
    paths = [p for p in value_paths(data) if p and isinstance(p[-1], str)]
    path = rng.choice(paths)
    parent = _parent(data, path)
    new = rng.choice(["", "résumé", "\x1b[31mred", "a" * 5000, "kind", "steps", "1", "x.y", "tab\there"])
    parent[new] = parent.pop(path[-1])
    return f"rename {'.'.join(map(str, path))} to {new[:20]!r}"


STRUCTURE_OPERATORS = [replace_value, delete_key, flood_arrivals, long_day, self_loop, route_loop, resolve_zero,
                       zero_time_loop, extreme_distribution, extreme_count, long_event, weird_objective,
                       many_replications, rename_key]


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + f"... ({len(text)} characters)"


def _dump(data) -> str:
    """The document as YAML, with every `Raw` marker replaced by its text."""
    raws: list[str] = []

    def mark(node):
        if isinstance(node, Raw):
            raws.append(str(node))
            return f"@@RAW{len(raws) - 1}@@"
        if isinstance(node, dict):
            return {mark(k): mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        if isinstance(node, int) and not isinstance(node, bool) and abs(node) > 10**4000:
            raws.append(str(node))
            return f"@@RAW{len(raws) - 1}@@"
        return node

    text = yaml.dump(mark(data), Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=10**6)
    for i, raw in enumerate(raws):
        text = text.replace(f"'@@RAW{i}@@'", raw).replace(f"@@RAW{i}@@", raw)
    return text


# --------------------------------------------------------------------------------------------------
# Map mutations (on a map file's edges)


def _safe_load(text: str):
    """The document as data, refusing aliases: a mutated file may hold an alias bomb or a mapping that
    contains itself, which the structural mutations would walk for ever."""
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=LOADER)):
        raise ValueError("aliases")
    return yaml.load(text, Loader=LOADER)


def _map_data(text: str) -> dict:
    data = _safe_load(text)
    return data if isinstance(data, dict) else {"edges": []}


def map_self_loop(rng, data, scenario) -> str:
    edges = data.setdefault("edges", [])
    sources = set(_steps(scenario, "source"))
    candidates = [e for e in _edges(edges) if e[1] not in sources]
    # Loops the map check must see for itself: the edge's old target still reached by another edge, so
    # that nothing else about the map is wrong (the kiosk freeze of issue 10: `desk.done -> desk`)
    targets = [e[3] for e in _edges(edges)]
    subtle = [e for e in candidates if targets.count(e[3]) > 1]
    services = [e for e in subtle if e[2] == "done"]
    if rng.random() < 0.7:
        candidates = services or subtle or candidates
    if not candidates:
        return "map self-loop: no edge"
    i, src, port, _ = rng.choice(candidates)
    edges[i] = f"{src}.{port} -> {src}"
    return f"map edge {src}.{port} -> {src}"


def map_route_loop(rng, data, scenario) -> str:
    edges = data.setdefault("edges", [])
    routers = set(_steps(scenario, "route") + _steps(scenario, "branch"))
    candidates = [e for e in _edges(edges) if e[1] in routers]
    if not candidates:
        return map_self_loop(rng, data, scenario)
    i, src, port, _ = rng.choice(candidates)
    edges[i] = f"{src}.{port} -> {src}"
    return f"map edge {src}.{port} -> {src}"


def map_back_edge(rng, data, scenario) -> str:
    """Every port of a step back to an earlier step: a loop whose only way out is gone."""
    edges = data.setdefault("edges", [])
    parsed = _edges(edges)
    if len(parsed) < 2:
        return "map back edge: too few edges"
    k = rng.randrange(1, len(parsed))
    earlier = rng.choice([e[3] for e in parsed[:k]])
    step = parsed[k][1]
    for i, s, p, _ in parsed:
        if s == step:
            edges[i] = f"{s}.{p} -> {earlier}"
    return f"every port of {step} -> {earlier}"


def map_drop_edge(rng, data, scenario) -> str:
    edges = data.setdefault("edges", [])
    if not edges:
        return "map drop: no edge"
    i = rng.randrange(len(edges))
    dropped = edges.pop(i)
    return f"drop map edge {dropped!r}"


def map_duplicate_edge(rng, data, scenario) -> str:
    edges = data.setdefault("edges", [])
    if not edges:
        return "map duplicate: no edge"
    i = rng.randrange(len(edges))
    edges.insert(rng.randrange(len(edges) + 1), edges[i])
    return f"duplicate map edge {edges[i]!r}"


def map_rewire(rng, data, scenario) -> str:
    """One edge to another step, port or to garbage: unknown steps, an edge into a source or out of an exit."""
    edges = data.setdefault("edges", [])
    steps = _steps(scenario) or ["nowhere"]
    exits = _steps(scenario, "exit") or ["nowhere"]
    sources = _steps(scenario, "source") or ["nowhere"]
    garbage = [f"{rng.choice(steps)}.out -> {rng.choice(sources)}", f"{rng.choice(exits)}.out -> {rng.choice(steps)}",
               f"nowhere.out -> {rng.choice(steps)}", f"{rng.choice(steps)}.nope -> {rng.choice(steps)}",
               f"{rng.choice(steps)}.done -> nowhere", "->", "a.b ->", " -> x", "a.b -> c -> d", "", "x" * 5000,
               "\x1b[31mdesk.done -> fixed", "desk.done\x00 -> fixed", 5, None, [], {"edge": 7}, {"hint": "x"},
               f"{rng.choice(steps)}.out -> {rng.choice(steps)}"]
    new = rng.choice(garbage)
    if edges and rng.random() < 0.7:
        i = rng.randrange(len(edges))
        edges[i] = new
    else:
        edges.append(new)
    return f"map edge {_show(new)}"


def map_header(rng, data, scenario) -> str:
    what = rng.choice(["scenario", "layout", "edges", "extra"])
    if what == "scenario":
        data["scenario"] = rng.choice(["other", "", 5, None, "\x1b[31mx", ["a"], "résumé"])
    elif what == "layout":
        step = rng.choice(_steps(scenario) or ["x"])
        data["layout"] = {step: rng.choice([[float("nan"), 0], [1e308, -1e308], [0], "x", [10**100, 0], None])}
    elif what == "edges":
        data["edges"] = rng.choice([{}, "a.out -> b", 5, None, [[]]])
    else:
        data[rng.choice(["extra", "\x1b[2J", ""])] = 1
    return f"map {what} = {_show(data.get(what, 1))}"


MAP_OPERATORS = [map_self_loop, map_route_loop, map_back_edge, map_drop_edge, map_duplicate_edge, map_rewire,
                 map_header]


# --------------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Case:
    """One fuzz input: the scenario's bytes and, for a map case, the map's; `mutations` say what was done."""

    number: int
    seed: str
    scenario: bytes
    map: bytes | None
    mutations: tuple[str, ...]

    @property
    def operator(self) -> str:
        """The primary mutation, `level/function` (`structure/self_loop`, `map-bytes/truncate`)."""
        level, function = OPERATORS[self.number % len(OPERATORS)]
        return f"{level}/{function.__name__}"


# (level, function): the level says what the function works on
OPERATORS: list[tuple[str, Callable]] = (
    [("structure", f) for f in STRUCTURE_OPERATORS] + [("map", f) for f in MAP_OPERATORS]
    + [("text", f) for f in TEXT_OPERATORS] + [("bytes", f) for f in BYTE_OPERATORS]
    + [("map-bytes", f) for f in BYTE_OPERATORS[:5]] + [("map-text", f) for f in TEXT_OPERATORS[4:]]
)


def _apply(level: str, op: Callable, rng: random.Random, scenario: bytes, pmap: bytes | None,
           scenario_data: dict) -> tuple[bytes, bytes | None, str]:
    """One mutation at its level; structural ones re-dump the document they changed."""
    if level == "bytes":
        scenario, note = op(rng, scenario)
    elif level == "map-bytes":
        pmap, note = op(rng, pmap)
    elif level == "text":
        text, note = op(rng, scenario.decode("utf-8", "surrogateescape"))
        scenario = text.encode("utf-8", "surrogateescape")
    elif level == "map-text":
        text, note = op(rng, pmap.decode("utf-8", "surrogateescape"))
        pmap = text.encode("utf-8", "surrogateescape")
    elif level == "structure":
        try:
            data = _safe_load(scenario.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            return scenario, pmap, f"{level} {op.__name__}: skipped (the file no longer parses)"
        if not isinstance(data, dict):
            return scenario, pmap, f"{level} {op.__name__}: skipped (not a mapping)"
        try:
            note = op(rng, data)
        except (AttributeError, KeyError, IndexError, TypeError):  # an earlier mutation changed the shape
            return scenario, pmap, f"{level} {op.__name__}: skipped (the document has another shape)"
        scenario = _dump(data).encode("utf-8", "surrogatepass")
    else:  # map
        try:
            data = _map_data(pmap.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            return scenario, pmap, f"{level} {op.__name__}: skipped (the map no longer parses)"
        try:
            note = op(rng, data, scenario_data)
        except (AttributeError, KeyError, IndexError, TypeError):
            return scenario, pmap, f"{level} {op.__name__}: skipped (the map has another shape)"
        pmap = _dump(data).encode("utf-8", "surrogatepass")
    return scenario, pmap, f"{level} {op.__name__}: {note}"


@functools.lru_cache(maxsize=None)
def _parsed_seed(text: str) -> dict:
    return yaml.load(text, Loader=LOADER)


def _seed_data(text: str) -> dict:
    return copy.deepcopy(_parsed_seed(text))


def make_case(number: int) -> Case:
    """The case of this number: its primary operator by turn, its seed and any extra mutations at random."""
    rng = random.Random(number)
    level, op = OPERATORS[number % len(OPERATORS)]
    is_map = level.startswith("map")
    seed = rng.choice(MAP_SEEDS if is_map else SCENARIO_SEEDS)
    scenario_data = _seed_data(seed.scenario)
    scenario = seed.scenario.encode("utf-8")
    pmap = seed.map.encode("utf-8") if is_map else None
    notes = []
    plan = [(level, op)]
    if rng.random() < 0.25:  # a second or third mutation at the same kind of input
        pool = [o for o in OPERATORS if o[0].startswith("map") == is_map]
        plan += [rng.choice(pool) for _ in range(rng.randint(1, 2))]
    for lvl, fn in plan:
        scenario, pmap, note = _apply(lvl, fn, rng, scenario, pmap, scenario_data)
        notes.append(note)
    return Case(number, seed.name, scenario, pmap, tuple(notes))
