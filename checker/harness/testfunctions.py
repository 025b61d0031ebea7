"""Test functions f(x) -> float with their exact gradients, for the numerical_gradient exercise.

Standalone (numpy only): the grading engine copies this file into its sandbox, where checker
itself cannot be imported. They live outside checker.reference, so that calling them never
counts as "calling the reference".
"""
import numpy as np


def curved(x):
    """f(x) = Σ sin(x)·x² + x_first·x_last"""
    x = np.asarray(x, dtype=float)
    return float(np.sum(np.sin(x) * x ** 2) + x.flat[0] * x.flat[-1])


def curved_gradient(x):
    g = np.cos(x) * x ** 2 + 2 * x * np.sin(x)
    g.flat[0] += x.flat[-1]
    g.flat[-1] += x.flat[0]
    return g


def bumps(x):
    """f(x) = Σ exp(x/2) / (1 + x²)"""
    x = np.asarray(x, dtype=float)
    return float(np.sum(np.exp(0.5 * x) / (1 + x ** 2)))


def bumps_gradient(x):
    return np.exp(0.5 * x) * (0.5 * (1 + x ** 2) - 2 * x) / (1 + x ** 2) ** 2


def cubes(x):
    """f(x) = Σ x³"""
    x = np.asarray(x, dtype=float)
    return float(np.sum(x ** 3))


def cubes_gradient(x):
    return 3 * x ** 2


GRADIENTS = {curved: curved_gradient, bumps: bumps_gradient, cubes: cubes_gradient}

FUNCTIONS = {f.__name__: f for f in GRADIENTS}
