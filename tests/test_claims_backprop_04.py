"""Every number the prose of notebooks/backprop/04_gradient_checking states, asserted."""
import inspect
import re

import nbformat
import numpy as np
import pytest

from checker.reference import (backprop, directional_check, full_check, hidden_delta, init_network,
                               layer_gradients, network_loss, numerical_gradient, output_delta,
                               relative_error, forward)
from notebooks import NOTEBOOKS, claims, executed_source, interview_quotes_only_taught_numbers, markdown, printed

PATH = NOTEBOOKS / "backprop" / "04_gradient_checking.ipynb"
NB = nbformat.read(PATH, as_version=4)
TEXT = markdown(NB)

states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition


# --- 4.1 the worked example: sin(x)·x² at x = 1 -------------------------------------------------
f = lambda x: np.sin(x) * x ** 2
EXACT = np.cos(1.0) + 2 * np.sin(1.0)
F2 = -np.sin(1.0) + 4 * np.cos(1.0) + 2 * np.sin(1.0)   # f''(1)
F3 = -6 * np.sin(1.0) + 5 * np.cos(1.0)                 # f'''(1)

def forward_error(eps):
    return np.abs((f(1 + eps) - f(1)) / eps - EXACT)

def central_error(eps):
    return np.abs((f(1 + eps) - f(1 - eps)) / (2 * eps) - EXACT)

def test_worked_example_errors_at_eps_1e_3():
    states("ε = 1e-3 the forward difference is off by about 1.5e-3 and the central difference by about")
    states("3.9e-7, just as the leading terms")
    assert f"{forward_error(1e-3):.1e}" == "1.5e-03" and f"{1e-3 * abs(F2) / 2:.1e}" == "1.5e-03"
    assert f"{central_error(1e-3):.1e}" == "3.9e-07" and f"{1e-6 * abs(F3) / 6:.1e}" == "3.9e-07"
    # the derivatives used above are right
    h = 1e-4
    assert (f(1 + h) - 2 * f(1) + f(1 - h)) / h ** 2 == pytest.approx(F2, rel=1e-5)

def test_ten_times_smaller_eps_gives_ten_and_a_hundred_times_smaller_errors():
    states("Make ε ten times smaller and the forward difference gets ten times more accurate, the central one")
    states("a hundred times.")
    assert forward_error(1e-3) / forward_error(1e-4) == pytest.approx(10, rel=0.01)
    assert central_error(1e-3) / central_error(1e-4) == pytest.approx(100, rel=0.01)

def test_exercise_default_eps():
    states("`numerical_gradient(f, x, eps=1e-5)`")
    assert inspect.signature(numerical_gradient).parameters["eps"].default == 1e-5


# --- 4.2 relative error -------------------------------------------------------------------------
def test_relative_error_properties_stated():
    states("so the error lies between 0 and 1.")
    states("It is 1 when one of them is zero and the other is not.")
    states("if a and b are both zero the formula is 0/0")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert 0 <= relative_error(a, b) <= 1
    assert relative_error(a, np.zeros_like(a)) == 1.0 == relative_error(np.zeros_like(b), b)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0

def test_absolute_error_scaled_by_1e_6_looks_a_million_times_better():
    states("scaled by 1e-6 would suddenly look a million times better.")
    rng = np.random.default_rng(1)
    a = rng.normal(size=5)
    b = a + 1e-3 * rng.normal(size=5)
    ratio = np.linalg.norm(a - b) / np.linalg.norm(1e-6 * a - 1e-6 * b)
    assert ratio == pytest.approx(1e6, rel=1e-9)
    assert relative_error(1e-6 * a, 1e-6 * b) == pytest.approx(relative_error(a, b), rel=1e-9)

def test_threshold_table():
    states("| below 1e-7 | very good")
    states("| between 1e-7 and 1e-4 | look closer")
    states("| above 1e-4 | usually a bug |")
    states("Sections 4.3 to 4.5 show correct gradients below 1e-7 in float64, and a gradient that is off")
    states("by only 0.1 % landing above 1e-4.")
    states("Below 1e-7 is very good, above 1e-4 usually a bug.")
    # the demonstrations agree with the rules of thumb: see the 4.3 and 4.5 tests below
    assert float32_table()[1e-5][0] < 1e-7
    assert 0.001 / 2.001 > 1e-4


# --- 4.3 float32 against float64 ----------------------------------------------------------------
def test_machine_epsilons_and_best_steps():
    states("u ≈ 2.2e-16")
    states("u ≈ 1.2e-7 in float32")
    states("about 6e-6 in float64, which is why `eps=1e-5` is a good default, but about 4.9e-3 in float32.")
    states("about 1.5e-8 in float64.)")
    u64, u32 = np.finfo(np.float64).eps, float(np.finfo(np.float32).eps)
    assert f"{u64:.1e}" == "2.2e-16" and f"{u32:.1e}" == "1.2e-07"
    assert f"{u64 ** (1 / 3):.0e}" == "6e-06"
    assert f"{u32 ** (1 / 3):.1e}" == "4.9e-03"
    assert f"{u64 ** 0.5:.1e}" == "1.5e-08"


def loss_in(dtype, weights, biases, X, T):
    o = X.astype(dtype)
    for W, b in zip(weights, biases):
        o = 1 / (1 + np.exp(-(o @ W.astype(dtype) + b.astype(dtype))))
    return float(0.5 * np.sum((o - T.astype(dtype)) ** 2) / len(X))


def float32_table():
    """eps -> (float64 error, float32 error), as in the notebook's 4.3 cell."""
    rng = np.random.default_rng(1)
    weights, biases = init_network([4, 5, 3], seed=1)
    X, T = rng.normal(size=(8, 4)), rng.uniform(size=(8, 3))
    assert loss_in(np.float64, weights, biases, X, T) == pytest.approx(network_loss(weights, biases, X, T), rel=1e-14)
    dWs, dbs = backprop(weights, biases, X, T)
    analytic = np.concatenate([g.ravel() for g in dWs + dbs])
    params = weights + biases

    def numerical_all(dtype, eps):
        parts = []
        for i, p in enumerate(params):
            def fi(x, i=i):
                trial = params[:i] + [x] + params[i + 1:]
                return loss_in(dtype, trial[:2], trial[2:], X, T)
            parts.append(numerical_gradient(fi, p, eps).ravel())
        return np.concatenate(parts)

    return {eps: (relative_error(numerical_all(np.float64, eps), analytic),
                  relative_error(numerical_all(np.float32, eps), analytic))
            for eps in [1e-2, 1e-3, 1e-5, 1e-7]}


def test_float32_looks_like_a_bug_float64_does_not():
    states("in float32 at ε = 1e-5 the relative error is above 1e-3")
    states("In float64 at the same ε it is below 1e-9.")
    states('the table brings float32 into the "very good" range below 1e-7.')
    table = float32_table()
    assert table[1e-5][1] > 1e-3 and table[1e-5][1] > 1e-4   # "reads as a bug"
    assert table[1e-5][0] < 1e-9
    assert min(e32 for _, e32 in table.values()) > 1e-7
    # float32 gets better with a larger step, and eps=1e-5 is the best of the table in float64
    assert table[1e-2][1] < table[1e-3][1] < table[1e-5][1] < table[1e-7][1]
    assert min(table, key=lambda eps: table[eps][0]) == 1e-5


# --- 4.4 error against eps ----------------------------------------------------------------------
EPS = np.logspace(-12, -1, 45)

def test_sweep_range_and_slopes():
    states("1e-1 down to 1e-12")
    states("slope 1 for forward, slope 2 for central")
    states("slope −1, noisily")
    states("The fitted slopes on the right are ≈ 1 (forward) and ≈ 2 (central), within ±0.2")
    right_f, right_c = EPS >= 1e-4, EPS >= 1e-3
    slope_f = np.polyfit(np.log10(EPS[right_f]), np.log10(forward_error(EPS[right_f])), 1)[0]
    slope_c = np.polyfit(np.log10(EPS[right_c]), np.log10(central_error(EPS[right_c])), 1)[0]
    assert abs(slope_f - 1) < 0.2 and abs(slope_c - 2) < 0.2
    left = EPS <= 1e-9   # rounding side of both
    for err in (forward_error, central_error):
        slope = np.polyfit(np.log10(EPS[left]), np.log10(err(EPS[left])), 1)[0]
        assert -1.5 < slope < -0.5

def test_best_eps_and_the_gain_of_central_differences():
    states("The best ε for central differences lies between 1e-7 and 1e-3, for forward differences between")
    states("1e-10 and 1e-6, where")
    states("the central difference is more than 100 times more accurate than the forward")
    states("ε around 1e-5 (not 1e-10: smaller is not better)")
    ef, ec = forward_error(EPS), central_error(EPS)
    assert 1e-7 <= EPS[np.argmin(ec)] <= 1e-3
    assert 1e-10 <= EPS[np.argmin(ef)] <= 1e-6
    assert ef.min() > 100 * ec.min()
    assert central_error(1e-10) > 100 * central_error(1e-5)
    assert central_error(1e-5) < 10 * ec.min()


# --- 4.5 directional checks ---------------------------------------------------------------------
SIZES = [64, 128, 64, 10]
NAMES = ["W_1", "W_2", "W_3", "b_1", "b_2", "b_3"]

def mlp():
    rng = np.random.default_rng(2)
    weights, biases = init_network(SIZES, seed=0)
    X, T = rng.normal(size=(8, SIZES[0])), rng.uniform(size=(8, SIZES[-1]))
    dWs, dbs = backprop(weights, biases, X, T)
    grads = dWs + dbs
    grads[1] = grads[1] * 1.001
    return (lambda p: network_loss(p[:3], p[3:], X, T)), weights + biases, grads

def test_parameter_and_pass_counts():
    states("The 64-128-64-10 network below has P = 17,226 parameters, so 34,452 forward passes.")
    states("draws 3 random unit directions per tensor")
    states("For our 6 tensors that is")
    states("2 · 3 · 6 = 36 forward passes.")
    states("The cost differs by a factor of about 957: the full check made 34,452 forward passes, the")
    states("directional check 36.")
    P = sum(n_in * n_out + n_out for n_in, n_out in zip(SIZES[:-1], SIZES[1:]))
    assert P == 17226 and 2 * P == 34452
    assert inspect.signature(directional_check).parameters["directions"].default == 3
    loss, params, grads = mlp()
    assert len(params) == 6 and sum(p.size for p in params) == P
    assert directional_check(loss, params, grads).forward_passes == 2 * 3 * 6 == 36
    assert round(34452 / 36) == 957

def test_directional_check_flags_only_W2_at_about_5e_4():
    states("∂L/∂W_2 is scaled by 1.001, an error of only 0.1 %")
    states("with tolerance 1e-5.")
    states("Both checks flag W_2 and only W_2, with a relative error of about 5.00e-04")
    states("1.001 against the true one gives $0.001 / 2.001$. That is above 1e-4")
    states("that is why its tolerance is 1e-5")
    assert inspect.signature(directional_check).parameters["tolerance"].default == 1e-5
    assert inspect.signature(full_check).parameters["tolerance"].default == 1e-5
    assert f"{0.001 / 2.001:.2e}" == "5.00e-04"
    loss, params, grads = mlp()
    report = directional_check(loss, params, grads, names=NAMES)
    assert report.failed == [1]
    assert f"{report.errors[1]:.2e}" == "5.00e-04"

@pytest.mark.slow
def test_full_check_flags_only_W2_and_passes_the_others_below_1e_7():
    states("The five correct tensors pass, in the full check")
    states("with errors below 1e-7.")
    loss, params, grads = mlp()
    report = full_check(loss, params, grads, names=NAMES)
    assert report.failed == [1] and report.forward_passes == 34452
    assert f"{report.errors[1]:.2e}" == "5.00e-04"
    assert all(e < 1e-7 for i, e in enumerate(report.errors) if i != 1)


# --- 4.6 reading a failed check of your own backprop --------------------------------------------
def own_network():
    rng = np.random.default_rng(3)
    sizes = [4, 6, 5, 3]
    weights = [rng.normal(0, 1, size=(n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0, 0.5, size=n_out) for n_out in sizes[1:]]
    X, T = rng.normal(size=(6, sizes[0])), rng.uniform(size=(6, sizes[-1]))
    return weights, biases, X, T

def errors_of(buggy_backprop):
    weights, biases, X, T = own_network()
    params = weights + biases
    dWs, dbs = buggy_backprop(weights, biases, X, T)
    errors = []
    for i, (p, g) in enumerate(zip(params, dWs + dbs)):
        def fi(x, i=i):
            trial = params[:i] + [x] + params[i + 1:]
            return network_loss(trial[:3], trial[3:], X, T)
        errors.append(relative_error(g, numerical_gradient(fi, p)))
    return errors

def variant(output=output_delta, hidden=hidden_delta, grads=layer_gradients):
    def bp(weights, biases, X, T):
        o = forward(weights, biases, X)
        delta = output(o[-1], T)
        dWs, dbs = [None] * 3, [None] * 3
        for l in (3, 2, 1):
            dWs[l - 1], dbs[l - 1] = grads(o[l - 1], delta)
            if l > 1:
                delta = hidden(o[l - 1], delta, weights[l - 1])
        return dWs, dbs
    return bp

def test_correct_backprop_is_very_good_on_the_3_layer_network():
    states("on a small 3-layer network.")
    assert all(e < 1e-7 for e in errors_of(backprop))
    assert all(e < 1e-7 for e in errors_of(variant()))

def test_hidden_delta_bug_leaves_W3_and_b3_passing():
    states("- W_3 and b_3 pass, the others fail: the bug is in the hidden δ")
    errors = errors_of(variant(hidden=lambda o, d, W: d @ W.T))  # σ′ forgotten in hidden layers
    assert errors[2] < 1e-7 and errors[5] < 1e-7
    assert all(errors[i] > 1e-4 for i in (0, 1, 3, 4))

def test_factor_two_gives_one_third_and_factor_N_gives_N_minus_1_over_N_plus_1():
    states("- Every tensor fails with a relative error near 1/3: a factor 2")
    states("relative error of a and 2a is 1/3")
    states("gives $(N-1)/(N+1)$: a missing or an extra 1/N.")
    a = np.random.default_rng(4).normal(size=(3, 2))
    assert relative_error(a, 2 * a) == pytest.approx(1 / 3)
    N = 6
    assert relative_error(a, N * a) == pytest.approx((N - 1) / (N + 1))
    errors = errors_of(variant(output=lambda o, t: 2 * output_delta(o, t)))
    assert all(e == pytest.approx(1 / 3, abs=1e-6) for e in errors)

def test_bias_bug_fails_only_the_b_tensors():
    states("- Only the b tensors fail: the bias gradient sums over the wrong axis, or forgets the 1/N.")
    errors = errors_of(variant(grads=lambda o, d: (layer_gradients(o, d)[0], d.sum(axis=0))))
    assert all(errors[i] < 1e-7 for i in (0, 1, 2))
    assert all(errors[i] == pytest.approx(5 / 7, abs=1e-6) for i in (3, 4, 5))


# --- the executed notebook prints what the prose says -------------------------------------------
@pytest.mark.notebooks
def test_the_printed_numbers_match_the_prose():
    out = printed(executed_source(PATH))
    # 4.1
    assert "forward difference: 2.2247452238   error 1.5e-03" in out
    assert "central difference: 2.2232438843   error 3.9e-07" in out
    # 4.3: eps, float64, float32
    rows = {float(m[0]): (float(m[1]), float(m[2]))
            for m in re.findall(r"^\s*(1e-0\d)\s+(\S+)\s+(\S+)$", out, flags=re.M)}
    assert set(rows) == {1e-2, 1e-3, 1e-5, 1e-7}
    assert rows[1e-5][1] > 1e-3 and rows[1e-5][0] < 1e-9 and min(r[1] for r in rows.values()) > 1e-7
    # 4.4
    slopes = re.search(r"fitted slope on the right: forward (\S+), central (\S+)", out)
    assert abs(float(slopes[1]) - 1) < 0.2 and abs(float(slopes[2]) - 2) < 0.2
    best = re.search(r"best ε: forward (\S+) \(error (\S+)\), central (\S+) \(error (\S+)\)", out)
    assert 1e-10 <= float(best[1]) <= 1e-6 and 1e-7 <= float(best[3]) <= 1e-3
    assert float(best[2]) > 100 * float(best[4])
    # 4.5
    assert "MLP 64-128-64-10, batch 8: 17,226 parameters in 6 tensors" in out
    assert "forward passes: full 34,452, directional 36, ratio 957" in out
    assert "36 forward passes, tolerance 1e-05" in out and "34452 forward passes, tolerance 1e-05" in out
    assert out.count("FAIL W_2: relative error 5.00e-04") == 2 and out.count("FAIL") == 2
    full = out[out.index("full check ("):out.index("34452 forward passes")]
    assert all(float(e) < 1e-7 for e in re.findall(r"ok   \w+: relative error (\S+)", full))
    # 4.6: the instructor's backprop, checked with the instructor's numerical_gradient
    own = re.findall(r"^(W_\d|b_\d): relative error (\S+)   (.+)$", out, flags=re.M)
    assert len(own) == 6 and all(float(e) < 1e-7 and v == "very good" for _, e, v in own)


def test_the_interview_questions_follow_the_summary_and_quote_only_taught_numbers():
    interview_quotes_only_taught_numbers(NB)