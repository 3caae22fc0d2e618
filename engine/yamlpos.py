"""Read YAML safely into plain data, remembering where every key and value stands in the file.

PyYAML's `safe_load` forgets positions and silently keeps the last of two duplicate keys. A facilitator who
mistypes a scenario deserves `FILE:LINE:COL: message` pointing at the very key, so this module composes the
node tree with the safe loader (the C one when present), refuses duplicates, and walks the tree itself,
recording a `Position` for every path. It also turns away, with one clear line each, what is not a
scenario at all: huge files, binary junk, empty files, alias bombs, a list at the top.
"""
from __future__ import annotations

import contextlib
import gc
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

MAX_BYTES = 2 * 1024 * 1024
#: Nodes visited while expanding aliases: a 2 MB scenario has about 120,000, an alias bomb billions.
MAX_NODES = 250_000

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=65536)
def _resolve_plain(value: str) -> str:
    return _BaseLoader.resolve(_RESOLVER, yaml.ScalarNode, value, (True, False))


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with scalar tag resolution memoised: a big file repeats the same words and numbers,
    and PyYAML's resolver (regular expressions, in Python) was most of the time of reading one."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit == (True, False):
            return _resolve_plain(value)
        return super().resolve(kind, value, implicit)


_RESOLVER = _BaseLoader("")

Path = tuple  # of str keys and int indices
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, where it is, and what to do about it."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class Document:
    """Plain data (dicts, lists, scalars) plus the positions of its keys and values."""

    def __init__(self, name: str, data: Any):
        self.name = name
        self.data = data
        # PyYAML's marks, turned into Positions only when a problem needs one (most files have none)
        self.values: dict[Path, Any] = {}
        self.keys: dict[Path, Any] = {}

    def where(self, path: Path, at: str = "value") -> Position:
        """The position of `path`'s key (at='key') or value; the nearest ancestor's if it has none."""
        table = self.keys if at == "key" else self.values
        p = tuple(path)
        while p:
            if p in table:
                return _pos(table[p])
            if at == "key" and p in self.values:
                return _pos(self.values[p])
            p = p[:-1]
            table = self.values  # a missing key is reported at its parent mapping
        return _pos(self.values[()]) if () in self.values else Position(1, 1)


class YamlError(Exception):
    """The file could not be read as YAML data at all: `problems` says why, each with its place."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def _pos(mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def read_text(path: str) -> str:
    """A file's text, refusing what cannot be a scenario before any parsing (one line each)."""
    import os

    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise YamlError([Problem(path, 1, 1, f"cannot read the file: {e.strerror or e}")]) from None
    if size > MAX_BYTES:
        raise YamlError([Problem(path, 1, 1, f"the file is {size / 1e6:.1f} MB; a scenario may be at most 2 MB")])
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise YamlError([Problem(path, 1, 1, f"cannot read the file: {e.strerror or e}")]) from None
    return decode(raw, path)


def decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_BYTES:
        raise YamlError([Problem(name, 1, 1, "the file is over 2 MB; a scenario may be at most 2 MB")])
    nul = raw.find(b"\0")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise YamlError([Problem(name, line, 1, "this is not a text file (binary data found); expected YAML")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise YamlError([Problem(name, line, 1, "this is not UTF-8 text; save the file as UTF-8")]) from None
    return text


def parse(text: str, name: str = "<string>") -> Document:
    """Parse YAML text into a Document of plain data; raise YamlError on anything unreadable."""
    if len(text) > MAX_BYTES:
        raise YamlError([Problem(name, 1, 1, "the file is over 2 MB; a scenario may be at most 2 MB")])
    if "\0" in text:
        raise YamlError([Problem(name, 1, 1, "this is not a text file (binary data found); expected YAML")])
    with no_gc():
        return _parse(text, name)


@contextlib.contextmanager
def no_gc():
    """The cyclic garbage collector paused while a file is read: building a tree of a hundred thousand
    nodes made it run over and over, more than half the time of reading a big file, to find nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _parse(text: str, name: str) -> Document:
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = _pos(mark) if mark else Position(1, 1)
        what = (e.problem or e.context or "unreadable YAML").strip()
        raise YamlError([Problem(name, pos.line, pos.col, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as e:
        raise YamlError([Problem(name, 1, 1, f"YAML error: {e}")]) from None
    except (ValueError, RecursionError) as e:  # e.g. "special characters are not allowed", deep nesting
        raise YamlError([Problem(name, 1, 1, f"unreadable YAML: {e}")]) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise YamlError([Problem(name, 1, 1, "the file is empty; a scenario starts with 'format: 1'")])
    if len(nodes) > 1:
        p = _pos(nodes[1].start_mark)
        raise YamlError([Problem(name, p.line, p.col, "the file holds several YAML documents ('---'); keep one")])
    root = nodes[0]
    if not isinstance(root, yaml.MappingNode):
        p = _pos(root.start_mark)
        what = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise YamlError([Problem(name, p.line, p.col,
                                 f"the top level is {what}; a scenario is a mapping of keys (format, id, title, ...)")])
    doc = Document(name, None)
    walker = _Walker(doc)
    try:
        doc.data = walker.walk(root, ())
    except RecursionError:
        raise YamlError([Problem(name, 1, 1, "the file nests too deeply to be a scenario")]) from None
    if walker.problems:
        raise YamlError(walker.problems)
    return doc


class _Walker:
    """Turns nodes into plain data, counting expansions so aliases cannot blow up memory or time."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.count = 0
        self.problems: list[Problem] = []
        # A constructor per file: it caches what it built by node, which must not outlive the file.
        self.constructor = yaml.constructor.SafeConstructor()

    def walk(self, node, path: Path):
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError([Problem(self.doc.name, 1, 1,
                                     "the file expands to too many values (an alias bomb?); a scenario needs far fewer")])
        self.doc.values[path] = node.start_mark
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            seen: dict[Any, Position] = {}
            for knode, vnode in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    self._problem(knode, "merge keys ('<<') are not supported; write the keys out")
                    continue
                if not isinstance(knode, yaml.ScalarNode):
                    self._problem(knode, "a key must be a plain word, not a list or mapping")
                    continue
                key = self._scalar(knode)
                if isinstance(key, bool) or key is None:
                    self._problem(knode, f"the key '{knode.value}' is read as {key!r} by YAML; put it in quotes")
                    continue
                if not isinstance(key, str):
                    key = knode.value  # 1: or 2.5: as keys mean the text the author wrote
                mark = knode.start_mark
                if key in seen:
                    first = seen[key]
                    self._problem(knode, f"duplicate key '{key}' (first at line {first.line + 1}); YAML would keep only the last")
                    continue
                seen[key] = mark
                self.doc.keys[path + (key,)] = mark
                out[key] = self.walk(vnode, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node):
        tag, value = node.tag, node.value
        if tag == _STR:  # most scalars are text: no constructor needed
            return value
        if tag == _INT and _PLAIN_INT.fullmatch(value):
            return int(value)
        if tag == _FLOAT and _PLAIN_FLOAT.fullmatch(value):
            return float(value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as e:
            self._problem(node, f"unreadable value '{node.value}': {e}")
            return node.value

    def _problem(self, node, message: str):
        p = _pos(node.start_mark)
        self.problems.append(Problem(self.doc.name, p.line, p.col, message))
