"""Exercises ema, ema_bias_corrected and ema_update."""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..compare import NamedList
from ..verdict import Text
from .base import Case, Exercise, Mutant, Property, on_each_case, probe

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


def _divided_by_correction(out, beta):
    """out (T, …) with each step t = 1 … T divided by 1 − β^t."""
    t = np.arange(1, len(out) + 1).reshape((-1,) + (1,) * (np.ndim(out) - 1))
    return out / (1 - beta ** t)


def _v0_is_theta1(thetas, beta, corrected, swapped=False):
    """Starting from v_1 = θ_1 (swapped: with β and 1 − β swapped too, v_t = (1 − β) v_{t−1} + β θ_t)."""
    thetas = np.asarray(thetas, dtype=float)
    keep = 1 - beta if swapped else beta
    out = [thetas[0]]
    for t in range(2, len(thetas) + 1):
        out.append(keep * out[-1] + (1 - keep) * thetas[t - 1])
    out = np.array(out)
    return _divided_by_correction(out, beta) if corrected else out


LINEAR = (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([0.0, -1.0, 5.0, 2.0, -3.0]))


def ema_probes(corrected: bool) -> list[Case]:
    """Fixed series that test the EMA's properties (labels: [case] ema_probe_*)."""
    def case(name, label, thetas, beta, **info):
        return Case({"thetas": np.asarray(thetas, dtype=float), "beta": beta},
                    Text(label, {"beta": beta}), info={"T": len(thetas), "probe": name, **info})
    a, b = LINEAR
    linear = "case.ema_probe_linear"
    probes = [case("beta_zero", "case.ema_probe_beta_zero", [3.0, -1.0, 4.0, 1.5], 0.0)]
    if corrected:
        probes.append(case("constant", "case.ema_probe_constant", np.full(8, 5.0), 0.9))
    probes.append(case("impulse", "case.ema_probe_impulse", [1.0, 0, 0, 0, 0, 0], 0.5))
    return probes + [case("linear", linear, a, 0.7, part="a"), case("linear", linear, b, 0.7, part="b"),
                     case("linear", linear, a + 2 * b, 0.7, part="a+2b")]


def ema_properties(corrected: bool) -> list[Property]:
    def first_difference(got, want, scale=1.0):
        """(t, got, want) at the first step where got and want differ, or None."""
        got = np.asarray(got).reshape(len(want), -1)[:, 0] if np.size(got) == np.size(want) else None
        if got is None:
            return None
        bad = ~(np.abs(got - want) <= 1e-6 * (np.abs(want) + scale))
        if not bad.any():
            return None
        t = int(np.argmax(bad))
        return {"t": t + 1, "value": float(got[t]), "want": float(want[t])}

    def returns_theta(case, out):   # β = 0, and the corrected EMA of a constant series
        return first_difference(out, case.args["thetas"])

    def impulse(case, out):
        beta, t = case.args["beta"], np.arange(1, len(case.args["thetas"]) + 1)
        raw = (1 - beta) * beta ** (t - 1)
        return first_difference(out, raw / (1 - beta ** t) if corrected else raw)

    def linear(cases, outputs):
        parts = {c.info.get("part"): (i, o) for i, (c, o) in enumerate(zip(cases, outputs))
                 if c.info.get("probe") == "linear"}
        if set(parts) != {"a", "b", "a+2b"} or any(o is None for _, o in parts.values()):
            return None
        (_, fa), (_, fb), (i, fab) = parts["a"], parts["b"], parts["a+2b"]
        if np.shape(fa) != np.shape(fb) or np.shape(fa) != np.shape(fab):
            return None
        found = first_difference(fab, np.asarray(fa + 2 * fb).reshape(-1), scale=np.abs(fab).max())
        return None if found is None else (i, found)

    props = [Property("beta_zero_identity", on_each_case(returns_theta, probe("beta_zero")))]
    if corrected:
        props.append(Property("constant_series", on_each_case(returns_theta, probe("constant"))))
    return props + [Property("impulse_response", on_each_case(impulse, probe("impulse"))),
                    Property("linear_in_theta", linear)]


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
            Mutant("ema_no_memory", lambda thetas, beta: (1 - beta) * np.asarray(thetas, dtype=float)),
            Mutant("beta_swapped", lambda thetas, beta: _v0_is_theta1(thetas, beta, False, swapped=True)),
        ]

    def probe_cases(self):
        return ema_probes(corrected=False)

    @property
    def properties(self):
        return ema_properties(corrected=False)


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
            Mutant("ema_no_memory", lambda thetas, beta: (1 - beta) * np.asarray(thetas, dtype=float)),
            Mutant("ema_no_memory", lambda thetas, beta: _divided_by_correction(
                (1 - beta) * np.asarray(thetas, dtype=float), beta)),
            Mutant("beta_swapped", lambda thetas, beta: _v0_is_theta1(thetas, beta, True, swapped=True)),
            Mutant("beta_swapped", lambda thetas, beta: _v0_is_theta1(thetas, beta, False, swapped=True)),
            Mutant("correction_missing_power", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta))),
            Mutant("correction_constant_power", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta ** 2))),
            Mutant("correction_precedence", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / 1 - beta ** t)),
            Mutant("correction_constant", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v * (T - 1) / T)),
            Mutant("correction_constant", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v * T / (T - 1))),
            Mutant("one_minus_beta_power", lambda thetas, beta: loop(thetas, beta, correction=lambda v, t, T: v / (1 - beta) ** t)),
        ]

    def probe_cases(self):
        return ema_probes(corrected=True)

    @property
    def properties(self):
        return ema_properties(corrected=True)


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
        def pushed_away(shadow, params, beta):
            return [s + (1 - beta) * (s - p) for s, p in zip(shadow, params)]
        return [Mutant("shadow_params_swapped", swapped), Mutant("shadow_pushed_away", pushed_away)]
