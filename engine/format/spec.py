"""The shape of a scenario file, written once and used twice: to check a file and to emit its JSON Schema.

Each `Spec` knows how to `check` a value at a path (reporting every problem to a `Checker`, never raising)
and how to describe itself as JSON Schema for editors. `engine.format.shape` declares the whole format
with these few combinators; `engine.format.checks` adds the checks that need more than one place of the
file (references, sums).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..words import suggest, what
from .yamlpos import Document, Position, Problem


def label(path) -> str:
    """A path as a person reads it: steps.ivr.duration."""
    return ".".join(str(p) for p in path) or "the top level"


class Checker:
    """Collects problems with their positions; `fallback` places problems of data with no position
    (values a rule would set), so they still point somewhere useful."""

    def __init__(self, doc: Document | None, name: str, fallback: Position | None = None, prefix: str = ""):
        self.doc = doc
        self.name = name
        self.fallback = fallback
        self.prefix = prefix
        self.problems: list[Problem] = []

    def error(self, path, message: str, at: str = "value", shift: int = 0) -> None:
        """Report `message` at the key or value of `path`; `shift` moves right within a one-line value."""
        pos = self.fallback if self.fallback is not None else (
            self.doc.where(path, at) if self.doc else Position(1, 1))
        self.problems.append(Problem(self.name, pos.line, pos.col + shift, self.prefix + message))

    def child(self) -> "Checker":
        return Checker(self.doc, self.name, self.fallback, self.prefix)


class Spec:
    doc = ""

    def check(self, value, path, ck: Checker) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def schema(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        return "a value"

    def accepts_type(self, value) -> bool:
        """Whether `value` is of the JSON type this spec takes (used by Union to pick an alternative)."""
        return True

    def at(self, key):
        """The spec of a child value (for dotted rule paths); None when there is none."""
        return None

    def _with_doc(self, s: dict) -> dict:
        if self.doc:
            s["description"] = self.doc
        return s


@dataclass
class Num(Spec):
    min: float | None = None
    max: float | None = None
    integer: bool = False
    positive: bool = False  # strictly above min (min is then usually 0)
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    def describe(self):
        kind = "a whole number" if self.integer else "a number"
        if self.positive and self.min is not None:
            return f"{kind} above {self.min:g}" + (f" and at most {self.max:g}" if self.max is not None else "")
        if self.min is not None and self.max is not None:
            return f"{kind} from {self.min:g} to {self.max:g}"
        if self.min is not None:
            return f"{kind} of at least {self.min:g}"
        return kind

    def check(self, value, path, ck):
        if not self.accepts_type(value):
            ck.error(path, f"{label(path)} must be {self.describe()}, not {what(value)}")
            return False
        if isinstance(value, float) and not math.isfinite(value):
            ck.error(path, f"{label(path)} must be a finite number, not {value}")
            return False
        if self.integer and value != int(value):
            ck.error(path, f"{label(path)} must be a whole number, not {value:g}")
            return False
        low_bad = self.min is not None and (value <= self.min if self.positive else value < self.min)
        if low_bad or (self.max is not None and value > self.max):
            ck.error(path, f"{label(path)} must be {self.describe()}, not {value:g}")
            return False
        return True

    def schema(self):
        s: dict = {"type": "integer" if self.integer else "number"}
        if self.min is not None:
            s["exclusiveMinimum" if self.positive else "minimum"] = self.min
        if self.max is not None:
            s["maximum"] = self.max
        return self._with_doc(s)


def Prob(doc: str = "") -> Num:
    return Num(0, 1, doc=doc)


@dataclass
class Text(Spec):
    pattern: str | None = None
    hint: str = ""  # what the pattern means, for messages
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, str)

    def describe(self):
        return self.hint or "text"

    def check(self, value, path, ck):
        if not isinstance(value, str):
            ck.error(path, f"{label(path)} must be {self.describe()}, not {what(value)}")
            return False
        if self.pattern and not re.fullmatch(self.pattern, value):
            ck.error(path, f"{label(path)} must be {self.describe()}, not '{value}'")
            return False
        return True

    def schema(self):
        s: dict = {"type": "string"}
        if self.pattern:
            s["pattern"] = f"^(?:{self.pattern})$"
        return self._with_doc(s)


@dataclass
class Enum(Spec):
    values: tuple
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, (str, int)) and not isinstance(value, bool)

    def describe(self):
        return "one of " + ", ".join(map(str, self.values))

    def check(self, value, path, ck):
        if value in self.values and not isinstance(value, bool):
            return True
        ck.error(path, f"{label(path)} must be {self.describe()}, not {what(value)}{suggest(value, self.values)}")
        return False

    def schema(self):
        return self._with_doc({"enum": list(self.values)})


@dataclass
class Field:
    spec: Spec
    required: bool = False
    doc: str = ""


@dataclass
class Map(Spec):
    """A mapping with known keys; unknown keys are reported with the closest known one."""

    fields: dict[str, Field]
    doc: str = ""
    title: str = "mapping"  # what the mapping is, for messages ("step 'ivr'")
    extra_ok: bool = False

    def accepts_type(self, value):
        return isinstance(value, dict)

    def describe(self):
        return "a mapping"

    def check(self, value, path, ck):
        if not isinstance(value, dict):
            ck.error(path, f"{label(path)} must be a mapping of keys ({', '.join(list(self.fields)[:4])}...), not {what(value)}")
            return False
        ok = True
        for key, f in self.fields.items():
            if f.required and key not in value:
                ck.error(path, f"{label(path)} is missing '{key}'" + (f" ({f.doc})" if f.doc else ""), at="key")
                ok = False
        for key, v in value.items():
            f = self.fields.get(key)
            if f is None:
                if not self.extra_ok:
                    ck.error(path + (key,), f"unknown key '{key}' in {label(path)}{suggest(key, self.fields)}", at="key")
                    ok = False
                continue
            ok = f.spec.check(v, path + (key,), ck) and ok
        return ok

    def schema(self):
        props = {}
        for k, f in self.fields.items():
            sub = f.spec.schema()
            if f.doc and "description" not in sub:
                sub = {**sub, "description": f.doc}
            props[k] = sub
        s: dict = {"type": "object", "properties": props, "additionalProperties": self.extra_ok}
        req = [k for k, f in self.fields.items() if f.required]
        if req:
            s["required"] = req
        return self._with_doc(s)

    def at(self, key):
        f = self.fields.get(key)
        return f.spec if f else None


@dataclass
class DictOf(Spec):
    """A mapping from names the author chooses (ids) to values of one spec."""

    value: Spec
    key: Spec = field(default_factory=lambda: Text(r"[A-Za-z0-9_][A-Za-z0-9_\-]*", "a name of letters, digits, _ and -"))
    min_items: int = 0
    doc: str = ""
    open_keys: bool = False  # a rule may add new keys (fixed_costs)

    def accepts_type(self, value):
        return isinstance(value, dict)

    def describe(self):
        return "a mapping"

    def check(self, value, path, ck):
        if not isinstance(value, dict):
            ck.error(path, f"{label(path)} must be a mapping of names to values, not {what(value)}")
            return False
        if len(value) < self.min_items:
            ck.error(path, f"{label(path)} needs at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}")
            return False
        ok = True
        for k, v in value.items():
            kck = ck.child()
            if not self.key.check(k, path + (k,), kck):
                for p in kck.problems:
                    ck.problems.append(p)
                ok = False
            ok = self.value.check(v, path + (k,), ck) and ok
        return ok

    def schema(self):
        s: dict = {"type": "object", "additionalProperties": self.value.schema()}
        if isinstance(self.key, Text) and self.key.pattern:
            s["propertyNames"] = {"pattern": f"^(?:{self.key.pattern})$"}
        if self.min_items:
            s["minProperties"] = self.min_items
        return self._with_doc(s)

    def at(self, key):
        return self.value


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 0
    max_items: int | None = None
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, list)

    def describe(self):
        return "a list"

    def check(self, value, path, ck):
        if not isinstance(value, list):
            ck.error(path, f"{label(path)} must be a list, not {what(value)}")
            return False
        if len(value) < self.min_items or (self.max_items is not None and len(value) > self.max_items):
            n = self.min_items if self.max_items in (None, self.min_items) else f"{self.min_items} to {self.max_items}"
            if self.max_items is None:
                n = f"at least {self.min_items}"
            ck.error(path, f"{label(path)} must have {n} item(s), not {len(value)}")
            return False
        ok = True
        for i, v in enumerate(value):
            ok = self.item.check(v, path + (i,), ck) and ok
        return ok

    def schema(self):
        s: dict = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            s["minItems"] = self.min_items
        if self.max_items is not None:
            s["maxItems"] = self.max_items
        return self._with_doc(s)


@dataclass
class Tuple(Spec):
    """A short list with a meaning per place: [from, rate]."""

    items: tuple[Spec, ...]
    names: tuple[str, ...]
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, list)

    def describe(self):
        return "[" + ", ".join(self.names) + "]"

    def check(self, value, path, ck):
        if not isinstance(value, list) or len(value) != len(self.items):
            ck.error(path, f"{label(path)} must be a list {self.describe()}, not {what(value)}"
                     + (f" of {len(value)}" if isinstance(value, list) else ""))
            return False
        ok = True
        for i, (spec, v) in enumerate(zip(self.items, value)):
            ok = spec.check(v, path + (i,), ck) and ok
        return ok

    def schema(self):
        return self._with_doc({"type": "array", "prefixItems": [s.schema() for s in self.items],
                               "items": False, "minItems": len(self.items), "maxItems": len(self.items)})


@dataclass
class Union(Spec):
    """One of several specs, chosen by the type of the value (a number, or a list of pieces)."""

    options: tuple[Spec, ...]
    description: str = ""
    doc: str = ""

    def accepts_type(self, value):
        return any(o.accepts_type(value) for o in self.options)

    def describe(self):
        return self.description or " or ".join(o.describe() for o in self.options)

    def check(self, value, path, ck):
        for o in self.options:
            if o.accepts_type(value):
                return o.check(value, path, ck)
        ck.error(path, f"{label(path)} must be {self.describe()}, not {what(value)}")
        return False

    def schema(self):
        return self._with_doc({"anyOf": [o.schema() for o in self.options]})

    def at(self, key):
        for o in self.options:
            sub = o.at(key)
            if sub is not None:
                return sub
        return None


@dataclass
class Custom(Spec):
    """A spec whose check is a function: for the few shapes the combinators do not say well."""

    checker: Callable[[Any, tuple, Checker], bool]
    json: dict
    description: str
    types: tuple = (object,)
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, self.types) and not (isinstance(value, bool) and bool not in self.types)

    def describe(self):
        return self.description

    def check(self, value, path, ck):
        return self.checker(value, path, ck)

    def schema(self):
        return self._with_doc(dict(self.json))


@dataclass
class Tagged(Spec):
    """A mapping whose `kind` key chooses its spec (the step kinds)."""

    tag: str
    variants: dict[str, Map]
    doc: str = ""

    def accepts_type(self, value):
        return isinstance(value, dict)

    def describe(self):
        return "a mapping"

    def check(self, value, path, ck):
        if not isinstance(value, dict):
            ck.error(path, f"{label(path)} must be a mapping with '{self.tag}' and its keys, not {what(value)}")
            return False
        kind = value.get(self.tag)
        if kind is None:
            ck.error(path, f"{label(path)} is missing '{self.tag}' (one of {', '.join(self.variants)})", at="key")
            return False
        if not isinstance(kind, str) or kind not in self.variants:
            ck.error(path + (self.tag,), f"unknown {self.tag} {what(kind)} for {label(path)}"
                     f"{suggest(kind, self.variants)} (one of {', '.join(self.variants)})")
            return False
        return self.variants[kind].check(value, path, ck)

    def schema(self):
        out = []
        for name, m in self.variants.items():
            s = m.schema()
            s["properties"] = {**s["properties"], self.tag: {"const": name}}
            s["required"] = sorted(set(s.get("required", [])) | {self.tag})
            out.append(s)
        return self._with_doc({"oneOf": out})

    def variant(self, value) -> Map | None:
        tag = value.get(self.tag) if isinstance(value, dict) else None
        return self.variants.get(tag) if isinstance(tag, str) else None
