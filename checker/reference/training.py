"""A small, seeded mini-batch trainer (used by the notebooks).

By default the network is sigmoid throughout and trained with MSE (``network.py``). With
``output="softmax"`` the hidden layers stay sigmoid, the output layer D is a softmax and the loss
is the cross-entropy; the functions below with ``softmax`` in their name belong to that option.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .network import backprop, backward, forward, network_loss, sgd_step

OUTPUTS = ("sigmoid", "softmax")


def init_network(layer_sizes, seed: int = 0):
    """Weights W_l ~ N(0, 1/n_{l-1}) of shape (n_{l-1}, n_l) and zero biases b_l of shape (n_l,).

    layer_sizes = [n_0, n_1, …, n_D], for example [64, 32, 10].
    """
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))
               for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
    biases = [np.zeros(n_out) for n_out in layer_sizes[1:]]
    return weights, biases


def predict(weights, biases, X):
    """Predicted class of each row of X: the index of the largest output, shape (N,).

    The same for a network trained with ``output="softmax"``: σ and softmax are both increasing
    in z_D, so the largest output is the one with the largest z_D either way.
    """
    return np.argmax(forward(weights, biases, X)[-1], axis=1)


def accuracy(weights, biases, X, labels) -> float:
    """Fraction of rows of X whose predicted class equals its label."""
    return float(np.mean(predict(weights, biases, X) == np.asarray(labels)))


def minibatches(N: int, batch_size: int, rng):
    """Index arrays that cover range(N) once in a random order, batch_size at a time."""
    order = rng.permutation(N)
    for start in range(0, N, batch_size):
        yield order[start:start + batch_size]


def softmax(z):
    """Row-wise softmax, o_nk = e^{z_nk} / Σ_j e^{z_nj}, for z of shape (N, K); shape (N, K).

    Subtracting each row's maximum first changes nothing but keeps e^z from overflowing.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _hidden_and_logits(weights, biases, X):
    """[o_0, …, o_{D-1}] (sigmoid layers, o_0 = X) and z_D = o_{D-1} @ W_D + b_D, shape (N, n_D)."""
    o = forward(weights[:-1], biases[:-1], X)
    z = o[-1] @ np.asarray(weights[-1], dtype=np.float64) + np.asarray(biases[-1], dtype=np.float64)
    return o, z


def softmax_forward(weights, biases, X):
    """Activations [o_0, o_1, …, o_D]: sigmoid layers 1 … D−1, then o_D = softmax(z_D).

    weights[l-1] = W_l: (n_{l-1}, n_l), biases[l-1] = b_l: (n_l,), X: (N, n_0); o_l: (N, n_l).
    Every row of o_D is positive and sums to 1.
    """
    o, z = _hidden_and_logits(weights, biases, X)
    return o + [softmax(z)]


def softmax_loss(weights, biases, X, T) -> float:
    """Cross-entropy L = −(1/N) Σ_n Σ_k t_nk log o_nk with o = softmax(z_D); X: (N, n_0), T: (N, n_D).

    log o is computed as z − max(z) − log Σ e^{z − max(z)} (a stable log-softmax), so an output
    that rounds to 0 gives a large finite loss, not log 0.
    """
    _, z = _hidden_and_logits(weights, biases, X)
    T = np.asarray(T, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    log_o = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(T * log_o) / z.shape[0])


def softmax_backprop(weights, biases, X, T):
    """Gradients of ``softmax_loss`` for a network of any depth D ≥ 1.

    The output error term is δ_D = o_D − T (shape (N, n_D), per example, no 1/N): the softmax
    Jacobian and the cross-entropy's −t/o combine to it when every row of T sums to 1. The hidden
    layers pass δ back as in ``backprop``: δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ o_l ⊙ (1 − o_l).
    weights[l-1] = W_l: (n_{l-1}, n_l), biases[l-1] = b_l: (n_l,), X: (N, n_0), T: (N, n_D).
    Returns (dWs, dbs), two lists with the shapes of weights and biases.
    """
    if len(weights) == 0 or len(weights) != len(biases):
        raise ValueError("need one bias per weight matrix and at least one layer")
    o = softmax_forward(weights, biases, X)
    return backward(weights, o, o[-1] - np.asarray(T, dtype=np.float64))   # δ_D = o_D − t


@dataclass
class TrainingRun:
    """What ``train`` returns: the final parameters and the loss of every mini-batch step."""

    weights: list
    biases: list
    step_losses: list = field(default_factory=list)


def train(weights, biases, X, T, *, lr=2.0, batch_size=16, epochs=20, seed=0,
          on_step=None, progress=False, output="sigmoid") -> TrainingRun:
    """Mini-batch gradient descent on L, starting from copies of (weights, biases).

    weights[l-1] = W_l: (n_{l-1}, n_l), biases[l-1] = b_l: (n_l,), X: (N, n_0), T: (N, n_D).
    Each epoch visits every example once, in an order drawn from ``seed``. After every step,
    ``on_step(step, weights, biases)`` is called if given (step counts from 1).
    ``progress=True`` shows a tqdm progress bar over the epochs.

    ``output`` chooses the output layer D and the loss:
      - ``"sigmoid"`` (the default): o_D = σ(z_D), L = (1/N) Σ_n ½ Σ_k (o_nk − t_nk)²,
        δ_D = (o_D − T) ⊙ o_D ⊙ (1 − o_D) (``backprop``, ``network_loss``);
      - ``"softmax"``: o_D = softmax(z_D), L = −(1/N) Σ_n Σ_k t_nk log o_nk, δ_D = o_D − T
        (``softmax_backprop``, ``softmax_loss``); every row of T must sum to 1 (one-hot).
    The hidden layers are sigmoid either way. ``step_losses`` holds the chosen loss of each
    mini-batch, before its step.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, not {output!r}")
    gradients, loss = (backprop, network_loss) if output == "sigmoid" else (softmax_backprop, softmax_loss)
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
            dWs, dbs = gradients(weights, biases, X[batch], T[batch])
            run.step_losses.append(loss(weights, biases, X[batch], T[batch]))
            weights, biases = sgd_step(weights, biases, dWs, dbs, lr)
            step += 1
            if on_step is not None:
                on_step(step, weights, biases)
    run.weights, run.biases = weights, biases
    return run
