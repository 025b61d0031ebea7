"""Numerical gradients, relative error, and the directional check."""
import numpy as np
import pytest

from checker.harness.testfunctions import curved, curved_gradient
from checker.reference import (backprop, directional_check, full_check, init_network,
                               network_loss, numerical_gradient, relative_error)


def test_numerical_gradient_matches_the_analytic_gradient_of_a_curved_function():
    x = np.random.default_rng(0).normal(size=(3, 4))
    assert np.allclose(numerical_gradient(curved, x), curved_gradient(x), rtol=1e-8, atol=1e-9)


def test_numerical_gradient_leaves_x_exactly_as_it_was():
    x = np.random.default_rng(1).normal(size=(2, 5))
    before = x.copy()
    numerical_gradient(curved, x, eps=1e-3)
    assert np.array_equal(x, before)


def test_numerical_gradient_uses_central_differences():
    # for f = x³ at x = 1, a forward difference is off by about 3ε; a central one by ε²
    g = numerical_gradient(lambda x: float(x[0] ** 3), np.array([1.0]), eps=1e-3)
    assert abs(g[0] - 3.0) < 2e-6


def test_relative_error_is_zero_for_two_zero_arrays():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_relative_error_is_scale_free_and_bounded():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=10), rng.normal(size=10)
    e = relative_error(a, b)
    assert 0 <= e <= 1
    assert relative_error(1e-9 * a, 1e-9 * b) == pytest.approx(e, rel=1e-12)
    assert relative_error(a, np.zeros(10)) == 1.0
    assert relative_error(a, a) == 0.0


LAYER_SIZES = [6, 8, 5, 3]
NAMES = ["W_1", "W_2", "W_3", "b_1", "b_2", "b_3"]


def network(seed):
    rng = np.random.default_rng(seed)
    weights, biases = init_network(LAYER_SIZES, seed=seed)
    X, T = rng.normal(size=(10, 6)), rng.uniform(size=(10, 3))

    def f(params):
        return network_loss(params[:3], params[3:], X, T)

    dWs, dbs = backprop(weights, biases, X, T)
    return f, weights + biases, dWs + dbs


CORRUPTIONS = {
    "scaled by 1.001": lambda g, rng: g * 1.001,
    "1% noise": lambda g, rng: g + 0.01 * np.abs(g).mean() * rng.normal(size=g.shape),
    "sign flipped": lambda g, rng: -g,
    "one entry zeroed": lambda g, rng: np.where(np.arange(g.size).reshape(g.shape) == 0, 0.0, g),
}


@pytest.mark.parametrize("seed", range(5))
def test_directional_check_passes_correct_gradients(seed):
    f, params, grads = network(seed)
    report = directional_check(f, params, grads, seed=seed, names=NAMES)
    assert report.passed, str(report)


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_directional_check_names_the_one_corrupted_tensor_in_every_trial(corruption):
    for trial in range(5):
        rng = np.random.default_rng(trial)
        f, params, grads = network(seed=trial)
        for i in range(len(grads)):
            bad = list(grads)
            bad[i] = CORRUPTIONS[corruption](grads[i], rng)
            report = directional_check(f, params, bad, seed=100 + trial, names=NAMES)
            assert report.failed == [i], f"trial {trial}, {NAMES[i]} {corruption}:\n{report}"


def test_directional_check_costs_two_passes_per_direction_per_tensor():
    f, params, grads = network(0)
    assert directional_check(f, params, grads, directions=3).forward_passes == 2 * 3 * 6


def test_directional_check_reports_a_gradient_of_the_wrong_shape():
    f, params, grads = network(0)
    bad = list(grads)
    bad[1] = grads[1].T
    assert directional_check(f, params, bad).failed == [1]


def test_full_check_agrees_with_the_directional_check():
    f, params, grads = network(0)
    bad = list(grads)
    bad[4] = bad[4] * 1.01
    full = full_check(f, params, bad, names=NAMES)
    assert full.failed == [4] and directional_check(f, params, bad).failed == [4]
    assert full.forward_passes == 2 * sum(p.size for p in params)
    assert "FAIL b_2" in str(full)
