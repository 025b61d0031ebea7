"""The network graders: right answers pass whatever their style, wrong answers get their own diagnosis.

Exercises: sigmoid, sigmoid_derivative, mse_loss, output_delta, hidden_delta, layer_gradients,
backprop. Every "learner" function below is written from scratch with numpy, the way a learner
would write it in a notebook; none calls checker.reference (that alone is flagged uses_reference).
"""
from __future__ import annotations

import functools
import math

import numpy as np
import pytest
import scipy.special

import checker
from checker import MISTAKES
from checker.exercises import REGISTRY

NETWORK_EXERCISES = ["sigmoid", "sigmoid_derivative", "mse_loss", "output_delta", "hidden_delta",
                     "layer_gradients", "backprop"]


@functools.lru_cache(maxsize=None)
def verdict(exercise_id, fn):
    """checker.check once per (exercise, function); several tests read the same verdict."""
    return checker.check(exercise_id, fn, show=False)


# =============================================================================================
# A learner's own helpers (as defined in an earlier notebook cell)
# =============================================================================================

def my_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def my_forward(weights, biases, X):
    """[o_0, o_1, ..., o_L] with o_0 = X."""
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(my_sigmoid(activations[-1] @ W + b))
    return activations


# =============================================================================================
# sigmoid
# =============================================================================================

def sigmoid_textbook(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_via_tanh(z):
    return 0.5 * (1 + np.tanh(z / 2))


def sigmoid_via_logaddexp(z):
    return np.exp(-np.logaddexp(0, -z))


def sigmoid_python_loop_split_on_sign(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for idx in np.ndindex(z.shape):
        x = float(z[idx])
        if x >= 0:
            out[idx] = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            out[idx] = e / (1.0 + e)
    return out


def sigmoid_float32(z):
    z32 = np.asarray(z, dtype=np.float32)
    return 1 / (1 + np.exp(-z32))


def sigmoid_in_place_on_own_copy(z):
    out = np.negative(z)          # a new array: z itself is never touched
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out


def sigmoid_where_evaluating_both_branches(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def sigmoid_scipy_expit(z):
    return scipy.special.expit(z)


def sigmoid_one_minus_mirror(z):
    return 1 - 1 / (1 + np.exp(z))


def sigmoid_long_double(z):
    z = np.asarray(z, dtype=np.longdouble)
    return 1 / (1 + np.exp(-z))


# --- mistakes -----------------------------------------------------------------------------

def sigmoid_learner_exponent_sign(z):
    denominator = 1 + np.exp(z)       # "e to the z"
    return 1 / denominator


def sigmoid_learner_no_parentheses(z):
    s = 1/1 + np.exp(-z)
    return s


def sigmoid_learner_exp_over_one_plus_exp(z):
    ez = np.exp(z)
    return ez / (1 + ez)


# =============================================================================================
# sigmoid_derivative
# =============================================================================================

def sigmoid_derivative_textbook(o):
    return o * (1 - o)


def sigmoid_derivative_expanded(o):
    return o - o ** 2


def sigmoid_derivative_python_loop(o):
    o = np.asarray(o, dtype=float)
    d = np.zeros(o.shape)
    for idx in np.ndindex(o.shape):
        d[idx] = o[idx] * (1.0 - o[idx])
    return d


def sigmoid_derivative_float32(o):
    o32 = o.astype(np.float32)
    return o32 * (1 - o32)


def sigmoid_derivative_in_place_on_own_copy(o):
    d = np.array(o, dtype=float)      # own copy
    d *= -1
    d += 1
    d *= o
    return d


def sigmoid_derivative_einsum(o):
    return np.einsum("...,...->...", o, 1 - o)


def sigmoid_derivative_flatten_and_reshape(o):
    flat = o.reshape(-1)
    return (flat * (1 - flat)).reshape(o.shape)


def sigmoid_derivative_back_through_logit(o):
    z = np.log(o / (1 - o))           # recover z, then σ(z)(1 − σ(z)): roundabout but right
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


# --- mistakes -----------------------------------------------------------------------------

def sigmoid_derivative_learner_sigmoid_again(o):
    sig = 1 / (1 + np.exp(-o))
    return sig * (1 - sig)


def sigmoid_derivative_learner_tanh_formula(o):
    return 1 - o * o


def sigmoid_derivative_learner_minus_sign_loop(o):
    d = np.zeros(o.shape)
    for idx in np.ndindex(o.shape):
        d[idx] = o[idx] ** 2 - o[idx]     # derived d/dz of σ with a sign slip
    return d


# =============================================================================================
# mse_loss
# =============================================================================================

def mse_loss_textbook(o, t):
    return 0.5 * np.sum((o - t) ** 2) / o.shape[0]


def mse_loss_mean_of_per_example_sums(o, t):
    return np.mean(np.sum((o - t) ** 2, axis=1)) / 2


def mse_loss_python_loops(o, t):
    N, K = o.shape
    total = 0.0
    for n in range(N):
        for k in range(K):
            total += 0.5 * (o[n, k] - t[n, k]) ** 2
    return total / N


def mse_loss_einsum(o, t):
    d = o - t
    return 0.5 * np.einsum("nk,nk->", d, d) / len(d)


def mse_loss_float32(o, t):
    d = o.astype(np.float32) - t.astype(np.float32)
    return np.float32(0.5) * np.sum(d * d) / np.float32(d.shape[0])


def mse_loss_frobenius_norm(o, t):
    return np.linalg.norm(o - t) ** 2 / (2 * len(o))


def mse_loss_mean_rescaled_by_K(o, t):
    K = o.shape[1]
    return np.mean((o - t) ** 2) * K / 2          # mean over N·K, times K, halved


def mse_loss_trace_of_gram_matrix(o, t):
    d = o - t
    gram = np.matmul(d, d.T)           # N×N, only its diagonal is needed
    return float(np.trace(gram)) / 2 / o.shape[0]


# --- mistakes -----------------------------------------------------------------------------

def mse_loss_learner_forgot_half(o, t):
    N = len(o)
    return np.sum((o - t) ** 2) / N


def mse_loss_learner_no_average(o, t):
    loss = 0.0
    for n in range(o.shape[0]):
        loss += 0.5 * np.sum((o[n] - t[n]) ** 2)
    return loss


def mse_loss_learner_divides_twice(o, t):
    N = o.shape[0]
    per_example = 0.5 * np.sum((o - t) ** 2, axis=1) / N
    return np.mean(per_example)


def mse_loss_learner_half_mean_of_everything(o, t):
    return 0.5 * np.mean((o - t) ** 2)


def mse_loss_learner_sklearn_style_mean(o, t):
    return np.mean(np.square(o - t))


def mse_loss_learner_forgot_square(o, t):
    N = o.shape[0]
    diff = o - t
    return 0.5 * np.sum(diff) / N


def mse_loss_learner_absolute_difference(o, t):
    return np.sum(np.abs(o - t)) / (2 * len(o))


# =============================================================================================
# output_delta
# =============================================================================================

def output_delta_textbook(o, t):
    return (o - t) * o * (1 - o)


def output_delta_python_loops(o, t):
    N, K = o.shape
    delta = np.zeros((N, K))
    for n in range(N):
        for k in range(K):
            delta[n, k] = (o[n, k] - t[n, k]) * o[n, k] * (1 - o[n, k])
    return delta


def output_delta_in_place_on_own_copy(o, t):
    delta = o.copy()
    delta -= t
    delta *= o
    delta *= 1 - o
    return delta


def output_delta_float32(o, t):
    o32, t32 = o.astype(np.float32), t.astype(np.float32)
    return (o32 - t32) * o32 * (1 - o32)


def output_delta_negated_twice(o, t):
    return -(t - o) * (o - o ** 2)


def output_delta_einsum(o, t):
    return np.einsum("nk,nk,nk->nk", o - t, o, 1 - o)


# --- mistakes -----------------------------------------------------------------------------

def output_delta_learner_target_minus_output(o, t):
    error = t - o
    return error * o * (1 - o)


def output_delta_learner_error_only(o, t):
    error = o - t
    return error


def output_delta_learner_flipped_error_only(o, t):
    error = t - o
    return error


def output_delta_learner_sigmoid_of_output(o, t):
    s = 1 / (1 + np.exp(-o))
    return (o - t) * s * (1 - s)


def output_delta_learner_tanh_derivative(o, t):
    dsigma = 1 - o ** 2
    return (o - t) * dsigma


def output_delta_learner_derivative_of_target(o, t):
    return (o - t) * t * (1 - t)


def output_delta_learner_derivative_of_square(o, t):
    dL_do = 2 * (o - t)               # d/do of (o − t)², the ½ forgotten
    return dL_do * o * (1 - o)


def output_delta_learner_averages_delta(o, t):
    N = o.shape[0]
    return (o - t) * o * (1 - o) / N


# =============================================================================================
# hidden_delta
# =============================================================================================

def hidden_delta_textbook(o, delta_next, W_next):
    return (delta_next @ W_next.T) * o * (1 - o)


def hidden_delta_einsum(o, delta_next, W_next):
    return np.einsum("nj,ij->ni", delta_next, W_next) * o * (1 - o)


def hidden_delta_python_loops(o, delta_next, W_next):
    N, n = o.shape
    n_next = delta_next.shape[1]
    delta = np.zeros((N, n))
    for a in range(N):
        for j in range(n):
            s = 0.0
            for k in range(n_next):
                s += delta_next[a, k] * W_next[j, k]
            delta[a, j] = o[a, j] * (1 - o[a, j]) * s
    return delta


def hidden_delta_transpose_of_product(o, delta_next, W_next):
    return np.dot(W_next, delta_next.T).T * (o - o * o)


def hidden_delta_float32(o, delta_next, W_next):
    o32 = o.astype(np.float32)
    back = delta_next.astype(np.float32) @ W_next.astype(np.float32).T
    return back * o32 * (1 - o32)


def hidden_delta_broadcast_sum_in_place(o, delta_next, W_next):
    back = (delta_next[:, np.newaxis, :] * W_next[np.newaxis, :, :]).sum(axis=-1)
    back *= o
    back *= 1 - o
    return back


# --- mistakes -----------------------------------------------------------------------------

def hidden_delta_learner_forgot_own_derivative(o, delta_next, W_next):
    back = delta_next @ W_next.T
    return back


def hidden_delta_learner_no_transpose(o, delta_next, W_next):
    back = delta_next @ W_next
    return back * o * (1 - o)


def hidden_delta_learner_no_transpose_np_dot(o, delta_next, W_next):
    return np.dot(delta_next, W_next) * o * (1 - o)


def hidden_delta_learner_sigmoid_of_output(o, delta_next, W_next):
    s = 1 / (1 + np.exp(-o))
    return (delta_next @ W_next.T) * s * (1 - s)


def hidden_delta_learner_tanh_derivative(o, delta_next, W_next):
    return (delta_next @ W_next.T) * (1 - o ** 2)


def hidden_delta_learner_derivative_sign_slip(o, delta_next, W_next):
    derivative = o * (o - 1)
    return (delta_next @ W_next.T) * derivative


def hidden_delta_learner_averages_delta(o, delta_next, W_next):
    N = len(o)
    return (delta_next @ W_next.T) * o * (1 - o) / N


# =============================================================================================
# layer_gradients
# =============================================================================================

def layer_gradients_textbook(o_prev, delta):
    N = o_prev.shape[0]
    return o_prev.T @ delta / N, delta.sum(axis=0) / N


def layer_gradients_einsum(o_prev, delta):
    N = len(delta)
    return np.einsum("ni,nj->ij", o_prev, delta) / N, np.einsum("nj->j", delta) / N


def layer_gradients_loop_over_examples(o_prev, delta):
    N = o_prev.shape[0]
    dW = np.zeros((o_prev.shape[1], delta.shape[1]))
    db = np.zeros(delta.shape[1])
    for n in range(N):
        dW += np.outer(o_prev[n], delta[n])
        db += delta[n]
    return dW / N, db / N


def layer_gradients_float32(o_prev, delta):
    a, d = o_prev.astype(np.float32), delta.astype(np.float32)
    N = np.float32(len(d))
    return a.T @ d / N, d.sum(axis=0) / N


def layer_gradients_broadcast_mean(o_prev, delta):
    dW = (o_prev[:, :, None] * delta[:, None, :]).mean(axis=0)
    db = np.ones(len(delta)) @ delta / len(delta)
    return dW, db


def layer_gradients_matmul_returning_a_list(o_prev, delta):
    N = delta.shape[0]
    return [np.matmul(o_prev.T, delta) / N, np.mean(delta, axis=0)]


# --- mistakes -----------------------------------------------------------------------------

def layer_gradients_learner_delta_first(o_prev, delta):
    N = o_prev.shape[0]
    dW = delta.T @ o_prev / N
    db = delta.mean(axis=0)
    return dW, db


def layer_gradients_learner_sums_both(o_prev, delta):
    dW = np.zeros((o_prev.shape[1], delta.shape[1]))
    for n in range(o_prev.shape[0]):
        dW += np.outer(o_prev[n], delta[n])
    db = np.sum(delta, axis=0)
    return dW, db


def layer_gradients_learner_sums_weights_only(o_prev, delta):
    dW = o_prev.T @ delta
    db = delta.mean(axis=0)
    return dW, db


def layer_gradients_learner_averages_delta_then_averages_again(o_prev, delta):
    N = o_prev.shape[0]
    delta = delta / N                 # "the gradients are means", applied to δ too
    return o_prev.T @ delta / N, delta.mean(axis=0)


def layer_gradients_learner_divides_weights_twice(o_prev, delta):
    N = len(delta)
    dW = o_prev.T @ (delta / N) / N
    db = delta.sum(axis=0) / N
    return dW, db


def layer_gradients_learner_bias_mean_over_units(o_prev, delta):
    N = o_prev.shape[0]
    return o_prev.T @ delta / N, np.mean(delta, axis=1)


def layer_gradients_learner_bias_sum_over_units(o_prev, delta):
    N = o_prev.shape[0]
    return o_prev.T @ delta / N, delta.sum(axis=1) / N


def layer_gradients_learner_bias_not_reduced(o_prev, delta):
    N = o_prev.shape[0]
    db = delta / N
    return o_prev.T @ delta / N, db


def layer_gradients_learner_bias_mean_of_everything(o_prev, delta):
    N = o_prev.shape[0]
    return o_prev.T @ delta / N, np.mean(delta)


def layer_gradients_learner_bias_sum(o_prev, delta):
    N = o_prev.shape[0]
    dW = o_prev.T @ delta / N
    db = np.sum(delta, axis=0)
    return dW, db


# =============================================================================================
# backprop: right answers
# =============================================================================================

def backprop_textbook_loop(weights, biases, X, T):
    activations = [X]
    for W, b in zip(weights, biases):
        activations.append(my_sigmoid(activations[-1] @ W + b))
    N = X.shape[0]
    out = activations[-1]
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, activations[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        if l > 0:
            delta = (delta @ weights[l].T) * activations[l] * (1 - activations[l])
    return dWs, dbs


def backprop_recursive(weights, biases, X, T):
    N = X.shape[0]

    def layer(l, a_in):
        """Gradients of layers l, l+1, ... and the error passed back to layer l's input."""
        a = my_sigmoid(a_in @ weights[l] + biases[l])
        if l == len(weights) - 1:
            delta = (a - T) * a * (1 - a)
            dWs, dbs = [], []
        else:
            dWs, dbs, back = layer(l + 1, a)
            delta = back * a * (1 - a)
        return [a_in.T @ delta / N] + dWs, [delta.sum(axis=0) / N] + dbs, delta @ weights[l].T

    dWs, dbs, _ = layer(0, X)
    return dWs, dbs


def backprop_preallocated_deltas_sigma_prime_from_z(weights, biases, X, T):
    L = len(weights)
    zs, os_ = [None] * (L + 1), [None] * (L + 1)
    os_[0] = X
    for l in range(1, L + 1):
        zs[l] = np.dot(os_[l - 1], weights[l - 1]) + biases[l - 1]
        os_[l] = 0.5 * (1 + np.tanh(zs[l] / 2))

    def sigma_prime(z):
        s = 0.5 * (1 + np.tanh(z / 2))
        return s * (1 - s)

    deltas = [None] * (L + 1)
    deltas[L] = (os_[L] - T) * sigma_prime(zs[L])
    for l in range(L - 1, 0, -1):
        deltas[l] = np.dot(deltas[l + 1], weights[l].T) * sigma_prime(zs[l])
    N = len(X)
    dWs, dbs = [None] * L, [None] * L
    for l in range(1, L + 1):
        dWs[l - 1] = np.dot(os_[l - 1].T, deltas[l]) / N
        dbs[l - 1] = np.sum(deltas[l], axis=0) / N
    return dWs, dbs


def backprop_einsum(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(np.exp(-np.logaddexp(0, -(np.einsum("ni,ij->nj", acts[-1], W) + b))))
    N = len(X)
    delta = np.einsum("nk,nk->nk", acts[-1] - T, acts[-1] * (1 - acts[-1]))
    grads = []
    for l in reversed(range(len(weights))):
        grads.append((np.einsum("ni,nj->ij", acts[l], delta) / N, np.einsum("nj->j", delta) / N))
        delta = np.einsum("nj,ij->ni", delta, weights[l]) * acts[l] * (1 - acts[l])
    grads.reverse()
    return [dW for dW, _ in grads], [db for _, db in grads]


def backprop_one_example_at_a_time(weights, biases, X, T):
    L, N = len(weights), X.shape[0]
    dWs = [np.zeros(np.shape(W)) for W in weights]
    dbs = [np.zeros(np.shape(b)) for b in biases]
    for n in range(N):
        a = [X[n]]
        for W, b in zip(weights, biases):
            a.append(my_sigmoid(a[-1] @ W + b))
        delta = (a[-1] - T[n]) * a[-1] * (1 - a[-1])
        for l in range(L - 1, -1, -1):
            dWs[l] += np.outer(a[l], delta)
            dbs[l] += delta
            delta = (weights[l] @ delta) * a[l] * (1 - a[l])
    return [dW / N for dW in dWs], [db / N for db in dbs]


def backprop_float32(weights, biases, X, T):
    f32 = np.float32
    Ws = [np.asarray(W, dtype=f32) for W in weights]
    bs = [np.asarray(b, dtype=f32) for b in biases]
    acts = [np.asarray(X, dtype=f32)]
    for W, b in zip(Ws, bs):
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W + b))))
    N = f32(len(X))
    delta = (acts[-1] - T.astype(f32)) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(Ws) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.sum(axis=0) / N)
        delta = (delta @ Ws[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_matmul_in_place_on_own_copies(weights, biases, X, T):
    acts = [X.copy()]
    for W, b in zip(weights, biases):
        z = np.matmul(acts[-1], W)    # a new array, ours to overwrite
        z += b
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
        acts.append(z)
    delta = acts[-1].copy()
    delta -= T
    delta *= acts[-1]
    delta *= 1 - acts[-1]
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dW = np.matmul(acts[l].T, delta)
        dW /= len(X)
        dWs.append(dW)
        dbs.append(delta.sum(axis=0) / len(X))
        if l:
            delta = np.matmul(delta, np.transpose(weights[l]))
            delta *= acts[l]
            delta *= 1 - acts[l]
    dWs.reverse()
    dbs.reverse()
    return dWs, dbs


def backprop_from_my_building_blocks(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    delta = output_delta_textbook(acts[-1], T)
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        dWs[l], dbs[l] = layer_gradients_textbook(acts[l], delta)
        if l > 0:
            delta = hidden_delta_textbook(acts[l], delta, weights[l])
    return dWs, dbs


def backprop_then_trains_its_own_copies(weights, biases, X, T):
    lr = 0.5
    acts = my_forward(weights, biases, X)
    N = len(X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    new_weights = [W.copy() for W in weights]     # update only after every gradient is known
    for W, dW in zip(new_weights, dWs):
        W -= lr * dW
    return dWs, dbs


# =============================================================================================
# backprop: mistakes, each a whole function as a learner would write it
# =============================================================================================

def backprop_learner_target_minus_output(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (T - out) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_output_error_without_derivative(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    N = len(X)
    delta = acts[-1] - T                       # "δ of the output is the error"
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_sigmoid_of_activations_everywhere(weights, biases, X, T):
    acts = my_forward(weights, biases, X)

    def dsig(a):
        return my_sigmoid(a) * (1 - my_sigmoid(a))

    N = len(X)
    delta = (acts[-1] - T) * dsig(acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * dsig(acts[l])
    return dWs, dbs


def backprop_learner_sigmoid_of_activation_at_output(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * my_sigmoid(out) * (1 - my_sigmoid(out))
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_derivative_of_z(weights, biases, X, T):
    a, zs = [X], [None]
    for W, b in zip(weights, biases):
        zs.append(a[-1] @ W + b)
        a.append(my_sigmoid(zs[-1]))
    L, N = len(weights), len(X)
    delta = (a[L] - T) * zs[L] * (1 - zs[L])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        dWs[l - 1] = a[l - 1].T @ delta / N
        dbs[l - 1] = delta.sum(axis=0) / N
        if l > 1:
            delta = (delta @ weights[l - 1].T) * zs[l - 1] * (1 - zs[l - 1])
    return dWs, dbs


def backprop_learner_tanh_derivative(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    N = len(X)
    delta = (acts[-1] - T) * (1 - acts[-1] ** 2)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * (1 - acts[l] ** 2)
    return dWs, dbs


def backprop_learner_derivative_of_target(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    N = len(X)
    delta = (acts[-1] - T) * T * (1 - T)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_forgot_half(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    dL_dout = 2 * (out - T)
    delta = dL_dout * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_sums_over_batch(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out = acts[-1]
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta)
        dbs.insert(0, delta.sum(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_divides_gradients_twice(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N / N)
        dbs.insert(0, delta.mean(axis=0) / N)
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_averages_output_delta(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out) / N        # "the loss has a 1/N, so δ_L does too"
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_output_error_into_first_hidden(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N, L = acts[-1], len(X), len(weights)
    error = out - T
    delta = error * out * (1 - out)
    dWs, dbs = [None] * L, [None] * L
    for l in range(L - 1, -1, -1):
        dWs[l] = acts[l].T @ delta / N
        dbs[l] = delta.mean(axis=0)
        if l > 0:
            # just below the output, the 2-layer notes pass back the error (o − t)
            incoming = error if l == L - 1 else delta
            delta = (incoming @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_propagates_errors_not_deltas(weights, biases, X, T):
    """The same confusion, held consistently: pass back the pre-σ′ error e_l at every layer,
    e_{l-1} = e_l @ W_l.T, and only multiply by σ′ to get each layer's δ."""
    acts = my_forward(weights, biases, X)
    N = len(X)
    error = acts[-1] - T
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        a = acts[l + 1]
        delta = error * a * (1 - a)
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        error = error @ weights[l].T
    return dWs, dbs


def backprop_learner_derivative_of_z_in_hidden_layers(weights, biases, X, T):
    """δ_L from the output_delta exercise (right), but σ′(z_l) read as z_l(1 − z_l) below it."""
    a, zs = [X], [None]
    for W, b in zip(weights, biases):
        zs.append(a[-1] @ W + b)
        a.append(my_sigmoid(zs[-1]))
    L, N = len(weights), len(X)
    delta = (a[L] - T) * a[L] * (1 - a[L])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        dWs[l - 1] = a[l - 1].T @ delta / N
        dbs[l - 1] = delta.mean(axis=0)
        if l > 1:
            delta = (delta @ weights[l - 1].T) * zs[l - 1] * (1 - zs[l - 1])
    return dWs, dbs


def backprop_learner_sigmoid_of_activations_in_hidden_layers(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    L, N = len(weights), len(X)
    delta = (acts[L] - T) * acts[L] * (1 - acts[L])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        dWs[l - 1] = acts[l - 1].T @ delta / N
        dbs[l - 1] = delta.mean(axis=0)
        if l > 1:
            s = my_sigmoid(acts[l - 1])
            delta = (delta @ weights[l - 1].T) * s * (1 - s)
    return dWs, dbs


def backprop_learner_tanh_derivative_in_hidden_layers(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    L, N = len(weights), len(X)
    delta = (acts[L] - T) * acts[L] * (1 - acts[L])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        dWs[l - 1] = acts[l - 1].T @ delta / N
        dbs[l - 1] = delta.mean(axis=0)
        if l > 1:
            delta = (delta @ weights[l - 1].T) * (1 - acts[l - 1] ** 2)
    return dWs, dbs


def backprop_learner_hidden_forgets_derivative(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = delta @ weights[l].T
    return dWs, dbs


def backprop_learner_next_derivative_applied_twice(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    N = len(X)
    derivs = [a * (1 - a) for a in acts]
    delta = (acts[-1] - T) * derivs[-1]
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = ((delta * derivs[l + 1]) @ weights[l].T) * derivs[l]
    return dWs, dbs


def backprop_learner_next_derivative_instead_of_own(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    N = len(X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        if l > 0:
            upper = acts[l + 1]               # off by one: the layer above
            delta = (delta @ weights[l].T) * upper * (1 - upper)
    return dWs, dbs


def backprop_learner_no_transpose(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        if l > 0:
            delta = (delta @ weights[l]) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_delta_times_activations(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, delta.T @ acts[l] / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_bias_mean_over_units(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, np.mean(delta, axis=1))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_bias_not_reduced(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta / N)
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_bias_sum(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, np.sum(delta, axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_updates_a_copy_as_it_goes(weights, biases, X, T):
    lr = 0.5
    Ws = [W.copy() for W in weights]
    acts = my_forward(Ws, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in range(len(Ws) - 1, -1, -1):
        dW = acts[l].T @ delta / N
        dWs.insert(0, dW)
        dbs.insert(0, delta.mean(axis=0))
        Ws[l] -= lr * dW                          # "train while we are at it"
        delta = (delta @ Ws[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_updates_inputs_in_place(weights, biases, X, T):
    learning_rate = 0.5
    acts = my_forward(weights, biases, X)
    out, N = acts[-1], len(X)
    delta = (out - T) * out * (1 - out)
    dWs, dbs = [], []
    for l in reversed(range(len(weights))):
        dW = acts[l].T @ delta / N
        db = delta.mean(axis=0)
        dWs.insert(0, dW)
        dbs.insert(0, db)
        weights[l] -= learning_rate * dW          # updates the caller's arrays, then uses them
        biases[l] -= learning_rate * db
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def backprop_learner_rebinds_updated_weights(weights, biases, X, T):
    lr = 0.1
    acts = my_forward(weights, biases, X)
    N = len(X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        dWs[l] = acts[l].T @ delta / N
        dbs[l] = delta.sum(axis=0) / N
        W_new = weights[l] - lr * dWs[l]
        if l > 0:
            delta = (delta @ W_new.T) * acts[l] * (1 - acts[l])
    return dWs, dbs


# =============================================================================================
# The tables
# =============================================================================================

def _p(exercise, fn, *rest, id=None):
    return pytest.param(exercise, fn, *rest, id=f"{exercise}-{id or fn.__name__}")


CORRECT = [
    _p("sigmoid", sigmoid_textbook, id="textbook"),
    _p("sigmoid", sigmoid_via_tanh, id="half_one_plus_tanh_half_z"),
    _p("sigmoid", sigmoid_via_logaddexp, id="exp_minus_logaddexp"),
    _p("sigmoid", sigmoid_python_loop_split_on_sign, id="python_loop_split_on_sign"),
    _p("sigmoid", sigmoid_float32, id="float32"),
    _p("sigmoid", sigmoid_in_place_on_own_copy, id="in_place_on_own_copy"),
    _p("sigmoid", sigmoid_where_evaluating_both_branches, id="where_both_branches_ugly"),
    _p("sigmoid", sigmoid_scipy_expit, id="scipy_expit"),
    _p("sigmoid", sigmoid_one_minus_mirror, id="one_minus_sigma_of_minus_z"),
    _p("sigmoid", sigmoid_long_double, id="long_double"),

    _p("sigmoid_derivative", sigmoid_derivative_textbook, id="textbook"),
    _p("sigmoid_derivative", sigmoid_derivative_expanded, id="o_minus_o_squared"),
    _p("sigmoid_derivative", sigmoid_derivative_python_loop, id="python_loop"),
    _p("sigmoid_derivative", sigmoid_derivative_float32, id="float32"),
    _p("sigmoid_derivative", sigmoid_derivative_in_place_on_own_copy, id="in_place_on_own_copy"),
    _p("sigmoid_derivative", sigmoid_derivative_einsum, id="einsum"),
    _p("sigmoid_derivative", sigmoid_derivative_flatten_and_reshape, id="reshape_trick"),
    _p("sigmoid_derivative", sigmoid_derivative_back_through_logit, id="back_through_logit"),

    _p("mse_loss", mse_loss_textbook, id="textbook"),
    _p("mse_loss", mse_loss_mean_of_per_example_sums, id="mean_of_per_example_sums"),
    _p("mse_loss", mse_loss_python_loops, id="python_loops"),
    _p("mse_loss", mse_loss_einsum, id="einsum"),
    _p("mse_loss", mse_loss_float32, id="float32"),
    _p("mse_loss", mse_loss_frobenius_norm, id="frobenius_norm"),
    _p("mse_loss", mse_loss_mean_rescaled_by_K, id="full_mean_times_K_halved"),
    _p("mse_loss", mse_loss_trace_of_gram_matrix, id="trace_of_gram_matrix_ugly"),

    _p("output_delta", output_delta_textbook, id="textbook"),
    _p("output_delta", output_delta_python_loops, id="python_loops"),
    _p("output_delta", output_delta_in_place_on_own_copy, id="in_place_on_own_copy"),
    _p("output_delta", output_delta_float32, id="float32"),
    _p("output_delta", output_delta_negated_twice, id="minus_t_minus_o"),
    _p("output_delta", output_delta_einsum, id="einsum"),

    _p("hidden_delta", hidden_delta_textbook, id="textbook"),
    _p("hidden_delta", hidden_delta_einsum, id="einsum"),
    _p("hidden_delta", hidden_delta_python_loops, id="python_loops"),
    _p("hidden_delta", hidden_delta_transpose_of_product, id="np_dot_transpose_of_product"),
    _p("hidden_delta", hidden_delta_float32, id="float32"),
    _p("hidden_delta", hidden_delta_broadcast_sum_in_place, id="broadcast_sum_in_place"),

    _p("layer_gradients", layer_gradients_textbook, id="textbook"),
    _p("layer_gradients", layer_gradients_einsum, id="einsum"),
    _p("layer_gradients", layer_gradients_loop_over_examples, id="outer_products_loop"),
    _p("layer_gradients", layer_gradients_float32, id="float32"),
    _p("layer_gradients", layer_gradients_broadcast_mean, id="broadcast_mean_ones_matmul"),
    _p("layer_gradients", layer_gradients_matmul_returning_a_list, id="np_matmul_returns_list"),

    _p("backprop", backprop_textbook_loop, id="textbook_loop_insert"),
    _p("backprop", backprop_recursive, id="recursive"),
    _p("backprop", backprop_preallocated_deltas_sigma_prime_from_z, id="preallocated_deltas_tanh_sigma_prime_of_z"),
    _p("backprop", backprop_einsum, id="einsum_logaddexp"),
    _p("backprop", backprop_one_example_at_a_time, id="one_example_at_a_time"),
    _p("backprop", backprop_float32, id="float32"),
    _p("backprop", backprop_matmul_in_place_on_own_copies, id="np_matmul_in_place_append_reverse"),
    _p("backprop", backprop_from_my_building_blocks, id="from_my_building_blocks"),
    _p("backprop", backprop_then_trains_its_own_copies, id="updates_own_copies_after_all_gradients"),
]

FLOAT32 = [
    _p("sigmoid", sigmoid_float32),
    _p("sigmoid_derivative", sigmoid_derivative_float32),
    _p("mse_loss", mse_loss_float32),
    _p("output_delta", output_delta_float32),
    _p("hidden_delta", hidden_delta_float32),
    _p("layer_gradients", layer_gradients_float32),
    _p("backprop", backprop_float32),
]

# --- families named since the diagnosis round: each as a learner wrote it ----------------------

def output_delta_learner_target_in_derivative(o, t):
    return (o - t) * o * (1 - t)


def output_delta_learner_divides_by_outputs(o, t):
    K = o.shape[1]
    return (o - t) * o * (1 - o) / K


def hidden_delta_learner_sigmoid_prime_of_error(o, delta_next, W_next):
    e = delta_next @ W_next.T
    return e * e * (1 - e)


def hidden_delta_learner_sigma_prime_first(o, delta_next, W_next):
    return np.dot(delta_next * o * (1 - o), W_next.T)


def hidden_delta_learner_no_weights(o, delta_next, W_next):
    return np.sum(delta_next, axis=1, keepdims=True) * o * (1 - o)


def layer_gradients_learner_divides_by_outputs(o_prev, delta):
    K = delta.shape[1]
    return o_prev.T @ delta / K, delta.sum(axis=0) / K


def layer_gradients_learner_n_from_columns(o_prev, delta):
    N = o_prev.shape[1]
    return np.dot(o_prev.T, delta) / N, np.sum(delta, axis=0) / N


def layer_gradients_learner_zero_bias(o_prev, delta):
    return o_prev.T @ delta / len(o_prev), np.zeros(delta.shape[1])


def backprop_learner_never_reversed(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.append(acts[l].T @ delta / len(X))
        dbs.append(delta.mean(axis=0))
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


def _learner_backprop(weights, biases, X, T, acts=None, N=None, hidden=None, bias_grad=None):
    acts = acts or my_forward(weights, biases, X)
    N = N or len(X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights), 0, -1):
        dWs[l - 1] = acts[l - 1].T @ delta / N
        dbs[l - 1] = bias_grad(delta) if bias_grad else delta.sum(axis=0) / N
        if l > 1:
            back = delta @ weights[l - 1].T
            delta = hidden(back, acts[l - 1], l) if hidden else back * acts[l - 1] * (1 - acts[l - 1])
    return dWs, dbs


def backprop_learner_sigmoid_prime_of_error(weights, biases, X, T):
    return _learner_backprop(weights, biases, X, T, hidden=lambda e, o, l: e * e * (1 - e))


def backprop_learner_divides_by_outputs(weights, biases, X, T):
    return _learner_backprop(weights, biases, X, T, N=T.shape[1])


def backprop_learner_n_from_features(weights, biases, X, T):
    return _learner_backprop(weights, biases, X, T, N=X.shape[1])


def backprop_learner_forward_without_bias(weights, biases, X, T):
    acts = [X]
    for W in weights:
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W))))
    return _learner_backprop(weights, biases, X, T, acts=acts)


def backprop_learner_hidden_without_weights(weights, biases, X, T):
    acts = my_forward(weights, biases, X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights), 0, -1):
        dWs.insert(0, acts[l - 1].T @ delta / len(X))
        dbs.insert(0, delta.mean(axis=0))
        delta = delta.sum(axis=1, keepdims=True) * acts[l - 1] * (1 - acts[l - 1])
    return dWs, dbs


def backprop_learner_sigma_prime_only_last_hidden(weights, biases, X, T):
    L = len(weights)
    return _learner_backprop(weights, biases, X, T,
                             hidden=lambda back, o, l: back * o * (1 - o) if l == L else back)


def backprop_learner_zero_bias_gradients(weights, biases, X, T):
    return _learner_backprop(weights, biases, X, T, bias_grad=lambda delta: np.zeros(delta.shape[1]))


def mse_loss_learner_mean_over_outputs_count(o, t):
    n_outputs = len(o[0])
    return 0.5 * np.sum((o - t) ** 2) / n_outputs

def layer_gradients_learner_keepdims(o_prev, delta):
    return o_prev.T @ delta / len(o_prev), delta.mean(axis=0, keepdims=True)


def backprop_learner_keepdims(weights, biases, X, T):
    return _learner_backprop(weights, biases, X, T, bias_grad=lambda delta: np.mean(delta, 0, keepdims=True))


WRONG = [
    _p("layer_gradients", layer_gradients_learner_keepdims, "bias_keepdims"),
    _p("backprop", backprop_learner_keepdims, "bias_keepdims"),
    _p("mse_loss", mse_loss_learner_mean_over_outputs_count, "divides_by_K"),
    _p("output_delta", output_delta_learner_target_in_derivative, "sigma_prime_mixes_target"),
    _p("output_delta", output_delta_learner_divides_by_outputs, "divides_by_K"),
    _p("hidden_delta", hidden_delta_learner_sigmoid_prime_of_error, "sigma_prime_of_error"),
    _p("hidden_delta", hidden_delta_learner_sigma_prime_first, "sigma_prime_before_sum"),
    _p("hidden_delta", hidden_delta_learner_no_weights, "hidden_omits_weights"),
    _p("layer_gradients", layer_gradients_learner_divides_by_outputs, "divides_by_K"),
    _p("layer_gradients", layer_gradients_learner_n_from_columns, "batch_axis_confused"),
    _p("layer_gradients", layer_gradients_learner_zero_bias, "bias_gradient_zero"),
    _p("backprop", backprop_learner_never_reversed, "layers_reversed"),
    _p("backprop", backprop_learner_sigmoid_prime_of_error, "sigma_prime_of_error"),
    _p("backprop", backprop_learner_divides_by_outputs, "divides_by_K"),
    _p("backprop", backprop_learner_n_from_features, "batch_axis_confused"),
    _p("backprop", backprop_learner_forward_without_bias, "forward_without_bias"),
    _p("backprop", backprop_learner_hidden_without_weights, "hidden_omits_weights"),
    _p("backprop", backprop_learner_sigma_prime_only_last_hidden, "deep_layer_missing_sigma_prime"),
    _p("backprop", backprop_learner_zero_bias_gradients, "bias_gradient_zero"),
    _p("sigmoid", sigmoid_learner_exponent_sign, "sigmoid_sign_flipped"),
    _p("sigmoid", sigmoid_learner_no_parentheses, "sigmoid_missing_parentheses"),
    _p("sigmoid", sigmoid_learner_exp_over_one_plus_exp, "sigmoid_overflow"),

    _p("sigmoid_derivative", sigmoid_derivative_learner_sigmoid_again, "sigma_prime_of_output"),
    _p("sigmoid_derivative", sigmoid_derivative_learner_tanh_formula, "tanh_derivative"),
    _p("sigmoid_derivative", sigmoid_derivative_learner_minus_sign_loop, "sign_flipped"),

    _p("mse_loss", mse_loss_learner_forgot_half, "factor_two"),
    _p("mse_loss", mse_loss_learner_no_average, "missing_1_over_N"),
    _p("mse_loss", mse_loss_learner_divides_twice, "extra_1_over_N"),
    _p("mse_loss", mse_loss_learner_half_mean_of_everything, "mse_mean_over_outputs"),
    _p("mse_loss", mse_loss_learner_sklearn_style_mean, "mse_mean_over_outputs"),
    _p("mse_loss", mse_loss_learner_forgot_square, "mse_not_squared"),
    _p("mse_loss", mse_loss_learner_absolute_difference, "mse_not_squared"),

    _p("output_delta", output_delta_learner_target_minus_output, "sign_flipped"),
    _p("output_delta", output_delta_learner_error_only, "missing_sigma_prime"),
    _p("output_delta", output_delta_learner_flipped_error_only, "missing_sigma_prime"),
    _p("output_delta", output_delta_learner_sigmoid_of_output, "sigma_prime_of_output"),
    _p("output_delta", output_delta_learner_tanh_derivative, "tanh_derivative"),
    _p("output_delta", output_delta_learner_derivative_of_target, "sigma_prime_of_target"),
    _p("output_delta", output_delta_learner_derivative_of_square, "factor_two"),
    _p("output_delta", output_delta_learner_averages_delta, "extra_1_over_N"),

    _p("hidden_delta", hidden_delta_learner_forgot_own_derivative, "hidden_missing_sigma_prime"),
    _p("hidden_delta", hidden_delta_learner_no_transpose, "missing_transpose"),
    _p("hidden_delta", hidden_delta_learner_no_transpose_np_dot, "missing_transpose"),
    _p("hidden_delta", hidden_delta_learner_sigmoid_of_output, "sigma_prime_of_output"),
    _p("hidden_delta", hidden_delta_learner_tanh_derivative, "tanh_derivative"),
    _p("hidden_delta", hidden_delta_learner_derivative_sign_slip, "sign_flipped"),
    _p("hidden_delta", hidden_delta_learner_averages_delta, "extra_1_over_N"),

    _p("layer_gradients", layer_gradients_learner_delta_first, "dW_transposed"),
    _p("layer_gradients", layer_gradients_learner_sums_both, "missing_1_over_N"),
    _p("layer_gradients", layer_gradients_learner_sums_weights_only, "missing_1_over_N"),
    _p("layer_gradients", layer_gradients_learner_averages_delta_then_averages_again, "extra_1_over_N"),
    _p("layer_gradients", layer_gradients_learner_divides_weights_twice, "extra_1_over_N"),
    _p("layer_gradients", layer_gradients_learner_bias_mean_over_units, "bias_wrong_axis"),
    _p("layer_gradients", layer_gradients_learner_bias_sum_over_units, "bias_wrong_axis"),
    _p("layer_gradients", layer_gradients_learner_bias_not_reduced, "bias_wrong_axis"),
    _p("layer_gradients", layer_gradients_learner_bias_mean_of_everything, "bias_wrong_axis"),
    _p("layer_gradients", layer_gradients_learner_bias_sum, "bias_sum_not_mean"),

    _p("backprop", backprop_learner_target_minus_output, "sign_flipped"),
    _p("backprop", backprop_learner_output_error_without_derivative, "missing_sigma_prime"),
    _p("backprop", backprop_learner_sigmoid_of_activations_everywhere, "sigma_prime_of_output"),
    _p("backprop", backprop_learner_sigmoid_of_activation_at_output, "sigma_prime_of_output"),
    _p("backprop", backprop_learner_derivative_of_z, "sigma_prime_of_z"),
    _p("backprop", backprop_learner_tanh_derivative, "tanh_derivative"),
    _p("backprop", backprop_learner_derivative_of_target, "sigma_prime_of_target"),
    _p("backprop", backprop_learner_forgot_half, "factor_two"),
    _p("backprop", backprop_learner_sums_over_batch, "missing_1_over_N"),
    _p("backprop", backprop_learner_divides_gradients_twice, "extra_1_over_N"),
    _p("backprop", backprop_learner_averages_output_delta, "extra_1_over_N"),
    _p("backprop", backprop_learner_output_error_into_first_hidden, "hidden_uses_output_error"),
    _p("backprop", backprop_learner_hidden_forgets_derivative, "hidden_missing_sigma_prime"),
    _p("backprop", backprop_learner_next_derivative_applied_twice, "hidden_next_layer_sigma_prime"),
    _p("backprop", backprop_learner_next_derivative_instead_of_own, "hidden_next_layer_sigma_prime"),
    _p("backprop", backprop_learner_no_transpose, "missing_transpose"),
    _p("backprop", backprop_learner_delta_times_activations, "dW_transposed"),
    _p("backprop", backprop_learner_bias_mean_over_units, "bias_wrong_axis"),
    _p("backprop", backprop_learner_bias_not_reduced, "bias_wrong_axis"),
    _p("backprop", backprop_learner_bias_sum, "bias_sum_not_mean"),
    _p("backprop", backprop_learner_updates_a_copy_as_it_goes, "uses_updated_weights"),
    _p("backprop", backprop_learner_updates_inputs_in_place, "uses_updated_weights"),
    _p("backprop", backprop_learner_rebinds_updated_weights, "uses_updated_weights"),
]

# Mistakes the judge finds without a listed Mutant (fitted from the learner's answer).
FITTED_MISTAKES = {"backprop": {"uses_updated_weights"}}


# =============================================================================================
# Tests
# =============================================================================================

@pytest.mark.parametrize("exercise, fn", CORRECT)
def test_right_answer_passes_with_full_score(exercise, fn):
    r = verdict(exercise, fn)
    assert (r.passed, r.score, r.mistake) == (True, r.max_score, None), r.message


@pytest.mark.parametrize("exercise, fn", FLOAT32)
def test_float32_answer_passes_with_a_float32_note(exercise, fn):
    r = verdict(exercise, fn)
    assert r.passed, r.message
    assert any("float32" in note for note in r.notes), r.message
    assert "Note:" in r.message and "float32" in r.message


@pytest.mark.parametrize("exercise, fn, mistake", WRONG)
def test_wrong_answer_fails_with_its_mistake_id(exercise, fn, mistake):
    r = verdict(exercise, fn)
    assert not r.passed and r.score == 0.0, r.message
    assert r.mistake == mistake, r.message


@pytest.mark.parametrize("exercise, fn, mistake", WRONG)
def test_wrong_answer_message_explains_its_mistake(exercise, fn, mistake):
    r = verdict(exercise, fn)
    assert MISTAKES[mistake].explanation in r.message, r.message


@pytest.mark.parametrize("exercise", NETWORK_EXERCISES)
def test_every_mistake_the_judge_knows_has_a_learner_written_example(exercise):
    known = {m.mistake for m in REGISTRY[exercise].mutants} | FITTED_MISTAKES.get(exercise, set())
    covered = {p.values[2] for p in WRONG if p.values[0] == exercise}
    assert known <= covered, f"no learner-written example for {sorted(known - covered)}"


@pytest.mark.parametrize("exercise", NETWORK_EXERCISES)
def test_every_exercise_has_at_least_three_right_styles(exercise):
    assert sum(p.values[0] == exercise for p in CORRECT) >= 3


# --- the missing-transpose learners really are shape errors and wrong numbers ---------------

def test_hidden_missing_transpose_learner_raises_on_a_non_square_W():
    rng = np.random.default_rng(1)
    o, delta_next, W_next = rng.uniform(0.1, 0.9, (5, 3)), rng.normal(size=(5, 2)), rng.normal(size=(3, 2))
    with pytest.raises(ValueError):
        hidden_delta_learner_no_transpose(o, delta_next, W_next)


def test_hidden_missing_transpose_learner_runs_but_is_wrong_on_a_square_W():
    rng = np.random.default_rng(2)
    o, delta_next, W_next = rng.uniform(0.1, 0.9, (3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(4, 4))
    got = hidden_delta_learner_no_transpose(o, delta_next, W_next)
    assert got.shape == (3, 4)
    assert not np.allclose(got, hidden_delta_textbook(o, delta_next, W_next))


def test_backprop_missing_transpose_learner_raises_on_non_square_weights():
    rng = np.random.default_rng(3)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    biases = [rng.normal(size=4), rng.normal(size=2)]
    X, T = rng.normal(size=(5, 3)), rng.uniform(0.1, 0.9, (5, 2))
    with pytest.raises(ValueError):
        backprop_learner_no_transpose(weights, biases, X, T)


# --- details of particular diagnoses -------------------------------------------------------

def test_updated_weights_diagnosis_reports_the_learning_rate_used():
    r = verdict("backprop", backprop_learner_updates_a_copy_as_it_goes)
    assert "learning rate ≈ 0.5 " in r.message, r.message


def test_flipped_error_without_derivative_says_the_sign_is_flipped_too():
    r = verdict("output_delta", output_delta_learner_flipped_error_only)
    assert "sign is flipped" in r.message, r.message


def test_propagating_errors_instead_of_deltas_is_diagnosed_as_using_the_output_error():
    r = verdict("backprop", backprop_learner_propagates_errors_not_deltas)
    assert not r.passed and r.mistake == "hidden_uses_output_error", r.message


def test_propagating_errors_instead_of_deltas_fails():
    r = verdict("backprop", backprop_learner_propagates_errors_not_deltas)
    assert not r.passed and r.score == 0.0, r.message


@pytest.mark.parametrize("exercise, fn, mistake", [
    _p("backprop", backprop_learner_derivative_of_z_in_hidden_layers, "sigma_prime_of_z"),
    _p("backprop", backprop_learner_sigmoid_of_activations_in_hidden_layers, "sigma_prime_of_output"),
    _p("backprop", backprop_learner_tanh_derivative_in_hidden_layers, "tanh_derivative"),
])
def test_wrong_derivative_in_hidden_layers_only_is_diagnosed(exercise, fn, mistake):
    r = verdict(exercise, fn)
    assert not r.passed and r.mistake == mistake, r.message


@pytest.mark.parametrize("exercise, fn", [
    _p("backprop", backprop_learner_derivative_of_z_in_hidden_layers),
    _p("backprop", backprop_learner_sigmoid_of_activations_in_hidden_layers),
    _p("backprop", backprop_learner_tanh_derivative_in_hidden_layers),
])
def test_wrong_derivative_in_hidden_layers_only_fails(exercise, fn):
    r = verdict(exercise, fn)
    assert not r.passed and r.score == 0.0, r.message


# --- right answers whose parameters are named differently from the signature ----------------

def sigmoid_with_parameter_x(x):
    return 1 / (1 + np.exp(-x))


def mse_loss_with_output_and_target(output, target):
    return 0.5 * np.sum((output - target) ** 2) / len(output)


@pytest.mark.parametrize("exercise, fn", [
    _p("sigmoid", sigmoid_with_parameter_x, id="def_sigmoid_x"),
    _p("sigmoid", lambda x: 1 / (1 + np.exp(-x)), id="lambda_x"),
    _p("mse_loss", mse_loss_with_output_and_target, id="output_target"),
])
def test_right_answer_with_other_parameter_names_passes(exercise, fn):
    r = verdict(exercise, fn)
    assert (r.passed, r.score, r.mistake) == (True, r.max_score, None), r.message
