"""Gradient checking: numerical gradients, relative error, and a directional check.

f is a scalar function. In ``numerical_gradient`` it takes one array x; in the tensor-wise
checks it takes a list of parameter arrays (for a network: weights + biases).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    """∂f/∂x by central differences, (f(x + ε e_i) − f(x − ε e_i)) / 2ε for every element i.

    f receives a float64 copy of x, so x itself is never touched. Costs 2·x.size calls of f.
    Returns an array of x's shape.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        f_plus = float(f(x))
        flat[i] = original - eps
        f_minus = float(f(x))
        flat[i] = original
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), with Frobenius norms; 0.0 when a and b are both zero.

    Scale-free: multiplying both by c ≠ 0 does not change it. It lies in [0, 1].
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


@dataclass
class GradientCheckReport:
    """Per-tensor relative errors of an analytic gradient against finite differences."""

    errors: list[float]
    tolerance: float
    forward_passes: int
    names: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[int]:
        """Indices of the tensors whose error exceeds the tolerance."""
        return [i for i, e in enumerate(self.errors) if not e <= self.tolerance]

    @property
    def passed(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        """One line per tensor, then the cost, in the language checker speaks."""
        from ..messages import text
        lines = [text("gradient_report.ok" if e <= self.tolerance else "gradient_report.fail", name=name, error=e)
                 for name, e in zip(self.names, self.errors)]
        lines.append(text("gradient_report.summary", passes=self.forward_passes, tolerance=self.tolerance))
        return "\n".join(lines)


def _names(params, names):
    from ..messages import text
    return list(names) if names is not None else [text("gradient_report.tensor", i=i) for i in range(len(params))]


def _replacing(params, i, value):
    return [value if j == i else p for j, p in enumerate(params)]


def directional_check(f, params, grads, *, directions=3, eps=1e-6, tolerance=1e-5,
                      seed=0, names=None) -> GradientCheckReport:
    """Check each gradient tensor along a few random unit directions v.

    For tensor i, compares v·g_i with (f(…, x_i + εv, …) − f(…, x_i − εv, …)) / 2ε.
    This costs 2·directions calls of f per tensor instead of 2·size, and still names the
    tensor whose gradient is wrong (the idea of torch.autograd.gradcheck's fast mode).
    The error of a tensor is the largest relative error |a − b| / (|a| + |b|) over its directions.
    """
    params = [np.asarray(p, dtype=np.float64) for p in params]
    rng = np.random.default_rng(seed)
    errors, passes = [], 0
    for i, (x, g) in enumerate(zip(params, grads)):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != x.shape:
            errors.append(np.inf)
            continue
        worst = 0.0
        for _ in range(directions):
            v = rng.standard_normal(x.shape)
            v /= np.linalg.norm(v)
            numeric = (float(f(_replacing(params, i, x + eps * v)))
                       - float(f(_replacing(params, i, x - eps * v)))) / (2.0 * eps)
            passes += 2
            worst = max(worst, relative_error(numeric, np.sum(v * g)))
        errors.append(worst)
    return GradientCheckReport(errors, tolerance, passes, _names(params, names))


def full_check(f, params, grads, *, eps=1e-6, tolerance=1e-5, names=None) -> GradientCheckReport:
    """The classic check: the full numerical gradient of every tensor, element by element.

    Costs 2·(total number of parameters) calls of f. The baseline for ``directional_check``.
    """
    params = [np.asarray(p, dtype=np.float64) for p in params]
    errors, passes = [], 0
    for i, (x, g) in enumerate(zip(params, grads)):
        numeric = numerical_gradient(lambda xi: f(_replacing(params, i, xi)), x, eps)
        passes += 2 * x.size
        g = np.asarray(g, dtype=np.float64)
        errors.append(relative_error(numeric, g) if g.shape == x.shape else np.inf)
    return GradientCheckReport(errors, tolerance, passes, _names(params, names))
