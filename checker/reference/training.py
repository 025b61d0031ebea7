"""A small, seeded mini-batch trainer for sigmoid + MSE networks (used by the notebooks)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .network import backprop, forward, network_loss, sgd_step


def init_network(layer_sizes, seed: int = 0):
    """Weights W_l ~ N(0, 1/n_{l-1}) of shape (n_{l-1}, n_l) and zero biases b_l of shape (n_l,).

    layer_sizes = [n_0, n_1, …, n_L], for example [64, 32, 10].
    """
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))
               for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
    biases = [np.zeros(n_out) for n_out in layer_sizes[1:]]
    return weights, biases


def predict(weights, biases, X):
    """Predicted class of each row of X: the index of the largest output, shape (N,)."""
    return np.argmax(forward(weights, biases, X)[-1], axis=1)


def accuracy(weights, biases, X, labels) -> float:
    """Fraction of rows of X whose predicted class equals its label."""
    return float(np.mean(predict(weights, biases, X) == np.asarray(labels)))


def minibatches(N: int, batch_size: int, rng):
    """Index arrays that cover range(N) once in a random order, batch_size at a time."""
    order = rng.permutation(N)
    for start in range(0, N, batch_size):
        yield order[start:start + batch_size]


@dataclass
class TrainingRun:
    """What ``train`` returns: the final parameters and the loss of every mini-batch step."""

    weights: list
    biases: list
    step_losses: list = field(default_factory=list)


def train(weights, biases, X, T, *, lr=2.0, batch_size=16, epochs=20, seed=0,
          on_step=None, progress=False) -> TrainingRun:
    """Mini-batch gradient descent on L, starting from copies of (weights, biases).

    X: (N, n_0), T: (N, n_L). Each epoch visits every example once, in an order drawn from
    ``seed``. After every step, ``on_step(step, weights, biases)`` is called if given
    (step counts from 1). ``progress=True`` shows a tqdm progress bar over the epochs.
    """
    weights = [np.array(W, dtype=np.float64) for W in weights]
    biases = [np.array(b, dtype=np.float64) for b in biases]
    X, T = np.asarray(X, dtype=np.float64), np.asarray(T, dtype=np.float64)
    rng = np.random.default_rng(seed)
    run = TrainingRun(weights, biases)
    epoch_range = range(epochs)
    if progress:
        from tqdm.auto import tqdm
        epoch_range = tqdm(epoch_range, desc="training", unit="epoch")
    step = 0
    for _ in epoch_range:
        for batch in minibatches(len(X), batch_size, rng):
            dWs, dbs = backprop(weights, biases, X[batch], T[batch])
            run.step_losses.append(network_loss(weights, biases, X[batch], T[batch]))
            weights, biases = sgd_step(weights, biases, dWs, dbs, lr)
            step += 1
            if on_step is not None:
                on_step(step, weights, biases)
    run.weights, run.biases = weights, biases
    return run
