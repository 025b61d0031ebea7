"""The backprop reference agrees with finite differences and with the course's formulas."""
import numpy as np
import pytest

from checker.reference import (backprop, forward, hidden_delta, init_network, layer_gradients,
                               mse_loss, network_loss, numerical_gradient, output_delta,
                               relative_error, sgd_step, sigmoid, sigmoid_derivative)

ARCHITECTURES = [
    [3, 2],             # one layer, non-square
    [2, 2, 2],          # the notebook's tiny network
    [4, 5, 3],          # non-square hidden layer
    [2, 3, 4, 2],       # three layers
    [5, 7, 3, 6, 2],    # four layers, every W non-square
]
BATCH_SIZES = [1, 4, 17]


def random_problem(sizes, N, seed):
    rng = np.random.default_rng(seed)
    weights, biases = init_network(sizes, seed=seed)
    biases = [rng.normal(0, 0.5, b.shape) for b in biases]
    X = rng.normal(size=(N, sizes[0]))
    T = rng.uniform(0.05, 0.95, size=(N, sizes[-1]))  # soft targets
    return weights, biases, X, T


def test_sigmoid_matches_the_textbook_formula():
    z = np.linspace(-30, 30, 601)
    assert np.allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15, atol=0)


def test_sigmoid_is_finite_and_silent_for_huge_inputs():
    z = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
    with np.errstate(all="raise"):
        s = sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5


def test_sigmoid_is_symmetric():
    z = np.random.default_rng(0).normal(0, 5, 100)
    assert np.allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


def test_sigmoid_derivative_takes_the_output_not_z():
    z = np.linspace(-6, 6, 25)
    numeric = (sigmoid(z + 1e-6) - sigmoid(z - 1e-6)) / 2e-6
    assert np.allclose(sigmoid_derivative(sigmoid(z)), numeric, atol=1e-9)


def test_mse_loss_for_one_example_is_the_seeds_half_sum_of_squares():
    o, t = np.array([0.2, 0.7, 0.9]), np.array([0.0, 1.0, 1.0])
    assert mse_loss(o, t) == pytest.approx(0.5 * (0.04 + 0.09 + 0.01), rel=1e-15)
    assert mse_loss(o[None, :], t[None, :]) == pytest.approx(mse_loss(o, t), rel=1e-15)


def test_mse_loss_is_the_batch_mean_of_per_example_losses():
    rng = np.random.default_rng(1)
    o, t = rng.uniform(size=(6, 3)), rng.uniform(size=(6, 3))
    per_example = [0.5 * np.sum((o[n] - t[n]) ** 2) for n in range(6)]
    assert mse_loss(o, t) == pytest.approx(np.mean(per_example), rel=1e-14)


def test_dL_do_is_o_minus_t_over_N():
    rng = np.random.default_rng(2)
    o, t = rng.uniform(size=(5, 3)), rng.uniform(size=(5, 3))
    numeric = numerical_gradient(lambda oo: mse_loss(oo, t), o)
    assert np.allclose(numeric, (o - t) / 5, atol=1e-10)


def test_output_delta_is_N_times_dL_dz_of_the_output_layer():
    rng = np.random.default_rng(3)
    z, t = rng.normal(size=(4, 3)), rng.uniform(size=(4, 3))
    numeric = numerical_gradient(lambda zz: mse_loss(sigmoid(zz), t), z)
    assert np.allclose(output_delta(sigmoid(z), t), 4 * numeric, atol=1e-9)


def test_hidden_delta_is_N_times_dL_dz_of_a_hidden_layer():
    weights, biases, X, T = random_problem([3, 4, 2], N=5, seed=4)
    z1 = X @ weights[0] + biases[0]

    def loss_of_z1(z):
        return mse_loss(sigmoid(sigmoid(z) @ weights[1] + biases[1]), T)

    o1 = sigmoid(z1)
    delta2 = output_delta(sigmoid(o1 @ weights[1] + biases[1]), T)
    assert np.allclose(hidden_delta(o1, delta2, weights[1]),
                       5 * numerical_gradient(loss_of_z1, z1), atol=1e-9)


def test_layer_gradients_shapes_and_formula():
    rng = np.random.default_rng(5)
    o_prev, delta = rng.uniform(size=(7, 3)), rng.normal(size=(7, 4))
    dW, db = layer_gradients(o_prev, delta)
    assert dW.shape == (3, 4) and db.shape == (4,)
    loops = np.array([[sum(o_prev[n, j] * delta[n, k] for n in range(7)) / 7 for k in range(4)]
                      for j in range(3)])
    assert np.allclose(dW, loops, rtol=1e-14)
    assert np.allclose(db, delta.mean(axis=0), rtol=1e-14)


def test_forward_returns_every_activation_starting_with_X():
    weights, biases, X, _ = random_problem([4, 5, 3], N=6, seed=6)
    o = forward(weights, biases, X)
    assert len(o) == 3 and np.array_equal(o[0], X)
    assert np.allclose(o[2], sigmoid(sigmoid(X @ weights[0] + biases[0]) @ weights[1] + biases[1]))


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("N", BATCH_SIZES)
def test_backprop_matches_numerical_gradients(sizes, N):
    weights, biases, X, T = random_problem(sizes, N, seed=N + len(sizes))
    dWs, dbs = backprop(weights, biases, X, T)
    for l in range(len(weights)):
        numeric_W = numerical_gradient(
            lambda W: network_loss(weights[:l] + [W] + weights[l + 1:], biases, X, T), weights[l])
        numeric_b = numerical_gradient(
            lambda b: network_loss(weights, biases[:l] + [b] + biases[l + 1:], X, T), biases[l])
        assert dWs[l].shape == weights[l].shape and dbs[l].shape == biases[l].shape
        assert relative_error(dWs[l], numeric_W) < 1e-7, f"W_{l + 1}"
        assert relative_error(dbs[l], numeric_b) < 1e-7, f"b_{l + 1}"


def test_backprop_rejects_mismatched_parameter_lists():
    weights, biases, X, T = random_problem([2, 3, 2], N=2, seed=0)
    with pytest.raises(ValueError):
        backprop(weights, biases[:1], X, T)
    with pytest.raises(ValueError):
        backprop([], [], X, T)


def test_sgd_step_moves_against_the_gradient_and_lowers_the_loss():
    weights, biases, X, T = random_problem([4, 5, 3], N=8, seed=7)
    dWs, dbs = backprop(weights, biases, X, T)
    new_weights, new_biases = sgd_step(weights, biases, dWs, dbs, lr=0.1)
    assert np.allclose(new_weights[0], weights[0] - 0.1 * dWs[0])
    assert np.allclose(new_biases[1], biases[1] - 0.1 * dbs[1])
    assert network_loss(new_weights, new_biases, X, T) < network_loss(weights, biases, X, T)


def test_no_reference_function_changes_its_inputs():
    weights, biases, X, T = random_problem([4, 5, 3], N=6, seed=8)
    everything = [X, T, *weights, *biases]
    before = [a.copy() for a in everything]
    o = forward(weights, biases, X)
    o_before = [a.copy() for a in o]
    sigmoid(X), sigmoid_derivative(o[1]), mse_loss(o[2], T)
    d2 = output_delta(o[2], T)
    d2_before = d2.copy()
    hidden_delta(o[1], d2, weights[1])
    layer_gradients(o[1], d2)
    dWs, dbs = backprop(weights, biases, X, T)
    sgd_step(weights, biases, dWs, dbs, lr=1.0)
    for a, b in zip(everything + o + [d2], before + o_before + [d2_before]):
        assert np.array_equal(a, b)


def test_integer_and_float32_inputs_are_computed_in_float64():
    o32 = np.array([[0.25, 0.5]], dtype=np.float32)
    assert sigmoid(np.array([0, 1, 2])).dtype == np.float64
    assert output_delta(o32, np.array([[0, 1]])).dtype == np.float64
    assert layer_gradients(np.array([[1, 2]]), o32)[0].dtype == np.float64
