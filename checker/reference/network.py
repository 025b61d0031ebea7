"""Backpropagation for a sigmoid network trained with MSE (reference implementation).

Conventions (the same letters as the notebooks; D layers, layer D the output layer):
    rows are examples; o_0 = X of shape (N, n_0)
    z_l = o_{l-1} @ W_l + b_l,   W_l: (n_{l-1}, n_l),   b_l: (n_l,)
    o_l = σ(z_l)                  every layer is sigmoid, the output layer too
    L   = (1/N) Σ_n ½ Σ_k (o_nk − t_nk)²
    δ_D = (o_D − t) ⊙ o_D ⊙ (1 − o_D)                       per example, no 1/N
    δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ o_l ⊙ (1 − o_l)
    ∂L/∂W_l = o_{l-1}.T @ δ_l / N,   ∂L/∂b_l = Σ_n δ_l / N

Every function computes in float64 and returns new arrays; no input is changed.
"""
from __future__ import annotations

import numpy as np


def _f64(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), elementwise, any shape.

    Never evaluates e^(+|z|), so there is no overflow warning and no NaN for large |z|.
    """
    z = _f64(z)
    with np.errstate(under="ignore"):  # e^(−1e4) is 0.0, which is the right answer
        e = np.exp(-np.abs(z))  # in [0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(o):
    """σ′(z) written with the output o = σ(z): σ′ = o ⊙ (1 − o). Same shape as o."""
    o = _f64(o)
    return o * (1.0 - o)


def mse_loss(o, t) -> float:
    """L = (1/N) Σ_n ½ Σ_k (o_nk − t_nk)² for o, t of shape (N, K).

    A 1-D o of shape (K,) is one example (N = 1): the seed's ½ Σ_k (o_k − t_k)².
    """
    o, t = np.atleast_2d(_f64(o)), np.atleast_2d(_f64(t))
    return float(0.5 * np.sum((o - t) ** 2) / o.shape[0])


def output_delta(o, t):
    """δ_D = (o − t) ⊙ o ⊙ (1 − o), shape (N, K). Per example: no 1/N here."""
    o, t = _f64(o), _f64(t)
    return (o - t) * sigmoid_derivative(o)


def hidden_delta(o, delta_next, W_next):
    """δ_l = (δ_{l+1} @ W_{l+1}.T) ⊙ o_l ⊙ (1 − o_l).

    o: (N, n_l) activations of this layer; delta_next: (N, n_{l+1});
    W_next: (n_l, n_{l+1}). Returns (N, n_l).
    """
    o, delta_next, W_next = _f64(o), _f64(delta_next), _f64(W_next)
    return (delta_next @ W_next.T) * sigmoid_derivative(o)


def layer_gradients(o_prev, delta):
    """(∂L/∂W_l, ∂L/∂b_l) = (o_{l-1}.T @ δ_l / N, Σ_n δ_l / N).

    o_prev: (N, n_in), delta: (N, n_out) → dW: (n_in, n_out), db: (n_out,).
    """
    o_prev, delta = _f64(o_prev), _f64(delta)
    N = delta.shape[0]
    return o_prev.T @ delta / N, delta.sum(axis=0) / N


def forward(weights, biases, X):
    """Activations [o_0, o_1, …, o_D] with o_0 = X (as float64) and o_l = σ(o_{l-1} @ W_l + b_l)."""
    activations = [_f64(X).copy()]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ _f64(W) + _f64(b)))
    return activations


def backprop(weights, biases, X, T):
    """Gradients of L for a network of any depth D ≥ 1.

    weights[l-1] = W_l: (n_{l-1}, n_l), biases[l-1] = b_l: (n_l,), X: (N, n_0), T: (N, n_D).
    Returns (dWs, dbs), two lists with the shapes of weights and biases.
    """
    if len(weights) == 0 or len(weights) != len(biases):
        raise ValueError("need one bias per weight matrix and at least one layer")
    o = forward(weights, biases, X)
    return backward(weights, o, output_delta(o[-1], T))


def backward(weights, o, delta):
    """The backward pass from the output layer's δ_D: (N, n_D), given the activations
    o = [o_0, …, o_D] of the forward pass. Returns (dWs, dbs) as backprop does."""
    dWs, dbs = [], []
    for l in range(len(weights), 0, -1):  # l = D, …, 1
        dW, db = layer_gradients(o[l - 1], delta)
        dWs.insert(0, dW)
        dbs.insert(0, db)
        if l > 1:
            delta = hidden_delta(o[l - 1], delta, weights[l - 1])
    return dWs, dbs


def sgd_step(weights, biases, dWs, dbs, lr):
    """One gradient-descent step: W_l − lr·∂L/∂W_l and b_l − lr·∂L/∂b_l, as new lists."""
    new_weights = [_f64(W) - lr * _f64(dW) for W, dW in zip(weights, dWs)]
    new_biases = [_f64(b) - lr * _f64(db) for b, db in zip(biases, dbs)]
    return new_weights, new_biases


def network_loss(weights, biases, X, T) -> float:
    """L of the network's output on (X, T): mse_loss(forward(...)[-1], T)."""
    return mse_loss(forward(weights, biases, X)[-1], T)
