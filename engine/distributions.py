"""Random durations and patiences: the distributions a scenario may name.

A distribution is written in YAML as a one-key mapping (`{exponential: {mean: 4}}`) or a bare number
(a constant). Here it is a small immutable value with a mean and a vectorised `sample`, so the engine can
draw a whole block of durations in one numpy call.

`problem()` is the one judge of which parameters can be sampled: every value is 0 or from `MIN_VALUE` to
`MAX_VALUE`, and a coefficient of variation (gamma's `cv`, lognormal's sd / mean) is at most `MAX_CV`.
Beyond those, float64 gives way: a lognormal sd of 1e308 overflows `(sd / mean) ** 2`, a gamma cv of
1e-300 makes `cv * cv` zero and its shape infinite, an exponential mean of 1e308 draws infinities, and a
cv far above 10 leaves most gamma draws underflowed to exactly 0. Inside them every kind samples finite,
non-negative values whose mean is the one written (the tests draw them at the corners). The file check
calls it, so what `validate` accepts, `simulate` can draw.

The written form is read here too (`to_distribution`, `parse_params`), with the messages the file check
shows: the file check (engine.format) and a value set while the day runs (`as_distribution`: an event's or
a rule's `set`) read a distribution the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .words import suggest, what

#: The distribution names of the format, in the order the docs list them.
KINDS = ("constant", "exponential", "uniform", "triangular", "normal", "lognormal", "gamma", "empirical")
#: The names of the parameters, by kind, as the format writes them (empirical: every value is a `value`).
PARAMETERS = {"constant": ("value",), "exponential": ("mean",), "uniform": ("low", "high"),
              "triangular": ("low", "mode", "high"), "normal": ("mean", "sd"), "lognormal": ("mean", "sd"),
              "gamma": ("mean", "cv"), "empirical": ()}
#: A value other than 0 lies in MIN_VALUE..MAX_VALUE: a billion time units is 1,900 years of minutes, and
#: a billionth of a second is below anything a process takes. Sums of a day's draws stay far from overflow.
MIN_VALUE = 1e-9
MAX_VALUE = 1e9
#: The largest coefficient of variation (sd / mean) of gamma and lognormal: beyond it the draws are almost
#: all exactly 0 or astronomically large, and a day's mean says nothing of the mean written.
MAX_CV = 10.0


@dataclass(frozen=True, slots=True)
class Distribution:
    """A non-negative random quantity, in the scenario's time unit (or units of stock).

    `params` holds, by kind: constant (value,), exponential (mean,), uniform (low, high),
    triangular (low, mode, high), normal (mean, sd) truncated at 0, lognormal (mean, sd) of the
    variable itself, gamma (mean, cv), empirical (the observed values...).
    """

    kind: str
    params: tuple[float, ...]

    @staticmethod
    def constant(value: float) -> "Distribution":
        return Distribution("constant", (float(value),))

    @staticmethod
    def exponential(mean: float) -> "Distribution":
        return Distribution("exponential", (float(mean),))

    def problem(self) -> str | None:
        """Why these parameters cannot be sampled soundly (out of the allowed range), or None."""
        names = PARAMETERS.get(self.kind) or ("value",) * len(self.params)
        for name, value in zip(names, self.params):
            top = MAX_CV if (self.kind, name) == ("gamma", "cv") else MAX_VALUE
            if not (value == 0 or MIN_VALUE <= value <= top):
                return f"{self.kind} {name} must be 0 or from {MIN_VALUE:g} to {top:g}, not {value:g}"
        if self.kind == "lognormal" and self.params[1] > MAX_CV * self.params[0]:
            mean, sd = self.params
            return (f"lognormal sd must be at most {MAX_CV:g} times the mean (here {MAX_CV * mean:g}), "
                    f"not {sd:g}")
        return None

    def mean(self) -> float:
        """The expected value (for normal, of the untruncated variable; close when mean >> sd)."""
        p = self.params
        k = self.kind
        if k in ("constant", "exponential", "normal", "lognormal", "gamma"):
            return p[0]
        if k == "uniform":
            return (p[0] + p[1]) / 2
        if k == "triangular":
            return sum(p) / 3
        if k == "empirical":
            return float(np.mean(p))
        raise ValueError(f"unknown distribution {k!r}")

    def scaled(self, factor: float) -> "Distribution":
        """The same shape with every value multiplied by `factor` (an event's `scale`)."""
        p = self.params
        if self.kind == "gamma":  # the cv is scale-free
            return Distribution("gamma", (p[0] * factor, p[1]))
        return Distribution(self.kind, tuple(x * factor for x in p))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """`size` independent draws as a float64 array, none negative."""
        p = self.params
        k = self.kind
        if k == "exponential":
            return rng.exponential(p[0], size) if p[0] > 0 else np.zeros(size)
        if k == "constant":
            return np.full(size, p[0])
        if k == "uniform":
            return rng.uniform(p[0], p[1], size)
        if k == "triangular":
            if p[0] == p[2]:
                return np.full(size, p[0])
            return rng.triangular(p[0], p[1], p[2], size)
        if k == "normal":
            out = rng.normal(p[0], p[1], size)
            bad = out < 0
            # Truncation by resampling keeps the shape above zero; the loop ends fast unless the
            # mean sits far below zero, which the validator refuses.
            for _ in range(100):
                n = int(bad.sum())
                if not n:
                    break
                out[bad] = rng.normal(p[0], p[1], n)
                bad = out < 0
            return np.maximum(out, 0.0)
        if k == "lognormal":
            mean, sd = p
            if sd == 0:
                return np.full(size, mean)
            sigma2 = np.log1p((sd / mean) ** 2)
            return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size)
        if k == "gamma":
            mean, cv = p
            if cv == 0:
                return np.full(size, mean)
            shape = 1.0 / (cv * cv)
            return rng.gamma(shape, mean / shape, size)
        if k == "empirical":
            return rng.choice(np.asarray(p, dtype=float), size)
        raise ValueError(f"unknown distribution {k!r}")

    def __str__(self) -> str:
        if self.kind == "constant":
            return f"{self.params[0]:g}"
        return f"{self.kind}({', '.join(f'{x:g}' for x in self.params)})"


def as_distribution(value) -> Distribution:
    """A duration given at run time (an event's or a rule's `set`): a Distribution, a bare number, or
    the format's one-key mapping (`{exponential: {mean: 4}}`)."""
    if isinstance(value, Distribution):
        return value
    if isinstance(value, (int, float)):
        return Distribution.constant(value)
    return to_distribution(value)


# --------------------------------------------------------------------------------------------------
# The written form

#: How the parameters of each kind are written (their names are PARAMETERS): a bare number, a mapping of
#: names (`{mean: 4}`, or a bare number when there is one), a list in PARAMETERS' order, or a list of values.
WRITTEN_AS = {"constant": "number", "exponential": "mapping", "uniform": "list", "triangular": "list",
              "normal": "mapping", "lognormal": "mapping", "gamma": "mapping", "empirical": "values"}


def parse_params(kind: str, params) -> tuple[float, ...]:
    """The parameters of a distribution as a tuple, or ValueError saying what is wrong."""
    form, names = WRITTEN_AS[kind], PARAMETERS[kind]

    def num(x, name, positive=False):
        if not _is_number(x) or not math.isfinite(x):
            raise ValueError(f"{kind} {name} must be a number, not {what(x)}")
        if x < 0 or (positive and x == 0):
            raise ValueError(f"{kind} {name} must be {'above' if positive else 'at least'} 0, not {x:g}")
        return float(x)

    one_number = len(names) == 1 and (isinstance(params, str) or _is_number(params))  # {exponential: 4}
    if form == "number" or (form == "mapping" and one_number):
        return _in_range(kind, (num(params, names[0]),))
    if form == "mapping":
        if not isinstance(params, dict):
            raise ValueError(f"{kind} needs {{{', '.join(f'{n}: ...' for n in names)}}}, not {what(params)}")
        extra = [k for k in params if k not in names]
        if extra:
            raise ValueError(f"{kind} takes {', '.join(names)}; unknown '{extra[0]}'{suggest(extra[0], names)}")
        missing = [n for n in names if n not in params]
        if missing:
            raise ValueError(f"{kind} needs '{missing[0]}'")
        out = tuple(num(params[n], n, positive=(n == "mean" and kind in ("lognormal", "gamma"))) for n in names)
        return _in_range(kind, out)
    if form == "list":
        if not isinstance(params, list) or len(params) != len(names):
            raise ValueError(f"{kind} needs a list [{', '.join(names)}], not {what(params)}")
        out = tuple(num(x, n) for x, n in zip(params, names))
        if list(out) != sorted(out):
            raise ValueError(f"{kind} needs {' <= '.join(names)}, not {list(params)}")
        return _in_range(kind, out)
    if not isinstance(params, list) or not params:
        raise ValueError(f"empirical needs a list of observed values, not {what(params)}")
    return _in_range(kind, tuple(num(x, "value") for x in params))


def _in_range(kind: str, params: tuple[float, ...]) -> tuple[float, ...]:
    """`params` when they can be sampled soundly (`Distribution.problem` judges), else ValueError."""
    problem = Distribution(kind, params).problem()
    if problem:
        raise ValueError(problem)
    return params


def to_distribution(value) -> Distribution:
    """A validated YAML distribution (or bare number) as a Distribution."""
    if not isinstance(value, dict):
        return Distribution.constant(float(value))
    (kind, params), = value.items()
    return Distribution(kind, parse_params(kind, params))



def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
