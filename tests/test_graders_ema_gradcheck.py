"""The graders of numerical_gradient, relative_error, ema, ema_bias_corrected and ema_update,
seen from the learner's side.

Every function below is written from scratch with numpy (or pandas / scipy), the way a learner
would write it in a notebook; none calls checker.reference. Correct answers in different styles
must pass; each catalogued mistake, written the way a confused learner writes it, must fail with
its own mistake id and that mistake's explanation in the message.
"""
import numpy as np
import pandas as pd
import pytest
from scipy.signal import lfilter

import checker
from checker import MISTAKES


def check(exercise, fn):
    return checker.check(exercise, fn, show=False)


def assert_passes(r):
    assert r.passed is True, r.message
    assert r.score == r.max_score
    assert r.mistake is None, r.message


def assert_diagnosed(r, mistake):
    assert not r.passed, r.message
    assert r.score == 0
    assert r.mistake == mistake, r.message
    assert MISTAKES[mistake].explanation in r.message


def _column(t, like):
    """t = 1 … T shaped to broadcast against an array like thetas of shape (T, ...)."""
    return t.reshape((-1,) + (1,) * (like.ndim - 1))


# =========================================================================================
# numerical_gradient(f, x, eps=1e-5)
# =========================================================================================

def ng_ndindex_with_copies(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus = x.copy()
        x_plus[idx] += eps
        x_minus = x.copy()
        x_minus[idx] -= eps
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * eps)
    return grad


def ng_cs231n_nditer_restore(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old_value = x[ix]
        x[ix] = old_value + eps
        fxph = f(x)
        x[ix] = old_value - eps
        fxmh = f(x)
        x[ix] = old_value  # restore
        grad[ix] = (fxph - fxmh) / (2 * eps)
        it.iternext()
    return grad


def ng_flat_index_plus_minus_2eps(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        x.flat[i] += eps
        f_plus = f(x)
        x.flat[i] -= 2 * eps
        f_minus = f(x)
        x.flat[i] += eps  # back where it was, up to rounding
        grad.flat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def ng_raveled_copy(f, x, eps=1e-5):
    shape = x.shape
    flat = x.ravel().astype(float)  # a copy
    grad = []
    for i in range(len(flat)):
        up = flat.copy()
        down = flat.copy()
        up[i] = up[i] + eps
        down[i] = down[i] - eps
        grad.append((f(up.reshape(shape)) - f(down.reshape(shape))) / (2 * eps))
    return np.array(grad).reshape(shape)


def ng_identity_matrix_steps(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    steps = eps * np.eye(x.size)
    diffs = [f(x + e.reshape(x.shape)) - f(x - e.reshape(x.shape)) for e in steps]
    return np.array(diffs).reshape(x.shape) / (2 * eps)


@pytest.mark.parametrize("fn", [
    pytest.param(ng_ndindex_with_copies, id="ndindex-loop-with-copies"),
    pytest.param(ng_cs231n_nditer_restore, id="cs231n-nditer-in-place-restore"),
    pytest.param(ng_flat_index_plus_minus_2eps, id="flat-index-in-place-plus-minus-2eps"),
    pytest.param(ng_raveled_copy, id="raveled-copy-then-reshape"),
    pytest.param(ng_identity_matrix_steps, id="identity-matrix-steps"),
])
def test_correct_numerical_gradient_passes(fn):
    assert_passes(check("numerical_gradient", fn))


def ng_forward_difference(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        x_step = x.copy()
        x_step[idx] += eps
        grad[idx] = (f(x_step) - fx) / eps  # "the definition of the derivative"
    return grad


def ng_backward_difference(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        x_back = x.copy()
        x_back.flat[i] -= eps
        grad.flat[i] = (f(x) - f(x_back)) / eps
    return grad


def ng_divides_by_eps(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (f(plus) - f(minus)) / eps
    return grad


def ng_minus_before_plus(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (f(minus) - f(plus)) / (2 * eps)
    return grad


def ng_whole_vector_nudged(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = (f(x + eps) - f(x - eps)) / (2 * eps)  # x + eps moves every element
    return grad


def ng_own_step_size(f, x, eps=1e-5):
    h = 1e-6  # "a small number"
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


@pytest.mark.parametrize("fn, mistake", [
    pytest.param(ng_forward_difference, "forward_difference", id="forward-difference"),
    pytest.param(ng_backward_difference, "forward_difference", id="backward-difference"),
    pytest.param(ng_divides_by_eps, "central_difference_missing_2", id="divides-by-eps-not-2eps"),
    pytest.param(ng_minus_before_plus, "difference_reversed", id="f-minus-before-f-plus"),
    pytest.param(ng_whole_vector_nudged, "perturbs_all_elements", id="x-plus-eps-whole-vector"),
    pytest.param(ng_own_step_size, "eps_ignored", id="own-step-h-1e-6"),
])
def test_numerical_gradient_mistake_is_diagnosed(fn, mistake):
    assert_diagnosed(check("numerical_gradient", fn), mistake)


def ng_never_restores(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += eps
        f_plus = f(x)
        x[idx] -= 2 * eps
        f_minus = f(x)
        # forgot to put x[idx] back: it stays at x - eps
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def test_numerical_gradient_that_never_restores_x_fails():
    r = check("numerical_gradient", ng_never_restores)
    assert not r.passed and r.score == 0, r.message


def test_numerical_gradient_that_never_restores_x_is_told_it_changed_x():
    assert_diagnosed(check("numerical_gradient", ng_never_restores), "input_modified")


def test_a_float64_forward_difference_gets_no_float32_note():
    r = check("numerical_gradient", ng_forward_difference)
    assert not r.passed
    assert "float32" not in r.message


def ng_float64_kept_in_float32_array(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape, dtype=np.float32)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (f(plus) - f(minus)) / (2 * eps)
    return grad


@pytest.mark.parametrize("seed", [
    pytest.param(0, id="seed-0"),
    pytest.param(3, id="seed-3"),
])
def test_float64_differences_kept_in_a_float32_array_pass(seed):
    assert_passes(checker.check("numerical_gradient", ng_float64_kept_in_float32_array,
                                show=False, seed=seed))


# =========================================================================================
# relative_error(a, b)
# =========================================================================================

def re_sum_of_norms_guarded(a, b):
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 0.0
    return np.linalg.norm(a - b) / denom


def re_max_of_norms_floor(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-12)


def re_python_loops(a, b):
    diff_sq = a_sq = b_sq = 0.0
    for ai, bi in zip(np.ravel(a), np.ravel(b)):
        diff_sq += (ai - bi) ** 2
        a_sq += ai ** 2
        b_sq += bi ** 2
    top = diff_sq ** 0.5
    bottom = a_sq ** 0.5 + b_sq ** 0.5
    return 0.0 if bottom == 0 else float(top / bottom)


def re_sqrt_sum_squares_floor(a, b):
    diff = np.sqrt(np.sum((a - b) ** 2))
    size = np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(b ** 2))
    return diff / max(size, 1e-12)


def re_l1_norms(a, b):
    denom = np.abs(a).sum() + np.abs(b).sum()
    return 0.0 if denom == 0 else np.abs(a - b).sum() / denom


def re_float32(a, b):
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return np.float32(0.0) if denom == 0 else np.linalg.norm(a - b) / denom


@pytest.mark.parametrize("fn", [
    pytest.param(re_sum_of_norms_guarded, id="sum-of-norms-if-zero-return-0"),
    pytest.param(re_max_of_norms_floor, id="max-of-norms-floored-1e-12"),
    pytest.param(re_python_loops, id="python-loops"),
    pytest.param(re_sqrt_sum_squares_floor, id="sqrt-sum-squares-floored"),
    pytest.param(re_l1_norms, id="l1-norms"),
    pytest.param(re_float32, id="float32"),
])
def test_correct_relative_error_passes(fn):
    assert_passes(check("relative_error", fn))


def re_absolute(a, b):
    return np.sqrt(np.sum((a - b) ** 2))


def re_no_guard(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def re_max_no_guard(a, b):
    return np.linalg.norm(a - b) / np.maximum(np.linalg.norm(a), np.linalg.norm(b))


def re_relative_to_a(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a)


def re_relative_to_b(a, b):
    # "b is the true gradient, so measure the error relative to it"
    return np.linalg.norm(b - a) / np.linalg.norm(b)


def re_sums_not_norms(a, b):
    return abs(np.sum(a - b)) / (abs(np.sum(a)) + abs(np.sum(b)))


def re_signed_means(a, b):
    return np.mean(a - b) / (np.mean(a) + np.mean(b))


@pytest.mark.parametrize("fn, mistake", [
    pytest.param(re_absolute, "absolute_error", id="absolute-error"),
    pytest.param(re_no_guard, "relative_error_unsafe_at_zero", id="sum-of-norms-without-guard"),
    pytest.param(re_max_no_guard, "relative_error_unsafe_at_zero", id="max-of-norms-without-guard"),
    pytest.param(re_relative_to_a, "relative_error_one_sided", id="divided-by-norm-a"),
    pytest.param(re_relative_to_b, "relative_error_one_sided", id="divided-by-norm-b"),
    pytest.param(re_sums_not_norms, "relative_error_not_a_norm", id="abs-of-sums"),
    pytest.param(re_signed_means, "relative_error_not_a_norm", id="signed-means"),
])
def test_relative_error_mistake_is_diagnosed(fn, mistake):
    assert_diagnosed(check("relative_error", fn), mistake)


# =========================================================================================
# ema(thetas, beta)
# =========================================================================================

def ema_loop(thetas, beta):
    v = 0
    averages = []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        averages.append(v)
    return np.array(averages)


def ema_preallocated(thetas, beta):
    v = np.zeros_like(thetas, dtype=float)
    previous = np.zeros(thetas.shape[1:])
    for t in range(len(thetas)):
        v[t] = beta * previous + (1 - beta) * thetas[t]
        previous = v[t]
    return v


def ema_lfilter(thetas, beta):
    return lfilter([1 - beta], [1, -beta], thetas, axis=0)


def ema_pandas_zero_prepended(thetas, beta):
    frame = pd.DataFrame(np.asarray(thetas).reshape(len(thetas), -1))
    zero = pd.DataFrame(np.zeros((1, frame.shape[1])))
    padded = pd.concat([zero, frame], ignore_index=True)
    smoothed = padded.ewm(alpha=1 - beta, adjust=False).mean().to_numpy()[1:]
    return smoothed.reshape(np.shape(thetas))


def ema_weight_matrix(thetas, beta):
    T = len(thetas)
    t = np.arange(T)
    lag = t[:, None] - t[None, :]  # t − k
    weights = np.where(lag >= 0, (1 - beta) * beta ** np.maximum(lag, 0), 0.0)
    return np.tensordot(weights, thetas, axes=1)


def ema_rescaled_cumsum(thetas, beta):
    if beta == 0:
        return np.array(thetas, dtype=float)
    t = _column(np.arange(1, len(thetas) + 1), np.asarray(thetas))
    # v_t = (1 − β) β^t Σ_{k ≤ t} β^(−k) θ_k  (fine here: β^(−T) stays far from overflow)
    return (1 - beta) * beta ** t * np.cumsum(thetas * beta ** (-t), axis=0)


def ema_float32(thetas, beta):
    thetas = np.asarray(thetas, dtype=np.float32)
    beta = np.float32(beta)
    v = np.zeros(thetas.shape[1:], dtype=np.float32)
    out = np.empty_like(thetas)
    for t in range(len(thetas)):
        v = beta * v + (1 - beta) * thetas[t]
        out[t] = v
    return out


@pytest.mark.parametrize("fn", [
    pytest.param(ema_loop, id="python-loop-append"),
    pytest.param(ema_preallocated, id="preallocated-index-loop"),
    pytest.param(ema_lfilter, id="scipy-lfilter"),
    pytest.param(ema_pandas_zero_prepended, id="pandas-ewm-adjust-false-zero-prepended"),
    pytest.param(ema_weight_matrix, id="vectorised-weight-matrix"),
    pytest.param(ema_rescaled_cumsum, id="vectorised-rescaled-cumsum"),
    pytest.param(ema_float32, id="float32-loop"),
])
def test_correct_ema_passes(fn):
    assert_passes(check("ema", fn))


def ema_weights_swapped(thetas, beta):
    v = 0
    out = []
    for theta in thetas:
        v = (1 - beta) * v + beta * theta
        out.append(v)
    return np.array(out)


def ema_starts_at_first_theta(thetas, beta):
    v = thetas[0]  # "start the average at the first value"
    out = []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


def ema_returns_final_v(thetas, beta):
    v = 0
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
    return v


def ema_corrects_anyway(thetas, beta):
    v = 0
    out = []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ema_appends_before_update(thetas, beta):
    v = np.zeros(thetas.shape[1:])
    out = []
    for theta in thetas:
        out.append(v)  # records v_{t−1}
        v = beta * v + (1 - beta) * theta
    return np.array(out)


def ema_keeps_v0(thetas, beta):
    vs = [np.zeros(thetas.shape[1:])]
    for theta in thetas:
        vs.append(beta * vs[-1] + (1 - beta) * theta)
    return np.array(vs)


def ema_overwrites_thetas(thetas, beta):
    v = 0
    for t in range(len(thetas)):
        v = beta * v + (1 - beta) * thetas[t]
        thetas[t] = v
    return thetas


@pytest.mark.parametrize("fn, mistake", [
    pytest.param(ema_weights_swapped, "beta_swapped", id="beta-and-one-minus-beta-swapped"),
    pytest.param(ema_starts_at_first_theta, "v0_is_theta1", id="v-starts-at-thetas-0"),
    pytest.param(ema_returns_final_v, "returns_last_only", id="returns-final-v"),
    pytest.param(ema_corrects_anyway, "correction_in_plain_ema", id="bias-corrected-anyway"),
    pytest.param(ema_appends_before_update, "ema_shifted", id="appends-before-update"),
    pytest.param(ema_keeps_v0, "ema_shifted", id="keeps-v0-in-output"),
    pytest.param(ema_overwrites_thetas, "input_modified", id="overwrites-thetas-in-place"),
])
def test_ema_mistake_is_diagnosed(fn, mistake):
    assert_diagnosed(check("ema", fn), mistake)


# =========================================================================================
# ema_bias_corrected(thetas, beta)
# =========================================================================================

def ebc_loop(thetas, beta):
    v = 0.0
    out = []
    t = 0
    for theta in thetas:
        t += 1
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ebc_pandas_adjust_true(thetas, beta):
    frame = pd.DataFrame(np.asarray(thetas).reshape(len(thetas), -1))
    smoothed = frame.ewm(alpha=1 - beta, adjust=True).mean().to_numpy()
    return smoothed.reshape(np.shape(thetas))


def ebc_lfilter_then_divide(thetas, beta):
    v = lfilter([1 - beta], [1, -beta], thetas, axis=0)
    t = _column(np.arange(1, len(thetas) + 1), v)
    return v / (1 - beta ** t)


def ebc_weighted_mean(thetas, beta):
    # the weighted average of θ_1 … θ_t with weights β^(t−k): numerator and total weight
    numerator = np.zeros(np.shape(thetas)[1:])
    weight = 0.0
    out = []
    for theta in thetas:
        numerator = beta * numerator + theta
        weight = beta * weight + 1
        out.append(numerator / weight)
    return np.array(out)


def ebc_float32(thetas, beta):
    thetas = np.asarray(thetas, dtype=np.float32)
    v = lfilter(np.array([1 - beta], np.float32), np.array([1, -beta], np.float32), thetas, axis=0)
    t = _column(np.arange(1, len(thetas) + 1, dtype=np.float32), v)
    return (v / (1 - np.float32(beta) ** t)).astype(np.float32)


@pytest.mark.parametrize("fn", [
    pytest.param(ebc_loop, id="python-loop-with-t-counter"),
    pytest.param(ebc_pandas_adjust_true, id="pandas-ewm-adjust-true"),
    pytest.param(ebc_lfilter_then_divide, id="lfilter-then-divide"),
    pytest.param(ebc_weighted_mean, id="weighted-mean-recurrence"),
    pytest.param(ebc_float32, id="float32-lfilter"),
])
def test_correct_ema_bias_corrected_passes(fn):
    assert_passes(check("ema_bias_corrected", fn))


def ebc_swapped_weights(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = (1 - beta) * v + beta * theta
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ebc_no_correction(thetas, beta):
    v, out = 0.0, []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


def ebc_starts_at_first_theta(thetas, beta):
    v, out = thetas[0], []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ebc_starts_at_first_theta_no_correction(thetas, beta):
    # "starting from θ_1 there is no bias, so nothing to correct"
    v, out = thetas[0], []
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        out.append(v)
    return np.array(out)


def ebc_enumerate_from_zero(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ebc_counter_bumped_early(thetas, beta):
    v, out, t = 0.0, [], 1
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
        t += 1
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ebc_corrects_v_itself(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        v = v / (1 - beta ** t)
        out.append(v)
    return np.array(out)


def ebc_multiplies(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v * (1 - beta ** t))
    return np.array(out)


def ebc_beta_times_t(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta * t))
    return np.array(out)


def ebc_one_minus_beta_to_the_t(thetas, beta):
    v, out = 0.0, []
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - (1 - beta) ** t))
    return np.array(out)


def ebc_final_T_for_all(thetas, beta):
    v = lfilter([1 - beta], [1, -beta], thetas, axis=0)
    return v / (1 - beta ** len(thetas))


def ebc_returns_final_corrected(thetas, beta):
    v = 0.0
    for theta in thetas:
        v = beta * v + (1 - beta) * theta
    return v / (1 - beta ** len(thetas))


def ebc_trims_to_length_from_the_wrong_end(thetas, beta):
    v = np.zeros(np.shape(thetas)[1:])
    out = [v]  # v̂_0 = 0
    for t, theta in enumerate(thetas, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta ** t))
    return np.array(out[:-1])  # "one too many: drop one so it matches len(thetas)"


def ebc_keeps_v0(thetas, beta):
    v = [np.zeros(np.shape(thetas)[1:])]
    for theta in thetas:
        v.append(beta * v[-1] + (1 - beta) * theta)
    return np.array([v[0]] + [v[t] / (1 - beta ** t) for t in range(1, len(v))])


@pytest.mark.parametrize("fn, mistake", [
    pytest.param(ebc_swapped_weights, "beta_swapped", id="beta-and-one-minus-beta-swapped"),
    pytest.param(ebc_no_correction, "missing_bias_correction", id="no-correction"),
    pytest.param(ebc_starts_at_first_theta, "v0_is_theta1", id="v-starts-at-thetas-0"),
    pytest.param(ebc_starts_at_first_theta_no_correction, "v0_is_theta1",
                 id="v-starts-at-thetas-0-no-correction"),
    pytest.param(ebc_enumerate_from_zero, "t_from_zero", id="enumerate-from-0"),
    pytest.param(ebc_counter_bumped_early, "t_off_by_one", id="t-counter-bumped-too-early"),
    pytest.param(ebc_corrects_v_itself, "corrected_fed_back", id="corrects-v-itself"),
    pytest.param(ebc_multiplies, "correction_multiplied", id="multiplies-by-correction"),
    pytest.param(ebc_beta_times_t, "beta_times_t", id="one-minus-beta-times-t"),
    pytest.param(ebc_one_minus_beta_to_the_t, "one_minus_beta_power", id="one-minus-beta-to-the-t"),
    pytest.param(ebc_final_T_for_all, "correction_with_final_T", id="final-T-for-every-step"),
    pytest.param(ebc_returns_final_corrected, "returns_last_only", id="returns-final-value"),
    pytest.param(ebc_trims_to_length_from_the_wrong_end, "ema_shifted", id="drops-last-instead-of-v0"),
    pytest.param(ebc_keeps_v0, "ema_shifted", id="keeps-v0-in-output"),
])
def test_ema_bias_corrected_mistake_is_diagnosed(fn, mistake):
    assert_diagnosed(check("ema_bias_corrected", fn), mistake)


# =========================================================================================
# ema_update(shadow, params, beta)
# =========================================================================================

def eu_list_comprehension(shadow, params, beta):
    return [beta * s + (1 - beta) * p for s, p in zip(shadow, params)]


def eu_loop_append(shadow, params, beta):
    new_shadow = []
    for i in range(len(shadow)):
        new_shadow.append(beta * shadow[i] + (1 - beta) * params[i])
    return new_shadow


def eu_tuple(shadow, params, beta):
    return tuple(beta * s + (1 - beta) * p for s, p in zip(shadow, params))


def eu_step_towards_params(shadow, params, beta):
    # TensorFlow's form: shadow − (1 − β)(shadow − param), on new arrays
    return [s - (1 - beta) * (s - p) for s, p in zip(shadow, params)]


def eu_copy_then_in_place_on_copy(shadow, params, beta):
    new = [s.copy() for s in shadow]
    for s, p in zip(new, params):
        s *= beta
        s += (1 - beta) * p
    return new


def eu_float32(shadow, params, beta):
    return [np.float32(beta) * s.astype(np.float32) + np.float32(1 - beta) * p.astype(np.float32)
            for s, p in zip(shadow, params)]


@pytest.mark.parametrize("fn", [
    pytest.param(eu_list_comprehension, id="list-comprehension"),
    pytest.param(eu_loop_append, id="index-loop-append"),
    pytest.param(eu_tuple, id="tuple-return"),
    pytest.param(eu_step_towards_params, id="step-towards-params"),
    pytest.param(eu_copy_then_in_place_on_copy, id="in-place-on-copies"),
    pytest.param(eu_float32, id="float32"),
])
def test_correct_ema_update_passes(fn):
    assert_passes(check("ema_update", fn))


def eu_unpacked_in_wrong_order(shadow, params, beta):
    new = []
    for p, s in zip(shadow, params):  # params and shadow mixed up
        new.append(beta * s + (1 - beta) * p)
    return new


def eu_in_place(shadow, params, beta):
    for s, p in zip(shadow, params):
        s *= beta
        s += (1 - beta) * p
    return shadow


@pytest.mark.parametrize("fn, mistake", [
    pytest.param(eu_unpacked_in_wrong_order, "shadow_params_swapped", id="zip-unpacked-in-wrong-order"),
    pytest.param(eu_in_place, "input_modified", id="updates-shadow-in-place"),
])
def test_ema_update_mistake_is_diagnosed(fn, mistake):
    assert_diagnosed(check("ema_update", fn), mistake)


# =========================================================================================
# float32 answers: accepted, with a note that says so
# =========================================================================================

@pytest.mark.parametrize("exercise, fn", [
    pytest.param("ema", ema_float32, id="ema"),
    pytest.param("ema_bias_corrected", ebc_float32, id="ema_bias_corrected"),
    pytest.param("ema_update", eu_float32, id="ema_update"),
    pytest.param("numerical_gradient", ng_float64_kept_in_float32_array, id="numerical_gradient"),
])
def test_float32_answer_passes_with_a_float32_note(exercise, fn):
    r = check(exercise, fn)
    assert r.passed, r.message
    assert any("float32" in note for note in r.notes)
    assert "float32" in r.message
