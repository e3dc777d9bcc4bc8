"""Shared measuring tools: unit roundoffs, log-log slope fits, and what an operation costs.

Nothing here prints or plots; every function returns numbers that a check or a figure reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theorems.rounding import UNIT_ROUNDOFF


def unit_roundoff(dtype) -> float:
    """The unit roundoff u of a real or complex floating dtype (that of its real part for complex)."""
    real = np.finfo(np.dtype(dtype)).dtype.name if np.dtype(dtype).kind == "c" else np.dtype(dtype).name
    if real not in UNIT_ROUNDOFF:
        raise ValueError(f"no unit roundoff known for dtype {np.dtype(dtype).name!r}; known: {sorted(UNIT_ROUNDOFF)}")
    return float(UNIT_ROUNDOFF[real])


@dataclass(frozen=True)
class SlopeFit:
    """Least-squares line log y = slope · log x + intercept, with the slope's standard error."""

    slope: float
    intercept: float
    stderr: float


def loglog_slope(x, y) -> SlopeFit:
    """Fit log y against log x by least squares (natural logs). Needs at least three points, all positive."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.size < 3:
        raise ValueError(f"need matching x and y with at least 3 points, got {x.shape} and {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a log-log fit needs positive x and y")
    lx, ly = np.log(x), np.log(y)
    design = np.stack([lx, np.ones_like(lx)], axis=1)
    (slope, intercept), *_ = np.linalg.lstsq(design, ly, rcond=None)
    residual = ly - design @ np.array([slope, intercept])
    dof = x.size - 2
    sxx = np.sum((lx - lx.mean()) ** 2)
    stderr = math.sqrt(np.sum(residual**2) / dof / sxx) if dof > 0 and sxx > 0 else math.inf
    return SlopeFit(float(slope), float(intercept), float(stderr))
