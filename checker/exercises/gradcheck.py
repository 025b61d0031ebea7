"""Exercises numerical_gradient and relative_error, judged by their properties.

numerical_gradient: accurate on curved functions (which a forward difference is not), uses
the eps it is given, returns x's shape, and leaves x as it was.
relative_error: one number, 0 for equal inputs and for two zeros, scale-free, finite when
one side is zero, and of the size of ‖a − b‖ / (‖a‖ + ‖b‖) (any usual norm-based form passes).
"""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..assess import assess_case, inputs_modified
from ..compare import describe, number_value
from ..verdict import Problem, ProblemKind as K, Text
from .base import Case, Exercise, Mutant


from ..harness.testfunctions import GRADIENTS, bumps, cubes, curved

FORMULAS = {curved: "Σ sin(x)·x² + x_first·x_last", bumps: "Σ exp(x/2)/(1 + x²)", cubes: "Σ x³"}


class NumericalGradient(Exercise):
    id = "numerical_gradient"
    notebook = "backprop/04_gradient_checking"
    reference = staticmethod(ref.numerical_gradient)
    points = 2
    signature = "numerical_gradient(f, x, eps=1e-5)"

    def make_cases(self, rng):
        def case(f, x, **eps):
            label = Text("case.function_of_x_eps" if eps else "case.function_of_x",
                         {"f": FORMULAS[f], "shape": x.shape, "eps": "1e-2"})
            return Case({"f": f, "x": x, **eps}, label)
        return [case(curved, rng.normal(0, 1, size=4)), case(curved, rng.normal(0, 1, size=(2, 3))),
                case(bumps, rng.normal(0, 1, size=3)), case(cubes, rng.normal(0, 1, size=3), eps=1e-2),
                case(bumps, rng.normal(0, 1, size=1))]

    def extra_problem(self, case, snap):
        """Agreeing with the reference is not enough: also agree with the exact derivative."""
        exact = GRADIENTS[case.args["f"]](case.args["x"])
        eps = case.args.get("eps", 1e-5)
        error = np.abs(snap.values - exact)
        # A central difference is off by ε²·|f‴|/6 (exactly ε² for Σ x³); allow that, rounding,
        # and float32 storage of the result (half an ulp, 6e-8 relative).
        allowed = 4 * eps ** 2 + 1e-7 + (4e-7 * np.abs(exact) if snap.is_float32() else 0.0)
        if np.any(error > allowed):
            detail = "exact_derivative_float32" if snap.is_float32() else "exact_derivative"
            return Problem(K.PROPERTY, detail, {"error": float(error.max())})
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
            Mutant("input_modified", never_restored, "x_left_perturbed"),
            Mutant("perturbs_all_elements", all_at_once),
            Mutant("eps_ignored", ignores_eps),
        ]


class RelativeError(Exercise):
    id = "relative_error"
    notebook = "backprop/04_gradient_checking"
    reference = staticmethod(ref.relative_error)
    points = 1
    signature = "relative_error(a, b)"

    def make_cases(self, rng):
        a = rng.normal(0, 1, size=6)
        b = a + 1e-3 * rng.normal(0, 1, size=6)
        swapped = a.copy()
        swapped[[0, 1]] = swapped[[1, 0]]
        far = rng.normal(0, 1, size=(2, 3))
        def case(a, b, label, role, **fields):
            return Case({"a": a, "b": b}, Text(f"case.{label}", fields), info={"role": role})
        return [
            case(a, b, "close", "typical"),
            case(1e-6 * a, 1e-6 * b, "scaled", "scaled", scale="1e-6"),
            case(1e6 * a, 1e6 * b, "scaled", "scaled", scale="1e6"),
            case(a, a.copy(), "equal", "equal"),
            case(np.zeros(3), np.zeros(3), "both_zero", "zeros"),
            case(a, np.zeros(6), "b_zero", "one_zero"),
            case(np.zeros(6), b, "a_zero", "one_zero"),
            case(a, swapped, "two_swapped", "typical"),
            case(far, rng.normal(0, 1, size=(2, 3)), "unrelated", "typical", shape=far.shape),
        ]

    def assess(self, cases, observations, wants):
        """Judge each case by the property its role tests, not by equality with the reference."""
        typical = None
        results = []
        for case, obs, want in zip(cases, observations, wants):
            if obs.error is not None:
                results.append(assess_case(self, case, obs, want))
                continue
            value = number_value(obs.output)
            if value is None:
                results.append((Problem(K.WRONG_TYPE, "one_number",
                                        {"function": self.id, "got": describe(obs.output)}), False))
                continue
            if typical is None and case.info["role"] == "typical":
                typical = value
            results.append((self._property_problem(case, value, want, typical, obs), False))
        return results

    def _property_problem(self, case, value, want, typical, obs):
        role = case.info["role"]
        if role in ("equal", "zeros"):
            if not np.isfinite(value):
                return Problem(K.NOT_FINITE, "got_for", {"value": value, "label": case.label},
                               mistake="relative_error_unsafe_at_zero" if role == "zeros" else None)
            if abs(value) > 1e-12:
                return Problem(K.PROPERTY, "should_be_zero", {"value": value, "label": case.label})
        elif role == "one_zero":
            if not np.isfinite(value):
                return Problem(K.NOT_FINITE, "got_for", {"value": value, "label": case.label},
                               mistake="relative_error_one_sided")
            if not value > 0:
                return Problem(K.PROPERTY, "should_be_positive", {"value": value, "label": case.label})
        elif role == "typical":
            if not np.isfinite(value) or value < 0:
                return Problem(K.PROPERTY, "finite_not_negative", {"value": value})
            if not 0.45 * want <= value <= 3.0 * want:
                return Problem(K.PROPERTY, "wrong_size", {"value": value, "want": want})
        elif role == "scaled" and typical is not None:
            # 1e-4: a float32 computation is still scale-free to its precision
            if not (np.isfinite(value) and abs(value - typical) <= 1e-4 * abs(typical) + 1e-15):
                return Problem(K.PROPERTY, "not_scale_free",
                               {"value": value, "typical": typical})
        if obs.modified_inputs:
            return inputs_modified(obs)
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
