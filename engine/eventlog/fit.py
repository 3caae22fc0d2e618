"""The distribution of the scenario format that fits a sample best: `best_fit(values)`.

Each candidate is fitted by maximum likelihood (exponential, lognormal, uniform) or by its moments (gamma,
whose `cv` is what the format asks for), scored by its log-likelihood with Akaike's penalty for its
parameters, and the best is written as the scenario file writes it (`{gamma: {mean: 5.0, cv: 0.7}}`). A
sample whose values are all the same is a constant; one too small to fit (under 8 values) is `empirical`.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

MIN_FIT = 8


def _r(x: float) -> float:
    return float(f"{x:.4g}")


def best_fit(values: Sequence[float]) -> object:
    """The scenario-format distribution that fits `values` (non-negative) best."""
    x = np.asarray([v for v in values if v >= 0], dtype=float)
    if len(x) == 0:
        return 0
    if np.ptp(x) < 1e-9:
        return _r(float(x[0]))
    if len(x) < MIN_FIT:
        return {"empirical": [_r(v) for v in x]}
    pos = x[x > 1e-12]
    mean, sd = float(x.mean()), float(x.std(ddof=1))
    fits: list[tuple[float, object]] = []
    n = len(x)
    fits.append((2 * 1 - 2 * (-n * math.log(mean) - x.sum() / mean), {"exponential": {"mean": _r(mean)}}))
    lo, hi = float(x.min()), float(x.max())
    fits.append((2 * 2 - 2 * (-n * math.log(hi - lo)), {"uniform": [_r(lo), _r(hi)]}))
    if len(pos) == n:
        logs = np.log(x)
        mu, sigma = float(logs.mean()), float(logs.std(ddof=0))
        if sigma > 1e-9:
            ll = float(np.sum(-logs - math.log(sigma * math.sqrt(2 * math.pi)) - (logs - mu) ** 2 / (2 * sigma ** 2)))
            m, s = math.exp(mu + sigma ** 2 / 2), math.exp(mu + sigma ** 2 / 2) * math.sqrt(math.expm1(sigma ** 2))
            if s <= 10 * m:
                fits.append((2 * 2 - 2 * ll, {"lognormal": {"mean": _r(m), "sd": _r(s)}}))
        cv = sd / mean
        if 0 < cv <= 10:
            k = 1 / cv ** 2
            theta = mean / k
            ll = float(np.sum((k - 1) * logs - x / theta) - n * (math.lgamma(k) + k * math.log(theta)))
            fits.append((2 * 2 - 2 * ll, {"gamma": {"mean": _r(mean), "cv": _r(cv)}}))
    return min(fits, key=lambda f: f[0])[1]
