"""Exponential moving average with bias correction (reference implementation).

Conventions (the same letters as the notebooks):
    θ_1 … θ_T are stored at indices 0 … T−1 along axis 0; each θ_t may be a scalar or an array,
    so `thetas` has shape (T,) or (T, …).
    v_0 = 0,   v_t = β v_{t−1} + (1 − β) θ_t,   β in [0, 1)
    corrected: v̂_t = v_t / (1 − β^t)

All functions compute in float64 and return new arrays; no input is changed.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np


def _check_beta(beta) -> float:
    beta = float(beta)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"β must be in [0, 1), got {beta}")
    return beta


def _thetas(thetas) -> np.ndarray:
    thetas = np.asarray(thetas, dtype=np.float64)
    if thetas.ndim == 0:
        raise ValueError("thetas needs a time axis: shape (T,) or (T, ...)")
    return thetas


def ema(thetas, beta):
    """v_1 … v_T of the zero-start EMA, same shape as thetas.

    The recurrence v_t = β v_{t−1} + (1 − β) θ_t is a first-order linear filter with
    numerator [1 − β] and denominator [1, −β]; scipy runs it in C, exactly as the loop would.
    """
    beta, thetas = _check_beta(beta), _thetas(thetas)
    if thetas.shape[0] == 0:
        return thetas.copy()
    from scipy.signal import lfilter   # here, not at import: scipy.signal takes a second to load
    return lfilter([1.0 - beta], [1.0, -beta], thetas, axis=0)


def bias_correction(T: int, beta) -> np.ndarray:
    """1 − β^t for t = 1 … T, shape (T,).

    Computed as −expm1(t·ln β): accurate when β^t is close to 1, and it reaches exactly 1
    once β^t underflows, so there is no overflow and no NaN for any T.
    """
    beta = _check_beta(beta)
    if beta == 0.0:
        return np.ones(T)
    t = np.arange(1, T + 1, dtype=np.float64)
    return -np.expm1(t * np.log(beta))


def _steps_needing_correction(T: int, beta: float) -> int:
    """How many first steps have 1 − β^t < 1 in float64: beyond β^t < 2^−60 it rounds to 1.0."""
    if beta == 0.0:
        return 0
    return min(T, int(60 * math.log(2) / -math.log(beta)) + 1)


def ema_bias_corrected(thetas, beta):
    """v̂_t = v_t / (1 − β^t) for t = 1 … T, same shape as thetas."""
    v = ema(thetas, beta)
    # Dividing by exactly 1.0 changes nothing, so only the start-up steps are divided.
    n = _steps_needing_correction(v.shape[0], _check_beta(beta))
    v[:n] /= bias_correction(n, beta).reshape((-1,) + (1,) * (v.ndim - 1))
    return v


def ema_update(shadow, params, beta):
    """One EMA step for lists of arrays: [β s + (1 − β) p for each (s, p)], as a new list."""
    beta = _check_beta(beta)
    if len(shadow) != len(params):
        raise ValueError("shadow and params must be lists of the same length")
    return [beta * np.asarray(s, np.float64) + (1.0 - beta) * np.asarray(p, np.float64)
            for s, p in zip(shadow, params)]


def warmup_decay(beta, n: int) -> float:
    """TensorFlow's ExponentialMovingAverage decay with num_updates: min(β, (1 + n)/(10 + n))."""
    return min(_check_beta(beta), (1.0 + n) / (10.0 + n))


class WeightEMA:
    """An EMA shadow copy of a model's parameters (a list of arrays).

    Modes:
      - default: the shadow starts as a copy of the parameters (as TensorFlow's
        ExponentialMovingAverage does) and decays with a fixed β;
      - ``bias_correction=True``: the shadow starts at 0 and ``average()`` returns
        shadow / (1 − Π decays), the course's v̂_t;
      - ``warmup=True``: step n (counted from 0) uses decay min(β, (1 + n)/(10 + n)).

    Update after every optimiser step with ``update(params)``. For evaluation, either read
    ``average()`` or swap the averages into the live arrays with ``with ema.swapped(params):``;
    the original values are restored on exit.
    """

    def __init__(self, params, beta, *, bias_correction: bool = False, warmup: bool = False):
        self.beta = _check_beta(beta)
        self.bias_correction = bias_correction
        self.warmup = warmup
        self.num_updates = 0
        self._decay_product = 1.0  # Π decay_n so far; equals β^t for a fixed decay
        self.shadow = [np.zeros_like(p, dtype=np.float64) if bias_correction
                       else np.array(p, dtype=np.float64) for p in params]

    def decay(self) -> float:
        """The decay the next update will use."""
        return warmup_decay(self.beta, self.num_updates) if self.warmup else self.beta

    def update(self, params) -> None:
        d = self.decay()
        self.shadow = ema_update(self.shadow, params, d)
        self._decay_product *= d
        self.num_updates += 1

    def average(self):
        """The averaged parameters, as a new list of arrays."""
        if self.bias_correction and self.num_updates > 0:
            return [s / (1.0 - self._decay_product) for s in self.shadow]
        return [s.copy() for s in self.shadow]

    @contextlib.contextmanager
    def swapped(self, params):
        """Within the block, the arrays in ``params`` hold the averages (changed in place)."""
        backup = [np.array(p, copy=True) for p in params]
        try:
            for p, a in zip(params, self.average()):
                p[...] = a
            yield params
        finally:
            for p, b in zip(params, backup):
                p[...] = b
