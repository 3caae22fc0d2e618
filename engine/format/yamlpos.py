"""Read YAML safely into plain data, remembering where every key and value stands in the file.

PyYAML's `safe_load` forgets positions and silently keeps the last of two duplicate keys. A facilitator who
mistypes a scenario deserves `FILE:LINE:COL: message` pointing at the very key, so this module composes the
node tree with the safe loader (the C one when present), refuses duplicates, and walks the tree itself,
recording a `Position` for every path. It also turns away, with one clear line each, what is not a
scenario at all: huge files, binary junk, empty files, alias bombs, a list at the top.

Reading is the same for every file the command line or the game is given (scenarios and maps): `read_text`
refuses what is not a regular file before opening it (a FIFO would block, /dev/zero never ends), then
decodes UTF-8 with the line and column of the first bad byte. Values with YAML tags this format has no use
for (`!!binary`, `!!set`, `!foo`), values a tag cannot read (`!!bool maybe`) and numbers too large for any
setting are refused at their place rather than raising from deep inside PyYAML.

A message may quote what the user wrote (a key, a value, a file name). `Problem.__str__` shows it through
`engine.words.printable` (control and format characters escaped, `\x1b`, `\u202e`), so that printing a
message can neither drive the terminal nor split one problem over two lines.
"""
from __future__ import annotations

import contextlib
import gc
import math
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from ..words import printable, shorten

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
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
#: Scalar tags that give a value a scenario can use (timestamps are read, then refused where text or a
#: number is needed, with the key's own message). `!!binary`, `!foo` and the like are refused where they stand.
_SCALAR_TAGS = frozenset((_STR, _INT, _FLOAT, _BOOL, _NULL, "tag:yaml.org,2002:timestamp"))
#: Whole numbers with more digits than this are refused: no setting needs them, and Python will not even
#: turn one of over 4,300 digits into text for a message.
MAX_DIGITS = 300
_TOO_BIG = 10 ** MAX_DIGITS
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
        return f"{printable(self.file)}:{self.line}:{self.col}: {printable(self.message)}"


def _place(text: str, index: int) -> Position:
    """The line and column of character `index` of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


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


def read_text(path, what: str = "scenario") -> str:
    """A file's text, refusing what cannot be a `what` file (a scenario, a map) before any parsing, one
    line each. Only a regular file is opened, and without blocking: a FIFO, a device or a folder is named
    for what it is instead of hanging or reading for ever."""
    name = os.fspath(path) if not isinstance(path, str) else path

    def refuse(message: str, line: int = 1, col: int = 1):
        return YamlError([Problem(str(name), line, col, message)])

    try:
        info = os.stat(path)
    except OSError as e:
        raise refuse(f"cannot read the file: {e.strerror or e}") from None
    except ValueError:  # a NUL in the name
        raise refuse("cannot read the file: its name holds a NUL character") from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse(f"this is a folder, not a {what} file")
    if not stat.S_ISREG(info.st_mode):
        raise refuse(f"this is not a regular file (a device, a pipe or a socket); give a {what} file")
    if info.st_size > MAX_BYTES:
        raise refuse(f"the file is {info.st_size / 1e6:.1f} MB; a {what} may be at most 2 MB")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise refuse(f"cannot read the file: {e.strerror or e}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by something else since the check above
            raise refuse(f"this is not a regular file (a device, a pipe or a socket); give a {what} file")
        with os.fdopen(fd, "rb") as f:
            fd = -1
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise refuse(f"cannot read the file: {e.strerror or e}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    return decode(raw, str(name), what)


def decode(raw: bytes, name: str, what: str = "scenario") -> str:
    """UTF-8 text (a byte-order mark allowed), or YamlError at the first byte that is not text."""
    if len(raw) > MAX_BYTES:
        raise YamlError([Problem(name, 1, 1, f"the file is over 2 MB; a {what} may be at most 2 MB")])
    nul = raw.find(b"\0")
    if nul >= 0:
        pos = _byte_place(raw, nul)
        raise YamlError([Problem(name, pos.line, pos.col,
                                 "this is not a text file (binary data found); expected YAML")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        pos = _byte_place(raw, e.start)
        raise YamlError([Problem(name, pos.line, pos.col,
                                 f"this is not UTF-8 text (byte \\x{raw[e.start]:02x}); save the file as UTF-8")]) from None
    return text


def _byte_place(raw: bytes, offset: int) -> Position:
    """The line and column (in characters) of byte `offset` of undecoded `raw`."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[line_start:offset].decode("utf-8", "replace").lstrip("\ufeff")
    return Position(raw.count(b"\n", 0, offset) + 1, len(before) + 1)


def parse(text: str, name: str = "<string>") -> Document:
    """Parse YAML text into a Document of plain data; raise YamlError on anything unreadable."""
    if len(text) > MAX_BYTES:
        raise YamlError([Problem(name, 1, 1, "the file is over 2 MB; a scenario may be at most 2 MB")])
    if "\0" in text:
        pos = _place(text, text.index("\0"))
        raise YamlError([Problem(name, pos.line, pos.col, "this is not a text file (binary data found); expected YAML")])
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
    except yaml.reader.ReaderError:
        raise YamlError([_reader_problem(text, name)]) from None
    except yaml.YAMLError as e:
        raise YamlError([Problem(name, 1, 1, f"YAML error: {str(e).splitlines()[0] if str(e) else type(e).__name__}")]) from None
    except (ValueError, RecursionError) as e:  # deep nesting, and what else the parser may raise
        raise YamlError([Problem(name, 1, 1, f"unreadable YAML: {str(e).splitlines()[0] if str(e) else type(e).__name__}")]) from None
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


def _reader_problem(text: str, name: str) -> Problem:
    """PyYAML's reader refuses control characters with a character (or, the C reader, byte) offset and a
    second line of its own: find the character here and say where it is as LINE:COL."""
    found = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if found is None:
        return Problem(name, 1, 1, "unreadable YAML: a character YAML does not allow")
    pos = _place(text, found.start())
    char = printable(found.group())
    return Problem(name, pos.line, pos.col,
                   f"the control character {char} is not allowed in YAML; delete it")


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


class _Walker:
    """Turns nodes into plain data, counting expansions so aliases cannot blow up memory or time."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.count = 0
        self.problems: list[Problem] = []
        # A constructor per file: it caches what it built by node, which must not outlive the file.
        self.constructor = yaml.constructor.SafeConstructor()
        self.open: set[int] = set()  # the collections being walked now: the ancestors of the current node

    def walk(self, node, path: Path):
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError([Problem(self.doc.name, 1, 1,
                                     "the file expands to too many values (an alias bomb?); a scenario needs far fewer")])
        self.doc.values[path] = node.start_mark
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (_MAP, _SEQ):
            self._problem(node, f"the YAML tag '{shorten(_tag_name(node.tag))}' is not used in this format; remove it")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.open:  # `top: &top {..., loop: *top}`: it would expand for ever
                p = _pos(node.start_mark)
                raise YamlError([Problem(self.doc.name, p.line, p.col,
                                         "the mapping or list anchored here holds an alias to itself, so it "
                                         "would repeat for ever; write the values out")])
            self.open.add(id(node))
            try:
                return self._collection(node, path)
            finally:
                self.open.discard(id(node))
        return self._scalar(node)

    def _collection(self, node, path: Path):
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
                if knode.tag in (_BOOL, _NULL):
                    key = self._scalar(knode)
                    if isinstance(key, bool) or key is None:
                        self._problem(knode, f"the key '{shorten(knode.value)}' is read as {key!r} by YAML; put it in quotes")
                        continue
                elif knode.tag not in _SCALAR_TAGS:
                    self._problem(knode, f"the YAML tag '{shorten(_tag_name(knode.tag))}' is not used in this format; remove it")
                    continue
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
        return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]

    def _scalar(self, node):
        tag, value = node.tag, node.value
        if tag == _STR:  # most scalars are text: no constructor needed
            return value
        if tag == _INT and _PLAIN_INT.fullmatch(value):
            if len(value.lstrip("+-")) > MAX_DIGITS:
                return self._out_of_range(node)
            return int(value)
        if tag == _FLOAT and _PLAIN_FLOAT.fullmatch(value):
            number = float(value)
            return number if math.isfinite(number) else self._out_of_range(node)
        if tag == "tag:yaml.org,2002:value":  # YAML 1.1 reads a lone '=' so; here it is just text
            return value
        if tag not in _SCALAR_TAGS:
            self._problem(node, f"the YAML tag '{shorten(_tag_name(tag))}' is not used in this format; remove it")
            return value
        try:
            result = self.constructor.construct_object(node, deep=True)
        except Exception:  # PyYAML's constructors raise KeyError, AttributeError, ValueError... on bad text
            self._problem(node, f"'{shorten(value)}' is not a valid {_tag_name(tag)} value")
            return value
        if isinstance(result, int) and not isinstance(result, bool) and abs(result) >= _TOO_BIG:
            return self._out_of_range(node)  # 0x..., 1_000..., 1:30:... written long
        if isinstance(result, float) and math.isinf(result) and "inf" not in value.lower():
            return self._out_of_range(node)  # 1.0e+999: written as a number, read as infinity
        return result

    def _out_of_range(self, node):
        digits = sum(c.isdigit() for c in node.value)
        size = f" ({digits} digits)" if digits > 24 else ""
        self._problem(node, f"the number {shorten(node.value, 24)}{size} is out of range; "
                            "no setting takes a number this large")
        return None

    def _problem(self, node, message: str):
        p = _pos(node.start_mark)
        self.problems.append(Problem(self.doc.name, p.line, p.col, message))
