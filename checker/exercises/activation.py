"""Exercises sigmoid, sigmoid_derivative and mse_loss."""
from __future__ import annotations

import numpy as np

from .. import reference as ref
from .base import Case, Exercise, Mutant, shape_text, spread_activations


class Sigmoid(Exercise):
    id = "sigmoid"
    notebook = "backprop/01_sigmoid_and_mse"
    reference = staticmethod(ref.sigmoid)
    points = 1
    signature = "sigmoid(z)"
    summary = "σ(z) = 1 / (1 + e^(−z))"

    def make_cases(self, rng):
        return [
            Case({"z": rng.normal(0, 2, size=5)}, "z of shape (5,)"),
            Case({"z": rng.normal(0, 3, size=(3, 4))}, "z of shape (3, 4)"),
            Case({"z": rng.normal(0, 1, size=(1, 1))}, "z of shape (1, 1)"),
            Case({"z": np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])}, "large |z|, up to 1e4"),
        ]

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
    summary = "σ′ = o ⊙ (1 − o), with o = σ(z)"

    def make_cases(self, rng):
        return [
            Case({"o": spread_activations(rng, 4)}, "o of shape (4,)"),
            Case({"o": spread_activations(rng, (3, 5))}, "o of shape (3, 5)"),
            Case({"o": spread_activations(rng, (1, 1))}, "o of shape (1, 1)"),
            Case({"o": np.array([0.0, 1e-9, 0.5, 1 - 1e-9, 1.0])}, "o at the ends of (0, 1)"),
        ]

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
    summary = "L = (1/N) Σ_n ½ Σ_k (o_nk − t_nk)²"

    def make_cases(self, rng):
        cases = []
        for N, K in [(1, 3), (4, 2), (10, 5), (3, 1)]:
            o = spread_activations(rng, (N, K))
            t = rng.uniform(0.05, 0.95, size=(N, K))  # soft targets
            label = f"N = {N} example{'s' * (N != 1)}, K = {K} output{'s' * (K != 1)}"
            cases.append(Case({"o": o, "t": t}, label, info={"N": N}))
        return cases

    def describe(self, case):
        return f"{case.label} (o and t of shape {shape_text(case.args['o'])})"

    @property
    def mutants(self):
        def n(o):
            return o.shape[0]
        return [
            Mutant("factor_two", lambda o, t: np.sum((o - t) ** 2) / n(o)),
            Mutant("missing_1_over_N", lambda o, t: 0.5 * np.sum((o - t) ** 2)),
            Mutant("extra_1_over_N", lambda o, t: 0.5 * np.sum((o - t) ** 2) / n(o) ** 2),
            Mutant("mse_mean_over_outputs", lambda o, t: 0.5 * np.mean((o - t) ** 2)),
            Mutant("mse_mean_over_outputs", lambda o, t: np.mean((o - t) ** 2), "(And the ½ was dropped.)"),
            Mutant("mse_not_squared", lambda o, t: 0.5 * np.sum(o - t) / n(o)),
            Mutant("mse_not_squared", lambda o, t: 0.5 * np.sum(np.abs(o - t)) / n(o)),
        ]
