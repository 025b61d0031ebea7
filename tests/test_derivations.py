"""Derivation exercises: right answers typed in many styles pass, each misconception gets its id,
malformed and hostile answers get a message that says what to change, and every right answer
agrees with checker.reference (the one source of truth)."""
import math

import numpy as np
import pytest
import sympy

import checker
from checker import reference as ref
from checker.exercises import DERIVATIONS, REGISTRY
from checker.exercises.derive_backprop import layer_multiply_adds, worked_example

EQUIVALENT = {
    "d_sigmoid_in_o": ["o*(1 - o)", "o(1-o)", "o - o^2", "o-o**2", "-o**2 + o", "(1 - o) o", "o*(1-o)*1",
                       "σ'(z) = o(1 - o)", "o − o²", "（1-o）*o", "o/(1/(1-o))", "exp(log(o))*(1-o)"],
    "d_mse_d_o": ["o - t", "o-t", "-(t - o)", "(2*o - 2*t)/2", "-t+o", "o − t"],
    "delta_output_tanh": ["(o - t)*(1 - o^2)", "(o-t)(1-o)(1+o)", "(o - t) - (o - t) o²", "(o-t)*(1-o**2)",
                          "-(t - o)*(1 - o*o)"],
    "delta_softmax_ce": ["o - t", "o-t", "-(t-o)"],
    "ema_weight_k": ["(1 - beta)*beta^k", "(1-β)β^k", "beta**k - beta**(k+1)", "(1-beta)*beta**k",
                     "beta^k(1 - beta)", "exp(k*log(beta))*(1-beta)", "(1-beta)beta^k"],
    "ema_window_share": ["1 - beta^n", "1-β^n", "1 - beta**n", "-(beta^n - 1)", "(1 - beta^n)/1"],
    "ema_bias_factor": ["1/(1 - beta^t)", "1/(1-β^t)", "(1 - beta**t)**-1", "(1-beta^t)^(-1)"],
    "ema_ramp_lag": ["beta/(1 - beta)", "β/(1-β)", "1/(1 - beta) - 1", "-beta/(beta - 1)", "beta(1-beta)^-1"],
    "ema_noise_variance": ["(1 - beta)/(1 + beta)", "(1-β)/(1+β)", "(1 - beta)^2/(1 - beta^2)",
                           "2/(1 + beta) - 1", "(1-beta)*(1+beta)^-1"],
    "mazur_dE_dw1": [0.000438568, "0.000438568", 4.38568e-4, "4.38568e-4", np.float64(0.00043856773), 0.00043857],
    "backward_forward_ratio": [2, 2.0, "2", "4/2", np.int64(2), np.float32(2.0)],
    "ema_steps_to_99": [44, 44.0, "44", np.int64(44)],
}

# Wrong answers as learners type them: (exercise, answer, the mistake id it must get).
MISCONCEPTIONS = [
    ("d_sigmoid_in_o", "1 - o^2", "tanh_derivative"),
    ("d_sigmoid_in_o", "(1-o)(1+o)", "tanh_derivative"),
    ("d_sigmoid_in_o", "exp(-o)/(1+exp(-o))^2", "sigma_prime_of_output"),
    ("d_sigmoid_in_o", "1/(1+exp(-o)) * (1 - 1/(1+exp(-o)))", "sigma_prime_of_output"),
    ("d_sigmoid_in_o", "1 - o", "sigma_prime_one_factor"),
    ("d_sigmoid_in_o", "o^2 - o", "sign_flipped"),
    ("d_mse_d_o", "2(o - t)", "factor_two"),
    ("d_mse_d_o", "t - o", "sign_flipped"),
    ("d_mse_d_o", "(o-t)^2/2", "loss_not_derivative"),
    ("d_mse_d_o", "(o - t) o (1 - o)", "dL_do_is_delta"),
    ("delta_output_tanh", "(o - t) o (1 - o)", "sigmoid_derivative_for_tanh"),
    ("delta_output_tanh", "o - t", "missing_activation_derivative"),
    ("delta_output_tanh", "(o-t)*(1-tanh(o)**2)", "tanh_prime_of_output"),
    ("delta_output_tanh", "(t - o)(1 - o^2)", "sign_flipped"),
    ("delta_softmax_ce", "-t(1-o)", "softmax_jacobian_diagonal"),
    ("delta_softmax_ce", "t*o - t", "softmax_jacobian_diagonal"),
    ("delta_softmax_ce", "(o - t)*o*(1 - o)", "sigmoid_mse_delta"),
    ("delta_softmax_ce", "-t/o", "ce_without_softmax"),
    ("delta_softmax_ce", "t - o", "sign_flipped"),
    ("mazur_dE_dw1", 0.082167041, "output_weight_gradient"),
    ("mazur_dE_dw1", 0.000668396, "one_output_path"),
    ("mazur_dE_dw1", 0.00181752, "hidden_sigma_prime_missing"),
    ("mazur_dE_dw1", 0.00226835, "output_sigma_prime_missing"),
    ("mazur_dE_dw1", 0.000439, "too_few_digits"),
    ("mazur_dE_dw1", -0.000438568, "sign_flipped"),
    ("backward_forward_ratio", 1, "backward_counts_one_product"),
    ("backward_forward_ratio", 3, "backward_counts_both_passes"),
    ("backward_forward_ratio", "1/2", "ratio_inverted"),
    ("ema_weight_k", "(1 - beta)^k", "weight_power_of_one_minus_beta"),
    ("ema_weight_k", "beta^k", "weight_missing_one_minus_beta"),
    ("ema_weight_k", "(1-beta)beta^(k-1)", "weight_off_by_one"),
    ("ema_weight_k", "beta(1-beta)^k", "weight_roles_swapped"),
    ("ema_window_share", "n(1 - beta)", "window_share_linear"),
    ("ema_window_share", "beta^n", "window_share_remainder"),
    ("ema_window_share", "1 - beta^(n+1)", "window_share_off_by_one"),
    ("ema_window_share", "(1-beta)beta^n", "window_share_one_weight"),
    ("ema_bias_factor", "1 - beta^t", "correction_multiplies"),
    ("ema_bias_factor", "1/(1-beta)", "correction_missing_power"),
    ("ema_bias_factor", "1/(1 - beta^(t-1))", "correction_off_by_one"),
    ("ema_bias_factor", "1/(1-beta)^t", "correction_precedence"),
    ("ema_ramp_lag", "1/(1 - beta)", "window_as_lag"),
    ("ema_ramp_lag", "(1-beta)/beta", "lag_inverted"),
    ("ema_ramp_lag", "beta/(2(1 - beta))", "boxcar_lag"),
    ("ema_noise_variance", "1 - beta", "variance_window_count"),
    ("ema_noise_variance", "(1-beta)^2", "variance_newest_weight_only"),
    ("ema_noise_variance", "1/(1+beta)", "variance_weights_not_squared"),
    ("ema_noise_variance", "sqrt((1-beta)/(1+beta))", "std_not_variance"),
    ("ema_steps_to_99", 43, "steps_rounded_down"),
    ("ema_steps_to_99", 43.71, "steps_not_whole"),
    ("ema_steps_to_99", "43.7", "steps_not_whole"),
    ("ema_steps_to_99", 10, "steps_window"),
    ("ema_steps_to_99", 46, "steps_exp_approximation"),
    ("ema_steps_to_99", 22, "steps_for_90_percent"),
]


def check(exercise, answer):
    return checker.check(exercise, answer, show=False)


@pytest.mark.parametrize("exercise,answer", [(e, a) for e, answers in EQUIVALENT.items() for a in answers])
def test_an_equivalent_answer_in_any_style_passes(exercise, answer):
    result = check(exercise, answer)
    assert result.passed, result.message
    checker.grade(exercise, answer)


def test_every_derivation_has_equivalent_forms_and_three_misconceptions_tested():
    assert set(EQUIVALENT) == set(DERIVATIONS)
    for exercise in DERIVATIONS:
        tested = {m for e, _, m in MISCONCEPTIONS if e == exercise}
        assert set(REGISTRY[exercise].known_mistakes()) <= tested and len(tested) >= 3, exercise


@pytest.mark.parametrize("exercise,answer,mistake", MISCONCEPTIONS)
def test_a_misconception_gets_its_mistake_id_and_points_to_the_callout(exercise, answer, mistake):
    result = check(exercise, answer)
    assert not result.passed and result.mistake == mistake, result.message
    assert mistake in checker.MISTAKES
    assert any("Stuck? Common mistakes" in note for note in result.notes)


def test_a_sympy_expression_is_read_like_typed_text():
    beta, k = sympy.symbols("beta k")
    assert check("ema_weight_k", (1 - beta) * beta ** k).passed
    assert check("ema_weight_k", (1 - beta) ** k).mistake == "weight_power_of_one_minus_beta"


@pytest.mark.parametrize("answer,mistake,words", [
    ("o*(1 - o", "unreadable_answer", "could not read"),
    ("o $ 2", "unreadable_answer", "⟨here⟩"),
    ("o // 2", "unreadable_answer", "could not read"),
    ("", "unreadable_answer", "empty"),
    ("x*(1 - x)", "unknown_symbol", "x, which this exercise does not define"),
    ("sigmoid(z)*(1 - sigmoid(z))", "unknown_symbol", "symbols you may use: o"),
    ("0.25", "number_not_expression", "is a number"),
    (0.25, "number_not_expression", "is a number"),
    ([0.25], "wrong_type", "holds a list"),
    (True, "wrong_type", "holds a bool"),
    (lambda o: o * (1 - o), "wrong_type", "holds a function"),
    ("o" * 400, "unreadable_answer", "longer than"),
    ("9^9^9^9", "unreadable_answer", "too large"),
    ("(" * 60 + "o" + ")" * 60, "unreadable_answer", "levels deep"),
    ("o/0", "unreadable_answer", "divides by zero"),
])
def test_a_malformed_answer_gets_a_message_that_says_what_to_change(answer, mistake, words):
    result = check("d_sigmoid_in_o", answer)
    assert not result.passed and result.mistake == mistake
    assert words in result.message, result.message


def test_a_symbol_where_a_number_is_asked_is_named():
    result = check("mazur_dE_dw1", "delta_h1 * x1")
    assert result.mistake == "expression_not_number" and "asks for a number" in result.message


def test_none_is_not_attempted_and_grade_says_so():
    assert check("ema_ramp_lag", None).mistake == "not_attempted"
    with pytest.raises(AssertionError, match="not attempted yet"):
        checker.grade("ema_ramp_lag", None)


@pytest.mark.parametrize("hostile", ["__import__('os').system('touch /tmp/pwned_by_answer')",
                                     "exec('import os')", "o.__class__", "[o for o in ()]", "lambda: o",
                                     "().__class__.__bases__[0].__subclasses__()"])
def test_an_answer_is_never_run_as_python(hostile, tmp_path):
    result = check("d_sigmoid_in_o", hostile)
    assert not result.passed and result.mistake in ("unreadable_answer", "unknown_symbol")
    assert not (tmp_path / "pwned_by_answer").exists()


def test_a_str_subclass_cannot_fake_its_text():
    class Sly(str):
        def __str__(self):
            return "o*(1 - o)"
        __repr__ = __str__

        def __eq__(self, other):
            return True
    assert check("d_sigmoid_in_o", Sly("1 - o^2")).mistake == "tanh_derivative"


def test_an_answer_object_whose_str_loops_is_stopped():
    class Endless:
        __module__ = "sympy.fake"

        def __str__(self):
            while True:
                pass
    result = checker.check("d_sigmoid_in_o", Endless(), show=False, time_limit=0.5)
    assert result.mistake == "too_slow" and not result.passed


def test_a_wrong_expression_shows_a_point_in_check_and_hides_values_in_grade():
    shown = check("ema_ramp_lag", "beta^2")
    assert shown.mistake is None and "At beta = " in shown.message and "the right answer is" in shown.message
    with pytest.raises(AssertionError) as raised:
        checker.grade("ema_ramp_lag", "beta^2")
    assert "…" in str(raised.value) and "At beta = " in str(raised.value)
    assert str(float(sympy.Rational(0))) not in str(raised.value).split("At beta = ")[1][:3]


def test_a_constant_factor_and_a_constant_offset_are_named():
    assert "exactly 0.5 times" in check("ema_noise_variance", "(1 - beta)/(2(1 + beta))").message
    assert "by the same amount" in check("ema_ramp_lag", "beta/(1 - beta) + 2").message


# ---------------------------------------------------------------- the right answers are the reference's


BETAS = [0.5, 0.9, 0.98]


def value(exercise, **symbols):
    ex = REGISTRY[exercise]
    expr = ex.read(ex.right)
    return float(expr.subs({ex.sympy_symbols()[n]: v for n, v in symbols.items()}))


def test_sigma_prime_and_mse_derivative_agree_with_the_reference():
    o = np.linspace(0.05, 0.95, 7)
    assert np.allclose([value("d_sigmoid_in_o", o=x) for x in o], ref.sigmoid_derivative(o))
    t = np.linspace(0, 1, 7)
    h = 1e-6
    for x, y in zip(o, t):
        numeric = (ref.mse_loss(np.array([[x + h]]), np.array([[y]])) -
                   ref.mse_loss(np.array([[x - h]]), np.array([[y]]))) / (2 * h)
        assert value("d_mse_d_o", o=x, t=y) == pytest.approx(numeric, rel=1e-6)


def test_tanh_delta_is_the_numerical_derivative_of_the_loss_in_z():
    h = 1e-6
    for z, y in [(0.3, 0.9), (-1.2, 0.1), (2.0, -0.5)]:
        loss = lambda z_: 0.5 * (np.tanh(z_) - y) ** 2
        numeric = (loss(z + h) - loss(z - h)) / (2 * h)
        assert value("delta_output_tanh", o=np.tanh(z), t=y) == pytest.approx(numeric, rel=1e-6)


def test_softmax_cross_entropy_delta_is_the_numerical_gradient():
    rng = np.random.default_rng(0)
    z, t = rng.normal(size=5), np.eye(5)[2]
    softmax = lambda v: np.exp(v - v.max()) / np.exp(v - v.max()).sum()
    loss = lambda v: -np.sum(t * np.log(softmax(v)))
    h = 1e-6
    numeric = [(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(5)]
    o = softmax(z)
    assert np.allclose([value("delta_softmax_ce", o=o[k], t=t[k]) for k in range(5)], numeric, atol=1e-8)


def test_the_worked_example_gradient_is_the_published_one():
    assert REGISTRY["mazur_dE_dw1"].right_value() == pytest.approx(0.000438568, rel=1e-6)
    weights, biases, X, T = worked_example()
    h = 1e-5
    up, down = [w.copy() for w in weights], [w.copy() for w in weights]
    up[0][0, 0] += h
    down[0][0, 0] -= h
    numeric = (ref.network_loss(up, biases, X, T) - ref.network_loss(down, biases, X, T)) / (2 * h)
    assert REGISTRY["mazur_dE_dw1"].right_value() == pytest.approx(numeric, rel=1e-6)


def test_the_backward_pass_costs_twice_the_forward_in_any_shape():
    for N, n_in, n_out in [(1, 1, 1), (64, 32, 10), (7, 300, 2)]:
        c = layer_multiply_adds(N, n_in, n_out)
        assert (c["dW"] + c["delta_back"]) / c["forward"] == REGISTRY["backward_forward_ratio"].right_value()
        o_prev, W, delta = np.ones((N, n_in)), np.ones((n_in, n_out)), np.ones((N, n_out))
        assert (o_prev @ W).sum() == c["forward"] and (o_prev.T @ delta).sum() == c["dW"]
        assert (delta @ W.T).sum() == c["delta_back"]


@pytest.mark.parametrize("beta", BETAS)
def test_the_weight_of_age_k_is_the_reference_emas_impulse_response(beta):
    T = 40
    spike = np.zeros(T)
    spike[T - 1 - 5] = 1.0          # θ_{t−5} = 1 at t = T
    assert ref.ema(spike, beta)[-1] == pytest.approx(value("ema_weight_k", beta=beta, k=5))
    ones_last = np.r_[np.zeros(T - 7), np.ones(7)]
    assert ref.ema(ones_last, beta)[-1] == pytest.approx(value("ema_window_share", beta=beta, n=7))


@pytest.mark.parametrize("beta", BETAS)
def test_the_bias_factor_turns_the_reference_ema_into_the_corrected_one(beta):
    thetas = np.random.default_rng(1).normal(size=30)
    raw, corrected = ref.ema(thetas, beta), ref.ema_bias_corrected(thetas, beta)
    for t in (1, 2, 10, 30):
        assert raw[t - 1] * value("ema_bias_factor", beta=beta, t=t) == pytest.approx(corrected[t - 1])


@pytest.mark.parametrize("beta", BETAS)
def test_the_ramp_lag_and_the_noise_variance_hold_for_the_reference_ema(beta):
    T = 4000
    ramp = np.arange(1, T + 1, dtype=float)
    assert T - ref.ema(ramp, beta)[-1] == pytest.approx(value("ema_ramp_lag", beta=beta), rel=1e-9)
    weights = (1 - beta) * beta ** np.arange(T)
    assert np.sum(weights ** 2) == pytest.approx(value("ema_noise_variance", beta=beta), rel=1e-9)
    noise = np.random.default_rng(2).normal(size=200_000)
    measured = np.var(ref.ema(noise, beta)[1000:])
    assert measured == pytest.approx(value("ema_noise_variance", beta=beta), rel=0.05)


def test_steps_to_99_is_the_first_t_the_correction_falls_below_1_01():
    t = REGISTRY["ema_steps_to_99"].right_value()
    assert 1 - 0.9 ** t >= 0.99 > 1 - 0.9 ** (t - 1)
    assert t == math.ceil(math.log(0.01) / math.log(0.9))


def test_an_answer_fitted_to_the_visible_points_fails_on_the_hidden_ones():
    from checker.seeds import CHECK_SEED
    ex = REGISTRY["ema_ramp_lag"]
    beta = ex.sympy_symbols()["beta"]
    visible = ex.cases(CHECK_SEED)[0].info["points"]
    roots = "*".join(f"(beta-{float(p[beta]):.10f})" for p in visible)
    fitted = f"beta/(1-beta)+{roots}"       # right at every visible point, wrong everywhere else
    assert check("ema_ramp_lag", fitted).passed
    with pytest.raises(AssertionError, match="not right yet"):
        checker.grade("ema_ramp_lag", fitted)
    hidden = [ex.cases(seed)[0].info["points"] for seed in (1, 2, 3)]
    assert all(h != visible for h in hidden)   # each seed (each student's, in the engine) its own points


@pytest.mark.parametrize("exercise", DERIVATIONS)
def test_no_message_about_a_wrong_answer_gives_the_right_one_away(exercise):
    ex = REGISTRY[exercise]
    right = ex.right if ex.symbols else f"{ex.right_value():g}"
    spelled = {right, right.replace(" ", ""), right.replace("^", "**"), right.replace(" ", "").replace("^", "**")}
    if not ex.symbols and len(right) < 2:   # a one-digit number is in any text; name it as an answer
        spelled = {f"answer = {right}", f"is {right}."}
    doubled = f"2*({ex.right})" if ex.symbols else 2 * ex.right_value()
    negated = f"-({ex.right})" if ex.symbols else -ex.right_value()
    for answer in [None, "", "o(", "x", 0.25, [1], "beta^3", doubled, negated]:
        result = check(exercise, answer)
        words = f"{result.explanation} {result.hint}"
        assert not result.passed and not any(s in words for s in spelled), (answer, words)
