"""Exercises sigmoid, sigmoid_derivative and mse_loss."""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..verdict import Text
from .base import Case, Exercise, Mutant, Property, on_each_case, probe, shape_text, spread_activations


def shape_of(name, a) -> Text:
    return Text("case.shape_of", {"name": name, "shape": np.shape(a)})


def batch(N, K, one_hot=False) -> Text:
    """'N = 3 examples, K = 4 outputs' (one-hot targets)."""
    return Text("case.batch_one_hot" if one_hot else "case.batch", {
        "examples": Text("count.examples", {"n": N}), "outputs": Text("count.outputs", {"n": K})})


class Sigmoid(Exercise):
    id = "sigmoid"
    notebook = "backprop/01_sigmoid_and_mse"
    reference = staticmethod(ref.sigmoid)
    points = 1
    signature = "sigmoid(z)"

    def make_cases(self, rng):
        cases = [Case({"z": z}, shape_of("z", z)) for z in
                 [rng.normal(0, 2, size=5), rng.normal(0, 3, size=(3, 4)), rng.normal(0, 1, size=(1, 1))]]
        return cases + [Case({"z": np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])}, Text("case.large_z"))]

    @property
    def mutants(self):
        return [
            Mutant("sigmoid_sign_flipped", lambda z: 1 / (1 + np.exp(z))),
            Mutant("sigmoid_missing_parentheses", lambda z: 1 / 1 + np.exp(-z)),
            Mutant("sigmoid_overflow", lambda z: np.exp(z) / (1 + np.exp(z))),
        ]


class SigmoidDerivative(Exercise):
    id = "sigmoid_derivative"
    notebook = "backprop/01_sigmoid_and_mse"
    reference = staticmethod(ref.sigmoid_derivative)
    points = 1
    signature = "sigmoid_derivative(o)"

    def make_cases(self, rng):
        cases = [Case({"o": o}, shape_of("o", o)) for o in
                 [spread_activations(rng, 4), spread_activations(rng, (3, 5)), spread_activations(rng, (1, 1))]]
        return cases + [Case({"o": np.array([0.0, 1e-9, 0.5, 1 - 1e-9, 1.0])}, Text("case.o_at_the_ends"))]

    def probe_cases(self):
        return [Case({"o": np.linspace(0.0, 1.0, 11)}, Text("case.o_grid"), info={"probe": "grid"})]

    @property
    def properties(self):
        def depends_on_o(case, out):
            flat = out.reshape(-1)
            if flat.size == case.args["o"].size and flat.size > 1 and np.ptp(flat) == 0:
                return {"value": float(flat[0])}
            return None

        def within_quarter(case, out):
            if out.shape == case.args["o"].shape and not np.all((out >= -1e-12) & (out <= 0.25 + 1e-12)):
                worst = int(np.argmax(np.maximum(out - 0.25, -out)))
                return {"o": float(case.args["o"].flat[worst]), "value": float(out.flat[worst])}
            return None

        def peak_at_half(case, out):
            if out.shape == case.args["o"].shape and case.args["o"].flat[int(np.argmax(out))] != 0.5:
                return {"o": float(case.args["o"].flat[int(np.argmax(out))])}
            return None

        return [Property("depends_on_o", on_each_case(depends_on_o)),
                Property("within_quarter", on_each_case(within_quarter)),
                Property("peak_at_half", on_each_case(peak_at_half, probe("grid")))]

    @property
    def mutants(self):
        s = ref.sigmoid
        return [
            Mutant("sigma_prime_of_output", lambda o: s(o) * (1 - s(o))),
            Mutant("tanh_derivative", lambda o: 1 - o ** 2),
            Mutant("sign_flipped", lambda o: o * (o - 1)),
        ]


class MSELoss(Exercise):
    id = "mse_loss"
    notebook = "backprop/01_sigmoid_and_mse"
    reference = staticmethod(ref.mse_loss)
    points = 1
    signature = "mse_loss(o, t)"

    def make_cases(self, rng):
        cases = []
        for N, K in [(1, 3), (4, 2), (10, 5), (3, 1)]:
            o = spread_activations(rng, (N, K))
            t = rng.uniform(0.05, 0.95, size=(N, K))  # soft targets
            cases.append(Case({"o": o, "t": t}, batch(N, K), info={"N": N}))
        return cases

    def describe(self, case):
        return Text("case.o_and_t_shape", {"case": case.label, "shape": shape_text(case.args["o"])})

    @property
    def mutants(self):
        def n(o):
            return o.shape[0]
        return [
            Mutant("factor_two", lambda o, t: np.sum((o - t) ** 2) / n(o)),
            Mutant("missing_1_over_N", lambda o, t: 0.5 * np.sum((o - t) ** 2)),
            Mutant("extra_1_over_N", lambda o, t: 0.5 * np.sum((o - t) ** 2) / n(o) ** 2),
            Mutant("mse_mean_over_outputs", lambda o, t: 0.5 * np.mean((o - t) ** 2)),
            Mutant("mse_mean_over_outputs", lambda o, t: np.mean((o - t) ** 2), "half_dropped"),
            Mutant("mse_not_squared", lambda o, t: 0.5 * np.sum(o - t) / n(o)),
            Mutant("mse_not_squared", lambda o, t: 0.5 * np.sum(np.abs(o - t)) / n(o)),
            Mutant("divides_by_K", lambda o, t: 0.5 * np.sum((o - t) ** 2) / o.shape[1]),
            Mutant("divides_by_K", lambda o, t: np.sum((o - t) ** 2) / o.shape[1], "half_dropped"),
        ]
