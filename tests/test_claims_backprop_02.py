"""Every number the prose of notebooks/backprop/02_output_layer states, asserted.

The worked example is Matt Mazur's "A Step by Step Backpropagation Example" (2015); its
published values are checked both against our reference math and against what the notebook
prints."""
import re

import nbformat
import numpy as np
import pytest

from checker.reference import (forward, layer_gradients, mse_loss, network_loss, numerical_gradient,
                               output_delta, relative_error, sigmoid)
from notebooks import NOTEBOOKS, callout_forms, claims, executed_source, markdown, printed

PATH = NOTEBOOKS / "backprop" / "02_output_layer.ipynb"
TEXT = markdown(nbformat.read(PATH, as_version=4))


states = claims(PATH)   # in the English words, and its numbers, math and code in the Chinese edition


# The tutorial's network, in the course's layout: W[j, k] = weight from unit j to unit k.
w = dict(zip(range(1, 9), [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]))
X, T = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
W_1 = np.array([[w[1], w[3]], [w[2], w[4]]])
W_2 = np.array([[w[5], w[7]], [w[6], w[8]]])
b_1, b_2 = np.array([0.35, 0.35]), np.array([0.60, 0.60])
WEIGHTS, BIASES = [W_1, W_2], [b_1, b_2]
_, O_1, O_2 = forward(WEIGHTS, BIASES, X)
DELTA_2 = output_delta(O_2, T)
DW_2, DB_2 = layer_gradients(O_1, DELTA_2)

# The values published in the tutorial, with its number of digits.
PUBLISHED = {"z_h1": "0.3775", "o_h1": "0.593269992", "o_h2": "0.596884378", "o_o1": "0.75136507",
             "o_o2": "0.772928465", "L": "0.298371109", "dL/do_o1": "0.74136507",
             "do_o1/dz_o1": "0.186815602", "δ_o1": "0.138498562", "∂L/∂w5": "0.082167041",
             "w5 after one step": "0.35891648"}
OURS = {"z_h1": (X @ W_1 + b_1)[0, 0], "o_h1": O_1[0, 0], "o_h2": O_1[0, 1], "o_o1": O_2[0, 0],
        "o_o2": O_2[0, 1], "L": mse_loss(O_2, T), "dL/do_o1": (O_2 - T)[0, 0],
        "do_o1/dz_o1": (O_2 * (1 - O_2))[0, 0], "δ_o1": DELTA_2[0, 0], "∂L/∂w5": DW_2[0, 0],
        "w5 after one step": W_2[0, 0] - 0.5 * DW_2[0, 0]}


def agrees(value, published):
    """value rounded to the published number of decimals gives the published string's number."""
    decimals = len(published.split(".")[1])
    return round(float(value), decimals) == float(published)


def test_the_setup_of_the_worked_example():
    states("has 2 inputs, 2 hidden units and 2 outputs")
    states("inputs $x = (0.05, 0.10)$, targets $t = (0.01, 0.99)$")
    states("hidden biases $b_1 = 0.35$, output biases $b_2 = 0.60$")
    states("$w_1, \\dots, w_8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55$")
    states(r"= \begin{pmatrix} 0.15 & 0.25 \\ 0.20 & 0.30 \end{pmatrix}")
    states(r"= \begin{pmatrix} 0.40 & 0.50 \\ 0.45 & 0.55 \end{pmatrix}")
    assert W_1.shape == (2, 2) and W_2.shape == (2, 2) and X.shape == (1, 2) and T.shape == (1, 2)
    # the wiring h1 = σ(w1 x1 + w2 x2 + b1), o1 = σ(w5 o_h1 + w6 o_h2 + b2), o2 = σ(w7 o_h1 + w8 o_h2 + b2)
    x1, x2 = X[0]
    assert O_1[0, 0] == pytest.approx(sigmoid(w[1] * x1 + w[2] * x2 + 0.35))
    assert O_1[0, 1] == pytest.approx(sigmoid(w[3] * x1 + w[4] * x2 + 0.35))
    assert O_2[0, 0] == pytest.approx(sigmoid(w[5] * O_1[0, 0] + w[6] * O_1[0, 1] + 0.60))
    assert O_2[0, 1] == pytest.approx(sigmoid(w[7] * O_1[0, 0] + w[8] * O_1[0, 1] + 0.60))


def test_which_weight_is_which_entry():
    states("So $w_5$ (from h1 to o1) is `W_2[0, 0]` and $w_6$ (from h2 to o1) is `W_2[1, 0]`; $w_7$\n"
           "(h1 to o2) is `W_2[0, 1]`")
    assert W_2[0, 0] == w[5] and W_2[1, 0] == w[6] and W_2[0, 1] == w[7] and W_2[1, 1] == w[8]
    states("which puts $w_6$ where $w_7$ belongs")
    row_by_row = np.array([[w[5], w[6]], [w[7], w[8]]])
    assert row_by_row[0, 1] == w[6] and W_2[0, 1] == w[7]


def test_the_forward_pass_matches_the_published_values():
    states(r"$z_{h1} = 0.15 \cdot 0.05 + 0.20 \cdot 0.10 + 0.35 = 0.3775$")
    assert 0.15 * 0.05 + 0.20 * 0.10 + 0.35 == pytest.approx(0.3775)
    for name, snippet in [("o_h1", "$o_{h1} = 0.593269992$"), ("o_h2", "$o_{h2} = 0.596884378$"),
                          ("o_o1", "$o_{o1} = 0.75136507$"), ("o_o2", "$o_{o2} = 0.772928465$"),
                          ("L", "$L = 0.298371109$")]:
        states(snippet)
        assert agrees(OURS[name], PUBLISHED[name]), name


def test_the_gradient_of_w5_factor_by_factor():
    states(r"\underbrace{(o_{o1} - t_1)}_{0.74136507}")
    states(r"\underbrace{o_{o1}(1 - o_{o1})}_{0.186815602}")
    states(r"\underbrace{o_{h1}}_{0.593269992}")
    states(r"= \delta_{o1}\, o_{h1} = 0.138498562 \cdot 0.593269992 = 0.082167041")
    for name in ["dL/do_o1", "do_o1/dz_o1", "δ_o1", "∂L/∂w5", "o_h1"]:
        assert agrees(OURS[name], PUBLISHED[name]), name
    assert OURS["∂L/∂w5"] == pytest.approx(OURS["dL/do_o1"] * OURS["do_o1/dz_o1"] * OURS["o_h1"])
    assert agrees(0.138498562 * 0.593269992, PUBLISHED["∂L/∂w5"])


def test_columns_of_the_gradient_and_the_bias():
    states(r"Column 0 (into o1) is $\delta_{o1}$ times $(o_{h1}, o_{h2})$")
    assert np.allclose(DW_2[:, 0], DELTA_2[0, 0] * O_1[0])
    assert np.allclose(DW_2[:, 1], DELTA_2[0, 1] * O_1[0])
    states(r"The second column is negative because $o_{o2} < t_2$")
    assert O_2[0, 1] < T[0, 1] and np.all(DW_2[:, 1] < 0)
    states(r"**$\partial L/\partial b_2 = \delta_2$**")
    assert np.allclose(DB_2, DELTA_2[0])


def test_one_gradient_step_on_w5():
    states(r"one step of gradient descent with learning rate 0.5")
    states(r"moves $w_5$ to $0.40 - 0.5 \cdot 0.082167041 = 0.35891648$")
    assert agrees(OURS["w5 after one step"], PUBLISHED["w5 after one step"])
    assert agrees(0.40 - 0.5 * 0.082167041, PUBLISHED["w5 after one step"])


def test_output_delta_of_the_worked_example():
    states(r"$\delta_{o1} = 0.138498562$, and $\delta_{o2} = -0.038098237$")
    assert f"{DELTA_2[0, 0]:.9f}" == "0.138498562" and f"{DELTA_2[0, 1]:.9f}" == "-0.038098237"


def test_batch_formulas_equal_the_sum_of_per_example_gradients():
    states(r"(n_\text{in}, N) \;@\; (N, n_\text{out}) \;\to\; (n_\text{in}, n_\text{out})")
    states("batch of 4 examples")
    rng = np.random.default_rng(0)
    N = 4
    Xb, Tb = rng.uniform(0, 1, size=(N, 2)), rng.uniform(0.05, 0.95, size=(N, 2))
    _, o_hidden, o_out = forward(WEIGHTS, BIASES, Xb)
    delta = output_delta(o_out, Tb)
    dW, db = layer_gradients(o_hidden, delta)
    assert dW.shape == W_2.shape and db.shape == b_2.shape
    assert np.allclose(dW, sum(np.outer(o_hidden[n], delta[n]) for n in range(N)) / N)
    per_example = [layer_gradients(o_hidden[n:n + 1], delta[n:n + 1]) for n in range(N)]
    assert np.allclose(dW, np.mean([g[0] for g in per_example], axis=0))
    assert np.allclose(db, np.mean([g[1] for g in per_example], axis=0))
    # and they are the gradients of the mean loss
    assert relative_error(dW, numerical_gradient(lambda W: network_loss([W_1, W], BIASES, Xb, Tb), W_2)) < 1e-8
    assert relative_error(db, numerical_gradient(lambda b: network_loss(WEIGHTS, [b_1, b], Xb, Tb), b_2)) < 1e-8


def test_saturated_and_wrong_output():
    states(r"$o = 0.99$: the output is wrong by 0.99")
    states(r"$\delta = 0.99 \cdot 0.99 \cdot 0.01 \approx 0.0098$")
    assert f"{float(output_delta(0.99, 0.0)):.4f}" == "0.0098"
    assert 0.99 * 0.99 * 0.01 == pytest.approx(float(output_delta(0.99, 0.0)))


def test_largest_delta_for_t_0_and_t_1():
    states(r"its derivative $2o - 3o^2$ vanishes at $o = 2/3$")
    states(r"$|\delta|$ is at most $4/27 \approx 0.148$")
    states(r"$\delta = -o(1 - o)^2$, largest in size at $o = 1/3$")
    o = np.linspace(0, 1, 300001)
    d0, d1 = output_delta(o, 0.0), output_delta(o, 1.0)
    assert np.allclose(d0, o ** 2 * (1 - o)) and np.allclose(d1, -o * (1 - o) ** 2)
    assert o[np.argmax(np.abs(d0))] == pytest.approx(2 / 3, abs=1e-5)
    assert o[np.argmax(np.abs(d1))] == pytest.approx(1 / 3, abs=1e-5)
    assert np.max(np.abs(d0)) == pytest.approx(4 / 27) and np.max(np.abs(d1)) == pytest.approx(4 / 27)
    assert f"{4 / 27:.3f}" == "0.148"
    assert 2 * (2 / 3) - 3 * (2 / 3) ** 2 == pytest.approx(0)


def test_numerical_gradient_check_of_the_worked_example():
    states(r"it is below $10^{-8}$ for both $\partial L/\partial W_2$")
    num_W = numerical_gradient(lambda W: network_loss([W_1, W], BIASES, X, T), W_2)
    num_b = numerical_gradient(lambda b: network_loss(WEIGHTS, [b_1, b], X, T), b_2)
    assert relative_error(DW_2, num_W) < 1e-8 and relative_error(DB_2, num_b) < 1e-8
    states(r"A flipped sign gives a relative error of exactly 1")
    states(r"a factor 2 gives exactly $1/3$")
    states(r"A forgotten σ′ gives an error of about 0.69 here")
    assert relative_error(layer_gradients(O_1, -DELTA_2)[0], DW_2) == pytest.approx(1.0)
    assert relative_error(layer_gradients(O_1, 2 * DELTA_2)[0], DW_2) == pytest.approx(1 / 3)
    assert relative_error(layer_gradients(O_1, -DELTA_2)[0], num_W) == pytest.approx(1.0, abs=1e-9)
    assert relative_error(layer_gradients(O_1, 2 * DELTA_2)[0], num_W) == pytest.approx(1 / 3, abs=1e-9)
    assert f"{relative_error(layer_gradients(O_1, O_2 - T)[0], num_W):.2f}" == "0.69"


@pytest.mark.notebooks
def test_the_notebook_prints_the_published_values():
    out = printed(executed_source(PATH))
    found = {name: re.search(rf"{re.escape(name)} = (-?[\d.]+)", out).group(1)
             for name in ["o_h1", "o_h2", "o_o1", "o_o2", "L", "δ_o1", "∂L/∂w5"]}
    for name, value in found.items():
        assert value == f"{OURS[name]:.9f}", name  # the reference's value, to the printed digits
        assert agrees(float(value), PUBLISHED[name]), name  # the published value
    assert "z_1 = [[0.377500000 0.392500000]]" in out
    assert "δ_2 = [[0.138498562 -0.038098237]]" in out
    assert "[[0.082167041 -0.022602540]\n [0.082667628 -0.022740242]]" in out
    assert "∂L/∂b_2 = [0.138498562 -0.038098237]" in out


@pytest.mark.notebooks
def test_the_notebook_prints_what_the_prose_says():
    out = printed(executed_source(PATH))
    assert "o_1.T (2, 4) @ δ_2 (4, 2) -> (2, 2)" in out
    difference = float(re.search(r"largest difference: (\S+)", out).group(1))
    assert difference < 1e-15
    assert "t = 0, o = 0.99:  error = 0.99,  δ = 0.0098" in out
    assert "largest |δ| for t = 0: 0.148" in out
    errors = [float(e) for e in re.findall(r"relative error, ∂L/∂[Wb]_2: (\S+)", out)]
    assert len(errors) == 2 and max(errors) < 1e-8
    assert re.search(r"sign_flipped: .* relative error of ∂L/∂W_2: 1\n", out)
    assert re.search(r"factor_two: .* relative error of ∂L/∂W_2: 0\.33\n", out)
    assert re.search(r"missing_sigma_prime: .* relative error of ∂L/∂W_2: 0\.69\n", out)
    assert "[[0.138498562 -0.038098237]]" in out  # the learner's output_delta on the worked example


# ---------------------------------------------------------------- 2.1, a tanh output unit
def test_the_worked_tanh_delta():
    states(r"\tanh'(z) = \frac{s' c - s c'}{c^2} = \frac{c^2 - s^2}{c^2} = 1 - \tanh^2(z) = 1 - o^2")
    states(r"\delta_k = (o_k - t_k)\,(1 - o_k^2)")
    z = np.linspace(-4, 4, 81)
    s, c = np.exp(z) - np.exp(-z), np.exp(z) + np.exp(-z)
    eps = 1e-6
    d = lambda f: (f(z + eps) - f(z - eps)) / (2 * eps)
    assert np.allclose(d(lambda x: np.exp(x) - np.exp(-x)), c, rtol=1e-8)    # s' = c
    assert np.allclose(d(lambda x: np.exp(x) + np.exp(-x)), s, atol=1e-7)    # c' = s
    assert np.allclose(s / c, np.tanh(z)) and np.allclose((c * c - s * s) / c ** 2, 1 - np.tanh(z) ** 2)
    assert np.allclose(d(np.tanh), 1 - np.tanh(z) ** 2, atol=1e-9)
    for t in (-0.7, 0.0, 0.3, 1.0):
        o = np.tanh(z)
        numerical = d(lambda x: 0.5 * (np.tanh(x) - t) ** 2)
        assert np.allclose(numerical, (o - t) * (1 - o ** 2), atol=1e-9)
    states("$1 - o^2$\ngoes to 0 as $o$ approaches $\\pm 1$, as $o(1 - o)$ does near 0 and 1")
    for o in (0.999999, -0.999999):
        assert 1 - o ** 2 < 1e-5
    assert 0.999999 * (1 - 0.999999) < 1e-5 and 1e-6 * (1 - 1e-6) < 1e-5


def _callout_forms(ex_id):
    return callout_forms(PATH, ex_id)


def test_every_typed_wrong_answer_in_the_tanh_callout_is_diagnosed_as_named():
    import checker
    from checker.exercises import REGISTRY
    bullets = _callout_forms("delta_output_tanh")
    assert {m for m, _ in bullets} == {m.mistake for m in REGISTRY["delta_output_tanh"].misconceptions}
    for mistake, forms in bullets:
        assert forms, mistake
        for form in forms:
            result = checker.check("delta_output_tanh", form, show=False)
            assert not result.passed and result.mistake == mistake, (form, result.mistake)
    assert checker.check("delta_output_tanh", "(o - t)*(1 - o^2)", show=False).passed


# ---------------------------------------------------------------- 2.2 and 2.3, the layouts
def test_the_tutorial_loss_is_our_L_with_N_1():
    states(r"(the tutorial calls the loss $E_\text{total}$; it is our $L$ with $N = 1$)")
    assert mse_loss(O_2, T) == pytest.approx(0.5 * np.sum((O_2 - T) ** 2))   # N = 1


def test_the_column_layout_is_ours_transposed():
    states(r"$W_\text{DLS} = W_\text{ours}^\top$")
    states(r"$Z^\top = A^\top W_\text{ours} + b^\top$")
    states(r"$dW = \frac1N\, dZ\, A^\top$ is our `o_prev.T @ delta / N` transposed")
    rng = np.random.default_rng(3)
    N, n_in, n_out = 5, 3, 2
    o_prev, W, b = rng.normal(size=(N, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    W_dls, A, b_dls = W.T, o_prev.T, b[:, None]
    assert W_dls.shape == (n_out, n_in) and A.shape == (n_in, N)
    Z = W_dls @ A + b_dls                      # one example per column
    assert np.allclose(Z.T, o_prev @ W + b)
    delta = rng.normal(size=(N, n_out))
    dZ = delta.T
    dW_dls = dZ @ A.T / N
    dW, db = layer_gradients(o_prev, delta)
    assert np.allclose(dW_dls, dW.T)
    assert np.allclose(dZ.sum(axis=1, keepdims=True) / N, db[:, None])


def test_the_worked_example_uses_the_course_name_sigmoid():
    cells = nbformat.read(PATH, as_version=4).cells
    worked = next(c for c in cells if c.cell_type == "code" and "W_2 = np.array" in c.source)
    assert "def sigmoid(z):" in worked.source and "sigma(" not in worked.source


def test_notation_layer_D():
    states("layer $D$ is the output layer")
    for old in [r"\delta_L", "W_L", "o_L", "b_L", "o_{L-1}", "δ_L"]:
        assert old not in TEXT, old


# ---------------------------------------------------------------- interview questions
def test_interview_numbers():
    states("at o = 0.99 that slope is 0.99 · 0.01 = 0.0099. So δ ≈ 0.0098 although the error is 0.99")
    assert f"{0.99 * 0.01:.4f}" == "0.0099" and f"{float(output_delta(0.99, 0.0)):.4f}" == "0.0098"
    states("For t = 0, |δ| is never above 4/27 ≈ 0.148")
    o = np.linspace(0, 1, 100001)
    assert np.max(np.abs(output_delta(o, 0.0))) <= 4 / 27 + 1e-12
    states("every gradient is N times too small")
    rng = np.random.default_rng(4)
    o_prev, delta = rng.uniform(size=(6, 3)), rng.normal(size=(6, 2))
    dW, db = layer_gradients(o_prev, delta)
    dW_twice, db_twice = layer_gradients(o_prev, delta / 6)
    assert np.allclose(dW_twice, dW / 6) and np.allclose(db_twice, db / 6)
    states("a weight whose input is 0 gets no gradient")
    o_prev[:, 1] = 0.0
    assert np.all(layer_gradients(o_prev, delta)[0][1] == 0)


@pytest.mark.notebooks
def test_the_notebook_prints_the_tanh_check():
    out = printed(executed_source(PATH))
    gap = float(re.search(r"largest gap between the two: (\S+)", out).group(1))
    assert gap < 1e-9
    formula = re.search(r"\(o − t\)\(1 − o²\): \[([^\]]*)\]", out).group(1).split()
    numerical = re.search(r"numerical ∂L/∂z: \[([^\]]*)\]", out).group(1).split()
    assert formula == numerical and len(formula) == 5
