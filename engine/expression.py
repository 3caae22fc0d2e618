"""The objective's little language: arithmetic over KPI names, and nothing else.

`profit - 20 * abandoned` or `min(service_level, 0.9) * 1000 + profit`. The text is parsed by Python's own
parser into a syntax tree, then every node is checked against a short allow-list (numbers, KPI names, + - *
/, unary minus, parentheses, and calls of min, max, abs) and compiled into nested closures. Nothing from a
scenario file ever reaches `eval` or `exec`; a name that is not a KPI, an attribute that is not a KPI part
(`utilization.senior` is one, `profit.__class__` is not), or any other construct is refused with the
column where it stands.

Division by zero follows IEEE arithmetic (x/0 is +-inf, 0/0 is nan) rather than crashing a run.
"""
from __future__ import annotations

import ast
import math
import operator
from typing import Callable, Iterable, Mapping

from .words import suggest

MAX_LENGTH = 2000
FUNCTIONS = {"min": min, "max": max, "abs": abs}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


class ExpressionError(ValueError):
    """What is wrong with an expression, and the 1-based column in its text where it is."""

    def __init__(self, message: str, col: int = 1):
        super().__init__(message)
        self.col = col


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


class Expression:
    """A parsed, checked expression. `evaluate(kpis)` gives its value for a mapping of KPI values."""

    __slots__ = ("text", "names", "_fn")

    def __init__(self, text: str, names: frozenset[str], fn: Callable[[Mapping[str, float]], float]):
        self.text = text
        self.names = names  # the KPI names it reads
        self._fn = fn

    def evaluate(self, kpis: Mapping[str, float]) -> float:
        missing = [n for n in self.names if n not in kpis]
        if missing:
            raise KeyError(f"the objective needs KPI(s) {', '.join(sorted(missing))}")
        return float(self._fn(kpis))

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __str__(self) -> str:
        return self.text


def parse(text, known: Iterable[str], defines: str | None = None) -> Expression:
    """Parse `text` (or a bare number) as an expression over the KPI names in `known`.

    `defines` names the KPI the expression computes (the objective's `score`): it may not read itself,
    which would ask for a value before it exists."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ExpressionError("the score must be an expression such as 'profit - 20 * abandoned'")
    text = str(text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"cannot read the expression: {e.msg}", e.offset or 1) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("cannot read the expression") from None
    offset = len(text) - len(text.lstrip())
    compiler = _Compiler(frozenset(known) - {defines}, offset, defines)
    try:
        fn = compiler.compile(tree.body)
    except RecursionError:
        raise ExpressionError("the expression nests too deeply") from None
    return Expression(text.strip(), frozenset(compiler.names), fn)


class _Compiler:
    def __init__(self, known: frozenset[str], offset: int, defines: str | None = None):
        self.known = known
        self.offset = offset
        self.defines = defines
        self.names: set[str] = set()

    def fail(self, node, message: str):
        raise ExpressionError(message, getattr(node, "col_offset", 0) + 1 + self.offset)

    def compile(self, node) -> Callable:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.fail(node, f"only numbers may appear as constants, not {node.value!r}")
            value = float(node.value)
            return lambda k: value
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = self.dotted(node)
            if name == self.defines:
                self.fail(node, f"the {name} cannot be computed from itself; write it from other KPIs, "
                                "e.g. 'profit - 20 * abandoned'")
            if name not in self.known:
                if isinstance(node, ast.Attribute) and name.split(".")[0] not in {n.split(".")[0] for n in self.known if "." in n}:
                    self.fail(node, f"attribute access is not allowed ('{name}' is not a KPI)")
                self.fail(node, f"unknown KPI '{name}'{suggest(name, self.known)}")
            self.names.add(name)
            return lambda k: k[name]
        if isinstance(node, ast.BinOp):
            left, right = self.compile(node.left), self.compile(node.right)
            if isinstance(node.op, ast.Div):
                return lambda k: _divide(left(k), right(k))
            op = _BINARY.get(type(node.op))
            if op is None:
                self.fail(node, f"the operator '{_symbol(node.op)}' is not allowed; use + - * / ( )")
            return lambda k: op(left(k), right(k))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.compile(node.operand)
            if isinstance(node.op, ast.USub):
                return lambda k: -inner(k)
            return inner
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = node.func.id if isinstance(node.func, ast.Name) else "that"
                self.fail(node, f"calling '{called}' is not allowed; only min, max and abs")
            if node.keywords:
                self.fail(node, "keyword arguments are not allowed")
            if any(isinstance(a, ast.Starred) for a in node.args):
                self.fail(node, "'*' arguments are not allowed")
            fname = node.func.id
            if fname == "abs" and len(node.args) != 1:
                self.fail(node, "abs takes exactly one argument")
            if fname != "abs" and len(node.args) < 2:
                self.fail(node, f"{fname} takes two or more arguments")
            args = [self.compile(a) for a in node.args]
            fn = FUNCTIONS[fname]
            if fname == "abs":
                only = args[0]
                return lambda k: abs(only(k))
            return lambda k: fn(a(k) for a in args)
        self.fail(node, f"'{type(node).__name__}' is not allowed in an expression; "
                        "use numbers, KPI names, + - * / ( ), min, max, abs")

    def dotted(self, node) -> str:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            self.fail(node, "attribute access is not allowed")
        parts.append(node.id)
        return ".".join(reversed(parts))


def _symbol(op) -> str:
    return {ast.Pow: "**", ast.Mod: "%", ast.FloorDiv: "//", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|",
            ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@"}.get(type(op), type(op).__name__)
