"""The seeded mini-batch trainer the notebooks use."""
import numpy as np

from checker.data import load_digits, one_hot, train_test_split
from checker.reference import accuracy, init_network, minibatches, train


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
