"""The seeded mini-batch trainer the notebooks use."""
import numpy as np
import pytest

from checker.data import load_digits, one_hot, train_test_split
from checker.reference import (accuracy, backprop, forward, init_network, minibatches, network_loss,
                               numerical_gradient, relative_error, sgd_step, train)
from checker.reference.training import softmax, softmax_backprop, softmax_forward, softmax_loss


def test_init_network_shapes_and_seeding():
    weights, biases = init_network([64, 32, 10], seed=3)
    assert [W.shape for W in weights] == [(64, 32), (32, 10)]
    assert [b.shape for b in biases] == [(32,), (10,)] and not any(b.any() for b in biases)
    assert np.array_equal(init_network([64, 32, 10], seed=3)[0][1], weights[1])


def test_minibatches_cover_every_example_once():
    batches = list(minibatches(23, 5, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate(batches)) == list(range(23))


def digits_split():
    X, y = load_digits()
    return train_test_split(X, y, test_fraction=0.25, seed=0)


def test_training_on_digits_reaches_95_percent_test_accuracy():
    X_train, X_test, y_train, y_test = digits_split()
    weights, biases = init_network([64, 32, 10], seed=0)
    run = train(weights, biases, X_train, one_hot(y_train), lr=2.0, batch_size=16, epochs=20, seed=0)
    assert accuracy(run.weights, run.biases, X_test, y_test) >= 0.95
    assert np.mean(run.step_losses[-50:]) < 0.5 * np.mean(run.step_losses[:50])


def test_training_is_reproducible_and_leaves_its_inputs_alone():
    X_train, _, y_train, _ = digits_split()
    weights, biases = init_network([64, 16, 10], seed=1)
    before = [a.copy() for a in weights + biases]
    runs = [train(weights, biases, X_train, one_hot(y_train), epochs=2, seed=5) for _ in range(2)]
    assert runs[0].step_losses == runs[1].step_losses
    assert all(np.array_equal(a, b) for a, b in zip(weights + biases, before))


def test_on_step_sees_every_step_with_the_updated_parameters():
    X_train, _, y_train, _ = digits_split()
    weights, biases = init_network([64, 8, 10], seed=2)
    seen = []
    run = train(weights, biases, X_train[:100], one_hot(y_train[:100]), batch_size=30, epochs=2,
                on_step=lambda step, W, b: seen.append((step, W[0].copy())))
    assert [s for s, _ in seen] == list(range(1, 9))
    assert np.array_equal(seen[-1][1], run.weights[0])


# --- output="softmax": a softmax output layer D with the cross-entropy loss ---------------------


def small_softmax_problem(sizes, seed):
    rng = np.random.default_rng(seed)
    weights, biases = init_network(sizes, seed=seed)
    biases = [rng.normal(0, 0.5, size=b.shape) for b in biases]  # nonzero biases
    X = rng.normal(0, 1, size=(7, sizes[0]))
    T = one_hot(rng.integers(0, sizes[-1], size=7), num_classes=sizes[-1])
    return weights, biases, X, T


def test_the_default_trainer_is_the_sigmoid_mse_loop_it_always_was():
    # The loop as it was before the output option existed, written out: the default must match
    # it exactly, weights and step losses alike, and so must output="sigmoid" spelled out.
    X_train, _, y_train, _ = digits_split()
    X, T = X_train[:200], one_hot(y_train[:200])
    weights, biases = init_network([64, 12, 10], seed=4)
    rng, W, b, losses = np.random.default_rng(7), weights, biases, []
    for _ in range(3):
        for batch in minibatches(len(X), 16, rng):
            dWs, dbs = backprop(W, b, X[batch], T[batch])
            losses.append(network_loss(W, b, X[batch], T[batch]))
            W, b = sgd_step(W, b, dWs, dbs, 2.0)
    for run in (train(weights, biases, X, T, epochs=3, seed=7),
                train(weights, biases, X, T, epochs=3, seed=7, output="sigmoid")):
        assert run.step_losses == losses
        assert all(np.array_equal(p, q) for p, q in zip(run.weights + run.biases, W + b))


def test_softmax_outputs_are_a_distribution_and_the_hidden_layers_stay_sigmoid():
    weights, biases, X, _ = small_softmax_problem([5, 4, 3, 6], seed=0)
    o = softmax_forward(weights, biases, X)
    assert [a.shape for a in o] == [(7, 5), (7, 4), (7, 3), (7, 6)]
    assert np.all(o[-1] > 0) and np.allclose(o[-1].sum(axis=1), 1.0)
    sigmoid_o = forward(weights, biases, X)
    assert all(np.array_equal(p, q) for p, q in zip(o[:-1], sigmoid_o[:-1]))
    assert np.array_equal(np.argmax(o[-1], axis=1), np.argmax(sigmoid_o[-1], axis=1))  # predict holds
    assert np.allclose(softmax(np.array([[1000.0, 1000.0, -1000.0]])), [[0.5, 0.5, 0.0]])  # no overflow


def test_softmax_loss_is_the_mean_cross_entropy():
    weights, biases, X, T = small_softmax_problem([5, 4, 6], seed=1)
    o = softmax_forward(weights, biases, X)[-1]
    assert softmax_loss(weights, biases, X, T) == pytest.approx(-np.mean(np.sum(T * np.log(o), axis=1)))
    huge = [W * 1e4 for W in weights]  # outputs round to 0 and 1: still a finite loss
    assert np.isfinite(softmax_loss(huge, biases, X, T))


@pytest.mark.parametrize("sizes", [[5, 6], [5, 4, 6], [4, 5, 3, 6]])
def test_softmax_gradients_match_numerical_gradients_of_the_cross_entropy(sizes):
    weights, biases, X, T = small_softmax_problem(sizes, seed=len(sizes))
    dWs, dbs = softmax_backprop(weights, biases, X, T)
    assert [g.shape for g in dWs] == [W.shape for W in weights]
    assert [g.shape for g in dbs] == [b.shape for b in biases]
    for l in range(len(weights)):
        num_W = numerical_gradient(
            lambda W: softmax_loss(weights[:l] + [W] + weights[l + 1:], biases, X, T), weights[l])
        num_b = numerical_gradient(
            lambda b: softmax_loss(weights, biases[:l] + [b] + biases[l + 1:], X, T), biases[l])
        assert relative_error(dWs[l], num_W) < 1e-8
        assert relative_error(dbs[l], num_b) < 1e-8


def test_the_softmax_output_delta_is_o_minus_t():
    weights, biases, X, T = small_softmax_problem([5, 6], seed=3)  # one layer: dW = X.T @ δ / N
    dWs, dbs = softmax_backprop(weights, biases, X, T)
    delta = softmax_forward(weights, biases, X)[-1] - T
    assert np.allclose(dWs[0], X.T @ delta / len(X)) and np.allclose(dbs[0], delta.mean(axis=0))


def test_training_with_softmax_output_learns_the_digits_and_records_cross_entropy():
    X_train, X_test, y_train, y_test = digits_split()
    weights, biases = init_network([64, 32, 10], seed=0)
    before = [a.copy() for a in weights + biases]
    T_train = one_hot(y_train)
    run = train(weights, biases, X_train, T_train, epochs=5, seed=0, output="softmax")
    assert accuracy(run.weights, run.biases, X_test, y_test) >= 0.85
    first = next(minibatches(len(X_train), 16, np.random.default_rng(0)))  # the first batch of seed 0
    assert run.step_losses[0] == softmax_loss(weights, biases, X_train[first], T_train[first])
    assert np.mean(run.step_losses[-50:]) < 0.5 * np.mean(run.step_losses[:50])
    assert all(np.array_equal(a, b) for a, b in zip(weights + biases, before))


def test_an_unknown_output_is_refused():
    with pytest.raises(ValueError, match="output"):
        train(*init_network([4, 3], seed=0), np.zeros((2, 4)), np.eye(3)[:2], output="tanh")
