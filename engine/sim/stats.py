"""KPIs over replications: the mean and the 95 % confidence half-width (Student t) of each one."""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

# Two-sided 95 % quantiles of Student's t, by degrees of freedom (1..30); beyond 30 a Cornish-Fisher
# expansion around the normal quantile is good to about 1e-4, and the engine needs no scipy.
_T975 = (
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
    2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
    2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
    2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
    2.045229642, 2.042272456,
)
_Z975 = 1.959963984540054


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom."""
    if df < 1:
        return math.inf
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def total(values: Iterable[float]) -> float:
    """The exact sum (fsum) of finite values; IEEE's inf or nan, never an exception, when a value is infinite
    or the sum overflows (a score may divide by zero: +inf in one replication, -inf in another)."""
    values = list(values)
    try:
        return math.fsum(values)
    except (OverflowError, ValueError):
        return sum(values, 0.0)


def mean(values: Sequence[float]) -> float:
    return total(values) / len(values) if len(values) else math.nan


def mean_ci(values: Sequence[float]) -> tuple[float, float]:
    """(mean, 95 % half-width); the half-width is 0 for a single replication or identical values."""
    n = len(values)
    if n == 0:
        return (math.nan, math.nan)
    m = total(values) / n
    if n == 1:
        return (m, 0.0)
    var = total((v - m) * (v - m) for v in values) / (n - 1)  # x * x is inf where x ** 2 raises
    return (m, t975(n - 1) * math.sqrt(var / n))


def summarize(per_rep: Iterable[Mapping[str, float]], names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """{name: (mean, ci95)} over replications, in the order of `names`."""
    reps = list(per_rep)
    return {name: mean_ci([r[name] for r in reps]) for name in names}


def ratio(num: float, den: float, empty: float = 0.0) -> float:
    """num / den, or `empty` when nothing was there to count."""
    return num / den if den else empty
