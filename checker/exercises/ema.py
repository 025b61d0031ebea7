"""Exercises ema, ema_bias_corrected and ema_update."""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..compare import NamedList
from ..verdict import Text
from .base import Case, Exercise, Mutant

# (T, β, vector-valued?) — edge cases: β = 0, β close to 1, T = 1
EMA_CASES = [(6, 0.9, False), (40, 0.5, False), (1, 0.9, False), (2, 0.8, False), (25, 0.0, False),
             (400, 0.999, False), (60, 0.9, True), (300, 0.99, False)]


def _series(rng, T, vector):
    trend = np.linspace(8, 20, T)[:, None] if vector else np.linspace(8, 20, T)
    noise = rng.normal(0, 3, size=(T, 3) if vector else T)
    return trend + noise


def ema_cases(rng):
    cases = []
    for T, beta, vector in EMA_CASES:
        thetas = _series(rng, T, vector)
        label = Text("case.ema", {"T": T, "beta": beta, "shape": thetas.shape})
        cases.append(Case({"thetas": thetas, "beta": beta}, label,
                          shown=T <= 6, info={"T": T}))
    return cases


def loop(thetas, beta, *, start=None, decay=None, correction=None, feed_back=False):
    """The EMA recurrence with hooks for the mutants: start value v_0, decay(β) used as the
    weight of v_{t−1}, correction(v, t, T) for the output, feed_back: recur on the output."""
    thetas = np.asarray(thetas, dtype=float)
    T = len(thetas)
    v = np.zeros(thetas.shape[1:]) if start is None else start(thetas)
    b = beta if decay is None else decay(beta)
    out = []
    for t in range(1, T + 1):
        v = b * v + (1 - b) * thetas[t - 1]
        shown = v if correction is None else correction(v, t, T)
        if feed_back:
            v = shown
        out.append(shown)
    return np.array(out)


def _v0_is_theta1(thetas, beta, corrected):
    thetas = np.asarray(thetas, dtype=float)
    out = [thetas[0]]
    for t in range(2, len(thetas) + 1):
        out.append(beta * out[-1] + (1 - beta) * thetas[t - 1])
    out = np.array(out)
    if corrected:
        t = np.arange(1, len(thetas) + 1).reshape((-1,) + (1,) * (out.ndim - 1))
        out = out / (1 - beta ** t)
    return out


def _shifted(thetas, beta, corrected):
    v = ref.ema_bias_corrected(thetas, beta) if corrected else ref.ema(thetas, beta)
    return np.concatenate([np.zeros((1,) + v.shape[1:]), v[:-1]])


def _with_v0(thetas, beta, corrected):
    v = ref.ema_bias_corrected(thetas, beta) if corrected else ref.ema(thetas, beta)
    return np.concatenate([np.zeros((1,) + v.shape[1:]), v])


class EMA(Exercise):
    id = "ema"
    notebook = "ema/01_moving_average"
    reference = staticmethod(ref.ema)
    points = 2
    signature = "ema(thetas, beta)"

    def make_cases(self, rng):
        return ema_cases(rng)

    @property
    def mutants(self):
        return [
            Mutant("beta_swapped", lambda thetas, beta: loop(thetas, beta, decay=lambda b: 1 - b)),
            Mutant("v0_is_theta1", lambda thetas, beta: _v0_is_theta1(thetas, beta, False)),
            Mutant("returns_last_only", lambda thetas, beta: ref.ema(thetas, beta)[-1]),
            Mutant("correction_in_plain_ema", lambda thetas, beta: ref.ema_bias_corrected(thetas, beta)),
            Mutant("ema_shifted", lambda thetas, beta: _shifted(thetas, beta, False)),
            Mutant("ema_shifted", lambda thetas, beta: _with_v0(thetas, beta, False)),
        ]


class EMABiasCorrected(Exercise):
    id = "ema_bias_corrected"
    notebook = "ema/01_moving_average"
    reference = staticmethod(ref.ema_bias_corrected)
    points = 2
    signature = "ema_bias_corrected(thetas, beta)"

    def make_cases(self, rng):
        return ema_cases(rng)

    @property
    def mutants(self):
        return [
            Mutant("beta_swapped", lambda thetas, beta: loop(
                thetas, beta, decay=lambda b: 1 - b, correction=lambda v, t, T: v / (1 - beta ** t))),
            Mutant("beta_swapped", lambda thetas, beta: ref.ema_bias_corrected(thetas, 1 - beta)
                   if beta > 0 else loop(thetas, beta, decay=lambda b: 1 - b)),
            Mutant("missing_bias_correction", lambda thetas, beta: ref.ema(thetas, beta)),
            Mutant("v0_is_theta1", lambda thetas, beta: _v0_is_theta1(thetas, beta, True)),
            Mutant("v0_is_theta1", lambda thetas, beta: _v0_is_theta1(thetas, beta, False),
                   "no_start_up_bias"),
            Mutant("t_from_zero", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta ** (t - 1)))),
            Mutant("t_off_by_one", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta ** (t + 1)))),
            Mutant("corrected_fed_back", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta ** t), feed_back=True)),
            Mutant("correction_multiplied", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v * (1 - beta ** t))),
            Mutant("beta_times_t", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta * t))),
            Mutant("one_minus_beta_power", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - (1 - beta) ** t))),
            Mutant("correction_with_final_T", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta ** T))),
            Mutant("returns_last_only", lambda thetas, beta: ref.ema_bias_corrected(thetas, beta)[-1]),
            Mutant("ema_shifted", lambda thetas, beta: _shifted(thetas, beta, True)),
            Mutant("ema_shifted", lambda thetas, beta: _with_v0(thetas, beta, True)),
        ]


class EMAUpdate(Exercise):
    id = "ema_update"
    notebook = "ema/02_ema_of_weights"
    reference = staticmethod(ref.ema_update)
    points = 1
    signature = "ema_update(shadow, params, beta) -> new shadow list"

    def make_cases(self, rng):
        cases = []
        for shapes, beta in [([(3, 2), (2,)], 0.9), ([(4,)], 0.999), ([(2, 2), (2,), (1, 1)], 0.0),
                             ([(5, 3)], 0.5)]:
            shadow = [rng.normal(0, 1, size=s) for s in shapes]
            params = [rng.normal(0, 1, size=s) for s in shapes]
            cases.append(Case({"shadow": shadow, "params": params, "beta": beta},
                              Text("case.ema_update", {"n": len(shapes), "shapes": shapes, "beta": beta})))
        return cases

    def expected(self, case):
        new = ref.ema_update(**case.args)
        return NamedList(new, [f"new_shadow[{i}]" for i in range(len(new))])

    @property
    def mutants(self):
        def swapped(shadow, params, beta):
            return [beta * p + (1 - beta) * s for s, p in zip(shadow, params)]
        return [Mutant("shadow_params_swapped", swapped)]
