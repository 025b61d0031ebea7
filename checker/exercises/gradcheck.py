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
from .base import Case, Exercise, Mutant, Property, on_each_case


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

        def never_restored(f, x, eps=1e-5, minus_first=False):
            x = np.array(x, dtype=float)
            g = np.zeros_like(x)
            sign = -1 if minus_first else 1
            for i in np.ndindex(x.shape):
                x[i] += sign * eps
                f_first = f(x)
                x[i] -= sign * 2 * eps
                g[i] = sign * (f_first - f(x)) / (2 * eps)
            return g

        def never_restored_minus_first(f, x, eps=1e-5):
            return never_restored(f, x, eps, minus_first=True)

        def ignores_eps(f, x, eps=1e-5):
            return ref.numerical_gradient(f, x, 1e-5)

        def forward_with_own_step(h):
            return lambda f, x, eps=1e-5: forward(f, x, h)

        def whole_rows(f, x, eps=1e-5):
            """for i in range(len(x)): x[i] is a whole row of a 2-D x, moved at once."""
            x = np.array(x, dtype=float)
            g = np.zeros_like(x)
            for i in range(len(x)):
                old = np.copy(x[i])
                x[i] = old + eps
                f_plus = f(x)
                x[i] = old - eps
                g[i] = (f_plus - f(x)) / (2 * eps)
                x[i] = old
            return g

        return [
            Mutant("forward_difference", forward),
            Mutant("forward_difference", backward),
            Mutant("central_difference_missing_2", lambda f, x, eps=1e-5: 2 * ref.numerical_gradient(f, x, eps)),
            Mutant("difference_reversed", lambda f, x, eps=1e-5: -ref.numerical_gradient(f, x, eps)),
            Mutant("input_modified", never_restored, "x_left_perturbed", in_place=True),
            Mutant("perturbation_not_undone", never_restored),
            Mutant("input_modified", never_restored_minus_first, "x_left_perturbed", in_place=True),
            Mutant("perturbation_not_undone", never_restored_minus_first),
            Mutant("perturbs_all_elements", all_at_once),
            Mutant("eps_ignored", ignores_eps),
            Mutant("perturbs_whole_rows", whole_rows),
            *[Mutant("forward_difference", forward_with_own_step(h), "and_eps_ignored")
              for h in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)],
        ]

    def probe_cases(self):
        x = np.array([1.0, -0.5, 2.0])
        return [Case({"f": cubes, "x": x, "eps": eps}, Text("case.error_order", {"f": FORMULAS[cubes], "eps": eps}),
                     info={"probe": "order"}) for eps in (1e-2, 2e-2)]

    @property
    def properties(self):
        def error_order(cases, outputs):
            found = [(i, c, o) for i, (c, o) in enumerate(zip(cases, outputs)) if c.info.get("probe") == "order"]
            if len(found) != 2 or any(o is None or np.shape(o) != c.args["x"].shape for _, c, o in found):
                return None
            (_, small, g_small), (i, big, g_big) = sorted(found, key=lambda item: item[1].args["eps"])
            exact = GRADIENTS[cubes](small.args["x"])
            e_small, e_big = np.abs(g_small - exact).max(), np.abs(g_big - exact).max()
            if e_small == 0 or e_big / e_small >= 3:   # eps² error: doubling eps makes it 4 times larger
                return None
            return i, {"ratio": float(e_big / e_small), "small": float(e_small), "big": float(e_big)}
        return [Property("error_order", error_order)]


def _scale_free(value: float, typical: float) -> bool:
    """value (a scaled case) equals typical (the same a, b unscaled); 1e-4: float32 is scale-free to its precision."""
    return bool(np.isfinite(value)) and abs(value - typical) <= 1e-4 * abs(typical) + 1e-15


def _symmetric(ab: float, ba: float) -> bool:
    return abs(ab - ba) <= 1e-9 * max(abs(ab), abs(ba), 1e-300)


def _one_or_two(value: float) -> bool:
    return bool(np.isfinite(value)) and min(abs(value - 1), abs(value - 2) / 2) <= 1e-6


def _zero_guarded(fn):
    """fn with the guard learners add: 0.0 where fn would divide 0 by 0, or where a = b = 0."""
    def guarded(a, b):
        if not np.any(a) and not np.any(b):
            return 0.0
        with np.errstate(all="ignore"):
            value = fn(a, b)
        return 0.0 if not np.isfinite(value) else value
    return guarded


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
            case(a, -a, "opposite", "opposite"),
        ]

    def probe_cases(self):
        a, b = np.array([3.0, -1.0, 2.0]), np.array([1.0, 1.0, 2.5])
        return [Case({"a": a, "b": b}, Text("case.symmetric_probe", {"order": "a, b"}),
                     info={"role": "typical", "probe": "symmetric"}),
                Case({"a": b, "b": a}, Text("case.symmetric_probe", {"order": "b, a"}),
                     info={"role": "typical", "probe": "symmetric"})]

    @property
    def properties(self):
        def value(out):
            return float(np.asarray(out).reshape(-1)[0]) if out is not None and np.size(out) == 1 else None

        def role(name):
            return lambda case: case.info.get("role") == name

        def zero(case, out):
            v = value(out)
            return None if v is None or v == 0 else {"value": v}

        def one(case, out):
            v = value(out)
            return None if v is None or _one_or_two(v) else {"value": v}

        def scale_invariant(cases, outputs):
            typical = next((value(o) for c, o in zip(cases, outputs) if c.info.get("role") == "typical"
                            and c.info.get("probe") is None and value(o) is not None), None)
            for i, (c, o) in enumerate(zip(cases, outputs)):
                v = value(o)
                if c.info.get("role") == "scaled" and typical is not None and v is not None and \
                        not _scale_free(v, typical):
                    return i, {"value": v, "typical": typical, "scale": c.label.fields.get("scale", "")}
            return None

        def symmetric(cases, outputs):
            pair = [(i, value(o)) for i, (c, o) in enumerate(zip(cases, outputs)) if c.info.get("probe") == "symmetric"]
            if len(pair) != 2 or None in (pair[0][1], pair[1][1]):
                return None
            (_, ab), (i, ba) = pair
            return None if _symmetric(ab, ba) else (i, {"ab": ab, "ba": ba})

        return [Property("zero_at_zeros", on_each_case(zero, role("zeros"))),
                Property("symmetric", symmetric),
                Property("one_at_opposite", on_each_case(one, role("opposite"))),
                Property("scale_invariant", scale_invariant)]

    def assess(self, cases, observations, wants):
        """Judge each case by the property its role tests, not by equality with the reference."""
        typical, pair = None, []
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
            problem = self._property_problem(case, value, want, typical, obs)
            if problem is None and case.info.get("probe") == "symmetric":
                pair.append(value)
                if len(pair) == 2 and not _symmetric(*pair):
                    problem = Problem(K.PROPERTY, "not_symmetric", {"ab": pair[0], "ba": pair[1]})
            results.append((problem, False))
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
        elif role == "opposite":   # 1 for ‖a‖ + ‖b‖ in the denominator, 2 for max(‖a‖, ‖b‖) or their mean
            if not _one_or_two(value):
                return Problem(K.PROPERTY, "opposite_is_one", {"value": value})
        elif role == "typical":
            if not np.isfinite(value) or value < 0:
                return Problem(K.PROPERTY, "finite_not_negative", {"value": value})
            if not 0.45 * want <= value <= 3.0 * want:
                return Problem(K.PROPERTY, "wrong_size", {"value": value, "want": want})
        elif role == "scaled" and typical is not None:
            if not _scale_free(value, typical):
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
            *[Mutant(mistake, variant) for mistake, fn in [
                ("difference_of_norms", lambda a, b: abs(norm(a) - norm(b)) / (norm(a) + norm(b))),
                ("difference_of_norms", lambda a, b: (norm(a) - norm(b)) / (norm(a) + norm(b))),
                ("elementwise_relative_error",
                 lambda a, b: np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))),
                ("elementwise_relative_error",
                 lambda a, b: np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b))))),
                ("denominator_epsilon", lambda a, b: norm(a - b) / (norm(a) + norm(b) + 1e-8)),
                ("denominator_epsilon", lambda a, b: norm(a - b) / (norm(a) + norm(b) + 1e-7)),
                ("norm_of_sum_denominator", lambda a, b: norm(a - b) / norm(a + b)),
                ("relative_error_not_a_norm", lambda a, b: np.sum(a - b) / (np.sum(np.abs(a)) + np.sum(np.abs(b)))),
                ("relative_error_not_a_norm",
                 lambda a, b: abs(np.sum(a - b)) / (np.sum(np.abs(a)) + np.sum(np.abs(b)))),
            ] for variant in (fn, _zero_guarded(fn))],
        ]
