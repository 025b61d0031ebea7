"""Exercises numerical_gradient and relative_error, judged by their properties.

numerical_gradient: accurate on curved functions (which a forward difference is not), uses
the eps it is given, returns x's shape, and leaves x as it was.
relative_error: one number, 0 for equal inputs and for two zeros, scale-free, finite when
one side is zero, and of the size of ‖a − b‖ / (‖a‖ + ‖b‖) (any usual norm-based form passes).
"""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..compare import Problem, describe, number_value
from .base import Case, Exercise, Mutant


from .testfunctions import GRADIENTS, bumps, cubes, curved


class NumericalGradient(Exercise):
    id = "numerical_gradient"
    notebook = "backprop/04_gradient_checking"
    reference = staticmethod(ref.numerical_gradient)
    points = 2
    signature = "numerical_gradient(f, x, eps=1e-5)"
    summary = "central differences (f(x + ε e_i) − f(x − ε e_i)) / 2ε"

    def make_cases(self, rng):
        return [
            Case({"f": curved, "x": rng.normal(0, 1, size=4)}, "f = Σ sin(x)·x² + x_first·x_last, x of shape (4,)"),
            Case({"f": curved, "x": rng.normal(0, 1, size=(2, 3))}, "f = Σ sin(x)·x² + x_first·x_last, x of shape (2, 3)"),
            Case({"f": bumps, "x": rng.normal(0, 1, size=3)}, "f = Σ exp(x/2)/(1 + x²), x of shape (3,)"),
            Case({"f": cubes, "x": rng.normal(0, 1, size=3), "eps": 1e-2},
                 "f = Σ x³, x of shape (3,), eps = 1e-2"),
            Case({"f": bumps, "x": rng.normal(0, 1, size=1)}, "f = Σ exp(x/2)/(1 + x²), x of shape (1,)"),
        ]

    def extra_problem(self, case, snap):
        """Agreeing with the reference is not enough: also agree with the exact derivative."""
        exact = GRADIENTS[case.args["f"]](case.args["x"])
        eps = case.args.get("eps", 1e-5)
        error = np.abs(snap.values - exact)
        # A central difference is off by ε²·|f‴|/6 (exactly ε² for Σ x³); allow that, rounding,
        # and float32 storage of the result (half an ulp, 6e-8 relative).
        allowed = 4 * eps ** 2 + 1e-7 + (4e-7 * np.abs(exact) if snap.is_float32() else 0.0)
        if np.any(error > allowed):
            detail = f"off from the exact derivative by {float(error.max()):.2g}"
            if snap.is_float32():
                detail += ("; in float32, f(x + ε) − f(x − ε) keeps only a few digits, "
                           "so compute the differences in float64")
            return Problem("property", detail)
        return None

    @property
    def mutants(self):
        def forward(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            g, fx = np.zeros_like(x), f(x)
            for i in np.ndindex(x.shape):
                xp = x.copy()
                xp[i] += eps
                g[i] = (f(xp) - fx) / eps
            return g

        def backward(f, x, eps=1e-5):
            return forward(f, x, -eps)  # (f(x − ε) − f(x)) / (−ε)

        def all_at_once(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            return np.full(x.shape, (f(x + eps) - f(x - eps)) / (2 * eps))

        def never_restored(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            g = np.zeros_like(x)
            for i in np.ndindex(x.shape):
                x[i] += eps
                f_plus = f(x)
                x[i] -= 2 * eps
                g[i] = (f_plus - f(x)) / (2 * eps)
            return g

        def ignores_eps(f, x, eps=1e-5):
            return ref.numerical_gradient(f, x, 1e-5)

        return [
            Mutant("forward_difference", forward),
            Mutant("forward_difference", backward),
            Mutant("central_difference_missing_2", lambda f, x, eps=1e-5: 2 * ref.numerical_gradient(f, x, eps)),
            Mutant("difference_reversed", lambda f, x, eps=1e-5: -ref.numerical_gradient(f, x, eps)),
            Mutant("input_modified", never_restored, "(x was left perturbed after each step: put x[i] "
                   "back to its old value after the two evaluations.)"),
            Mutant("perturbs_all_elements", all_at_once),
            Mutant("eps_ignored", ignores_eps),
        ]


class RelativeError(Exercise):
    id = "relative_error"
    notebook = "backprop/04_gradient_checking"
    reference = staticmethod(ref.relative_error)
    points = 1
    signature = "relative_error(a, b)"
    summary = "a scale-free, norm-based relative error, 0 when a and b are both zero"

    def make_cases(self, rng):
        a = rng.normal(0, 1, size=6)
        b = a + 1e-3 * rng.normal(0, 1, size=6)
        swapped = a.copy()
        swapped[[0, 1]] = swapped[[1, 0]]
        far = rng.normal(0, 1, size=(2, 3))
        return [
            Case({"a": a, "b": b}, "a and b close", info={"role": "typical"}),
            Case({"a": 1e-6 * a, "b": 1e-6 * b}, "the same a and b scaled by 1e-6", info={"role": "scaled"}),
            Case({"a": 1e6 * a, "b": 1e6 * b}, "the same a and b scaled by 1e6", info={"role": "scaled"}),
            Case({"a": a, "b": a.copy()}, "a equal to b", info={"role": "equal"}),
            Case({"a": np.zeros(3), "b": np.zeros(3)}, "a and b both zero", info={"role": "zeros"}),
            Case({"a": a, "b": np.zeros(6)}, "b zero, a not", info={"role": "one_zero"}),
            Case({"a": np.zeros(6), "b": b}, "a zero, b not", info={"role": "one_zero"}),
            Case({"a": a, "b": swapped}, "b is a with two entries swapped", info={"role": "typical"}),
            Case({"a": far, "b": rng.normal(0, 1, size=(2, 3))}, "a and b unrelated, shape (2, 3)",
                 info={"role": "typical"}),
        ]

    def assess(self, cases, observations, wants, assess_one):
        """Judge each case by the property its role tests, not by equality with the reference."""
        typical = None
        results = []
        for case, obs, want in zip(cases, observations, wants):
            if obs.error is not None:
                results.append(assess_one(self, case, obs, want))
                continue
            value = number_value(obs.output)
            if value is None:
                results.append((Problem("wrong_type", "relative_error should return one number, got "
                                        + describe(obs.output)), False))
                continue
            if typical is None and case.info["role"] == "typical":
                typical = value
            results.append((self._property_problem(case, value, want, typical, obs), False))
        return results

    def _property_problem(self, case, value, want, typical, obs):
        role = case.info["role"]
        if role in ("equal", "zeros"):
            if not np.isfinite(value):
                return Problem("not_finite", f"got {value} for {case.label}",
                               mistake="relative_error_unsafe_at_zero" if role == "zeros" else None)
            if abs(value) > 1e-12:
                return Problem("property", f"should be 0 for {case.label}, got {value:.3g}")
        elif role == "one_zero":
            if not np.isfinite(value):
                return Problem("not_finite", f"got {value} for {case.label}", mistake="relative_error_one_sided")
            if not value > 0:
                return Problem("property", f"should be positive for {case.label}, got {value:.3g}")
        elif role == "typical":
            if not np.isfinite(value) or value < 0:
                return Problem("property", f"should be a finite number ≥ 0, got {value:.3g}")
            if not 0.45 * want <= value <= 3.0 * want:
                return Problem("property", f"has the wrong size: {value:.3g} where a norm-based relative "
                               f"error is about {want:.3g}")
        elif role == "scaled" and typical is not None:
            # 1e-4: a float32 computation is still scale-free to its precision
            if not (np.isfinite(value) and abs(value - typical) <= 1e-4 * abs(typical) + 1e-15):
                return Problem("property", f"not scale-free: {value:.3g} here, {typical:.3g} before scaling")
        if obs.modified_inputs:
            return Problem("input_modified", f"it changed {', '.join(obs.modified_inputs)} in place")
        return None

    @property
    def mutants(self):
        norm = np.linalg.norm
        return [
            Mutant("absolute_error", lambda a, b: norm(a - b)),
            Mutant("relative_error_unsafe_at_zero", lambda a, b: norm(a - b) / (norm(a) + norm(b))),
            Mutant("relative_error_unsafe_at_zero", lambda a, b: norm(a - b) / max(norm(a), norm(b))),
            Mutant("relative_error_unsafe_at_zero",
                   lambda a, b: float(norm(a - b)) / float(norm(a) + norm(b))),  # ZeroDivisionError
            Mutant("relative_error_one_sided", lambda a, b: norm(a - b) / norm(a)),
            Mutant("relative_error_one_sided", lambda a, b: norm(a - b) / norm(b)),
            Mutant("relative_error_one_sided", lambda a, b: norm(a - b) / max(norm(a), 1e-300) if norm(b) else
                   norm(a - b) / norm(a)),
            Mutant("relative_error_not_a_norm", lambda a, b: abs(np.sum(a - b)) / (abs(np.sum(a)) + abs(np.sum(b)))),
            Mutant("relative_error_not_a_norm", lambda a, b: np.sum(a - b) / (np.sum(a) + np.sum(b))),
        ]
