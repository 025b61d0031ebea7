"""The diagnosis corpus: learner functions, written the way learners write them, and what the
checker must say about each.

Every entry of CORPUS is (exercise id, function, expected, family):
- expected ("mistake", id): the function is wrong, and checker.check names that mistake;
- expected ("property", id): wrong, matches no known mistake, and r.property names the first
  property of a right answer that it violates;
- expected ("any", [...]): wrong, and any one of the listed outcomes is an acceptable diagnosis;
- expected ("passes", None): a right answer, in some learner's style; it must pass.

The functions are plain numpy (or math / scipy.special), written from scratch; none calls
checker.reference (that alone is flagged uses_reference). They differ in style on purpose:
loops over rows, np.dot against @, len(o) against .shape[0], in-place += on own copies,
temporaries, list comprehensions, einsum and tensordot, Python floats.

The ids are the mistake ids ([mistake.*]) and property ids ([property.EXERCISE.*]) of the
message catalogue; benchmarks/diagnosis_share.py imports CORPUS to measure how much of it gets a
named diagnosis. Further below: messages that once sent learners to the wrong fix, and wording
bugs, one behaviour per test.
"""
from __future__ import annotations

import functools
import math
import re

import numpy as np
import pytest
import scipy.special

import checker
from checker import MISTAKES

CORPUS: list[tuple] = []


def entry(exercise: str, expected: tuple, family: str):
    """Register the decorated learner function in CORPUS (the function itself is unchanged)."""
    def register(fn):
        CORPUS.append((exercise, fn, expected, family))
        return fn
    return register


def mistake(exercise, mistake_id, family=None):
    return entry(exercise, ("mistake", mistake_id), family or mistake_id)


def prop(exercise, property_id, family=None):
    return entry(exercise, ("property", property_id), family or property_id)


def passes(exercise, family="correct"):
    return entry(exercise, ("passes", None), family)


SIGNED_DIFFERENCE = ("any", [("mistake", "difference_of_norms"), ("mistake", "relative_error_not_a_norm"),
                             ("property", "symmetric")])


# =============================================================================================
# A learner's own helpers (an earlier notebook cell); not entries themselves
# =============================================================================================

def my_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def central_difference(f, x, step):
    """A learner's helper: central differences with the step it is given, on copies of x."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        up = x.copy()
        down = x.copy()
        up[idx] += step
        down[idx] -= step
        grad[idx] = (f(up) - f(down)) / (2 * step)
    return grad


def plain_ema(thetas, beta):
    """A learner's helper from the ema exercise (right): v_1 … v_T as an array."""
    v = np.zeros(np.shape(thetas)[1:])
    out = []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


def time_column(T, like):
    """t = 1 … T as a column that broadcasts against an array shaped like thetas."""
    return np.arange(1, T + 1).reshape((-1,) + (1,) * (np.ndim(like) - 1))


# =============================================================================================
# Misleading in the old checker: backprop with its gradients in backward order (never reversed)
# =============================================================================================

@mistake("backprop", "layers_reversed")
def backprop_appends_from_the_output_down(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W + b))))
    N = X.shape[0]
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights), 0, -1):
        dWs.append(acts[l - 1].T @ delta / N)
        dbs.append(delta.mean(axis=0))
        delta = (delta @ weights[l - 1].T) * acts[l - 1] * (1 - acts[l - 1])
    return dWs, dbs


@mistake("backprop", "layers_reversed")
def backprop_pairs_of_grads_zipped_apart(weights, biases, X, T):
    outputs = [X]
    for i in range(len(weights)):
        outputs.append(my_sigmoid(np.dot(outputs[i], weights[i]) + biases[i]))
    m = len(X)
    grads = []
    d = (outputs[-1] - T) * outputs[-1] * (1 - outputs[-1])
    for i in reversed(range(len(weights))):
        grads.append((np.dot(outputs[i].T, d) / m, np.sum(d, axis=0) / m))
        if i > 0:
            d = np.dot(d, weights[i].T) * outputs[i] * (1 - outputs[i])
    dWs, dbs = map(list, zip(*grads))
    return dWs, dbs


@mistake("backprop", "layers_reversed")
def backprop_deltas_first_then_gradients(weights, biases, X, T):
    a = [X]
    for W, b in zip(weights, biases):
        z = a[-1] @ W + b
        a.append(1.0 / (1.0 + np.exp(-z)))
    deltas = [(a[-1] - T) * a[-1] * (1 - a[-1])]      # δ_L, δ_{L-1}, …, δ_1
    for l in range(len(weights) - 1, 0, -1):
        deltas.append((deltas[-1] @ weights[l].T) * a[l] * (1 - a[l]))
    n = X.shape[0]
    inputs_backwards = a[-2::-1]                       # o_{L-1}, …, o_0
    dWs = [o.T @ d / n for o, d in zip(inputs_backwards, deltas)]
    dbs = [d.sum(axis=0) / n for d in deltas]
    return dWs, dbs


# =============================================================================================
# Misleading in the old checker: backprop leaving one layer None
# =============================================================================================

@mistake("backprop", "layer_left_none")
def backprop_range_stops_before_layer_one(weights, biases, X, T):
    L = len(weights)
    o = [X]
    for W, b in zip(weights, biases):
        o.append(my_sigmoid(o[-1] @ W + b))
    dWs = [None] * L
    dbs = [None] * L
    delta = (o[L] - T) * o[L] * (1 - o[L])
    for l in range(L, 1, -1):                          # l = L … 2: layer 1 never filled
        dWs[l - 1] = o[l - 1].T @ delta / X.shape[0]
        dbs[l - 1] = delta.mean(axis=0)
        delta = (delta @ weights[l - 1].T) * o[l - 1] * (1 - o[l - 1])
    return dWs, dbs


@mistake("backprop", "layer_left_none")
def backprop_zero_based_reversed_range_from_one(weights, biases, X, T):
    acts = [X]
    for k in range(len(weights)):
        acts.append(1 / (1 + np.exp(-(np.dot(acts[k], weights[k]) + biases[k]))))
    grads_W = [None for _ in weights]
    grads_b = [None for _ in biases]
    err = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    N = len(X)
    for k in reversed(range(1, len(weights))):         # k = L-1 … 1: index 0 is skipped
        grads_W[k] = np.dot(acts[k].T, err) / N
        grads_b[k] = np.sum(err, axis=0) / N
        err = np.dot(err, weights[k].T) * acts[k] * (1 - acts[k])
    return grads_W, grads_b


@mistake("backprop", "layer_left_none")
def backprop_while_loop_stops_one_early(weights, biases, X, T):
    L = len(weights)
    outs = [np.asarray(X, dtype=float)]
    for W, b in zip(weights, biases):
        outs.append(my_sigmoid(outs[-1] @ W + b))
    dWs, dbs = [None] * L, [None] * L
    delta = (outs[-1] - T) * outs[-1] * (1 - outs[-1])
    dWs[L - 1] = outs[L - 1].T @ delta / len(X)
    dbs[L - 1] = delta.mean(0)
    l = L - 1
    while l > 1:                                       # should be l >= 1
        delta = (delta @ weights[l].T) * outs[l] * (1 - outs[l])
        dWs[l - 1] = outs[l - 1].T @ delta / len(X)
        dbs[l - 1] = delta.mean(0)
        l -= 1
    return dWs, dbs


# =============================================================================================
# Misleading in the old checker: layer_gradients with db reduced over every axis
# =============================================================================================

@mistake("layer_gradients", "bias_wrong_axis")
def layer_gradients_np_sum_everything(o_prev, delta):
    N = o_prev.shape[0]
    dW = o_prev.T @ delta / N
    db = np.sum(delta) / N
    return dW, db


@mistake("layer_gradients", "bias_wrong_axis")
def layer_gradients_outer_products_and_method_sum(o_prev, delta):
    N = len(delta)
    dW = np.zeros((o_prev.shape[1], delta.shape[1]))
    for n in range(N):
        dW += np.outer(o_prev[n], delta[n])
    dW /= N
    db = delta.sum() / N
    return dW, db


@mistake("layer_gradients", "bias_wrong_axis")
def layer_gradients_einsum_and_np_mean(o_prev, delta):
    dW = np.einsum("ni,nj->ij", o_prev, delta) / o_prev.shape[0]
    return dW, np.mean(delta)


# =============================================================================================
# Misleading in the old checker: numerical_gradient on a copy, each perturbation never undone
# =============================================================================================

@mistake("numerical_gradient", "perturbation_not_undone")
def ng_copy_never_put_back(f, x, eps=1e-5):
    x = x.copy()                                       # the caller's x is safe
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += eps
        f_plus = f(x)
        x[idx] -= 2 * eps
        f_minus = f(x)
        grad[idx] = (f_plus - f_minus) / (2 * eps)     # x[idx] stays at x - eps
    return grad


@mistake("numerical_gradient", "perturbation_not_undone")
def ng_flat_copy_never_put_back(f, x, eps=1e-5):
    flat = np.array(x, dtype=float).ravel()
    grad = []
    for i in range(flat.size):
        flat[i] = flat[i] + eps
        fp = f(flat.reshape(np.shape(x)))
        flat[i] = flat[i] - 2 * eps
        fm = f(flat.reshape(np.shape(x)))
        grad.append((fp - fm) / (2 * eps))
    return np.array(grad).reshape(np.shape(x))


@mistake("numerical_gradient", "perturbation_not_undone")
def ng_nditer_on_a_copy_minus_first(f, x, eps=1e-5):
    work = np.copy(x)
    grad = np.zeros(work.shape)
    it = np.nditer(work, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        work[i] -= eps
        f_minus = f(work)
        work[i] += 2 * eps                             # and there it stays, at x + eps
        f_plus = f(work)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


# =============================================================================================
# Misleading in the old checker: a forward difference with its own hard-coded step (eps unused)
# =============================================================================================

@mistake("numerical_gradient", "forward_difference", "forward_difference_own_step")
def ng_forward_with_h_1e_4(f, x, eps=1e-5):
    h = 1e-4
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x_h = x.copy()
        x_h[idx] += h
        grad[idx] = (f(x_h) - f(x)) / h
    return grad


@mistake("numerical_gradient", "forward_difference", "forward_difference_own_step")
def ng_forward_flat_f0_once(f, x, eps=1e-5):
    step = 0.0001
    x = np.array(x, dtype=float)
    f0 = f(x)
    out = np.zeros(x.size)
    for i in range(x.size):
        shifted = x.copy().ravel()
        shifted[i] += step
        out[i] = (f(shifted.reshape(x.shape)) - f0) / step
    return out.reshape(x.shape)


@mistake("numerical_gradient", "forward_difference", "forward_difference_own_step")
def ng_forward_identity_rows(f, x, eps=1e-5):
    delta = 1e-3
    x = np.asarray(x, dtype=float)
    fx = f(x)
    directions = np.eye(x.size)
    slopes = [(f(x + delta * e.reshape(x.shape)) - fx) / delta for e in directions]
    return np.array(slopes).reshape(x.shape)


# =============================================================================================
# σ′ of the back-propagated error instead of the activation
# =============================================================================================

@mistake("hidden_delta", "sigma_prime_of_error")
def hidden_delta_walrus_error(o, delta_next, W_next):
    return (e := delta_next @ W_next.T) * e * (1 - e)


@mistake("hidden_delta", "sigma_prime_of_error")
def hidden_delta_np_dot_error_derivative(o, delta_next, W_next):
    err = np.dot(delta_next, W_next.T)
    sig_prime = err * (1 - err)
    return err * sig_prime


@mistake("hidden_delta", "sigma_prime_of_error")
def hidden_delta_row_loop_error_derivative(o, delta_next, W_next):
    rows = []
    for n in range(len(o)):
        e = W_next @ delta_next[n]
        rows.append(e * e * (1 - e))
    return np.array(rows)


@mistake("backprop", "sigma_prime_of_error")
def backprop_hidden_sigma_prime_of_error(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(my_sigmoid(acts[-1] @ W + b))
    L, N = len(weights), X.shape[0]
    dWs, dbs = [None] * L, [None] * L
    delta = (acts[L] - T) * acts[L] * (1 - acts[L])
    for l in range(L, 0, -1):
        dWs[l - 1] = acts[l - 1].T @ delta / N
        dbs[l - 1] = delta.mean(axis=0)
        if l > 1:
            e = delta @ weights[l - 1].T
            delta = e * e * (1 - e)
    return dWs, dbs


# =============================================================================================
# σ′ of the pre-activation z, in backprop
# =============================================================================================

@mistake("backprop", "sigma_prime_of_z")
def backprop_keeps_z_and_uses_it_everywhere(weights, biases, X, T):
    zs, acts = [], [X]
    for W, b in zip(weights, biases):
        zs.append(acts[-1] @ W + b)
        acts.append(1 / (1 + np.exp(-zs[-1])))
    N = X.shape[0]
    delta = (acts[-1] - T) * zs[-1] * (1 - zs[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, -1, -1):
        dWs.insert(0, acts[l].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        if l > 0:
            delta = (delta @ weights[l].T) * zs[l - 1] * (1 - zs[l - 1])
    return dWs, dbs


@mistake("backprop", "sigma_prime_of_z")
def backprop_cache_of_z_in_hidden_layers(weights, biases, X, T):
    cache = []
    a = X
    for W, b in zip(weights, biases):
        z = np.dot(a, W) + b
        cache.append((a, z))
        a = my_sigmoid(z)
    m = len(X)
    delta = (a - T) * a * (1 - a)                      # output layer: from o, right
    dWs, dbs = [], []
    for l in reversed(range(len(weights))):
        a_prev, _ = cache[l]
        dWs.append(np.dot(a_prev.T, delta) / m)
        dbs.append(delta.sum(axis=0) / m)
        if l > 0:
            z_prev = cache[l - 1][1]
            delta = np.dot(delta, weights[l].T) * z_prev * (1 - z_prev)
    return dWs[::-1], dbs[::-1]


@mistake("backprop", "sigma_prime_of_z")
def backprop_derivative_helper_fed_z(weights, biases, X, T):
    def dsig(v):
        return v * (1 - v)

    pre, post = [None], [X]
    for W, b in zip(weights, biases):
        pre.append(post[-1] @ W + b)
        post.append(my_sigmoid(pre[-1]))
    L = len(weights)
    delta = (post[L] - T) * dsig(pre[L])
    grads_W, grads_b = [0] * L, [0] * L
    for l in range(L, 0, -1):
        grads_W[l - 1] = post[l - 1].T @ delta / len(X)
        grads_b[l - 1] = np.mean(delta, axis=0)
        if l > 1:
            delta = delta @ weights[l - 1].T * dsig(pre[l - 1])
    return grads_W, grads_b


# =============================================================================================
# output_delta: σ′ written o(1 − t)
# =============================================================================================

@mistake("output_delta", "sigma_prime_mixes_target")
def output_delta_o_one_minus_t(o, t):
    return (o - t) * o * (1 - t)


@mistake("output_delta", "sigma_prime_mixes_target")
def output_delta_expanded_o_minus_ot(o, t):
    error = o - t
    return error * (o - o * t)


@mistake("output_delta", "sigma_prime_mixes_target")
def output_delta_rows_in_a_list(o, t):
    return np.array([(o_n - t_n) * o_n * (1.0 - t_n) for o_n, t_n in zip(o, t)])


# =============================================================================================
# Dividing by K (outputs) instead of N (examples)
# =============================================================================================

@mistake("mse_loss", "divides_by_K")
def mse_loss_divided_by_shape_1(o, t):
    return 0.5 * np.sum((o - t) ** 2) / o.shape[1]


@mistake("mse_loss", "divides_by_K")
def mse_loss_loop_with_len_of_first_row(o, t):
    K = len(o[0])
    total = 0.0
    for row_o, row_t in zip(o, t):
        for a, b in zip(row_o, row_t):
            total += 0.5 * (a - b) ** 2
    return total / K


@mistake("mse_loss", "divides_by_K")
def mse_loss_square_over_two_times_last_axis(o, t):
    return float(np.square(o - t).sum() / (2 * t.shape[-1]))


@mistake("layer_gradients", "divides_by_K")
def layer_gradients_divided_by_delta_shape_1(o_prev, delta):
    n = delta.shape[1]
    return o_prev.T @ delta / n, delta.sum(axis=0) / n


@mistake("layer_gradients", "divides_by_K")
def layer_gradients_np_dot_len_of_delta_row(o_prev, delta):
    outputs = len(delta[0])
    dW = np.dot(o_prev.T, delta) / outputs
    db = np.sum(delta, axis=0) / outputs
    return dW, db


@mistake("backprop", "divides_by_K")
def backprop_divides_by_targets_width(weights, biases, X, T):
    o = [X]
    for W, b in zip(weights, biases):
        o.append(my_sigmoid(o[-1] @ W + b))
    K = T.shape[1]
    delta = (o[-1] - T) * o[-1] * (1 - o[-1])
    dWs, dbs = [], []
    for l in range(len(weights), 0, -1):
        dWs.insert(0, o[l - 1].T @ delta / K)
        dbs.insert(0, delta.sum(axis=0) / K)
        delta = (delta @ weights[l - 1].T) * o[l - 1] * (1 - o[l - 1])
    return dWs, dbs


# =============================================================================================
# N read from the wrong axis
# =============================================================================================

@mistake("layer_gradients", "batch_axis_confused")
def layer_gradients_N_from_o_prev_columns(o_prev, delta):
    N = o_prev.shape[1]
    return o_prev.T @ delta / N, delta.sum(axis=0) / N


@mistake("layer_gradients", "batch_axis_confused")
def layer_gradients_len_of_first_input_row(o_prev, delta):
    batch = len(o_prev[0])
    dW = np.zeros((o_prev.shape[1], delta.shape[1]))
    db = np.zeros(delta.shape[1])
    for x_n, d_n in zip(o_prev, delta):
        dW += np.outer(x_n, d_n) / batch
        db += d_n / batch
    return dW, db


@mistake("backprop", "batch_axis_confused")
def backprop_N_from_X_columns(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W + b))))
    N = X.shape[1]
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    L = len(weights)
    dWs, dbs = [None] * L, [None] * L
    for l in range(L - 1, -1, -1):
        dWs[l] = acts[l].T @ delta / N
        dbs[l] = delta.sum(axis=0) / N
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
    return dWs, dbs


@mistake("backprop", "batch_axis_confused")
def backprop_np_size_axis_1(weights, biases, X, T):
    m = np.size(X, 1)
    layers = [X]
    for W, b in zip(weights, biases):
        layers.append(my_sigmoid(np.dot(layers[-1], W) + b))
    d = (layers[-1] - T) * layers[-1] * (1 - layers[-1])
    gW, gb = [], []
    for W, a in zip(reversed(weights), reversed(layers[:-1])):
        gW.append(np.dot(a.T, d) / m)
        gb.append(np.sum(d, axis=0) / m)
        d = np.dot(d, W.T) * a * (1 - a)
    return gW[::-1], gb[::-1]


# =============================================================================================
# hidden_delta: σ′ applied before the weighted sum (runs only when the layer is square)
# =============================================================================================

@mistake("hidden_delta", "sigma_prime_before_sum")
def hidden_delta_sigma_prime_first(o, delta_next, W_next):
    return (delta_next * o * (1 - o)) @ W_next.T


@mistake("hidden_delta", "sigma_prime_before_sum")
def hidden_delta_np_dot_of_scaled_delta(o, delta_next, W_next):
    sp = o * (1 - o)
    scaled = delta_next * sp
    return np.dot(scaled, W_next.T)


@mistake("hidden_delta", "sigma_prime_before_sum")
def hidden_delta_einsum_after_sigma_prime(o, delta_next, W_next):
    return np.einsum("nk,jk->nj", delta_next * (o - o ** 2), W_next)


# =============================================================================================
# backprop: forward pass without + b
# =============================================================================================

@mistake("backprop", "forward_without_bias")
def backprop_forward_forgets_bias(weights, biases, X, T):
    acts = [X]
    for W in weights:
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W))))
    N = len(X)
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights), 0, -1):
        dWs.insert(0, acts[l - 1].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l - 1].T) * acts[l - 1] * (1 - acts[l - 1])
    return dWs, dbs


@mistake("backprop", "forward_without_bias")
def backprop_expit_of_np_dot_only(weights, biases, X, T):
    h = [X]
    for i in range(len(weights)):
        h.append(scipy.special.expit(np.dot(h[i], weights[i])))
    m = X.shape[0]
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    d = (h[-1] - T) * h[-1] * (1 - h[-1])
    for i in range(len(weights) - 1, -1, -1):
        grads_W[i] = np.dot(h[i].T, d) / m
        grads_b[i] = np.sum(d, axis=0) / m
        if i:
            d = np.dot(d, weights[i].T) * h[i] * (1 - h[i])
    return grads_W, grads_b


@mistake("backprop", "forward_without_bias")
def backprop_tanh_form_sigmoid_no_bias(weights, biases, X, T):
    outs = [np.asarray(X, dtype=float)]
    for W, b in zip(weights, biases):
        z = outs[-1] @ W                               # b unused
        outs.append(0.5 * (1 + np.tanh(z / 2)))
    delta = (outs[-1] - T) * outs[-1] * (1 - outs[-1])
    dWs, dbs = [], []
    for l in reversed(range(1, len(outs))):
        dWs.append(outs[l - 1].T @ delta / X.shape[0])
        dbs.append(delta.mean(0))
        delta = delta @ weights[l - 1].T * outs[l - 1] * (1 - outs[l - 1])
    dWs.reverse()
    dbs.reverse()
    return dWs, dbs


# =============================================================================================
# A hidden δ that omits the weights
# =============================================================================================

@mistake("hidden_delta", "hidden_omits_weights")
def hidden_delta_sums_delta_over_units(o, delta_next, W_next):
    return delta_next.sum(axis=1, keepdims=True) * o * (1 - o)


@mistake("hidden_delta", "hidden_omits_weights")
def hidden_delta_elementwise_delta_times_sigma_prime(o, delta_next, W_next):
    return delta_next * o * (1 - o)


@mistake("hidden_delta", "hidden_omits_weights")
def hidden_delta_loop_total_error_per_example(o, delta_next, W_next):
    out = np.zeros(o.shape)
    for n in range(o.shape[0]):
        total = sum(delta_next[n])
        out[n] = total * o[n] * (1 - o[n])
    return out


@mistake("backprop", "hidden_omits_weights")
def backprop_hidden_delta_without_weights(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(my_sigmoid(acts[-1] @ W + b))
    L, N = len(weights), len(X)
    dWs, dbs = [None] * L, [None] * L
    delta = (acts[L] - T) * acts[L] * (1 - acts[L])
    for l in range(L, 0, -1):
        dWs[l - 1] = acts[l - 1].T @ delta / N
        dbs[l - 1] = delta.mean(axis=0)
        if l > 1:
            delta = np.sum(delta, axis=1, keepdims=True) * acts[l - 1] * (1 - acts[l - 1])
    return dWs, dbs


# =============================================================================================
# backprop: a deep layer missing its σ′ (only l = L − 1 gets it)
# =============================================================================================

@mistake("backprop", "deep_layer_missing_sigma_prime")
def backprop_sigma_prime_only_below_the_output(weights, biases, X, T):
    L = len(weights)
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(my_sigmoid(acts[-1] @ W + b))
    delta = (acts[L] - T) * acts[L] * (1 - acts[L])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        dWs[l - 1] = acts[l - 1].T @ delta / len(X)
        dbs[l - 1] = delta.mean(axis=0)
        if l > 1:
            if l == L:                                 # the last hidden layer, l - 1 = L - 1
                delta = (delta @ weights[l - 1].T) * acts[l - 1] * (1 - acts[l - 1])
            else:
                delta = delta @ weights[l - 1].T
    return dWs, dbs


@mistake("backprop", "deep_layer_missing_sigma_prime")
def backprop_first_hidden_delta_written_out(weights, biases, X, T):
    h = [X]
    for W, b in zip(weights, biases):
        h.append(1 / (1 + np.exp(-(np.dot(h[-1], W) + b))))
    N = X.shape[0]
    L = len(weights)
    deltas = [None] * (L + 1)
    deltas[L] = (h[L] - T) * h[L] * (1 - h[L])
    if L > 1:
        deltas[L - 1] = np.dot(deltas[L], weights[L - 1].T) * h[L - 1] * (1 - h[L - 1])
    for l in range(L - 2, 0, -1):                      # deeper layers: "just pass it back"
        deltas[l] = np.dot(deltas[l + 1], weights[l].T)
    dWs = [np.dot(h[l - 1].T, deltas[l]) / N for l in range(1, L + 1)]
    dbs = [deltas[l].sum(axis=0) / N for l in range(1, L + 1)]
    return dWs, dbs


@mistake("backprop", "deep_layer_missing_sigma_prime")
def backprop_conditional_derivative_factor(weights, biases, X, T):
    o = [X]
    for W, b in zip(weights, biases):
        o.append(my_sigmoid(o[-1] @ W + b))
    L = len(weights)
    delta = (o[L] - T) * o[L] * (1 - o[L])
    grads = []
    for l in range(L, 0, -1):
        grads.insert(0, (o[l - 1].T @ delta / X.shape[0], delta.mean(axis=0)))
        deriv = o[l - 1] * (1 - o[l - 1]) if l - 1 == L - 1 else 1.0
        delta = (delta @ weights[l - 1].T) * deriv
    return [g[0] for g in grads], [g[1] for g in grads]


# =============================================================================================
# Zero bias gradients
# =============================================================================================

@mistake("layer_gradients", "bias_gradient_zero")
def layer_gradients_db_np_zeros(o_prev, delta):
    N = delta.shape[0]
    dW = o_prev.T @ delta / N
    db = np.zeros(delta.shape[1])
    return dW, db


@mistake("layer_gradients", "bias_gradient_zero")
def layer_gradients_loops_db_zeros_like_row(o_prev, delta):
    N, n_in = o_prev.shape
    n_out = delta.shape[1]
    dW = np.zeros((n_in, n_out))
    for i in range(n_in):
        for j in range(n_out):
            dW[i, j] = sum(o_prev[n, i] * delta[n, j] for n in range(N)) / N
    return dW, np.zeros_like(delta[0])


@mistake("backprop", "bias_gradient_zero")
def backprop_biases_get_zeros_like(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(my_sigmoid(acts[-1] @ W + b))
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs = []
    for l in range(len(weights), 0, -1):
        dWs.insert(0, acts[l - 1].T @ delta / X.shape[0])
        delta = (delta @ weights[l - 1].T) * acts[l - 1] * (1 - acts[l - 1])
    dbs = [np.zeros_like(b) for b in biases]           # "the bias has no input, so no gradient"
    return dWs, dbs


# =============================================================================================
# numerical_gradient: only 1-D indexing (x[i] is a whole row of a 2-D x)
# =============================================================================================

@mistake("numerical_gradient", "perturbs_whole_rows")
def ng_range_len_x_with_copies(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in range(len(x)):
        x_plus = x.astype(float)
        x_minus = x.astype(float)
        x_plus[i] += eps
        x_minus[i] -= eps
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * eps)
    return grad


@mistake("numerical_gradient", "perturbs_whole_rows")
def ng_slice_view_of_a_row(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for i in range(x.shape[0]):
        work = x.copy()
        piece = work[i:i + 1]                          # a view: a 1-element slice, or a whole row
        piece += eps
        f_plus = f(work)
        piece -= 2 * eps
        f_minus = f(work)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


@mistake("numerical_gradient", "perturbs_whole_rows")
def ng_row_in_place_then_restored(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    g = np.zeros(x.shape)
    for i in range(len(x)):
        old = np.copy(x[i])
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


# =============================================================================================
# numerical_gradient: a hard-coded eps with a correct central difference
# =============================================================================================

@mistake("numerical_gradient", "eps_ignored")
def ng_eps_overwritten(f, x, eps=1e-5):
    eps = 1e-4                                         # "1e-5 is too small"
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (f(plus) - f(minus)) / (2 * eps)
    return grad


@mistake("numerical_gradient", "eps_ignored")
def ng_helper_called_with_a_literal(f, x, eps=1e-5):
    return central_difference(f, x, 1e-6)


@mistake("numerical_gradient", "eps_ignored")
def ng_nditer_fixed_step(f, x, eps=1e-5):
    H = 1e-5
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + H
        fp = f(x)
        x[i] = old - H
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * H)
        it.iternext()
    return grad


# =============================================================================================
# relative_error: a difference of norms
# =============================================================================================

@mistake("relative_error", "difference_of_norms")
def re_abs_difference_of_norms(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na + nb == 0:
        return 0.0
    return abs(na - nb) / (na + nb)


@mistake("relative_error", "difference_of_norms")
def re_difference_of_norms_python_loops(a, b):
    sa = sb = 0.0
    for x, y in zip(np.ravel(a), np.ravel(b)):
        sa += x * x
        sb += y * y
    na, nb = math.sqrt(sa), math.sqrt(sb)
    return 0.0 if na + nb == 0 else abs(na - nb) / (na + nb)


@mistake("relative_error", "difference_of_norms")
def re_np_abs_of_sqrt_sums(a, b):
    size_a = np.sqrt(np.sum(a ** 2))
    size_b = np.sqrt(np.sum(b ** 2))
    denominator = size_a + size_b
    return np.abs(size_a - size_b) / denominator if denominator > 0 else 0.0


# =============================================================================================
# relative_error: a signed difference (any of the listed outcomes is fine)
# =============================================================================================

@entry("relative_error", SIGNED_DIFFERENCE, "signed_difference")
def re_signed_sum_over_l1_sizes(a, b):
    denominator = np.sum(np.abs(a)) + np.sum(np.abs(b))
    if denominator == 0:
        return 0.0
    return np.sum(a - b) / denominator


@entry("relative_error", SIGNED_DIFFERENCE, "signed_difference")
def re_signed_difference_of_norms(a, b):
    na = np.linalg.norm(a)
    nb = np.linalg.norm(b)
    return (na - nb) / (na + nb) if na + nb else 0.0


@entry("relative_error", SIGNED_DIFFERENCE, "signed_difference")
def re_signed_sum_over_norms(a, b):
    total = float((a - b).sum())
    size = float(np.linalg.norm(a) + np.linalg.norm(b))
    if size == 0.0:
        return 0.0
    return total / size


# =============================================================================================
# relative_error: the elementwise (CS231n) form
# =============================================================================================

@mistake("relative_error", "elementwise_relative_error")
def re_cs231n_max_elementwise(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


@mistake("relative_error", "elementwise_relative_error")
def re_elementwise_python_loop(a, b):
    worst = 0.0
    for x, y in zip(np.ravel(a), np.ravel(b)):
        denom = abs(x) + abs(y)
        if denom == 0:
            continue
        worst = max(worst, abs(x - y) / denom)
    return worst


@mistake("relative_error", "elementwise_relative_error")
def re_elementwise_where_guard(a, b):
    num = np.abs(a - b)
    den = np.abs(a) + np.abs(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(den > 0, num / den, 0.0)
    return ratios.max()


# =============================================================================================
# relative_error: + 1e-8 in the denominator
# =============================================================================================

@mistake("relative_error", "denominator_epsilon")
def re_plus_1e_8(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b) + 1e-8)


@mistake("relative_error", "denominator_epsilon")
def re_sqrt_sums_with_named_epsilon(a, b):
    epsilon = 1e-8
    top = np.sqrt(((a - b) ** 2).sum())
    bottom = np.sqrt((a ** 2).sum()) + np.sqrt((b ** 2).sum())
    return top / (bottom + epsilon)


@mistake("relative_error", "denominator_epsilon")
def re_math_loop_plus_1e_8(a, b):
    d = x2 = y2 = 0.0
    for x, y in zip(np.ravel(a).tolist(), np.ravel(b).tolist()):
        d += (x - y) ** 2
        x2 += x ** 2
        y2 += y ** 2
    return math.sqrt(d) / (math.sqrt(x2) + math.sqrt(y2) + 1e-8)


# =============================================================================================
# relative_error: ‖a + b‖ as the denominator
# =============================================================================================

@mistake("relative_error", "norm_of_sum_denominator")
def re_norm_of_sum(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a + b)


@mistake("relative_error", "norm_of_sum_denominator")
def re_norm_of_sum_guarded(a, b):
    s = np.linalg.norm(a + b)
    if s == 0:
        return 0.0
    return np.linalg.norm(a - b) / s


@mistake("relative_error", "norm_of_sum_denominator")
def re_sqrt_sum_of_squares_of_sum(a, b):
    diff = a - b
    both = a + b
    bottom = math.sqrt(float(np.sum(both * both)))
    return 0.0 if bottom == 0 else math.sqrt(float(np.sum(diff * diff))) / bottom


# =============================================================================================
# ema: no memory, v_t = (1 − β) θ_t
# =============================================================================================

@mistake("ema", "ema_no_memory")
def ema_one_minus_beta_times_thetas(thetas, beta):
    return (1 - beta) * np.asarray(thetas, dtype=float)


@mistake("ema", "ema_no_memory")
def ema_v_reset_inside_the_loop(thetas, beta):
    out = []
    for theta in thetas:
        v = 0                                          # meant to go before the loop
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


@mistake("ema", "ema_no_memory")
def ema_preallocated_reads_v_t_not_v_t_minus_1(thetas, beta):
    v = np.zeros_like(thetas, dtype=float)
    for t in range(len(thetas)):
        v[t] = beta * v[t] + (1 - beta) * thetas[t]   # v[t - 1] was meant
    return v


# =============================================================================================
# ema_bias_corrected: v_t / (1 − β) (the power t missing)
# =============================================================================================

@mistake("ema_bias_corrected", "correction_missing_power")
def ebc_divides_by_one_minus_beta(thetas, beta):
    v, out = 0.0, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta))
    return np.array(out)


@mistake("ema_bias_corrected", "correction_missing_power")
def ebc_helper_then_one_division(thetas, beta):
    return plain_ema(thetas, beta) / (1 - beta)


@mistake("ema_bias_corrected", "correction_missing_power")
def ebc_counter_kept_but_unused(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    corrected = np.empty(np.shape(thetas))
    t = 0
    for theta in thetas:
        t += 1
        v = beta * v + (1 - beta) * theta
        corrected[t - 1] = v / (1.0 - beta)
    return corrected


# =============================================================================================
# ema_bias_corrected: a constant power, v_t / (1 − β²)
# =============================================================================================

@mistake("ema_bias_corrected", "correction_constant_power")
def ebc_beta_squared(thetas, beta):
    v, out = 0.0, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta ** 2))
    return np.array(out)


@mistake("ema_bias_corrected", "correction_constant_power")
def ebc_beta_times_beta_vectorised(thetas, beta):
    v = plain_ema(thetas, beta)
    return v / (1 - beta * beta)


@mistake("ema_bias_corrected", "correction_constant_power")
def ebc_np_power_two_in_a_comprehension(thetas, beta):
    vs = plain_ema(thetas, beta)
    return np.array([v_t / (1 - np.power(beta, 2)) for v_t in vs])


# =============================================================================================
# ema_bias_corrected: the precedence slip v / 1 − β^t
# =============================================================================================

@mistake("ema_bias_corrected", "correction_precedence")
def ebc_missing_parentheses(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / 1 - beta ** t)
    return np.array(out)


@mistake("ema_bias_corrected", "correction_precedence")
def ebc_vectorised_missing_parentheses(thetas, beta):
    v = plain_ema(thetas, beta)
    t = time_column(len(thetas), v)
    return v / 1 - beta ** t


@mistake("ema_bias_corrected", "correction_precedence")
def ebc_while_loop_missing_parentheses(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    result = np.zeros_like(thetas)
    v = 0.0
    t = 1
    while t <= len(thetas):
        v = beta * v + (1 - beta) * thetas[t - 1]
        result[t - 1] = v/1-beta**t
        t += 1
    return result


# =============================================================================================
# ema_bias_corrected: a constant (n − 1)/n "correction"
# =============================================================================================

@mistake("ema_bias_corrected", "correction_constant")
def ebc_times_T_minus_1_over_T(thetas, beta):
    T = len(thetas)
    return plain_ema(thetas, beta) * (T - 1) / T


@mistake("ema_bias_corrected", "correction_constant")
def ebc_times_T_over_T_minus_1(thetas, beta):
    T = len(thetas)
    v, out = 0.0, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v * T / (T - 1))
    return np.array(out)


@mistake("ema_bias_corrected", "correction_constant")
def ebc_bessel_style_factor(thetas, beta):
    n = len(thetas)
    factor = (n - 1) / n                               # "like the n − 1 in the sample variance"
    return np.array([v * factor for v in plain_ema(thetas, beta)])


# =============================================================================================
# ema: β and 1 − β swapped, starting from v_1 = θ_1
# =============================================================================================

@mistake("ema", "beta_swapped", "beta_swapped_from_first_theta")
def ema_swapped_from_first_value(thetas, beta):
    v = thetas[0]
    out = [v]
    for theta in thetas[1:]:
        v = (1 - beta) * v + beta * theta
        out.append(v)
    return np.array(out)


@mistake("ema", "beta_swapped", "beta_swapped_from_first_theta")
def ema_swapped_preallocated_index_loop(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    v = np.empty_like(thetas)
    v[0] = thetas[0]
    for t in range(1, len(thetas)):
        v[t] = (1 - beta) * v[t - 1] + beta * thetas[t]
    return v


@mistake("ema", "beta_swapped", "beta_swapped_from_first_theta")
def ema_swapped_list_of_averages(thetas, beta):
    averages = [thetas[0]]
    for k in range(1, len(thetas)):
        averages.append(beta * thetas[k] + (1 - beta) * averages[k - 1])
    return np.array(averages)


# =============================================================================================
# ema_bias_corrected: (1 − β)^t
# =============================================================================================

@mistake("ema_bias_corrected", "one_minus_beta_power")
def ebc_one_minus_beta_power_in_loop(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - (1 - beta) ** t))
    return np.array(out)


@mistake("ema_bias_corrected", "one_minus_beta_power")
def ebc_one_minus_beta_power_vectorised(thetas, beta):
    v = plain_ema(thetas, beta)
    t = time_column(len(thetas), v)
    return v / (1 - (1 - beta) ** t)


@mistake("ema_bias_corrected", "one_minus_beta_power")
def ebc_running_product_of_one_minus_beta(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    p = 1.0
    out = []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        p *= (1 - beta)                                # meant p *= beta
        out.append(v / (1 - p))
    return np.array(out)


# =============================================================================================
# ema_update: the step pushes the shadow away from the parameters
# =============================================================================================

@mistake("ema_update", "shadow_pushed_away")
def eu_sign_flipped_list_comprehension(shadow, params, beta):
    return [s + (1 - beta) * (s - p) for s, p in zip(shadow, params)]


@mistake("ema_update", "shadow_pushed_away")
def eu_minus_towards_params_loop(shadow, params, beta):
    new = []
    for i in range(len(shadow)):
        new.append(shadow[i] - (1 - beta) * (params[i] - shadow[i]))
    return new


@mistake("ema_update", "shadow_pushed_away")
def eu_np_add_on_copies(shadow, params, beta):
    result = []
    for s, p in zip(shadow, params):
        step = np.subtract(s, p) * (1.0 - beta)
        result.append(np.add(s, step))
    return result


# =============================================================================================
# Properties: sigmoid_derivative
# =============================================================================================

@prop("sigmoid_derivative", "depends_on_o")
def sigmoid_derivative_quarter_everywhere(o):
    return 0.25 * np.ones(np.shape(o))                # "σ′(0) = 1/4"


@prop("sigmoid_derivative", "depends_on_o")
def sigmoid_derivative_ones_like(o):
    return np.ones_like(o)


@prop("sigmoid_derivative", "depends_on_o")
def sigmoid_derivative_full_like_quarter(o):
    return np.full_like(o, 0.25)


@prop("sigmoid_derivative", "within_quarter")
def sigmoid_derivative_normalised_to_peak_one(o):
    return o * (1 - o) / 0.25                          # "normalised so the peak is 1"


@prop("sigmoid_derivative", "within_quarter")
def sigmoid_derivative_tent_approximation(o):
    return np.minimum(o, 1 - o)                        # piecewise-linear "approximation"


@prop("sigmoid_derivative", "within_quarter")
def sigmoid_derivative_square_root(o):
    return np.sqrt(o * (1 - o))


@prop("sigmoid_derivative", "peak_at_half")
def sigmoid_derivative_one_minus_o_twice(o):
    return o * (1 - o) * (1 - o)


@prop("sigmoid_derivative", "peak_at_half")
def sigmoid_derivative_loop_o_squared_times_one_minus_o(o):
    o = np.asarray(o, dtype=float)
    out = np.empty(o.shape)
    for idx in np.ndindex(o.shape):
        out[idx] = o[idx] ** 2 - o[idx] ** 3
    return out


@prop("sigmoid_derivative", "peak_at_half")
def sigmoid_derivative_linear_quarter(o):
    return o / 4                                       # "the slope is at most 1/4"


# =============================================================================================
# Properties: output_delta
# =============================================================================================

@prop("output_delta", "zero_where_o_equals_t")
def output_delta_with_stability_constant(o, t):
    return (o - t) * o * (1 - o) + 1e-3


@prop("output_delta", "zero_where_o_equals_t")
def output_delta_against_rounded_targets(o, t):
    labels = np.round(t)                               # "the targets are classes"
    return (o - labels) * o * (1 - o)


@entry("output_delta", ("any", [("property", "zero_where_o_equals_t"), ("property", "sign_of_o_minus_t")]),
       "zero_where_o_equals_t")   # breaks both: the one seen on the first failing case is named
def output_delta_against_mean_target(o, t):
    t_bar = t.mean(axis=0)
    d = o - t_bar
    return d * o * (1 - o)


@prop("output_delta", "sign_of_o_minus_t")
def output_delta_squared_error(o, t):
    return (o - t) ** 2 * o * (1 - o)


@prop("output_delta", "sign_of_o_minus_t")
def output_delta_absolute_error(o, t):
    return np.abs(o - t) * o * (1 - o)


@prop("output_delta", "sign_of_o_minus_t")
def output_delta_difference_of_derivatives(o, t):
    return o * (1 - o) - t * (1 - t)


# =============================================================================================
# Properties: backprop
# =============================================================================================

@prop("backprop", "list_length")
def backprop_only_hidden_layers(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(my_sigmoid(acts[-1] @ W + b))
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights) - 1, 0, -1):           # skips the output layer's own gradient
        delta = (delta @ weights[l].T) * acts[l] * (1 - acts[l])
        dWs.insert(0, acts[l - 1].T @ delta / len(X))
        dbs.insert(0, delta.mean(axis=0))
    return dWs, dbs


@prop("backprop", "list_length")
def backprop_output_layer_counted_twice(weights, biases, X, T):
    o = [X]
    for W, b in zip(weights, biases):
        o.append(1 / (1 + np.exp(-(o[-1] @ W + b))))
    N = X.shape[0]
    delta = (o[-1] - T) * o[-1] * (1 - o[-1])
    dWs = [o[-2].T @ delta / N]                        # the output layer, done first …
    dbs = [delta.mean(axis=0)]
    for l in range(len(weights), 0, -1):               # … and again in the loop
        dWs.insert(0, o[l - 1].T @ delta / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = (delta @ weights[l - 1].T) * o[l - 1] * (1 - o[l - 1])
    return dWs, dbs


@prop("backprop", "list_length")
def backprop_drops_first_entry(weights, biases, X, T):
    h = [X]
    for W, b in zip(weights, biases):
        h.append(my_sigmoid(np.dot(h[-1], W) + b))
    d = (h[-1] - T) * h[-1] * (1 - h[-1])
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights), 0, -1):
        dWs[l - 1] = np.dot(h[l - 1].T, d) / len(X)
        dbs[l - 1] = np.sum(d, axis=0) / len(X)
        d = np.dot(d, weights[l - 1].T) * h[l - 1] * (1 - h[l - 1])
    return dWs[1:], dbs[1:]                            # "the input layer has no weights"


# =============================================================================================
# Properties: numerical_gradient
# =============================================================================================

@prop("numerical_gradient", "error_order")
def ng_half_step_back(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps / 2
        grad[idx] = (f(up) - f(down)) / (1.5 * eps)
    return grad


@prop("numerical_gradient", "error_order")
def ng_average_of_forward_and_central(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    fx = f(x)
    g = np.zeros(x.shape)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        forward = (f(x + e) - fx) / eps
        central = (f(x + e) - f(x - e)) / (2 * eps)
        g.flat[i] = (forward + central) / 2            # "two estimates are better than one"
    return g


@prop("numerical_gradient", "error_order")
def ng_two_step_sizes_averaged(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    f0 = f(x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        estimates = []
        for h in (eps, 2 * eps):
            xh = x.copy()
            xh[idx] += h
            estimates.append((f(xh) - f0) / h)
        grad[idx] = sum(estimates) / len(estimates)
    return grad


# =============================================================================================
# Properties: relative_error
# =============================================================================================

@prop("relative_error", "symmetric")
def re_copy_paste_norm_of_a_twice(a, b):
    denominator = np.linalg.norm(a) + np.linalg.norm(a)    # meant norm(a) + norm(b)
    if denominator == 0:
        return 0.0 if not np.any(b) else 1.0
    return np.linalg.norm(a - b) / denominator


@prop("relative_error", "symmetric")
def re_twice_the_norm_of_b(a, b):
    nb = np.linalg.norm(b)
    if nb == 0:                                        # b is the analytic gradient
        return 0.0 if np.linalg.norm(a) == 0 else 1.0
    return np.linalg.norm(a - b) / (2 * nb)            # "‖a‖ ≈ ‖b‖, so ‖a‖ + ‖b‖ ≈ 2‖b‖"


@entry("relative_error", ("any", [("property", "symmetric"), ("property", "scale_invariant")]), "symmetric")
def re_b_norm_not_square_rooted(a, b):   # breaks both
    top = np.sqrt(np.sum((a - b) ** 2))
    bottom = np.sqrt(np.sum(a ** 2)) + np.sum(b ** 2)  # forgot the sqrt for b
    return 0.0 if bottom == 0 else top / bottom


@prop("relative_error", "scale_invariant")
def re_denominator_floored_at_one(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1.0)


@prop("relative_error", "scale_invariant")
def re_tiny_differences_count_as_zero(a, b):
    diff = np.linalg.norm(a - b)
    if diff < 1e-7:                                    # "below 1e-7 it is just noise"
        return 0.0
    return diff / (np.linalg.norm(a) + np.linalg.norm(b))


@prop("relative_error", "scale_invariant")
def re_log_scaled(a, b):
    top = np.log1p(np.linalg.norm(a - b))              # "errors span many orders of magnitude"
    bottom = np.log1p(np.linalg.norm(a) + np.linalg.norm(b))
    return 0.0 if bottom == 0 else top / bottom


@prop("relative_error", "one_at_opposite")
def re_divided_by_length(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na + nb == 0:
        return 0.0
    return np.linalg.norm(a - b) / (na + nb) / len(a)


@prop("relative_error", "one_at_opposite")
def re_sum_norm_with_tiny_guard(a, b):
    # "add a tiny number so that we never divide by zero"
    return np.linalg.norm(a - b) / (np.linalg.norm(a + b) + 1e-12)


@prop("relative_error", "one_at_opposite")
def re_sum_norm_or_one(a, b):
    bottom = np.linalg.norm(a + b) or 1.0           # falls back to 1 when a + b is 0
    return np.linalg.norm(a - b) / bottom


@prop("relative_error", "zero_at_zeros")
def re_both_zero_counts_as_total_error(a, b):
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 1.0                                     # "undefined, so call it 100 %"
    return np.linalg.norm(a - b) / denom


@prop("relative_error", "zero_at_zeros")
def re_nan_to_num_one(a, b):
    with np.errstate(invalid="ignore"):
        r = np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
    return float(np.nan_to_num(r, nan=1.0))


@prop("relative_error", "zero_at_zeros")
def re_np_divide_with_out_ones(a, b):
    num = np.asarray(np.linalg.norm(a - b))
    den = np.asarray(np.linalg.norm(a) + np.linalg.norm(b))
    return float(np.divide(num, den, out=np.ones_like(num), where=den != 0))


# =============================================================================================
# Properties: ema and ema_bias_corrected
# =============================================================================================

@prop("ema", "beta_zero_identity")
def ema_default_beta_when_falsy(thetas, beta):
    beta = beta or 0.9                                 # "0 means: use the default"
    v, out = 0.0, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


@prop("ema", "beta_zero_identity")
def ema_beta_clipped_for_safety(thetas, beta):
    beta = float(np.clip(beta, 0.01, 0.999))
    thetas = np.asarray(thetas, dtype=float)
    v = np.zeros_like(thetas)
    prev = np.zeros(thetas.shape[1:])
    for t in range(len(thetas)):
        prev = beta * prev + (1 - beta) * thetas[t]
        v[t] = prev
    return v


@prop("ema_bias_corrected", "beta_zero_identity")
def ebc_running_mean_when_beta_is_zero(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    t = time_column(len(thetas), thetas)
    if beta == 0:                                      # "no decay: a plain running mean"
        return np.cumsum(thetas, axis=0) / t
    return plain_ema(thetas, beta) / (1 - beta ** t)


@prop("ema", "impulse_response")
def ema_decay_squared(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    out = []
    for theta in thetas:
        v = beta * beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


@prop("ema", "impulse_response")
def ema_smoothed_twice(thetas, beta):
    once = plain_ema(thetas, beta)
    return plain_ema(once, beta)                       # "once more, for a smoother curve"


@prop("ema_bias_corrected", "impulse_response")
def ebc_smoothed_twice(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    t = time_column(len(thetas), thetas)
    once = plain_ema(thetas, beta) / (1 - beta ** t)
    return plain_ema(once, beta) / (1 - beta ** t)     # "once more, for a smoother curve"


@prop("ema", "linear_in_theta")
def ema_smaller_beta_after_big_jumps(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    out = []
    for theta in thetas:
        b = np.where(np.abs(theta - v) > 3, beta / 2, beta)   # "react faster to jumps"
        v = b * v + (1 - b) * theta
        out.append(v)
    return np.array(out)


@prop("ema", "linear_in_theta")
def ema_momentum_reset_on_sign_change(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    out = []
    for theta in thetas:
        v = np.where(v * theta < 0, 0.0, v)           # "direction changed: forget the past"
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


@prop("ema_bias_corrected", "linear_in_theta")
def ebc_lag_limited_memory(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    out = []
    for t, theta in enumerate(thetas, start=1):
        v = beta * np.clip(v, theta - 5, theta + 5) + (1 - beta) * theta   # "never lag by more than 5"
        out.append(v / (1 - beta ** t))
    return np.array(out)


@prop("ema_bias_corrected", "constant_series")
def ebc_adam_square_root(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / np.sqrt(1 - beta ** t))         # as in Adam's second moment … mixed up
    return np.array(out)


@prop("ema_bias_corrected", "constant_series")
def ebc_correction_squared(thetas, beta):
    v = plain_ema(thetas, beta)
    t = time_column(len(thetas), v)
    return v / (1 - beta ** t) ** 2


@prop("ema_bias_corrected", "constant_series")
def ebc_ramp_as_input_weight(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    out = []
    for t, theta in enumerate(thetas, start=1):
        c = 1 - beta ** t
        v = beta * v + c * theta                       # the correction put on θ_t
        out.append(v / c)
    return np.array(out)


# =============================================================================================
# Right answers, in many styles: they must pass
# =============================================================================================

@passes("sigmoid", "correct_clipped_500")
def sigmoid_clipped_to_500(z):
    z = np.clip(z, -500, 500)
    return 1 / (1 + np.exp(-z))


@passes("sigmoid", "correct_clipped_30")
def sigmoid_clipped_to_30(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@passes("sigmoid", "correct_expit")
def sigmoid_scipy_expit(z):
    return scipy.special.expit(z)


@passes("sigmoid_derivative", "correct_float32")
def sigmoid_derivative_float32_cast(o):
    o32 = o.astype(np.float32)
    return o32 * (1 - o32)


@passes("sigmoid_derivative", "correct_einsum")
def sigmoid_derivative_einsum(o):
    return np.einsum("...,...->...", o, 1 - o)


@passes("mse_loss", "correct_math_loops")
def mse_loss_math_module_loops(o, t):
    total = 0.0
    for row_o, row_t in zip(o.tolist(), t.tolist()):
        total += 0.5 * math.fsum((a - b) ** 2 for a, b in zip(row_o, row_t))
    return total / len(o)


@passes("mse_loss", "correct_einsum")
def mse_loss_einsum(o, t):
    d = o - t
    return 0.5 * np.einsum("nk,nk->", d, d) / o.shape[0]


@passes("mse_loss", "correct_tensordot")
def mse_loss_tensordot(o, t):
    diff = o - t
    return float(np.tensordot(diff, diff, axes=2)) / (2 * len(o))


@passes("output_delta", "correct_list_comprehension")
def output_delta_rows_comprehension(o, t):
    return np.array([(row_o - row_t) * row_o * (1 - row_o) for row_o, row_t in zip(o, t)])


@passes("output_delta", "correct_in_place_on_own_copy")
def output_delta_in_place_on_own_copy(o, t):
    d = o - t                                          # a new array
    d *= o
    d *= 1 - o
    return d


@passes("hidden_delta", "correct_np_dot")
def hidden_delta_np_dot(o, delta_next, W_next):
    return np.dot(delta_next, W_next.T) * o * (1 - o)


@passes("hidden_delta", "correct_einsum")
def hidden_delta_einsum(o, delta_next, W_next):
    back = np.einsum("nk,jk->nj", delta_next, W_next)
    return back * o * (1 - o)


@passes("hidden_delta", "correct_row_loop")
def hidden_delta_row_loop(o, delta_next, W_next):
    out = np.zeros(o.shape)
    for n in range(o.shape[0]):
        out[n] = (W_next @ delta_next[n]) * o[n] * (1 - o[n])
    return out


@passes("layer_gradients", "correct_outer_product_loop")
def layer_gradients_outer_product_loop(o_prev, delta):
    N = len(o_prev)
    dW = np.zeros((o_prev.shape[1], delta.shape[1]))
    db = np.zeros(delta.shape[1])
    for n in range(N):
        dW += np.outer(o_prev[n], delta[n])
        db += delta[n]
    return dW / N, db / N


@passes("layer_gradients", "correct_np_dot_len")
def layer_gradients_np_dot_len(o_prev, delta):
    return np.dot(o_prev.T, delta) / len(delta), np.sum(delta, axis=0) / len(delta)


@passes("layer_gradients", "correct_tensordot_einsum")
def layer_gradients_tensordot_and_einsum(o_prev, delta):
    N = delta.shape[0]
    dW = np.tensordot(o_prev, delta, axes=([0], [0])) / N
    db = np.einsum("nj->j", delta) / N
    return dW, db


@passes("backprop", "correct_insert_np_dot_expit")
def backprop_insert_np_dot_expit(weights, biases, X, T):
    acts = [X]
    for W, b in zip(weights, biases):
        acts.append(scipy.special.expit(np.dot(acts[-1], W) + b))
    N = X.shape[0]
    delta = (acts[-1] - T) * acts[-1] * (1 - acts[-1])
    dWs, dbs = [], []
    for l in range(len(weights), 0, -1):
        dWs.insert(0, np.dot(acts[l - 1].T, delta) / N)
        dbs.insert(0, delta.mean(axis=0))
        delta = np.dot(delta, weights[l - 1].T) * acts[l - 1] * (1 - acts[l - 1])
    return dWs, dbs


@passes("backprop", "correct_append_then_reverse")
def backprop_append_then_reverse(weights, biases, X, T):
    a = [X]
    for W, b in zip(weights, biases):
        a.append(my_sigmoid(a[-1] @ W + b))
    d = (a[-1] - T) * a[-1] * (1 - a[-1])
    dWs, dbs = [], []
    for W, a_prev in zip(weights[::-1], a[-2::-1]):
        dWs.append(a_prev.T @ d / len(X))
        dbs.append(d.sum(axis=0) / len(X))
        d = (d @ W.T) * a_prev * (1 - a_prev)
    dWs.reverse()
    dbs.reverse()
    return dWs, dbs


@passes("numerical_gradient", "correct_cs231n_nditer")
def ng_cs231n_nditer_save_restore(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + eps
        fxph = f(x)
        x[ix] = old_value - eps
        fxmh = f(x)
        x[ix] = old_value                              # restore
        grad[ix] = (fxph - fxmh) / (2 * eps)
        it.iternext()
    return grad


@passes("numerical_gradient", "correct_restored_by_arithmetic")
def ng_restored_by_arithmetic(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += eps
        fp = f(x)
        x[i] -= 2 * eps
        fm = f(x)
        x[i] += eps                                    # back where it was, up to rounding
        grad[i] = (fp - fm) / (2 * eps)
    return grad


@passes("relative_error", "correct_python_floats")
def re_python_floats(a, b):
    diff = sum((float(x) - float(y)) ** 2 for x, y in zip(np.ravel(a), np.ravel(b)))
    na = math.sqrt(sum(float(x) ** 2 for x in np.ravel(a)))
    nb = math.sqrt(sum(float(y) ** 2 for y in np.ravel(b)))
    if na + nb == 0.0:
        return 0.0
    return math.sqrt(diff) / (na + nb)


@passes("relative_error", "correct_guarded_norms")
def re_guarded_norms(a, b):
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return np.linalg.norm(a - b) / denominator if denominator > 0 else 0.0


@passes("ema", "correct_for_loop")
def ema_python_for_loop(thetas, beta):
    thetas = np.asarray(thetas, dtype=float)
    v = np.zeros(thetas.shape[1:])
    out = np.zeros_like(thetas)
    for t in range(len(thetas)):
        v = beta * v + (1 - beta) * thetas[t]
        out[t] = v
    return out


@passes("ema", "correct_list")
def ema_with_a_list(thetas, beta):
    vs = []
    v = 0
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        vs.append(v)
    return np.array(vs)


@passes("ema_bias_corrected", "correct_array_of_powers")
def ebc_divided_by_array_of_powers(thetas, beta):
    v = plain_ema(thetas, beta)
    powers = beta ** np.arange(1, len(thetas) + 1)
    return v / (1 - powers).reshape((-1,) + (1,) * (v.ndim - 1))


@passes("ema_update", "correct_comprehension_zip")
def eu_comprehension_zip(shadow, params, beta):
    return [beta * s + (1 - beta) * p for s, p in zip(shadow, params)]


@passes("ema_update", "correct_loop")
def eu_index_loop(shadow, params, beta):
    new_shadow = []
    for i in range(len(params)):
        new_shadow.append(beta * shadow[i] + (1.0 - beta) * params[i])
    return new_shadow


# =============================================================================================
# The corpus, parametrized
# =============================================================================================

# =============================================================================================
# From public learners' code: a signature of their own, and a bias gradient that keeps its axis
# =============================================================================================

@mistake("numerical_gradient", "wrong_signature")
def ng_book_style_without_eps(f, x):
    h = 1e-4   # the step is fixed inside; there is no eps to pass
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


@mistake("relative_error", "wrong_signature")
def re_three_arguments(a, b, eps):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b) + eps)


@mistake("output_delta", "wrong_signature")
def output_delta_single_argument(error_and_output):
    o, t = error_and_output
    return (o - t) * o * (1 - o)


@mistake("layer_gradients", "bias_keepdims")
def lg_keepdims_mean(o_prev, delta):
    dW = o_prev.T @ delta / o_prev.shape[0]
    db = np.mean(delta, axis=0, keepdims=True)
    return dW, db


@mistake("layer_gradients", "bias_keepdims")
def lg_keepdims_sum(o_prev, delta):
    m = delta.shape[0]
    return np.dot(o_prev.T, delta) / m, np.sum(delta, axis=0, keepdims=True) / m


@mistake("backprop", "bias_keepdims")
def backprop_keepdims_biases(weights, biases, X, T):
    outs = [X]
    for W, b in zip(weights, biases):
        outs.append(1 / (1 + np.exp(-(outs[-1] @ W + b))))
    delta = (outs[-1] - T) * outs[-1] * (1 - outs[-1])
    dWs, dbs = [], []
    for l in reversed(range(len(weights))):
        dWs.insert(0, outs[l].T @ delta / X.shape[0])
        dbs.insert(0, delta.mean(axis=0, keepdims=True))
        delta = delta @ weights[l].T * outs[l] * (1 - outs[l])
    return dWs, dbs


WRONG = [e for e in CORPUS if e[2][0] != "passes"]
RIGHT = [e for e in CORPUS if e[2][0] == "passes"]


def _param(e):
    exercise, fn, expected, family = e
    return pytest.param(exercise, fn, expected, id=f"{exercise}-{family}-{fn.__name__}")


@functools.lru_cache(maxsize=None)
def verdict(exercise, fn):
    """checker.check once per (exercise, function); several tests read the same verdict."""
    return checker.check(exercise, fn, show=False)


def outcome_matches(r, expected) -> bool:
    """Does result r give the diagnosis `expected` (one of the corpus's expected forms)?"""
    kind, value = expected
    if kind == "mistake":
        return r.mistake == value
    if kind == "property":
        return getattr(r, "property", None) == value
    if kind == "any":
        return any(outcome_matches(r, option) for option in value)
    raise ValueError(kind)


@pytest.mark.parametrize("exercise, fn, expected", [_param(e) for e in WRONG])
def test_wrong_answer_gets_its_diagnosis(exercise, fn, expected):
    r = verdict(exercise, fn)
    assert not r.passed, r.message
    assert outcome_matches(r, expected), (
        f"expected {expected}, got mistake={r.mistake!r} property={getattr(r, 'property', None)!r}\n"
        f"{r.message}")


@pytest.mark.parametrize("exercise, fn, expected", [_param(e) for e in RIGHT])
def test_right_answer_passes(exercise, fn, expected):
    r = verdict(exercise, fn)
    assert r.passed, r.message


def test_corpus_has_three_functions_per_family():
    families = {}
    for _, fn, _, family in WRONG:
        families.setdefault(family, []).append(fn)
    assert all(len(fns) >= 3 for fns in families.values()), {
        f: len(fns) for f, fns in families.items() if len(fns) < 3}


# =============================================================================================
# Messages that once pointed at the wrong fix: the right id now, and the old wrong words gone
# =============================================================================================

UNKNOWN = "does not match a mistake the checker knows"   # [explanation.unknown]


def test_backprop_with_layers_in_reverse_order_is_named_and_not_called_all_wrong():
    r = verdict("backprop", backprop_appends_from_the_output_down)
    assert r.mistake == "layers_reversed", r.message
    assert UNKNOWN not in r.message, r.message
    assert "wrong (relative error" not in r.message, r.message   # the old tensor-by-tensor "all wrong"


def test_backprop_with_a_layer_left_none_is_named_and_not_told_it_forgot_the_return():
    r = verdict("backprop", backprop_range_stops_before_layer_one)
    assert r.mistake == "layer_left_none", r.message
    assert "forgot the `return`" not in r.message, r.message
    assert "return" not in r.hint.lower(), r.hint


@pytest.mark.parametrize("fn", [
    pytest.param(layer_gradients_np_sum_everything, id="np-sum-over-N"),
    pytest.param(layer_gradients_outer_products_and_method_sum, id="method-sum-over-N"),
    pytest.param(layer_gradients_einsum_and_np_mean, id="np-mean"),
])
def test_bias_gradient_reduced_over_every_axis_is_named_and_gets_no_np_array_advice(fn):
    r = verdict("layer_gradients", fn)
    assert r.mistake == "bias_wrong_axis", r.message
    assert "np.array" not in r.message, r.message


def test_gradient_on_a_copy_never_undone_is_named_and_not_told_it_changed_its_input():
    r = verdict("numerical_gradient", ng_copy_never_put_back)
    assert r.mistake == "perturbation_not_undone", r.message
    assert MISTAKES["input_modified"].explanation not in r.message, r.message
    assert not re.search(r"changed .{0,40}in place", r.headline + "\n" + r.explanation), r.message


def test_gradient_restored_by_arithmetic_passes_with_a_rounding_note():
    r = verdict("numerical_gradient", ng_restored_by_arithmetic)
    assert r.passed, r.message
    assert "rounding" in r.message, r.message


def test_forward_difference_with_its_own_step_is_named_and_told_eps_is_ignored():
    r = verdict("numerical_gradient", ng_forward_with_h_1e_4)
    assert r.mistake == "forward_difference", r.message
    assert "eps" in r.explanation or "eps" in r.hint, r.message


# =============================================================================================
# Wording bugs once seen in messages
# =============================================================================================

def output_delta_all_zeros(o, t):
    return np.zeros_like(o)


def hidden_delta_all_zeros(o, delta_next, W_next):
    return np.zeros((delta_next.shape[0], W_next.shape[0]))


def mse_loss_zero(o, t):
    return 0.0


def ema_all_zeros(thetas, beta):
    return np.zeros(np.shape(thetas))


def sigmoid_object_array(z):
    return np.array([1, "a"], dtype=object)


@pytest.mark.parametrize("exercise, fn", [
    pytest.param("output_delta", output_delta_all_zeros, id="output_delta"),
    pytest.param("hidden_delta", hidden_delta_all_zeros, id="hidden_delta"),
    pytest.param("mse_loss", mse_loss_zero, id="mse_loss"),
    pytest.param("ema", ema_all_zeros, id="ema"),
])
def test_all_zero_answer_is_not_called_0_times_the_expected(exercise, fn):
    r = verdict(exercise, fn)
    assert not r.passed, r.message
    assert "0 times" not in r.message, r.message


def test_object_array_answer_does_not_say_shape_none():
    r = verdict("sigmoid", sigmoid_object_array)
    assert not r.passed, r.message
    assert "shape None" not in r.message, r.message


def test_float64_sigmoid_clipped_to_30_passes_without_a_float32_note():
    r = verdict("sigmoid", sigmoid_clipped_to_30)
    assert r.passed, r.message
    assert "float32" not in r.message, r.message
